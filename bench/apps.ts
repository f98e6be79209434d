// The apps the benchmarks synthesize, by shape (see synth-once.ts for what each holds).
import { App, Environment, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const SHAPES = ['roles', 'stages', 'findings'];

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

/** Adds the app of one shape and size to `app`. */
export function buildApp(app: App, shape: string, roles: number): void {
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
}
