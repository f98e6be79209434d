// One measurement, in its own process so variants never share a warm heap or caches:
//   ts-node bench/synth-once.ts <plain|guardrails|awssolutions> <roles>
// Prints one JSON line: { variant, roles, constructMs, synthMs, totalMs, findings }.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IamBestPracticesChecks } from '../src';

const [variant, rolesArg] = process.argv.slice(2);
const roles = Number(rolesArg);
if (!['plain', 'guardrails', 'awssolutions'].includes(variant) || !Number.isInteger(roles) || roles < 1) {
  console.error('usage: synth-once.ts <plain|guardrails|awssolutions> <roles>');
  process.exit(2);
}

// CloudFormation allows 500 resources per stack; a role plus its default policy is two.
const ROLES_PER_STACK = 200;

const started = performance.now();
// aws-cdk-lib's built-in CloudFormation schema validation is off in every variant: it costs more
// than synthesis itself and would hide the packs' share in a bigger denominator.
const app = new App({ outdir: `bench/results/cdk.out-${variant}-${roles}`, builtinCloudFormationValidation: false });
if (variant === 'guardrails') Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
if (variant === 'awssolutions') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

let stack: Stack | undefined;
let shared: { bucket: s3.IBucket; table: dynamodb.ITable; queue: sqs.IQueue; key: kms.IKey } | undefined;
for (let i = 0; i < roles; i++) {
  if (i % ROLES_PER_STACK === 0) {
    stack = new Stack(app, `Bench${i / ROLES_PER_STACK}`, { env: { account: '111111111111', region: 'us-east-1' } });
    shared = {
      bucket: new s3.Bucket(stack, 'Data', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL }),
      table: dynamodb.Table.fromTableName(stack, 'Table', 'orders'),
      queue: sqs.Queue.fromQueueArn(stack, 'Queue', 'arn:aws:sqs:us-east-1:111111111111:jobs'),
      key: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    };
  }
  // A typical service role: least-privilege grants written by CDK itself.
  const role = new iam.Role(stack!, `Role${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  shared!.bucket.grantReadWrite(role);
  shared!.table.grantReadWriteData(role);
  shared!.queue.grantSendMessages(role);
  shared!.key.grantEncryptDecrypt(role);
}
const constructed = performance.now();

let findings = 0;
try {
  app.synth();
} catch (e) {
  // A pack that finds violations fails synthesis; the work was done, so the time still counts.
  findings = (String((e as Error).message).match(/\n/g) ?? []).length;
}
const synthesized = performance.now();

console.log(JSON.stringify({
  variant, roles,
  constructMs: Math.round(constructed - started),
  synthMs: Math.round(synthesized - constructed),
  totalMs: Math.round(synthesized - started),
  findings,
}));
