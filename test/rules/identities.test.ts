import { CfnParameter, SecretValue } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COMPLIANT, defaultPolicyOf, findings, newStack, NON_COMPLIANT, NOT_APPLICABLE, run } from './helpers';
import {
  accessKey, missingPermissionsBoundary, policyAttachedToUser, unsafeLoginProfile, userInlinePolicy, userWithoutGroup,
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
  });
});

describe('ID6 permissions boundary', () => {
  test('roles and users with and without a boundary', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'B', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    expect(run(missingPermissionsBoundary, new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toBe(NON_COMPLIANT);
    expect(run(missingPermissionsBoundary, new iam.Role(stack, 'RB', { assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: boundary })))
      .toBe(COMPLIANT);
    expect(run(missingPermissionsBoundary, new iam.User(stack, 'U', { permissionsBoundary: boundary }))).toBe(COMPLIANT);
    expect(run(missingPermissionsBoundary, new s3.Bucket(stack, 'Bucket'))).toBe(NOT_APPLICABLE);
  });
});
