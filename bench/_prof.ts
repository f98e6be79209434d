import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, IPolicyValidationContext } from 'aws-cdk-lib';
import { buildApp } from './apps';
import { IamBestPracticesChecks } from '../src';
const shape = process.env.SHAPE ?? 'roles';
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-'));
const app = new App({ outdir, builtinCloudFormationValidation: false });
buildApp(app, shape, 5000);
const assembly = app.synth();
const context = { appConstruct: app, templatePaths: assembly.stacksRecursively.map(s => s.templateFullPath),
  stackTemplates: assembly.stacksRecursively.map(s => ({ stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath })) } as unknown as IPolicyValidationContext;
new IamBestPracticesChecks(app).validate(context);
const { Session } = require('inspector');
const session = new Session(); session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start', () => {
  const t = performance.now();
  for (let i = 0; i < 3; i++) new IamBestPracticesChecks(app).validate(context);
  console.log('ms per validate', (performance.now() - t) / 3);
  session.post('Profiler.stop', (_e: unknown, { profile }: any) => {
    const self = new Map<string, number>();
    const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
    const dt = profile.timeDeltas; const samples = profile.samples;
    for (let i = 0; i < samples.length; i++) { const n = byId.get(samples[i]); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); }
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((v / total * 100).toFixed(1).padStart(5), k);
    // inclusive
    const selfById = new Map<number, number>();
    for (let i = 0; i < samples.length; i++) selfById.set(samples[i], (selfById.get(samples[i]) ?? 0) + (dt[i] ?? 0));
    const incl = new Map<string, number>();
    const visit = (id: number, stack: Set<string>): number => {
      const n = byId.get(id); let t = selfById.get(id) ?? 0;
      const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
      const added = !stack.has(k); if (added) stack.add(k);
      for (const c of n.children ?? []) t += visit(c, stack);
      if (added) { stack.delete(k); incl.set(k, (incl.get(k) ?? 0) + t); }
      return t;
    };
    visit(profile.nodes[0].id, new Set());
    console.log('--- inclusive');
    for (const [k, v] of [...incl].filter(([k]) => /src\/|guardrails|model|rules|policy|packs/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((v / total * 100).toFixed(1).padStart(5), k);
  });
}));
