import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COMPLIANT, findings, modelOf, modelResourceOf, newStack, NOT_APPLICABLE, run } from './helpers';
import { DEFAULT_ASSIGNMENT } from '../../src/model/intrinsics';
import { ResolvedResource } from '../../src/model/resolved-resource';
import { BOUNDARY_RULES, grantsOutsideBoundary } from '../../src/rules/boundaries';

const any = (...actions: string[]) => new iam.PolicyStatement({ actions, resources: ['*'] });

function roleUnder(stack: ReturnType<typeof newStack>, ...statements: iam.PolicyStatement[]) {
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', { managedPolicyName: 'AppBoundary', statements });
  return new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), permissionsBoundary: boundary });
}

describe('LP15 grants the boundary makes dead', () => {
  test('insecure: a CDK grant outside a restrictive boundary is reported, with both policies named', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'B');
    const role = roleUnder(stack, new iam.PolicyStatement({ actions: ['s3:*'], resources: [bucket.bucketArn, bucket.arnForObjects('*')] }));
    bucket.grantRead(role);
    new dynamodb.Table(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }).grantReadData(role);
    const found = findings(grantsOutsideBoundary, role);
    expect(found).toContain('Action::dynamodb:GetItem');
    expect(found.some(f => f.startsWith('Action::s3:'))).toBe(false);
    const resource = modelResourceOf(role, modelOf(role));
    const message = BOUNDARY_RULES[0].describe('Action::dynamodb:GetItem', new ResolvedResource(resource, DEFAULT_ASSIGNMENT));
    expect(message).toContain('policy "AppBoundary"');
    expect(message).toMatch(/allowed by policy "RDefaultPolicy\w*" statement #2/);
  });

  test('safe: a wildcard only partly cut (s3:* under s3:Get*) is not dead', () => {
    const stack = newStack();
    const role = roleUnder(stack, any('s3:Get*', 'lambda:*'));
    role.addToPolicy(any('s3:*', 'lambda:InvokeFunction'));
    expect(run(grantsOutsideBoundary, role)).toBe(COMPLIANT);
    role.addToPolicy(any('s3:Put*'));
    expect(findings(grantsOutsideBoundary, role)).toEqual(['Action::s3:Put*']);
  });

  test('tricky: a boundary Deny makes a grant dead; a resource the boundary never reaches does too', () => {
    const stack = newStack();
    const role = roleUnder(stack, any('*'),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['iam:*'], resources: ['*'] }),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:*'], resources: ['arn:aws:s3:::secret', 'arn:aws:s3:::secret/*'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['IAM:PassRole'], resources: ['arn:aws:iam::111111111111:role/x'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::secret/*'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::open/*'] }));
    expect(findings(grantsOutsideBoundary, role).sort()).toEqual(['Action::IAM:PassRole', 'Action::s3:GetObject']);
  });

  test('not applicable: no boundary, or not a principal; an AWS managed boundary is read by its content', () => {
    const stack = newStack();
    const plain = new iam.Role(stack, 'Plain', { assumedBy: new iam.AccountRootPrincipal() });
    plain.addToPolicy(any('s3:GetObject'));
    expect(run(grantsOutsideBoundary, plain)).toBe(NOT_APPLICABLE);
    const managed = new iam.Role(stack, 'Managed', {
      assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'),
    });
    managed.addToPolicy(any('s3:PutObject'));
    managed.addToPolicy(any('s3:GetObject'));
    expect(findings(grantsOutsideBoundary, managed)).toEqual(['Action::s3:PutObject']);
    expect(run(grantsOutsideBoundary, new s3.Bucket(stack, 'B'))).toBe(NOT_APPLICABLE);
  });

  test('an AWS managed policy outside the boundary is one finding naming the policy, not one per action', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [any('s3:*', 'cloudtrail:*')] });
    const auditor = new iam.Role(stack, 'Auditor', {
      assumedBy: new iam.AccountRootPrincipal(),
      permissionsBoundary: boundary,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecurityAudit')],
    });
    expect(findings(grantsOutsideBoundary, auditor)).toEqual(['Policy::SecurityAudit']);
    const view = new ResolvedResource(modelResourceOf(auditor), DEFAULT_ASSIGNMENT);
    expect(BOUNDARY_RULES[0].describe('Policy::SecurityAudit', view))
      .toMatch(/^\d+ of the actions the AWS managed policy SecurityAudit grants \(.+, and \d+ more\) are never allowed by the permissions boundary policy "Boundary/);
  });
});
