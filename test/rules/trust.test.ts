import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COMPLIANT, findings, newStack, NOT_APPLICABLE, run } from './helpers';
import {
  allowWithNotPrincipal, crossAccountWithoutExternalIdOrMfa, federationWithoutSubject, serviceWithoutSourceCondition, wildcardPrincipal,
} from '../../src/rules/trust';

const roleTrusting = (principal: iam.IPrincipal, props: Partial<iam.RoleProps> = {}, stack = newStack()) =>
  new iam.Role(stack, `R${stack.node.children.length}`, { assumedBy: principal, ...props });

const rawTrust = (...statements: object[]) => new iam.CfnRole(newStack(), 'Raw', { assumeRolePolicyDocument: { Statement: statements.length === 1 ? statements[0] : statements } });

describe('TR1 everyone may assume the role', () => {
  test('AnyPrincipal, and "Principal": "*" written as a string', () => {
    expect(findings(wildcardPrincipal, roleTrusting(new iam.AnyPrincipal()))).toEqual(['Principal::*']);
    expect(findings(wildcardPrincipal, rawTrust({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }))).toEqual(['Principal::*']);
  });

  test('narrowed by organization or principal ARN', () => {
    expect(run(wildcardPrincipal, roleTrusting(new iam.OrganizationPrincipal('o-abc123defg')))).toBe(COMPLIANT);
    expect(run(wildcardPrincipal, rawTrust({
      Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci-*' } },
    }))).toBe(COMPLIANT);
  });

  test('conditions that do not narrow: negated, IfExists, wildcard values, unrelated keys', () => {
    for (const condition of [
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } },
      { StringLike: { 'aws:PrincipalArn': '*' } },
      { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    ]) {
      expect(findings(wildcardPrincipal, rawTrust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: condition })))
        .toEqual(['Principal::*']);
    }
  });

  test('not applicable to other resources', () => {
    expect(run(wildcardPrincipal, new s3.Bucket(newStack(), 'B'))).toBe(NOT_APPLICABLE);
  });
});

