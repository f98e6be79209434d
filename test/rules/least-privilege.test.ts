import { CfnCondition, CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COMPLIANT, defaultPolicyOf, findings, modelResourceOf, newStack, NOT_APPLICABLE, run } from './helpers';
import { ResolvedResource } from '../../src/model/resolved-resource';
import {
  allowAllActions, allowWithNotAction, allowWithNotResource,
  destructiveWriteOnUnbounded, LEAST_PRIVILEGE_RULES, passRoleOnUnbounded, permissionsManagementOnUnbounded, scopedWriteOnUnbounded,
  sensitiveReadOnUnbounded, serviceWideOnUnbounded, unknownActions, wildcardWriteOnUnbounded,
} from '../../src/rules/least-privilege';

const ALL = Object.entries({
  allowAllActions,
  serviceWideOnUnbounded,
  wildcardWriteOnUnbounded,
  allowWithNotAction,
  allowWithNotResource,
  passRoleOnUnbounded,
  unknownActions,
  scopedWriteOnUnbounded,
  permissionsManagementOnUnbounded,
  sensitiveReadOnUnbounded,
  destructiveWriteOnUnbounded,
});

function roleWith(...statements: iam.PolicyStatement[]) {
  const stack = newStack();
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  statements.forEach(s => role.addToPolicy(s));
  return { stack, role, policy: defaultPolicyOf(role) };
}

/** A raw AWS::IAM::Policy with exactly this document (CloudFormation JSON, not a CDK PolicyDocument). */
function rawPolicy(document: object) {
  const stack = newStack();
  const role = new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [] } });
  return new iam.CfnPolicy(stack, 'Policy', { policyName: 'p', policyDocument: document, roles: [role.ref] });
}

describe('compliant: ordinary CDK grants', () => {
  const stack = newStack();
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const bucket = new s3.Bucket(stack, 'Bucket');
  bucket.grantReadWrite(role);
  role.addToPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'cloudwatch:PutMetricData'], resources: ['*'] }));

  test.each(ALL)('%s: no finding on Fn::Join ARNs with /* on a specific bucket', (_name, rule) => {
    expect(run(rule, defaultPolicyOf(role))).toBe(COMPLIANT);
    expect(run(rule, role)).toBe(COMPLIANT);
  });

  test.each(ALL)('%s: not applicable to a bucket', (_name, rule) => {
    expect(run(rule, bucket)).toBe(NOT_APPLICABLE);
  });
});

describe('LP1 Allow *', () => {
  test('"Action": "*" and "*:*"', () => {
    expect(findings(allowAllActions, roleWith(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })).policy)).toEqual(['Action::*']);
    expect(findings(allowAllActions, rawPolicy({ Statement: { Effect: 'Allow', Action: '*:*', Resource: 'arn:aws:s3:::b' } }))).toEqual(['Action::*']);
  });

  test('a Deny * is not a grant', () => {
    expect(findings(allowAllActions, rawPolicy({ Statement: { Effect: 'Deny', Action: '*', Resource: '*' } }))).toEqual([]);
  });

  test('an inline policy of a CfnRole, statement as a single object', () => {
    const stack = newStack();
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [] },
      policies: [{ policyName: 'a', policyDocument: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } }],
    });
    expect(findings(allowAllActions, role)).toEqual(['Action::*']);
  });

  test('an escape-hatch override is seen', () => {
    const { policy } = roleWith(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
    policy.addPropertyOverride('PolicyDocument.Statement.0.Action', '*');
    expect(findings(allowAllActions, policy)).toEqual(['Action::*']);
  });
});

describe('LP2 service-wide on unbounded resources', () => {
  test('s3:* on * and on arn:aws:s3:::*', () => {
    expect(findings(serviceWideOnUnbounded, roleWith(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })).policy)).toEqual(['Action::s3:*']);
    expect(findings(serviceWideOnUnbounded, rawPolicy({ Statement: [{ Effect: 'Allow', Action: 'S3:*', Resource: 'arn:aws:s3:::*' }] })))
      .toEqual(['Action::S3:*']);
  });

  test('s3:* on a specific bucket (a CDK Fn::Join ARN) is bounded', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'B');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: [bucket.bucketArn, bucket.arnForObjects('*')] }));
    expect(run(serviceWideOnUnbounded, defaultPolicyOf(role))).toBe(COMPLIANT);
  });

  test('references are bounded: imports, and Fn::If whose branches are both specific', () => {
    const stack = newStack();
    const isProd = new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:*'],
      resources: [
        Fn.importValue('shared-bucket-arn'), `${Fn.importValue('shared-bucket-arn')}/*`,
        Fn.conditionIf(isProd.logicalId, 'arn:aws:s3:::prod', 'arn:aws:s3:::dev').toString(),
      ],
    }));
    expect(run(serviceWideOnUnbounded, defaultPolicyOf(role))).toBe(COMPLIANT);
  });

  test('a parameter without a default is unknown, never a proof of safety; with a specific default it is bounded', () => {
    const stack = newStack();
    const unknown = new CfnParameter(stack, 'BucketArn');
    const known = new CfnParameter(stack, 'KnownArn', { default: 'arn:aws:s3:::data' });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: [known.valueAsString] }));
    expect(run(serviceWideOnUnbounded, defaultPolicyOf(role))).toBe(COMPLIANT);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: [unknown.valueAsString] }));
    expect(findings(serviceWideOnUnbounded, defaultPolicyOf(role))).toEqual(['Action::s3:*']);
  });
});

