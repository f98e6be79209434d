import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COMPLIANT, defaultPolicyOf, findings, newStack, NOT_APPLICABLE, run } from './helpers';
import { passRoleToCompute, selfModification, takeOverRunningResource } from '../../src/rules/privilege-escalation';

const any = (...actions: string[]) => new iam.PolicyStatement({ actions, resources: ['*'] });

describe('evaluated per principal, across all its policies', () => {
  test('PassRole in one policy and Lambda actions in a customer managed policy', () => {
    const stack = newStack();
    const managed = new iam.ManagedPolicy(stack, 'Lambda', { statements: [any('lambda:CreateFunction', 'lambda:InvokeFunction')] });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal(), managedPolicies: [managed] });
    role.addToPolicy(any('iam:PassRole'));
    expect(findings(passRoleToCompute, role)).toEqual(['Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction']);
    // Reported once, on the principal; the policies attached to it are not judged on their own.
    expect(run(passRoleToCompute, defaultPolicyOf(role))).toBe(COMPLIANT);
    expect(run(passRoleToCompute, managed)).toBe(COMPLIANT);
  });

  test('a managed policy attached through its Roles property', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    new iam.ManagedPolicy(stack, 'Ec2', { statements: [any('ec2:RunInstances', 'iam:PassRole')], roles: [role] });
    expect(findings(passRoleToCompute, role)).toEqual(['Escalation::iam:PassRole+ec2:RunInstances']);
  });

  test('a user gets its groups\' policies (Groups property and UserToGroupAddition)', () => {
    const stack = newStack();
    const admins = new iam.Group(stack, 'Admins');
    admins.addToPolicy(any('iam:PutUserPolicy'));
    const viaProperty = new iam.User(stack, 'Alice', { groups: [admins] });
    const viaAddition = new iam.User(stack, 'Bob');
    new iam.CfnUserToGroupAddition(stack, 'BobInAdmins', { groupName: admins.groupName, users: [viaAddition.userName] });
    expect(findings(selfModification, viaProperty)).toEqual(['Escalation::iam:PutUserPolicy']);
    expect(findings(selfModification, viaAddition)).toEqual(['Escalation::iam:PutUserPolicy']);
    expect(findings(selfModification, admins)).toEqual(['Escalation::iam:PutUserPolicy']);
  });

  test('mixed case, wildcards and NotAction expand', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(any('IAM:attachRole*', 'ssm:Send*'));
    role.addToPolicy(new iam.PolicyStatement({ notActions: ['iam:*', 'ssm:*', 'sts:*', 'ec2:*', 'cloudformation:*'], resources: ['*'] }));
    expect(findings(selfModification, role)).toEqual(['Escalation::iam:AttachRolePolicy']);
    const takeOver = findings(takeOverRunningResource, role);
    expect(takeOver).toEqual(expect.arrayContaining(['Escalation::ssm:SendCommand', 'Escalation::lambda:UpdateFunctionCode']));
    expect(takeOver).not.toContain('Escalation::ssm:StartSession');
  });
});

describe('what makes a grant safe', () => {
  test('a Deny in another policy of the principal', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(any('iam:PutRolePolicy'));
    new iam.ManagedPolicy(stack, 'Guard', { statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['iam:Put*'], resources: ['*'] })], roles: [role] });
    expect(run(selfModification, role)).toBe(COMPLIANT);
  });

  test('a permissions boundary that does not allow the action', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [any('s3:*', 'dynamodb:*')] });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: boundary });
    role.addToPolicy(any('iam:PutRolePolicy', 'iam:PassRole', 'ec2:RunInstances'));
    expect(run(selfModification, role)).toBe(COMPLIANT);
    expect(run(passRoleToCompute, role)).toBe(COMPLIANT);
  });

  test('an AWS managed boundary is read: ReadOnlyAccess takes iam:PutRolePolicy away', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', {
      assumedBy: new iam.AccountRootPrincipal(),
      permissionsBoundary: iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'),
    });
    role.addToPolicy(any('iam:PutRolePolicy'));
    expect(run(selfModification, role)).toBe(COMPLIANT);
  });

  test('a boundary outside the app cannot be seen, so nothing is assumed about it', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', {
      assumedBy: new iam.AccountRootPrincipal(),
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'B', 'arn:aws:iam::111111111111:policy/org-boundary'),
    });
    role.addToPolicy(any('iam:PutRolePolicy'));
    expect(findings(selfModification, role)).toEqual(['Escalation::iam:PutRolePolicy']);
  });

  test('the self-service pattern user/${aws:username} (force-MFA style)', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'People');
    group.addToPolicy(new iam.PolicyStatement({
      actions: ['iam:CreateAccessKey', 'iam:UpdateLoginProfile', 'iam:CreateLoginProfile', 'iam:DeleteAccessKey'],
      resources: ['arn:aws:iam::*:user/${aws:username}'],
    }));
    expect(run(selfModification, group)).toBe(COMPLIANT);
  });

  test('named resources (CDK grants)', () => {
    const stack = newStack();
    const fnRole = new iam.Role(stack, 'FnRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    fnRole.grantPassRole(deployer);
    deployer.addToPolicy(any('lambda:CreateFunction', 'lambda:InvokeFunction'));
    new s3.Bucket(stack, 'B').grantReadWrite(deployer);
    expect(run(passRoleToCompute, deployer)).toBe(COMPLIANT);
  });
});

