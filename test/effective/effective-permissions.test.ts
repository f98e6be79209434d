// aws-cdk-lib's CloudFormation schema validation is not what these tests check.
process.env.CDK_VALIDATION = 'false';

import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AccessLevel, BoundedRole, DecisionKind, EffectivePermissions, PrincipalKind } from '../../src';

const ENV = { account: '111111111111', region: 'us-east-1' };

function lambdaRole(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

describe('BoundedRole with the default boundary', () => {
  const app = new App();
  const stack = new Stack(app, 'Bounded', { env: ENV });
  const role = new BoundedRole(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const queue = new sqs.Queue(stack, 'Jobs');
  const bucket = new s3.Bucket(stack, 'Data');
  queue.grantSendMessages(role);
  bucket.grantRead(role);
  role.addToPolicy(new iam.PolicyStatement({ sid: 'PassAnything', actions: ['iam:PassRole'], resources: ['*'] }));
  const perms = EffectivePermissions.ofStack(stack);
  const worker = perms.principalOf(role);

  test('the boundary makes queue.grantSendMessages dead (sqs is not among s3, dynamodb, lambda, logs)', () => {
    const dead = worker.deadGrants.filter(d => d.action.startsWith('sqs:'));
    expect(dead.map(d => d.action).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(dead.map(d => d.resource)).toEqual([expect.stringMatching(/^<Jobs[0-9A-F]{8}\.Arn>$/), dead[0].resource, dead[0].resource]);
    expect(dead[0].boundary).toMatch(/^policy "/);
    expect(dead[0].grantedBy.policy).toMatch(/^policy "WorkerDefaultPolicy/);
    expect(worker.actions.some(a => a.service === 'sqs')).toBe(false);
    const decision = worker.allows('sqs:SendMessage', queue.queueArn);
    expect(decision).toMatchObject({ allowed: false, decision: DecisionKind.BOUNDARY });
    expect(decision.reason).toContain('never allows it');
  });

  test('bucket.grantRead passes the boundary: readable, grouped by level, bounded', () => {
    expect(worker.allows('s3:GetObject', bucket.arnForObjects('reports/2026.csv'))).toMatchObject({ allowed: true, decision: DecisionKind.ALLOWED });
    expect(worker.allows('s3:GetObject', 'arn:aws:s3:::another-bucket/reports/2026.csv').allowed).toBe(false);
    expect(worker.allows('s3:DeleteObject', bucket.arnForObjects('*')).decision).toBe(DecisionKind.IMPLICIT_DENY);
    const s3Read = worker.services.find(s => s.service === 's3' && s.accessLevel === AccessLevel.READ)!;
    expect(s3Read.actions).toContain('s3:GetObject');
    expect(s3Read.unboundedActions).toEqual([]);
    expect(worker.services.find(s => s.service === 's3' && s.accessLevel === AccessLevel.LIST)?.actions).toContain('s3:ListBucket');
  });

  test('the boundary Denies iam:*: PassRole is explicitly denied, and no escalation path is left', () => {
    const decision = worker.allows('iam:PassRole', 'arn:aws:iam::111111111111:role/Admin');
    expect(decision.decision).toBe(DecisionKind.EXPLICIT_DENY);
    expect(decision.deniedBy.map(d => d.sid)).toEqual(['DenyIamExceptOwnUserAndMfaDevice']);
    expect(decision.allowedBy.map(d => d.sid)).toEqual(['PassAnything']);
    expect(worker.escalationPaths).toEqual([]);
    // Dead because the boundary denies it; grantRead's s3:List* on the bucket is not dead (ListAllMyBuckets never names a bucket).
    expect(worker.deadGrants.map(d => d.action).sort()).toEqual(['iam:PassRole', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(worker.deniedGrants).toEqual([]);
    expect(worker.kind).toBe(PrincipalKind.ROLE);
    expect(worker.boundary).toBe(perms.principalOf(role).boundary);
  });

  test('the same role without the boundary escalates through PassRole', () => {
    const app2 = new App();
    const stack2 = new Stack(app2, 'Free', { env: ENV });
    const free = lambdaRole(stack2, 'Free');
    free.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], resources: ['*'] }));
    const p = EffectivePermissions.ofStack(stack2).principalOf(free);
    expect(p.escalationPaths.map(e => e.description)).toContain('create a Lambda function with a stronger role and invoke it');
    expect(p.escalationPaths.find(e => e.category === 'pass-role')?.passedTo).toEqual(['lambda.amazonaws.com']);
    expect(p.actionsAtLeast(AccessLevel.PERMISSIONS_MANAGEMENT).map(a => a.action)).toEqual([]);
    expect(p.actionsAtLeast(AccessLevel.WRITE).map(a => a.action).sort()).toEqual(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']);
    expect(p.actions.every(a => a.unbounded)).toBe(true);
  });
});

describe('AWS managed policies and Denies', () => {
  const app = new App();
  const stack = new Stack(app, 'Auditors', { env: ENV });
  const secrets = new s3.Bucket(stack, 'Secrets');
  const auditor = new iam.Role(stack, 'Auditor', {
    assumedBy: new iam.AccountRootPrincipal(),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  });
  auditor.addToPolicy(new iam.PolicyStatement({
    sid: 'NoSecrets', effect: iam.Effect.DENY, actions: ['s3:GetObject*'], resources: [secrets.arnForObjects('*')],
  }));
  const perms = EffectivePermissions.ofStack(stack);
  const p = perms.principalOf(auditor);

  test('ReadOnlyAccess reads anything, unbounded, and writes nothing', () => {
    const read = p.allows('s3:GetObject', 'arn:aws:s3:::some-bucket/key');
    expect(read).toMatchObject({ allowed: true, decision: DecisionKind.ALLOWED });
    expect(read.allowedBy[0].policy).toBe('AWS managed policy "ReadOnlyAccess"');
    expect(p.allows('s3:PutObject', 'arn:aws:s3:::some-bucket/key').decision).toBe(DecisionKind.IMPLICIT_DENY);
    expect(p.allows('dynamodb:DeleteTable').allowed).toBe(false);
    expect(p.services.find(s => s.service === 'dynamodb' && s.accessLevel === AccessLevel.READ)?.unboundedActions).toContain('dynamodb:GetItem');
    expect(p.actions.some(a => a.accessLevel === AccessLevel.WRITE && a.action === 's3:PutObject')).toBe(false);
  });

  test('the inline Deny removes reads of the secrets bucket, and the decision names it', () => {
    const d = p.allows('S3:getobject', secrets.arnForObjects('passwords.txt'));
    expect(d.decision).toBe(DecisionKind.EXPLICIT_DENY);
    expect(d.deniedBy).toEqual([expect.objectContaining({ sid: 'NoSecrets', statement: 'statement "NoSecrets"' })]);
    expect(d.reason).toContain('AWS managed policy "ReadOnlyAccess"');
    const getObject = p.actions.find(a => a.action === 's3:GetObject')!;
    expect(getObject.resources[0].exceptions).toEqual([expect.stringMatching(/^<Secrets[0-9A-F]+\.Arn>\/\*$/)]);
    expect(getObject.resources[0].limitedBy.map(l => l.sid)).toEqual(['NoSecrets']);
  });
});

describe('groups and their members', () => {
  const app = new App();
  const stack = new Stack(app, 'People', { env: ENV });
  const table = new dynamodb.Table(stack, 'Orders', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  const group = new iam.Group(stack, 'Analysts');
  table.grantReadData(group);
  const boundary = new iam.ManagedPolicy(stack, 'S3Only', {
    statements: [new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })],
  });
  const alice = new iam.User(stack, 'Alice', { groups: [group] });
  const bob = new iam.User(stack, 'Bob', { groups: [group], permissionsBoundary: boundary });
  const perms = EffectivePermissions.ofStack(stack);

  test('a member inherits the group\'s policies, named through the group', () => {
    const d = perms.principalOf(alice).allows('dynamodb:GetItem', table.tableArn);
    expect(d.allowed).toBe(true);
    expect(d.allowedBy[0].policy).toMatch(/^group "Analysts[0-9A-F]+": policy "AnalystsDefaultPolicy/);
    expect(perms.principalOf(alice).allows('dynamodb:PutItem', table.tableArn).allowed).toBe(false);
    expect(perms.principalOf(alice).relatedPrincipals).toEqual([expect.stringMatching(/^Analysts/)]);
  });

  test('the group lists its members; a member\'s boundary makes the group\'s grant dead for that member only', () => {
    const g = perms.principalOf(group);
    expect(g.kind).toBe(PrincipalKind.GROUP);
    expect(g.relatedPrincipals.map(m => m.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['Alice', 'Bob']);
    expect(g.allows('dynamodb:Query', table.tableArn).allowed).toBe(true);
    const b = perms.principalOf(bob);
    expect(b.allows('dynamodb:GetItem', table.tableArn).decision).toBe(DecisionKind.BOUNDARY);
    expect(b.deadGrants.map(d => d.action)).toContain('dynamodb:GetItem');
    expect(b.actions).toEqual([]);
  });

  test('principals by name and whoCan', () => {
    expect(perms.principal(perms.principalOf(bob).logicalId).displayName).toBe(`People/${perms.principalOf(bob).logicalId}`);
    expect(perms.principal('People/Alice').kind).toBe(PrincipalKind.USER);
    expect(perms.principal('People/Alice').constructPath).toBe('People/Alice/Resource');
    expect(() => perms.principal('Nobody')).toThrow(/no principal "Nobody"/);
    expect(perms.whoCan('dynamodb:GetItem', table.tableArn).map(p => p.kind).sort()).toEqual([PrincipalKind.GROUP, PrincipalKind.USER]);
  });
});

describe('across stacks, from a template, from a cloud assembly', () => {
  test('a bucket of another stack: the token resolves to the imported reference', () => {
    const app = new App();
    const storage = new Stack(app, 'Storage', { env: ENV });
    const compute = new Stack(app, 'Compute', { env: ENV });
    const bucket = new s3.Bucket(storage, 'Shared');
    const role = lambdaRole(compute, 'Reader');
    bucket.grantRead(role);
    const perms = EffectivePermissions.ofStack(compute);
    expect(perms.principals.map(p => p.stackName)).toEqual(['Compute']);
    expect(perms.principalOf(role).allows('s3:GetObject', bucket.arnForObjects('a.txt')).allowed).toBe(true);
    expect(perms.principalOf(role).allows('s3:GetObject', 'arn:aws:s3:::elsewhere/a.txt').allowed).toBe(false);
    const whole = EffectivePermissions.ofApp(app);
    expect(whole.principals.some(p => p.stackName === 'Storage')).toBe(false);
    expect(whole.principalOf(role).displayName).toBe(`Compute/${whole.principalOf(role).logicalId}`);
  });

  test('a hand-written template: Deny, boundary by AWS managed policy ARN, NotAction', () => {
    const template = {
      Resources: {
        Ops: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'ops',
            AssumeRolePolicyDocument: { Statement: { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' } },
            PermissionsBoundary: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess' },
            Policies: [{
              PolicyName: 'ops',
              PolicyDocument: {
                Statement: [
                  { Sid: 'Everything', Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
                  { Sid: 'KeepLogs', Effect: 'Deny', Action: 'logs:Delete*', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:*:${AWS::AccountId}:*' } },
                ],
              },
            }],
          },
        },
      },
    };
    const perms = EffectivePermissions.fromTemplate(template, { account: '111111111111' });
    const ops = perms.principal('ops');
    expect(ops.boundary).toBe('AWS managed policy "ReadOnlyAccess"');
    // The boundary lets reads through, not writes: RunInstances is dead, DescribeInstances is not.
    expect(ops.allows('ec2:DescribeInstances').allowed).toBe(true);
    expect(ops.allows('ec2:RunInstances').decision).toBe(DecisionKind.BOUNDARY);
    expect(ops.deadGrants.some(d => d.action === 'ec2:RunInstances')).toBe(true);
    expect(ops.allows('logs:DeleteLogGroup', 'arn:aws:logs:us-east-1:111111111111:log-group:app').decision).toBe(DecisionKind.EXPLICIT_DENY);
    expect(ops.allows('iam:GetRole').decision).toBe(DecisionKind.IMPLICIT_DENY);
    expect(ops.toJson()).toMatchObject({ principal: 'Template/Ops', kind: 'ROLE', name: 'ops' });
  });
});

describe('BoundedRole.applyBoundaryTo on a stack with CDK\'s OIDC provider', () => {
  test('the provider\'s custom resource role shows iam:CreateOpenIDConnectProvider dead', () => {
    const app = new App();
    const stack = new Stack(app, 'Oidc', { env: ENV });
    new iam.OpenIdConnectProvider(stack, 'GitHub', { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] });
    BoundedRole.applyBoundaryTo(stack, BoundedRole.defaultBoundary(stack));
    const perms = EffectivePermissions.ofStack(stack);
    const broken = perms.principals.filter(p => p.deadGrants.some(d => d.action === 'iam:CreateOpenIDConnectProvider'));
    expect(broken).toHaveLength(1);
    // The boundary denies IAM on everything but the caller's own user and MFA device: a provider is not that.
    expect(broken[0].allows('iam:CreateOpenIDConnectProvider', 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com').decision)
      .toBe(DecisionKind.EXPLICIT_DENY);
    expect(broken[0].allows('iam:CreateOpenIDConnectProvider', '*').allowed).toBe(false);
    expect(broken[0].actions.some(a => a.service === 'iam')).toBe(false);
  });
});