describe('LP3 wildcards reaching writes on unbounded resources', () => {
  test('sqs:Send* on * is a finding, sqs:List* and ec2:Describe* are not', () => {
    const { policy } = roleWith(new iam.PolicyStatement({ actions: ['sqs:Send*', 'sqs:List*', 'ec2:Describe*'], resources: ['*'] }));
    expect(findings(wildcardWriteOnUnbounded, policy)).toEqual(['Action::sqs:Send*']);
  });

  test('a wildcard reaching Permissions management (iam:*Policy*, s3:Put*) is LP11, not LP3', () => {
    const policy = rawPolicy({ Statement: [{ Effect: 'Allow', Action: ['iam:*Policy*', 's3:Put*'], Resource: 'arn:aws:iam::*:role/*' }] });
    expect(findings(permissionsManagementOnUnbounded, policy)).toEqual(['Action::iam:*Policy*']);
    // s3:Put* on roles grants nothing.
    expect(run(wildcardWriteOnUnbounded, policy)).toBe(COMPLIANT);
  });
});

describe('LP4 / LP5 NotAction and NotResource in Allow', () => {
  test('Allow NotAction, Allow NotResource', () => {
    const policy = rawPolicy({
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secrets/*' },
      ],
    });
    expect(findings(allowWithNotAction, policy)).toEqual(['NotAction::iam:*,organizations:*']);
    expect(findings(allowWithNotResource, policy)).toEqual(['NotResource::arn:aws:s3:::secrets/*']);
  });

  test('Deny NotAction (the force-MFA pattern) is fine', () => {
    const policy = rawPolicy({ Statement: [{ Effect: 'Deny', NotAction: ['iam:ListMFADevices'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }] });
    expect(run(allowWithNotAction, policy)).toBe(COMPLIANT);
  });
});

describe('LP6 iam:PassRole on unbounded resources', () => {
  test('on *, in any case, and through iam:Pass*', () => {
    expect(findings(passRoleOnUnbounded, roleWith(new iam.PolicyStatement({ actions: ['IAM:passrole'], resources: ['*'] })).policy))
      .toEqual(['Action::iam:PassRole']);
    expect(findings(passRoleOnUnbounded, rawPolicy({ Statement: [{ Effect: 'Allow', Action: 'iam:Pass*', Resource: 'arn:aws:iam::*:role/*' }] })))
      .toEqual(['Action::iam:PassRole']);
  });

  test('role.grantPassRole (a named role) is bounded', () => {
    const stack = newStack();
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    target.grantPassRole(deployer);
    expect(run(passRoleOnUnbounded, defaultPolicyOf(deployer))).toBe(COMPLIANT);
  });

  test('a Deny of iam:PassRole in the same policy removes it', () => {
    expect(run(passRoleOnUnbounded, rawPolicy({
      Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' }],
    }))).toBe(COMPLIANT);
  });
});

describe('LP7 unknown actions', () => {
  test('misspelled actions and services, as written', () => {
    const { policy } = roleWith(new iam.PolicyStatement({ actions: ['s3:GetObjekt', 'sqs:SendMessage', 'dynamo:GetItem'], resources: ['*'] }));
    expect(findings(unknownActions, policy)).toEqual(['Action::s3:GetObjekt', 'Action::dynamo:GetItem']);
  });

  test('an action from a parameter is not judged', () => {
    const stack = newStack();
    const action = new CfnParameter(stack, 'Action');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: [action.valueAsString], resources: ['*'] }));
    expect(run(unknownActions, defaultPolicyOf(role))).toBe(COMPLIANT);
  });
});

describe('LP10 named writes on unbounded resources (warning)', () => {
  test('s3:PutObject on * is a finding; PutMetricData and X-Ray are not', () => {
    const { policy } = roleWith(new iam.PolicyStatement({ actions: ['s3:PutObject', 'cloudwatch:PutMetricData', 'xray:PutTraceSegments'], resources: ['*'] }));
    expect(findings(scopedWriteOnUnbounded, policy)).toEqual(['Action::s3:PutObject']);
  });
});

describe('a managed policy used only as a permissions boundary is a ceiling, not a grant', () => {
  const stack = newStack();
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
    document: iam.PolicyDocument.fromJson({
      Statement: [
        { Effect: 'Allow', Action: ['s3:*', 'iam:PassRole', 's3:Nope'], Resource: '*' },
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      ],
    }),
  });
  new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: boundary });

  test('no wildcard, NotAction or PassRole findings on it', () => {
    for (const rule of [serviceWideOnUnbounded, passRoleOnUnbounded, allowWithNotAction]) expect(run(rule, boundary)).toBe(COMPLIANT);
  });

  test('its actions must still exist', () => {
    expect(findings(unknownActions, boundary)).toEqual(['Action::s3:Nope']);
  });

  test('the same document attached as a grant is judged', () => {
    const other = newStack();
    const policy = new iam.ManagedPolicy(other, 'Grant', { document: boundary.document });
    new iam.Role(other, 'R', { assumedBy: new iam.AccountRootPrincipal(), managedPolicies: [policy] });
    expect(findings(serviceWideOnUnbounded, policy)).toEqual(['Action::s3:*']);
  });
});

/** The message of a rule for a construct's first finding, as the packs print it. */
function messageOf(id: string, construct: Parameters<typeof run>[1]): string {
  const rule = LEAST_PRIVILEGE_RULES.find(r => r.id === id)!;
  const model = modelResourceOf(construct);
  const view = new ResolvedResource(model, model.variants()[0].assignment);
  const result = rule.check(view);
  if (!Array.isArray(result)) throw new Error(`${id}: no finding`);
  return rule.describe(result[0], view);
}

describe('LP11 Permissions management on unbounded resources', () => {
  test('s3:PutBucketPolicy and kms:PutKeyPolicy on *, iam:*Policy* via wildcard', () => {
    const { policy } = roleWith(new iam.PolicyStatement({ actions: ['s3:PutBucketPolicy', 'kms:PutKeyPolicy', 'iam:*Policy*'], resources: ['*'] }));
    expect(findings(permissionsManagementOnUnbounded, policy)).toEqual(['Action::s3:PutBucketPolicy', 'Action::kms:PutKeyPolicy', 'Action::iam:*Policy*']);
    expect(run(scopedWriteOnUnbounded, policy)).toBe(COMPLIANT);
  });

  test('on a bucket of the app: compliant; on a bucket pattern for IAM actions: grants nothing', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'B');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutBucketPolicy'], resources: [bucket.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PutRolePolicy'], resources: ['arn:aws:s3:::*'] }));
    expect(run(permissionsManagementOnUnbounded, defaultPolicyOf(role))).toBe(COMPLIANT);
  });

  test('a user that may attach policies to itself; the message says it is its own user', () => {
    const policy = rawPolicy({ Statement: [{ Sid: 'SelfAdmin', Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: 'arn:aws:iam::*:user/${aws:username}' }] });
    expect(findings(permissionsManagementOnUnbounded, policy)).toEqual(['Action::iam:AttachUserPolicy']);
    const message = messageOf('LP11', policy);
    expect(message).toContain('statement "SelfAdmin"');
    expect(message).toContain('own user');
    expect(message).toContain('self-service credential actions');
  });

  test('not applicable to a bucket', () => {
    const stack = newStack();
    expect(run(permissionsManagementOnUnbounded, new s3.Bucket(stack, 'B'))).toBe(NOT_APPLICABLE);
  });
});

