// One measurement, in its own process so variants never share a warm heap or caches:
//   ts-node bench/synth-once.ts <plain|guardrails|awssolutions> <roles> [roles|stages|findings]
// Prints one JSON line: { shape, variant, roles, constructMs, synthMs, totalMs, findings, errors },
// where findings counts the violating resources in CDK's validation report (errors: those of
// severity error). Exits non-zero if synthesis fails for any reason other than the packs' findings.
//
// App shapes (the third argument, default roles):
//   roles     N service roles with CDK grants to a bucket, a table, a queue and a key, 200 per stack.
//   stages    the same N roles spread like a CDK Pipelines app: two Stages (Beta, Prod), each with
//             a nested Stage holding the stacks of roles; Prod's first stack puts half of its roles
//             in a NestedStack. The pack is registered once, on the app.
//   findings  N roles sharing N/10 managed policies that each have error-level findings (s3:* on
//             every bucket, iam:PassRole on *) and a warning-level one (sqs:DeleteQueue on *); plus
//             a fixed stack of 300 roles attached to one managed policy of 1,000 distinct statements.
import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, SHAPES } from './apps';
import { IamBestPracticesChecks } from '../src';

const VARIANTS = ['plain', 'guardrails', 'awssolutions'];

const [variant, rolesArg, shape = 'roles'] = process.argv.slice(2);
const roles = Number(rolesArg);
if (!VARIANTS.includes(variant) || !Number.isInteger(roles) || roles < 1 || !SHAPES.includes(shape)) {
  console.error('usage: synth-once.ts <plain|guardrails|awssolutions> <roles> [roles|stages|findings]');
  process.exit(2);
}

const outdir = `bench/results/cdk.out-${shape}-${variant}-${roles}`;
fs.rmSync(outdir, { recursive: true, force: true });

const started = performance.now();
// aws-cdk-lib's built-in CloudFormation schema validation is off in every variant: it costs more
// than synthesis itself and would hide the packs' share in a bigger denominator.
const app = new App({ outdir, builtinCloudFormationValidation: false });
if (variant === 'guardrails') Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
if (variant === 'awssolutions') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

buildApp(app, shape, roles);
const constructed = performance.now();

try {
  app.synth();
} catch (e) {
  // Depending on aws-cdk-lib's app mode, findings of error level may fail synthesis; the work was
  // done, so the time still counts. Anything else (no validation report written) is a real failure.
  if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) throw e;
}
const synthesized = performance.now();

interface Report { pluginReports?: Array<{ violations?: Array<{ severity?: string; violatingConstructs?: unknown[] }> }> }
let findings = 0;
let errors = 0;
const reportFile = path.join(outdir, 'validation-report.json');
if (fs.existsSync(reportFile)) {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8')) as Report;
  for (const violation of (report.pluginReports ?? []).flatMap(r => r.violations ?? [])) {
    const n = violation.violatingConstructs?.length ?? 0;
    findings += n;
    if (violation.severity === 'error') errors += n;
  }
}

console.log(JSON.stringify({
  shape,
  variant,
  roles,
  constructMs: Math.round(constructed - started),
  synthMs: Math.round(synthesized - constructed),
  totalMs: Math.round(synthesized - started),
  findings,
  errors,
}));
