// The "Test your IAM" example of the README, as a real test (imports from the source instead of
// 'cdk-iam-guardrails'). Keep the two in step.
process.env.CDK_VALIDATION = 'false';

import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EffectivePermissions } from '../../src';

// The app under test: a reader, a deployer that may pass the functions' role, and an admin role.
const app = new App();
const stack = new Stack(app, 'Reports');
const bucket = new s3.Bucket(stack, 'Reports');
const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
bucket.grantRead(reader);
const functionRole = new iam.Role(stack, 'FunctionRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
functionRole.grantPassRole(deployer);
const admin = new iam.Role(stack, 'Admin', {
  assumedBy: new iam.AccountRootPrincipal(),
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
});

const perms = EffectivePermissions.ofStack(stack);

test('this role can read the bucket and cannot delete it', () => {
  const role = perms.principalOf(reader);
  expect(role.allows('s3:GetObject', bucket.arnForObjects('2026/report.csv')).allowed).toBe(true);
  const deletion = role.allows('s3:Delete*', bucket.arnForObjects('*'));
  expect(deletion.allowed).toBe(false);
  // Why, for a failing test's message: which policy and statement allow, which Deny or boundary blocks.
  expect(deletion.reason).toMatch(/none of the \d+ actions s3:Delete\* stands for is allowed/);
});

test('no role in this stack can pass the admin role', () => {
  const passers = perms.whoCan('iam:PassRole', admin.roleArn);
  // The admin role itself can (AdministratorAccess): only it may.
  expect(passers.map(p => p.logicalId)).toEqual([perms.principalOf(admin).logicalId]);
  // The deployer may pass the functions' role, and nothing else.
  expect(perms.principalOf(deployer).allows('iam:PassRole', functionRole.roleArn).allowed).toBe(true);
  expect(perms.principalOf(deployer).allows('iam:PassRole', admin.roleArn).allowed).toBe(false);
});

test('no role but the admin role has a privilege-escalation path', () => {
  const escalating = perms.principals.filter(p => p.escalationPaths.length > 0).map(p => p.logicalId);
  expect(escalating).toEqual([perms.principalOf(admin).logicalId]);
});
