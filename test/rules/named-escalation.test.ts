import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COMPLIANT, findings, modelOf, modelResourceOf, newStack, NOT_APPLICABLE, run } from './helpers';
import { DEFAULT_ASSIGNMENT } from '../../src/model/intrinsics';
import { ResolvedResource } from '../../src/model/resolved-resource';
import { escalationThroughNamedResource, PRIVILEGE_ESCALATION_RULES } from '../../src/rules/privilege-escalation';

const any = (...actions: string[]) => new iam.PolicyStatement({ actions, resources: ['*'] });
const on = (resources: string[], ...actions: string[]) => new iam.PolicyStatement({ actions, resources });
const PE4 = PRIVILEGE_ESCALATION_RULES.find(r => r.id === 'PE4')!;

type Construct = Parameters<typeof modelResourceOf>[0];

/** Without the hash CDK appends to logical ids (`@RC21A1702` -> `@R`). */
const short = (finding: string) => finding.replace(/@([A-Za-z0-9]+?)[0-9A-F]{8}$/, '@$1');

/** PE4 findings, targets named by their construct id. */
function pe4(construct: Construct): string[] {
  return findings(escalationThroughNamedResource, construct).map(short).sort();
}

/** The PE4 message of a finding, as the engine would produce it. */
function messageOf(construct: Construct, wanted: string): string {
  const finding = findings(escalationThroughNamedResource, construct).find(f => short(f) === wanted)!;
  const resource = modelResourceOf(construct, modelOf(construct));
  return PE4.describe(finding, new ResolvedResource(resource, DEFAULT_ASSIGNMENT));
}

function adminRole(stack: ReturnType<typeof newStack>, id = 'Admin', service = 'lambda.amazonaws.com') {
  return new iam.Role(stack, id, {
    assumedBy: new iam.ServicePrincipal(service),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
  });
}

describe('PE4 iam:PassRole on a named role stronger than the passer', () => {
  test('insecure: PassRole on a named admin role with lambda:CreateFunction + lambda:InvokeFunction', () => {
    const stack = newStack();
    const admin = adminRole(stack);
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    admin.grantPassRole(deployer);
    deployer.addToPolicy(any('lambda:CreateFunction', 'lambda:InvokeFunction'));
    expect(pe4(deployer)).toEqual(['Escalation::iam:PassRole@Admin']);
    const message = messageOf(deployer, 'Escalation::iam:PassRole@Admin');
    expect(message).toContain('through the role Admin');
    expect(message).toContain('AdministratorAccess');
    expect(message).toMatch(/lambda:CreateFunction \+ lambda:InvokeFunction \(policy "DeployerDefaultPolicy\w*" statement #2\)/);
    expect(message).toContain('iam:PassedToService');
  });

  test('safe: PassRole on a named role weaker than the passer', () => {
    const stack = newStack();
    const weak = new iam.Role(stack, 'FnRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new s3.Bucket(stack, 'B').grantRead(weak);
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    weak.grantPassRole(deployer);
    deployer.addToPolicy(any('lambda:CreateFunction', 'lambda:InvokeFunction'));
    expect(run(escalationThroughNamedResource, deployer)).toBe(COMPLIANT);
  });

  test('safe: no service to run code with it, or the admin role does not trust that service', () => {
    const stack = newStack();
    const admin = adminRole(stack, 'Admin', 'ec2.amazonaws.com');
    const passer = new iam.Role(stack, 'Passer', { assumedBy: new iam.AccountRootPrincipal() });
    admin.grantPassRole(passer);
    expect(run(escalationThroughNamedResource, passer)).toBe(COMPLIANT);
    passer.addToPolicy(any('lambda:CreateFunction', 'lambda:InvokeFunction'));
    // Lambda cannot assume a role that only trusts EC2.
    expect(run(escalationThroughNamedResource, passer)).toBe(COMPLIANT);
    passer.addToPolicy(any('ec2:RunInstances'));
    expect(pe4(passer)).toEqual(['Escalation::iam:PassRole@Admin']);
  });

  test('tricky: iam:PassedToService confines the rows (passing to EC2 only matters with EC2 actions)', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('lambda.amazonaws.com'), new iam.ServicePrincipal('ec2.amazonaws.com')),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    const passer = new iam.Role(stack, 'Passer', { assumedBy: new iam.AccountRootPrincipal() });
    passer.addToPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'], resources: [admin.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }));
    passer.addToPolicy(any('lambda:CreateFunction', 'lambda:InvokeFunction'));
    expect(run(escalationThroughNamedResource, passer)).toBe(COMPLIANT);
    passer.addToPolicy(any('ec2:RunInstances'));
    expect(pe4(passer)).toEqual(['Escalation::iam:PassRole@Admin']);
    expect(messageOf(passer, 'Escalation::iam:PassRole@Admin')).not.toContain('add an iam:PassedToService');
  });

  test('tricky: a name prefix matches roles of the app by their literal RoleName; a Fn::Sub ARN around a Ref', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', {
      roleName: 'app-admin',
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    const byPrefix = new iam.Role(stack, 'ByPrefix', { assumedBy: new iam.AccountRootPrincipal() });
    byPrefix.addToPolicy(on(['arn:aws:iam::111111111111:role/app-*'], 'iam:PassRole'));
    byPrefix.addToPolicy(any('codebuild:CreateProject', 'codebuild:StartBuild'));
    expect(pe4(byPrefix)).toEqual(['Escalation::iam:PassRole@Admin']);
    const otherPrefix = new iam.Role(stack, 'OtherPrefix', { assumedBy: new iam.AccountRootPrincipal() });
    otherPrefix.addToPolicy(on(['arn:aws:iam::111111111111:role/web-*', 'arn:aws:iam::222222222222:role/app-*'], 'iam:PassRole'));
    otherPrefix.addToPolicy(any('codebuild:CreateProject', 'codebuild:StartBuild'));
    expect(run(escalationThroughNamedResource, otherPrefix)).toBe(COMPLIANT);
    const bySub = new iam.Role(stack, 'BySub', { assumedBy: new iam.AccountRootPrincipal() });
    bySub.addToPolicy(on([`arn:aws:iam::111111111111:role/${admin.roleName}`], 'IAM:passrole'));
    bySub.addToPolicy(any('codebuild:CreateProject', 'codebuild:StartBuild'));
    expect(pe4(bySub)).toEqual(['Escalation::iam:PassRole@Admin']);
  });
});

