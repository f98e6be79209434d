import { CfnCondition, CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COMPLIANT, defaultPolicyOf, findings, newStack, NOT_APPLICABLE, run } from './helpers';
import {
  allowAllActions, allowWithNotAction, allowWithNotResource,
  passRoleOnUnbounded, scopedWriteOnUnbounded, serviceWideOnUnbounded, unknownActions, wildcardWriteOnUnbounded,
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
  test('s3:Put* on * is a finding, s3:Get* and ec2:Describe* are not', () => {
    const { policy } = roleWith(new iam.PolicyStatement({ actions: ['s3:Put*', 's3:Get*', 'ec2:Describe*'], resources: ['*'] }));
    expect(findings(wildcardWriteOnUnbounded, policy)).toEqual(['Action::s3:Put*']);
  });

  test('iam:*Policy* on arn:aws:iam::*:role/*', () => {
    expect(findings(wildcardWriteOnUnbounded, rawPolicy({ Statement: [{ Effect: 'Allow', Action: 'iam:*Policy*', Resource: 'arn:aws:iam::*:role/*' }] })))
      .toEqual(['Action::iam:*Policy*']);
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
