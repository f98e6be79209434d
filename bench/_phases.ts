import * as fs from 'fs'; import * as os from 'os'; import * as path from 'path';
import { App, IPolicyValidationContext } from 'aws-cdk-lib';
import { buildApp } from './apps';
import { IamBestPracticesChecks } from '../src';
const engine = require('../src/rules/engine');
const load = require('../src/model/load');
const am = require('../src/model/app-model');
const t: { [k: string]: number } = {};
function wrap(mod: any, name: string, isClass = false) {
  const orig = mod[name];
  mod[name] = isClass ? class extends orig { constructor(...a: any[]) { const s = performance.now(); super(...a); t[name] = (t[name] ?? 0) + performance.now() - s; } }
    : (...a: any[]) => { const s = performance.now(); try { return orig(...a); } finally { t[name] = (t[name] ?? 0) + performance.now() - s; } };
}
wrap(engine, 'evaluateRules'); wrap(load, 'loadSynthesizedStacks'); wrap(am, 'AppModel', true);
const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'c-')), builtinCloudFormationValidation: false });
buildApp(app, process.env.SHAPE ?? 'findings', 5000);
const a = app.synth();
const context = { appConstruct: app, templatePaths: a.stacksRecursively.map(s => s.templateFullPath),
  stackTemplates: a.stacksRecursively.map(s => ({ stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath })) } as unknown as IPolicyValidationContext;
new IamBestPracticesChecks(app).validate(context);
for (const k of Object.keys(t)) t[k] = 0;
const N = 5; const s = performance.now();
for (let i = 0; i < N; i++) new IamBestPracticesChecks(app).validate(context);
const total = (performance.now() - s) / N;
console.log('validate', total.toFixed(0), Object.entries(t).map(([k, v]) => `${k} ${(v / N).toFixed(0)}`).join(' '), 'rest', (total - Object.values(t).reduce((x, y) => x + y, 0) / N).toFixed(0));