describe('PE4 iam:AddUserToGroup on a stronger group', () => {
  test('insecure: a user that can add users to an admin group', () => {
    const stack = newStack();
    const admins = new iam.Group(stack, 'Admins', { managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')] });
    const user = new iam.User(stack, 'Helpdesk');
    user.addToPolicy(on([admins.groupArn], 'iam:AddUserToGroup'));
    expect(pe4(user)).toEqual(['Escalation::iam:AddUserToGroup@Admins']);
    expect(messageOf(user, 'Escalation::iam:AddUserToGroup@Admins')).toContain('AWS managed policy AdministratorAccess');
  });

  test('safe: a group that grants nothing more; not applicable to a bucket', () => {
    const stack = newStack();
    const readers = new iam.Group(stack, 'Readers');
    new s3.Bucket(stack, 'B').grantRead(readers);
    const user = new iam.User(stack, 'Helpdesk');
    new s3.Bucket(stack, 'C').grantReadWrite(user);
    user.addToPolicy(on([readers.groupArn], 'iam:AddUserToGroup'));
    expect(run(escalationThroughNamedResource, user)).toBe(COMPLIANT);
    expect(run(escalationThroughNamedResource, new s3.Bucket(stack, 'D'))).toBe(NOT_APPLICABLE);
  });

  test('tricky: the group is stronger because it can escalate itself', () => {
    const stack = newStack();
    const ops = new iam.Group(stack, 'Ops');
    ops.addToPolicy(any('ssm:SendCommand'));
    const user = new iam.User(stack, 'U');
    user.addToPolicy(on([ops.groupArn], 'iam:AddUserToGroup'));
    expect(pe4(user)).toEqual(['Escalation::iam:AddUserToGroup@Ops']);
  });
});

describe('PE4 changing its own permissions', () => {
  test('insecure: iam:PutRolePolicy on its own role by ARN placeholder', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(on([role.roleArn], 'iam:PutRolePolicy'));
    expect(pe4(role)).toEqual(['Escalation::iam:PutRolePolicy@R']);
    expect(messageOf(role, 'Escalation::iam:PutRolePolicy@R')).toMatch(/which names itself \(policy "RDefaultPolicy\w*" statement #1\)/);
  });

  test('insecure: iam:AttachRolePolicy through a name prefix that matches its own name', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { roleName: 'app-worker', assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(on(['arn:aws:iam::*:role/app-*'], 'iam:AttachRolePolicy'));
    expect(pe4(role)).toEqual(['Escalation::iam:AttachRolePolicy@R']);
  });

  test('safe: the same prefix on a role whose name does not match it; another role\'s policies', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { roleName: 'ops-worker', assumedBy: new iam.AccountRootPrincipal() });
    const other = new iam.Role(stack, 'Other', { roleName: 'app-other', assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(on(['arn:aws:iam::*:role/app-*', other.roleArn], 'iam:PutRolePolicy'));
    expect(run(escalationThroughNamedResource, role)).toBe(COMPLIANT);
  });

  test('${aws:username}: iam:AttachUserPolicy is escalation, iam:CreateAccessKey is self-service', () => {
    const stack = newStack();
    const people = new iam.Group(stack, 'People');
    people.addToPolicy(on(['arn:aws:iam::*:user/${aws:username}'], 'iam:CreateAccessKey', 'iam:UpdateLoginProfile'));
    expect(run(escalationThroughNamedResource, people)).toBe(COMPLIANT);
    const user = new iam.User(stack, 'Alice', { groups: [people] });
    expect(run(escalationThroughNamedResource, user)).toBe(COMPLIANT);
    people.addToPolicy(on(['arn:aws:iam::*:user/${aws:username}'], 'iam:AttachUserPolicy'));
    expect(pe4(people)).toEqual(['Escalation::iam:AttachUserPolicy@People']);
    expect(pe4(user)).toEqual(['Escalation::iam:AttachUserPolicy@Alice']);
  });

  test('a role cannot use ${aws:username}: the statement names no user', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(on(['arn:aws:iam::*:user/${aws:username}'], 'iam:AttachUserPolicy'));
    expect(run(escalationThroughNamedResource, role)).toBe(COMPLIANT);
  });

  test('a user that can write its group\'s policy; a managed policy attached to itself', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'Team');
    const user = new iam.User(stack, 'U', { groups: [group] });
    user.addToPolicy(on([group.groupArn], 'iam:PutGroupPolicy'));
    const own = new iam.ManagedPolicy(stack, 'Own', { statements: [on(['arn:aws:s3:::b/*'], 's3:GetObject')], users: [user] });
    user.addToPolicy(on([own.managedPolicyArn], 'iam:CreatePolicyVersion'));
    expect(pe4(user)).toEqual(['Escalation::iam:CreatePolicyVersion@Own', 'Escalation::iam:PutGroupPolicy@Team']);
  });

  test('a Deny on its own ARN or a boundary that does not allow it removes the finding', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(on([role.roleArn], 'iam:PutRolePolicy'));
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['iam:Put*'], resources: [role.roleArn] }));
    expect(run(escalationThroughNamedResource, role)).toBe(COMPLIANT);
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [any('s3:*')] });
    const bounded = new iam.Role(stack, 'Bounded', { assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: boundary });
    bounded.addToPolicy(on([bounded.roleArn], 'iam:PutRolePolicy'));
    expect(run(escalationThroughNamedResource, bounded)).toBe(COMPLIANT);
  });

  test('removing its own permissions boundary', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [any('s3:*', 'iam:*')] });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: boundary });
    role.addToPolicy(on([role.roleArn], 'iam:DeleteRolePermissionsBoundary'));
    expect(pe4(role)).toEqual(['Escalation::iam:DeleteRolePermissionsBoundary@R']);
  });
});

