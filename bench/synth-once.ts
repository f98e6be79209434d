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
import { App, Environment, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { IamBestPracticesChecks } from '../src';

const VARIANTS = ['plain', 'guardrails', 'awssolutions'];
const SHAPES = ['roles', 'stages', 'findings'];

const [variant, rolesArg, shape = 'roles'] = process.argv.slice(2);
const roles = Number(rolesArg);
if (!VARIANTS.includes(variant) || !Number.isInteger(roles) || roles < 1 || !SHAPES.includes(shape)) {
  console.error('usage: synth-once.ts <plain|guardrails|awssolutions> <roles> [roles|stages|findings]');
  process.exit(2);
}

// CloudFormation allows 500 resources per stack; a role plus its default policy is two.
const ROLES_PER_STACK = 200;
const ENV: Environment = { account: '111111111111', region: 'us-east-1' };
const LAMBDA = new iam.ServicePrincipal('lambda.amazonaws.com');

interface Shared { bucket: s3.IBucket; table: dynamodb.ITable; queue: sqs.IQueue; key: kms.IKey }

/** The resources the service roles of one stack are granted access to. */
function sharedResources(stack: Stack): Shared {
  const { account, region } = stack;
  return {
    bucket: new s3.Bucket(stack, 'Data', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL }),
    table: dynamodb.Table.fromTableName(stack, 'Table', 'orders'),
    queue: sqs.Queue.fromQueueArn(stack, 'Queue', `arn:aws:sqs:${region}:${account}:jobs`),
    key: kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
  };
}

/**
 * `count` typical service roles (least-privilege grants written by CDK itself) in stacks of 200
 * under `scope`. With `nestHalfOfFirst`, the second half of the first stack's roles live in a NestedStack.
 */
function serviceRoleStacks(scope: Construct, count: number, env?: Environment, nestHalfOfFirst = false): void {
  for (let first = 0; first < count; first += ROLES_PER_STACK) {
    const stack = new Stack(scope, `Bench${first / ROLES_PER_STACK}`, { env });
    const shared = sharedResources(stack);
    const inStack = Math.min(ROLES_PER_STACK, count - first);
    const nested = nestHalfOfFirst && first === 0 ? new NestedStack(stack, 'Nested') : undefined;
    for (let i = first; i < first + inStack; i++) {
      const role = new iam.Role(nested && i - first >= inStack / 2 ? nested : stack, `Role${i}`, { assumedBy: LAMBDA });
      shared.bucket.grantReadWrite(role);
      shared.table.grantReadWriteData(role);
      shared.queue.grantSendMessages(role);
      shared.key.grantEncryptDecrypt(role);
    }
  }
}

/** A managed policy with two error-level findings, one warning-level finding and one clean statement. */
function broadPolicy(stack: Stack, n: number): iam.ManagedPolicy {
  return new iam.ManagedPolicy(stack, `Policy${n}`, {
    statements: [
      new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'] }),
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['sqs:DeleteQueue'], resources: ['*'] }),
      // Keeps every document distinct, so no pack can reuse the analysis of an identical one.
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::data-${n}/*`] }),
    ],
  });
}

/** One managed policy of 1,000 distinct statements, five of them on `*`. */
function thousandStatementPolicy(stack: Stack): iam.ManagedPolicy {
  const unbounded = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 'dynamodb:GetItem', 'sqs:SendMessage'];
  const statements = Array.from({ length: 1000 }, (_, k) => k % 200 === 0
    ? new iam.PolicyStatement({ actions: [unbounded[k / 200]], resources: ['*'] })
    : new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-${k}/*`] }));
  return new iam.ManagedPolicy(stack, 'Policy', { statements });
}

/** `count` roles, ten per broad managed policy (200 roles and 20 policies per stack), and the 1,000-statement policy. */
function findingsStacks(app: App, count: number): void {
  let stack: Stack | undefined;
  let policy: iam.ManagedPolicy | undefined;
  for (let i = 0; i < count; i++) {
    if (i % ROLES_PER_STACK === 0) stack = new Stack(app, `Bench${i / ROLES_PER_STACK}`, { env: ENV });
    if (i % 10 === 0) policy = broadPolicy(stack!, i / 10);
    policy!.attachToRole(new iam.Role(stack!, `Role${i}`, { assumedBy: LAMBDA }));
  }
  const big = new Stack(app, 'BigPolicy', { env: ENV });
  const bigPolicy = thousandStatementPolicy(big);
  for (let i = 0; i < 300; i++) bigPolicy.attachToRole(new iam.Role(big, `Role${i}`, { assumedBy: LAMBDA }));
}

const outdir = `bench/results/cdk.out-${shape}-${variant}-${roles}`;
fs.rmSync(outdir, { recursive: true, force: true });

const started = performance.now();
// aws-cdk-lib's built-in CloudFormation schema validation is off in every variant: it costs more
// than synthesis itself and would hide the packs' share in a bigger denominator.
const app = new App({ outdir, builtinCloudFormationValidation: false });
if (variant === 'guardrails') Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
if (variant === 'awssolutions') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

if (shape === 'roles') {
  serviceRoleStacks(app, roles, ENV);
} else if (shape === 'stages') {
  const stages: Array<[string, Environment, number]> = [
    ['Beta', ENV, Math.floor(roles / 2)],
    ['Prod', { account: '222222222222', region: 'eu-west-1' }, Math.ceil(roles / 2)],
  ];
  for (const [name, env, count] of stages) {
    if (count > 0) serviceRoleStacks(new Stage(new Stage(app, name, { env }), 'Services', { env }), count, undefined, name === 'Prod');
  }
} else {
  findingsStacks(app, roles);
}
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