describe('TR2 another account without an external id or MFA', () => {
  test('AccountPrincipal and a role ARN in another account', () => {
    expect(findings(crossAccountWithoutExternalIdOrMfa, roleTrusting(new iam.AccountPrincipal('222222222222'))))
      .toEqual(['Principal::arn:<AWS::Partition>:iam::222222222222:root']);
    expect(findings(crossAccountWithoutExternalIdOrMfa, roleTrusting(new iam.ArnPrincipal('arn:aws:iam::333333333333:role/ci'))))
      .toEqual(['Principal::arn:aws:iam::333333333333:role/ci']);
  });

  test('with an external id, or MFA', () => {
    expect(run(crossAccountWithoutExternalIdOrMfa, roleTrusting(new iam.AccountPrincipal('222222222222'), { externalIds: ['vendor-123'] }))).toBe(COMPLIANT);
    expect(run(crossAccountWithoutExternalIdOrMfa, roleTrusting(
      new iam.AccountPrincipal('222222222222').withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })))).toBe(COMPLIANT);
    expect(findings(crossAccountWithoutExternalIdOrMfa, roleTrusting(
      new iam.AccountPrincipal('222222222222').withConditions({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })))).toHaveLength(1);
  });

  test('the stack\'s own account is not another account', () => {
    expect(run(crossAccountWithoutExternalIdOrMfa, roleTrusting(new iam.AccountRootPrincipal()))).toBe(COMPLIANT);
    expect(run(crossAccountWithoutExternalIdOrMfa, roleTrusting(new iam.AccountPrincipal('111111111111')))).toBe(COMPLIANT);
  });

  test('in an environment-agnostic stack any literal account may be another one', () => {
    expect(findings(crossAccountWithoutExternalIdOrMfa, roleTrusting(new iam.AccountPrincipal('111111111111'), {}, newStack({})))).toHaveLength(1);
  });

  test('principals from tokens are not judged', () => {
    expect(run(crossAccountWithoutExternalIdOrMfa, rawTrust({ Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Other', 'Arn'] } }, Action: 'sts:AssumeRole' })))
      .toBe(COMPLIANT);
  });
});

describe('TR3 OIDC federation without a subject condition', () => {
  const github = (conditions: iam.Conditions) => {
    const stack = newStack();
    const provider = new iam.OpenIdConnectProvider(stack, 'GitHub', { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] });
    return roleTrusting(new iam.OpenIdConnectPrincipal(provider, conditions), {}, stack);
  };

  test('GitHub Actions trusted on audience only, or with sub "*"', () => {
    expect(findings(federationWithoutSubject, github({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } })))
      .toEqual([expect.stringMatching(/^Principal::<GitHub[0-9A-F]{8}>$/)]);
    expect(findings(federationWithoutSubject, github({ StringLike: { 'token.actions.githubusercontent.com:sub': '*' } }))).toHaveLength(1);
  });

  test('GitHub Actions with a repository subject', () => {
    expect(run(federationWithoutSubject, github({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:my-org/my-repo:ref:refs/heads/main' },
    }))).toBe(COMPLIANT);
  });

  test('a literal provider ARN needs that provider\'s sub key', () => {
    const arn = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
    const trust = (condition: object) => rawTrust({ Effect: 'Allow', Principal: { Federated: arn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition });
    expect(findings(federationWithoutSubject, trust({ StringEquals: { 'other.example.com:sub': 'x' } }))).toEqual([`Principal::${arn}`]);
    expect(run(federationWithoutSubject, trust({ StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main' } }))).toBe(COMPLIANT);
  });

  test('Cognito identity pools need the audience', () => {
    expect(findings(federationWithoutSubject, roleTrusting(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'))))
      .toEqual(['Principal::cognito-identity.amazonaws.com']);
    expect(run(federationWithoutSubject, roleTrusting(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com',
      { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } })))).toBe(COMPLIANT);
  });

  test('SAML federation is not judged by this rule', () => {
    expect(run(federationWithoutSubject, roleTrusting(new iam.SamlPrincipal(
      iam.SamlProvider.fromSamlProviderArn(newStack(), 'S', 'arn:aws:iam::111111111111:saml-provider/idp'), {})))).toBe(COMPLIANT);
  });
});

describe('TR4 Allow with NotPrincipal', () => {
  test('in a trust policy and a bucket policy', () => {
    expect(findings(allowWithNotPrincipal, rawTrust({ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' })))
      .toEqual(['NotPrincipal::arn:aws:iam::222222222222:root']);
    const stack = newStack();
    const policy = new s3.CfnBucketPolicy(stack, 'BP', {
      bucket: 'b',
      policyDocument: { Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::1:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] },
    });
    expect(findings(allowWithNotPrincipal, policy)).toEqual(['NotPrincipal::arn:aws:iam::1:root']);
  });

  test('Deny with NotPrincipal is fine', () => {
    expect(run(allowWithNotPrincipal, rawTrust(
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', NotPrincipal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ))).toBe(COMPLIANT);
  });
});

describe('TR5 service principals without a source condition (warning)', () => {
  test('ECS tasks and Step Functions without aws:SourceAccount', () => {
    expect(findings(serviceWithoutSourceCondition, roleTrusting(new iam.ServicePrincipal('ecs-tasks.amazonaws.com'))))
      .toEqual(['Principal::ecs-tasks.amazonaws.com']);
    expect(findings(serviceWithoutSourceCondition, roleTrusting(new iam.CompositePrincipal(
      new iam.ServicePrincipal('states.amazonaws.com'), new iam.ServicePrincipal('lambda.amazonaws.com')))))
      .toEqual(['Principal::states.amazonaws.com']);
  });

  test('with aws:SourceAccount or aws:SourceArn', () => {
    expect(run(serviceWithoutSourceCondition, roleTrusting(new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    })))).toBe(COMPLIANT);
  });

  test('Lambda and EC2 only use roles of their own account', () => {
    expect(run(serviceWithoutSourceCondition, roleTrusting(new iam.ServicePrincipal('lambda.amazonaws.com')))).toBe(COMPLIANT);
    expect(run(serviceWithoutSourceCondition, roleTrusting(new iam.ServicePrincipal('ec2.amazonaws.com')))).toBe(COMPLIANT);
  });
});