describe('LP12 sensitive reads on every resource', () => {
  test('s3:GetObject, secretsmanager:GetSecretValue, ssm:GetParameter*, s3:Get* on *', () => {
    const { policy } = roleWith(new iam.PolicyStatement({
      actions: ['s3:GetObject', 'secretsmanager:GetSecretValue', 'ssm:GetParameter*', 's3:Get*'], resources: ['*'],
    }));
    expect(findings(sensitiveReadOnUnbounded, policy)).toEqual(['Action::s3:GetObject', 'Action::secretsmanager:GetSecretValue', 'Action::ssm:GetParameter*', 'Action::s3:Get*']);
  });

  test('ordinary CDK read grants are bounded', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new s3.Bucket(stack, 'B').grantRead(role);
    expect(run(sensitiveReadOnUnbounded, defaultPolicyOf(role))).toBe(COMPLIANT);
  });

  test('kms:Decrypt on * with kms:ViaService is the documented safe pattern; without it, the fix says to add it', () => {
    const safe = rawPolicy({ Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }] });
    for (const rule of [sensitiveReadOnUnbounded, scopedWriteOnUnbounded, wildcardWriteOnUnbounded]) expect(run(rule, safe)).toBe(COMPLIANT);
    const insecure = rawPolicy({ Statement: [{ Sid: 'Keys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });
    expect(findings(sensitiveReadOnUnbounded, insecure)).toEqual(['Action::kms:Decrypt']);
    const message = messageOf('LP12', insecure);
    expect(message).toContain('statement "Keys"');
    expect(message).toContain('kms:ViaService');
    expect(message).not.toContain('name the exact actions');
  });

  test('StringEqualsIfExists on kms:ViaService looks safe and is not; the message says why', () => {
    const policy = rawPolicy({ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualsIfExists: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }] });
    expect(findings(sensitiveReadOnUnbounded, policy)).toEqual(['Action::kms:Decrypt']);
    expect(messageOf('LP12', policy)).toContain('passes when the key is absent');
  });
});