describe('a policy attached to nothing this stack can see is judged on its own', () => {
  test('attached to an imported role', () => {
    const stack = newStack();
    const imported = iam.Role.fromRoleName(stack, 'Imported', 'existing-role');
    const policy = new iam.Policy(stack, 'P', { statements: [any('cloudformation:UpdateStack')], roles: [imported] });
    expect(findings(takeOverRunningResource, policy)).toEqual(['Escalation::cloudformation:UpdateStack']);
  });

  test('a standalone managed policy', () => {
    const stack = newStack();
    const policy = new iam.ManagedPolicy(stack, 'Standalone', { statements: [any('iam:CreatePolicyVersion')] });
    expect(findings(selfModification, policy)).toEqual(['Escalation::iam:CreatePolicyVersion']);
  });
});

test('not applicable to other resources', () => {
  const stack = newStack();
  expect(run(selfModification, new s3.Bucket(stack, 'B'))).toBe(NOT_APPLICABLE);
});

describe('a group is judged through its members when every member in the app has a boundary', () => {
  function groupWithTakeOver(stack: ReturnType<typeof newStack>) {
    const group = new iam.Group(stack, 'Developers');
    group.addToPolicy(any('lambda:UpdateFunctionCode'));
    return group;
  }
  const dataOnly = (stack: ReturnType<typeof newStack>) =>
    new iam.ManagedPolicy(stack, 'Boundary', { statements: [any('s3:*', 'dynamodb:*')] });

  test('every member bounded: the boundary caps the group\'s grant, on the group and on each member', () => {
    const stack = newStack();
    const group = groupWithTakeOver(stack);
    const member = new iam.User(stack, 'Dev', { groups: [group], permissionsBoundary: dataOnly(stack) });
    expect(run(takeOverRunningResource, group)).toBe(COMPLIANT);
    expect(run(takeOverRunningResource, member)).toBe(COMPLIANT);
  });

  test('one member without a boundary: the group and that member are findings', () => {
    const stack = newStack();
    const group = groupWithTakeOver(stack);
    new iam.User(stack, 'Bounded', { groups: [group], permissionsBoundary: dataOnly(stack) });
    const open = new iam.User(stack, 'Open', { groups: [group] });
    expect(findings(takeOverRunningResource, group)).toEqual(['Escalation::lambda:UpdateFunctionCode']);
    expect(findings(takeOverRunningResource, open)).toEqual(['Escalation::lambda:UpdateFunctionCode']);
  });

  test('no member in the app: the group is judged on its own', () => {
    const stack = newStack();
    expect(findings(takeOverRunningResource, groupWithTakeOver(stack))).toEqual(['Escalation::lambda:UpdateFunctionCode']);
  });

  test('a member whose boundary still allows the action is a finding on the member', () => {
    const stack = newStack();
    const group = groupWithTakeOver(stack);
    const boundary = new iam.ManagedPolicy(stack, 'Wide', { statements: [any('lambda:*')] });
    const member = new iam.User(stack, 'Dev', { groups: [group], permissionsBoundary: boundary });
    expect(run(takeOverRunningResource, group)).toBe(COMPLIANT);
    expect(findings(takeOverRunningResource, member)).toEqual(['Escalation::lambda:UpdateFunctionCode']);
  });
});

describe('resources judged by what the action names', () => {
  const on = (resources: string[], ...actions: string[]) => new iam.PolicyStatement({ actions, resources });

  test('ssm:SendCommand escalates only where every document may run', () => {
    const stack = newStack();
    const backup = new iam.Role(stack, 'Backup', { assumedBy: new iam.AccountRootPrincipal() });
    backup.addToPolicy(on(['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:document/AWSEC2-CreateVssSnapshot'], 'ssm:SendCommand'));
    expect(run(takeOverRunningResource, backup)).toBe(COMPLIANT);
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    operator.addToPolicy(on(['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:us-east-1:111111111111:document/*'], 'ssm:SendCommand'));
    expect(findings(takeOverRunningResource, operator)).toEqual(['Escalation::ssm:SendCommand']);
    const anything = new iam.Role(stack, 'Anything', { assumedBy: new iam.AccountRootPrincipal() });
    anything.addToPolicy(any('SSM:SendCommand'));
    expect(findings(takeOverRunningResource, anything)).toEqual(['Escalation::ssm:SendCommand']);
  });

  test('iam:PassRole on a resource that names no role passes nothing', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(on(['arn:aws:s3:::*'], 'iam:PassRole'));
    role.addToPolicy(any('lambda:CreateFunction', 'lambda:InvokeFunction'));
    expect(run(passRoleToCompute, role)).toBe(COMPLIANT);
  });
});

describe('a role only an AWS service operates: its service-role policies are AWS\'s design', () => {
  const batchPolicy = () => iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBatchServiceRole');

  test('AWSBatchServiceRole on the Batch service role is not an escalation', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Batch', { assumedBy: new iam.ServicePrincipal('batch.amazonaws.com'), managedPolicies: [batchPolicy()] });
    expect(run(passRoleToCompute, role)).toBe(COMPLIANT);
  });

  test('the same policy on a role that runs the account\'s code, or that people can assume, is', () => {
    const stack = newStack();
    const fn = new iam.Role(stack, 'Fn', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), managedPolicies: [batchPolicy()] });
    expect(findings(passRoleToCompute, fn)).toContain('Escalation::iam:PassRole+ec2:RunInstances');
    const mixed = new iam.Role(stack, 'Mixed', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('batch.amazonaws.com'), new iam.AccountRootPrincipal()),
      managedPolicies: [batchPolicy()],
    });
    expect(findings(passRoleToCompute, mixed)).toContain('Escalation::iam:PassRole+ec2:RunInstances');
  });

  test('the app\'s own grants on a service-operated role are still judged', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Backup', { assumedBy: new iam.ServicePrincipal('backup.amazonaws.com') });
    role.addToPolicy(any('iam:PutRolePolicy'));
    expect(findings(selfModification, role)).toEqual(['Escalation::iam:PutRolePolicy']);
  });
});
