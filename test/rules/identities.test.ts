import { CfnCondition, CfnParameter, Fn, SecretValue, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { COMPLIANT, defaultPolicyOf, findings, modelResourceOf, newStack, NON_COMPLIANT, NOT_APPLICABLE, run } from './helpers';
import { DEFAULT_ASSIGNMENT } from '../../src/model/intrinsics';
import { ResolvedResource } from '../../src/model/resolved-resource';
import {
  accessKey, IDENTITY_RULES, missingPermissionsBoundary, missingPermissionsBoundaryStrict, policyAttachedToUser, unsafeLoginProfile,
  userInlinePolicy, userWithoutGroup,
} from '../../src/rules/identities';

describe('ID1 user with inline policies', () => {
  test('Policies on the user and AWS::IAM::UserPolicy resources', () => {
    const stack = newStack();
    const user = new iam.CfnUser(stack, 'U', { policies: [{ policyName: 'mine', policyDocument: { Statement: [] } }] });
    const userPolicy = new iam.CfnUserPolicy(stack, 'UP', { policyName: 'extra', userName: user.ref, policyDocument: { Statement: [] } });
    expect(findings(userInlinePolicy, user)).toEqual(['Policy::mine']);
    expect(findings(userInlinePolicy, userPolicy)).toEqual(['Policy::extra']);
  });

  test('a user without policies is compliant; a role is not applicable', () => {
    const stack = newStack();
    expect(run(userInlinePolicy, new iam.User(stack, 'U'))).toBe(COMPLIANT);
    expect(run(userInlinePolicy, new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toBe(NOT_APPLICABLE);
  });
});

describe('ID2 policy attached to a user', () => {
  test('user.addToPolicy and managed policies on the user', () => {
    const stack = newStack();
    const user = new iam.User(stack, 'U', { managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')] });
    user.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
    expect(findings(policyAttachedToUser, defaultPolicyOf(user))).toEqual([expect.stringMatching(/^User::U[0-9A-F]{8}$/)]);
    expect(findings(policyAttachedToUser, user)).toEqual(['Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess']);
  });

  test('a policy on a group is compliant', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'G');
    group.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
    expect(run(policyAttachedToUser, defaultPolicyOf(group))).toBe(COMPLIANT);
  });
});

describe('ID3 user in no group', () => {
  test('no group, a group, a UserToGroupAddition', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'G');
    const lonely = new iam.User(stack, 'Lonely');
    const member = new iam.User(stack, 'Member', { groups: [group] });
    const added = new iam.User(stack, 'Added');
    new iam.CfnUserToGroupAddition(stack, 'Add', { groupName: 'external-group', users: [added.userName] });
    expect(run(userWithoutGroup, lonely)).toBe(NON_COMPLIANT);
    expect(run(userWithoutGroup, member)).toBe(COMPLIANT);
    expect(run(userWithoutGroup, added)).toBe(COMPLIANT);
    expect(run(userWithoutGroup, group)).toBe(NOT_APPLICABLE);
  });
});

describe('ID4 access keys', () => {
  test('an access key is a finding', () => {
    const stack = newStack();
    const user = new iam.User(stack, 'U');
    expect(run(accessKey, new iam.AccessKey(stack, 'K', { user }))).toBe(NON_COMPLIANT);
    expect(run(accessKey, user)).toBe(NOT_APPLICABLE);
  });
});

describe('ID5 login profiles', () => {
  test('a literal password without reset', () => {
    const stack = newStack();
    const user = new iam.User(stack, 'U', { password: SecretValue.unsafePlainText('Password123!') });
    expect(findings(unsafeLoginProfile, user)).toEqual(['LoginProfile::LiteralPassword', 'LoginProfile::NoPasswordReset']);
  });

  test('a Secrets Manager password or a NoEcho parameter, with reset required', () => {
    const stack = newStack();
    const fromSecret = new iam.User(stack, 'A', { password: SecretValue.secretsManager('initial-password'), passwordResetRequired: true });
    const param = new CfnParameter(stack, 'Pw', { noEcho: true });
    const fromParam = new iam.User(stack, 'B', { password: SecretValue.cfnParameter(param), passwordResetRequired: true });
    expect(run(unsafeLoginProfile, fromSecret)).toBe(COMPLIANT);
    expect(run(unsafeLoginProfile, fromParam)).toBe(COMPLIANT);
  });

  test('no login profile is not applicable', () => {
    expect(run(unsafeLoginProfile, new iam.User(newStack(), 'U'))).toBe(NOT_APPLICABLE);
    expect(run(unsafeLoginProfile, new iam.Role(newStack(), 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toBe(NOT_APPLICABLE);
  });

  const withPassword = (stack: Stack, password: unknown, id = `U${stack.node.children.length}`) =>
    new iam.CfnUser(stack, id, { loginProfile: { password: password as string, passwordResetRequired: true } });
  const literal = (stack: Stack, password: unknown) => findings(unsafeLoginProfile, withPassword(stack, password));

  test('NoEcho parameters: without a Default fine, with a Default (in the template) or without NoEcho not', () => {
    const stack = newStack();
    const secretParam = new CfnParameter(stack, 'Secret', { noEcho: true });
    const defaulted = new CfnParameter(stack, 'Defaulted', { noEcho: true, default: 'Welcome1!' });
    const echoed = new CfnParameter(stack, 'Echoed');
    expect(run(unsafeLoginProfile, withPassword(stack, secretParam.valueAsString))).toBe(COMPLIANT);
    expect(literal(stack, defaulted.valueAsString)).toEqual(['LoginProfile::LiteralPassword']);
    expect(literal(stack, echoed.valueAsString)).toEqual(['LoginProfile::LiteralPassword']);
  });

  test('dynamic references: ssm-secure and secretsmanager are secret, plain ssm is not', () => {
    const stack = newStack();
    expect(run(unsafeLoginProfile, withPassword(stack, '{{resolve:ssm-secure:/users/alice/initial:1}}'))).toBe(COMPLIANT);
    expect(run(unsafeLoginProfile, withPassword(stack, '{{resolve:secretsmanager:initial-password:SecretString:::}}'))).toBe(COMPLIANT);
    expect(literal(stack, '{{resolve:ssm:/users/alice/initial}}')).toEqual(['LoginProfile::LiteralPassword']);
    const ssmType = new CfnParameter(stack, 'FromSsm', { type: 'AWS::SSM::Parameter::Value<String>', default: '/users/initial' });
    expect(literal(stack, ssmType.valueAsString)).toEqual(['LoginProfile::LiteralPassword']);
    expect(run(unsafeLoginProfile, new iam.User(stack, 'Ssm', {
      password: SecretValue.ssmSecure('/users/bob/initial', '2'), passwordResetRequired: true,
    }))).toBe(COMPLIANT);
  });

  test('Fn::Sub and Fn::Join of guessable parts are literal; with one secret part they are not', () => {
    const stack = newStack();
    expect(literal(stack, { 'Fn::Sub': '${AWS::StackName}-${AWS::AccountId}!' })).toEqual(['LoginProfile::LiteralPassword']);
    expect(literal(stack, { 'Fn::Join': ['-', ['Welcome', { Ref: 'AWS::Region' }]] })).toEqual(['LoginProfile::LiteralPassword']);
    const secretParam = new CfnParameter(stack, 'Secret', { noEcho: true });
    expect(run(unsafeLoginProfile, withPassword(stack, { 'Fn::Sub': ['${S}-${AWS::StackName}', { S: { Ref: 'Secret' } }] }))).toBe(COMPLIANT);
    expect(run(unsafeLoginProfile, withPassword(stack, { 'Fn::Join': ['', ['x', secretParam.valueAsString]] }))).toBe(COMPLIANT);
    // A secret's value as CDK writes it: Fn::Join around the secret's Ref.
    const secret = new secretsmanager.Secret(stack, 'Generated');
    expect(run(unsafeLoginProfile, new iam.User(stack, 'FromGenerated', { password: secret.secretValue, passwordResetRequired: true }))).toBe(COMPLIANT);
    // A generated value's attribute is not judged.
    expect(run(unsafeLoginProfile, withPassword(stack, { 'Fn::GetAtt': ['PasswordGenerator', 'Password'] }))).toBe(COMPLIANT);
    // A plain SSM reference whose name is a secret parameter is still a plain SSM parameter.
    expect(literal(stack, { 'Fn::Join': ['', ['{{resolve:ssm:', secretParam.valueAsString, '}}']] })).toEqual(['LoginProfile::LiteralPassword']);
  });

  test('Fn::If: each branch is judged in its own variant', () => {
    const stack = newStack();
    const prod = new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(new CfnParameter(stack, 'Env', { allowedValues: ['prod', 'dev'] }), 'prod') });
    const user = withPassword(stack, Fn.conditionIf(prod.logicalId, '{{resolve:secretsmanager:prod-initial}}', 'dev-password'));
    expect(findings(unsafeLoginProfile, user)).toEqual(['LoginProfile::LiteralPassword']);
    const safe = withPassword(stack, Fn.conditionIf(prod.logicalId, '{{resolve:secretsmanager:prod-initial}}', '{{resolve:ssm-secure:dev-initial}}'));
    expect(run(unsafeLoginProfile, safe)).toBe(COMPLIANT);
  });

  test('the message says which parts are readable and how to fix each', () => {
    const stack = newStack();
    const defaulted = new CfnParameter(stack, 'Initial', { noEcho: true, default: 'Welcome1!' });
    const user = withPassword(stack, { 'Fn::Join': ['', [defaulted.valueAsString, '{{resolve:ssm:/pw}}']] });
    const resource = modelResourceOf(user);
    const view = new ResolvedResource(resource, resource.variants()[0].assignment);
    const rule = IDENTITY_RULES.find(r => r.id === 'ID5')!;
    const text = rule.describe('LoginProfile::LiteralPassword', view);
    expect(text).toContain('parameter "Initial" (NoEcho, but its Default is in the template)');
    expect(text).toContain('{{resolve:ssm:...}}');
    expect(text).toContain('remove the parameter\'s Default');
    expect(text).toContain('SecretValue.ssmSecure');
    expect(rule.describe('LoginProfile::NoPasswordReset', view)).toContain('passwordResetRequired: true');
  });
});

describe('ID6 permissions boundary, where it matters', () => {
  const trust = new iam.AccountRootPrincipal();
  function roleWith(stack: ReturnType<typeof newStack>, id: string, statement?: iam.PolicyStatement, props: Partial<iam.RoleProps> = {}) {
    const role = new iam.Role(stack, id, { assumedBy: trust, ...props });
    if (statement) role.addToPolicy(statement);
    return role;
  }

  test('an ordinary role or user without a boundary is compliant by default', () => {
    const stack = newStack();
    const reader = roleWith(stack, 'Reader', new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }));
    expect(run(missingPermissionsBoundary, reader)).toBe(COMPLIANT);
    expect(run(missingPermissionsBoundary, new iam.User(stack, 'U'))).toBe(COMPLIANT);
  });

  test.each([
    ['every action', new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }), 'allowed every action'],
    ['NotAction', new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] }), 'NotAction'],
    ['an escalation path', new iam.PolicyStatement({ actions: ['iam:PutRolePolicy'], resources: ['*'] }), 'escalate its privileges (iam:PutRolePolicy)'],
    ['permissions management on every resource', new iam.PolicyStatement({ actions: ['S3:PutBucketPolicy'], resources: ['*'] }),
      'manage permissions on every resource (S3:PutBucketPolicy)'],
  ])('a role allowed %s without a boundary is non-compliant, and the message says why', (_name, statement, why) => {
    const stack = newStack();
    const role = roleWith(stack, 'R', statement);
    expect(run(missingPermissionsBoundary, role)).toBe(NON_COMPLIANT);
    const view = new ResolvedResource(modelResourceOf(role), DEFAULT_ASSIGNMENT);
    const id6 = IDENTITY_RULES.find(r => r.id === 'ID6')!;
    expect(id6.describe(undefined, view)).toContain(why);
  });

  test('permissions management on a named bucket does not make a boundary matter', () => {
    const stack = newStack();
    const role = roleWith(stack, 'R', new iam.PolicyStatement({ actions: ['s3:PutBucketPolicy'], resources: ['arn:aws:s3:::my-bucket'] }));
    expect(run(missingPermissionsBoundary, role)).toBe(COMPLIANT);
  });

  test('the same role with a boundary is compliant', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'B', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    const role = roleWith(stack, 'R', new iam.PolicyStatement({ actions: ['iam:PutRolePolicy'], resources: ['*'] }), { permissionsBoundary: boundary });
    expect(run(missingPermissionsBoundary, role)).toBe(COMPLIANT);
  });

  test('a user that escalates through its group is non-compliant', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'G');
    group.addToPolicy(new iam.PolicyStatement({ actions: ['iam:CreatePolicyVersion'], resources: ['*'] }));
    expect(run(missingPermissionsBoundary, new iam.User(stack, 'U', { groups: [group] }))).toBe(NON_COMPLIANT);
  });

  test('requireBoundaries: every role and user without a boundary', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'B', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    expect(run(missingPermissionsBoundaryStrict, roleWith(stack, 'R'))).toBe(NON_COMPLIANT);
    expect(run(missingPermissionsBoundaryStrict, roleWith(stack, 'RB', undefined, { permissionsBoundary: boundary }))).toBe(COMPLIANT);
    expect(run(missingPermissionsBoundaryStrict, new iam.User(stack, 'U', { permissionsBoundary: boundary }))).toBe(COMPLIANT);
    expect(run(missingPermissionsBoundaryStrict, new s3.Bucket(stack, 'Bucket'))).toBe(NOT_APPLICABLE);
    expect(run(missingPermissionsBoundary, new s3.Bucket(stack, 'Bucket2'))).toBe(NOT_APPLICABLE);
  });
});