describe('LP13 destructive writes on unbounded resources', () => {
  test('s3:DeleteBucket, ec2:TerminateInstances, dynamodb:DeleteTable, kms:ScheduleKeyDeletion, logs:DeleteLogGroup on *', () => {
    const { policy } = roleWith(new iam.PolicyStatement({
      actions: ['s3:DeleteBucket', 'ec2:TerminateInstances', 'dynamodb:DeleteTable', 'kms:ScheduleKeyDeletion', 'logs:DeleteLogGroup'], resources: ['*'],
    }));
    expect(findings(destructiveWriteOnUnbounded, policy)).toEqual(['Action::s3:DeleteBucket', 'Action::ec2:TerminateInstances',
      'Action::dynamodb:DeleteTable', 'Action::kms:ScheduleKeyDeletion', 'Action::logs:DeleteLogGroup']);
    expect(run(scopedWriteOnUnbounded, policy)).toBe(COMPLIANT);
  });

  test('ABAC with a tag the principal cannot set is the documented safe pattern; with tagging rights on the same key it is not', () => {
    const abac = { Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } };
    expect(run(destructiveWriteOnUnbounded, rawPolicy({ Statement: [abac] }))).toBe(COMPLIANT);
    const undone = rawPolicy({ Statement: [abac, { Sid: 'Tagging', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*' }] });
    expect(findings(destructiveWriteOnUnbounded, undone)).toEqual(['Action::ec2:TerminateInstances']);
    expect(messageOf('LP13', undone)).toContain('statement "Tagging" of the same policy lets the principal set tag "team"');
  });

  test('a named table is bounded', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:DeleteTable'], resources: ['arn:aws:dynamodb:us-east-1:111111111111:table/orders'] }));
    expect(run(destructiveWriteOnUnbounded, defaultPolicyOf(role))).toBe(COMPLIANT);
  });
});

describe('messages name the statement, what is unbounded and why, and a fix true for it', () => {
  test('LP6 with iam:PassedToService acknowledges it and says to name the roles', () => {
    const policy = rawPolicy({
      Statement: [{ Sid: 'PassToEcs', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/*', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }],
    });
    const message = messageOf('LP6', policy);
    expect(message).toContain('policy "p" statement "PassToEcs"');
    expect(message).toContain('"arn:aws:iam::*:role/*"');
    expect(message).toContain('RoleNameWithPath');
    expect(message).toContain('already limits the receiving service');
    expect(message).not.toContain('add an iam:PassedToService');
  });

  test('LP6 without a condition is told to add iam:PassedToService', () => {
    const message = messageOf('LP6', rawPolicy({ Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] }));
    expect(message).toContain('statement #1');
    expect(message).toContain('add an iam:PassedToService');
  });

  test('LP2 names the statement and the unknown parameter', () => {
    const stack = newStack();
    const unknown = new CfnParameter(stack, 'BucketArn');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ sid: 'All', actions: ['s3:*'], resources: [unknown.valueAsString] }));
    const message = messageOf('LP2', defaultPolicyOf(role));
    expect(message).toContain('statement "All"');
    expect(message).toContain('unknown before deployment');
  });

  test('LP10 on an inline policy of a role names it', () => {
    const stack = newStack();
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [] },
      policies: [{ policyName: 'queues', policyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] } }],
    });
    expect(messageOf('LP10', role)).toContain('inline policy "queues" statement #1');
  });

  test('LP7 names the statement', () => {
    expect(messageOf('LP7', rawPolicy({ Statement: [{ Sid: 'Typo', Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }] }))).toContain('statement "Typo"');
  });

  test('every LP rule describes a finding without a resource too', () => {
    for (const rule of LEAST_PRIVILEGE_RULES) expect(rule.describe('Action::s3:PutObject')).toContain('Fix:');
  });
});
