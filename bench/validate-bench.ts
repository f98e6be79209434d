// The packs' own cost, without synthesis around it: how long `validate` takes on an app that is
// already synthesized, ours against cdk-nag's AwsSolutionsChecks, in one process.
//
//   npx ts-node --transpile-only bench/validate-bench.ts            # shapes roles,stages,findings; 1000,5000 roles; 5 rounds
//   BENCH_SHAPES=roles BENCH_SIZES=5000 BENCH_REPS=7 npx ts-node --transpile-only bench/validate-bench.ts
//
// synth-bench.ts measures what a user waits for (construction + synthesis + the report CDK prints),
// where two variants of 10 s differ by seconds of noise on these machines; this isolates the part
// the pack decides. Each round runs both packs in alternating order on fresh pack instances; the
// table reports medians and the median of the per-round ratios. Round 1 includes loading the IAM
// action catalog and warming up, as a first `cdk synth` would.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, IPolicyValidationContext } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, SHAPES } from './apps';
import { IamBestPracticesChecks } from '../src';

const shapes = (process.env.BENCH_SHAPES ?? SHAPES.join(',')).split(',');
const sizes = (process.env.BENCH_SIZES ?? '1000,5000').split(',').map(Number);
const reps = Number(process.env.BENCH_REPS ?? 5);
if (shapes.some(s => !SHAPES.includes(s)) || sizes.some(n => !Number.isInteger(n) || n < 1) || !Number.isInteger(reps) || reps < 1) {
  console.error(`BENCH_SHAPES must be among ${SHAPES.join(',')}; BENCH_SIZES and BENCH_REPS positive integers`);
  process.exit(2);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timed(run: () => { violations: Array<{ violatingResources: unknown[] }> }): { ms: number; findings: number } {
  const started = performance.now();
  const report = run();
  return { ms: performance.now() - started, findings: report.violations.reduce((n, v) => n + v.violatingResources.length, 0) };
}

const rows: string[] = [];
for (const shape of shapes) {
  for (const roles of sizes) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-bench-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    buildApp(app, shape, roles);
    const assembly = app.synth();
    const context = {
      appConstruct: app,
      templatePaths: assembly.stacksRecursively.map(s => s.templateFullPath),
      stackTemplates: assembly.stacksRecursively.map(s => ({
        stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath, accountId: s.environment.account, region: s.environment.region,
      })),
    } as unknown as IPolicyValidationContext;
    const ours: number[] = [];
    const theirs: number[] = [];
    const ratios: number[] = [];
    let findings = '';
    for (let r = 0; r < reps; r++) {
      const runOurs = () => timed(() => new IamBestPracticesChecks(app).validate(context));
      const runTheirs = () => timed(() => new AwsSolutionsChecks(app).validate(context));
      const [a, b] = r % 2 === 0 ? [runOurs(), runTheirs()] : (([y, x]) => [x, y])([runTheirs(), runOurs()]);
      ours.push(a.ms);
      theirs.push(b.ms);
      ratios.push(a.ms / b.ms);
      findings = `${a.findings} / ${b.findings}`;
      process.stderr.write(`  ${shape} ${roles}, round ${r + 1}: ours ${a.ms.toFixed(0)} ms, AwsSolutions ${b.ms.toFixed(0)} ms\n`);
    }
    rows.push(`| ${shape} | ${roles} | ${ours[0].toFixed(0)} | ${median(ours).toFixed(0)} | ${theirs[0].toFixed(0)} | ${median(theirs).toFixed(0)} `
      + `| ${median(ratios).toFixed(2)} | ${findings} |`);
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
console.log(`validate() on a synthesized app, ${reps} rounds (Node ${process.version})\n`);
console.log('| shape | roles | ours, round 1 ms | ours median ms | AwsSolutions, round 1 ms | AwsSolutions median ms | ours/AwsSolutions (median) | violating resources ours / AwsSolutions |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows) console.log(row);