describe('PE4 sts:AssumeRole on the CDK bootstrap roles', () => {
  test('insecure: a function role that can assume the deploy role', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Fn', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(on(['arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-us-east-1'], 'sts:AssumeRole'));
    expect(pe4(role)).toEqual(['Escalation::sts:AssumeRole@cdk-deploy-role']);
    const exec = new iam.Role(stack, 'Exec', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    exec.addToPolicy(on(['arn:*:iam::*:role/cdk-*'], 'sts:AssumeRole'));
    expect(pe4(exec)).toEqual(['Escalation::sts:AssumeRole@cdk-cfn-exec-role', 'Escalation::sts:AssumeRole@cdk-deploy-role']);
  });

  test('safe: the publishing roles; a CodePipeline role (it exists to deploy)', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Fn', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(on(['arn:aws:iam::111111111111:role/cdk-hnb659fds-file-publishing-role-111111111111-us-east-1'], 'sts:AssumeRole'));
    expect(run(escalationThroughNamedResource, role)).toBe(COMPLIANT);
    const pipeline = new iam.Role(stack, 'Pipeline', { assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com') });
    pipeline.addToPolicy(on(['arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-us-east-1'], 'sts:AssumeRole'));
    expect(run(escalationThroughNamedResource, pipeline)).toBe(COMPLIANT);
  });
});
