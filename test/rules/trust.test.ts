import { Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { COMPLIANT, findings, modelResourceOf, newStack, NOT_APPLICABLE, run } from './helpers';
import { ResolvedResource } from '../../src/model/resolved-resource';
import {
  allowWithNotPrincipal, cognitoGuestRoleWithWrite, cognitoRoleWithoutAmr, crossAccountWithoutExternalIdOrMfa, federationWithoutSubject,
  samlWithoutAudience, serviceWithoutSourceCondition, TRUST_RULES, trustAllowsEveryAction, wildcardPrincipal,
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

/** The message a rule gives for a finding on a construct. */
function messageOf(id: string, finding: string, construct: IConstruct): string {
  const resource = modelResourceOf(construct);
  return TRUST_RULES.find(r => r.id === id)!.describe(finding, new ResolvedResource(resource, resource.variants()[0].assignment));
}

describe('TR6 Cognito identity-pool roles: amr, and guest roles that manage permissions', () => {
  const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
  const AUD = { StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL } };
  const cognitoRole = (conditions: object, stack = newStack(), actions: string[] = []) => {
    const role = roleTrusting(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com', conditions as iam.Conditions), {}, stack);
    if (actions.length > 0) role.addToPolicy(new iam.PolicyStatement({ actions, resources: ['*'] }));
    return role;
  };
  const amr = (operator: string, value: string) => ({ ...AUD, [operator]: { 'cognito-identity.amazonaws.com:amr': value } });

  test('an authenticated role without amr admits guests too', () => {
    expect(findings(cognitoRoleWithoutAmr, cognitoRole(AUD))).toEqual(['Amr::AnyIdentity']);
    // TR3 already reports the missing aud; TR6 reports only the amr.
    const neither = cognitoRole({});
    expect(findings(federationWithoutSubject, neither)).toEqual(['Principal::cognito-identity.amazonaws.com']);
    expect(findings(cognitoRoleWithoutAmr, neither)).toEqual(['Amr::AnyIdentity']);
    expect(run(federationWithoutSubject, cognitoRole(AUD))).toBe(COMPLIANT);
  });

  test('amr pinned to authenticated', () => {
    expect(run(cognitoRoleWithoutAmr, cognitoRole(amr('ForAnyValue:StringLike', 'authenticated')))).toBe(COMPLIANT);
    expect(run(cognitoRoleWithoutAmr, cognitoRole(amr('ForAnyValue:StringEquals', 'authenticated'), newStack(), ['iam:PutRolePolicy'])))
      .toBe(COMPLIANT);
  });

  test('amr conditions that let guests through: a pattern matching both, IfExists, ForAllValues', () => {
    for (const condition of [
      amr('ForAnyValue:StringLike', '*authenticated'),
      amr('ForAnyValue:StringLikeIfExists', 'authenticated'),
      amr('ForAllValues:StringLike', 'authenticated'),
      amr('ForAnyValue:StringNotLike', 'unauthenticated'),
    ]) {
      expect(findings(cognitoRoleWithoutAmr, cognitoRole(condition))).toEqual(['Amr::AnyIdentity']);
    }
  });

  test('a guest role that manages permissions or escalates is an error; one that writes is TR8\'s warning', () => {
    const guest = (actions: string[]) => cognitoRole(amr('ForAnyValue:StringLike', 'unauthenticated'), newStack(), actions);
    const managing = guest(['iam:PutRolePolicy', 's3:GetObject']);
    expect(findings(cognitoRoleWithoutAmr, managing)).toEqual(['Unauthenticated::iam:PutRolePolicy']);
    expect(run(cognitoGuestRoleWithWrite, managing)).toBe(COMPLIANT);
    const escalating = guest(['lambda:UpdateFunctionCode']);
    expect(findings(cognitoRoleWithoutAmr, escalating)).toEqual(['Unauthenticated::lambda:UpdateFunctionCode']);
    const writing = guest(['mobiletargeting:PutEvents', 's3:GetObject']);
    expect(run(cognitoRoleWithoutAmr, writing)).toBe(COMPLIANT);
    expect(findings(cognitoGuestRoleWithWrite, writing)).toEqual(['Unauthenticated::mobiletargeting:PutEvents']);
    expect(run(cognitoGuestRoleWithWrite, guest(['s3:GetObject']))).toBe(COMPLIANT);
    // A role open to any identity is a guest role too.
    expect(findings(cognitoRoleWithoutAmr, cognitoRole(AUD, newStack(), ['iam:*']))).toEqual(['Amr::AnyIdentity', 'Unauthenticated::iam:*']);
  });

  test('an authenticated role with write access is not TR8\'s business', () => {
    expect(run(cognitoGuestRoleWithWrite, cognitoRole(amr('ForAnyValue:StringLike', 'authenticated'), newStack(), ['s3:PutObject'])))
      .toBe(COMPLIANT);
  });

  test('a pool of the app that refuses guests has no guest identities to fear', () => {
    const withPool = (allowGuests: boolean) => {
      const stack = newStack();
      const pool = new cognito.CfnIdentityPool(stack, 'Pool', { allowUnauthenticatedIdentities: allowGuests });
      return cognitoRole({ StringEquals: { 'cognito-identity.amazonaws.com:aud': pool.ref } }, stack, ['s3:PutObject']);
    };
    expect(run(cognitoRoleWithoutAmr, withPool(false))).toBe(COMPLIANT);
    expect(run(cognitoGuestRoleWithWrite, withPool(false))).toBe(COMPLIANT);
    expect(findings(cognitoRoleWithoutAmr, withPool(true))).toEqual(['Amr::AnyIdentity']);
    expect(findings(cognitoGuestRoleWithWrite, withPool(true))).toEqual(['Unauthenticated::s3:PutObject']);
  });

  test('not applicable to other trusts and resources', () => {
    expect(run(cognitoRoleWithoutAmr, roleTrusting(new iam.ServicePrincipal('lambda.amazonaws.com')))).toBe(NOT_APPLICABLE);
    expect(run(cognitoGuestRoleWithWrite, roleTrusting(new iam.WebIdentityPrincipal('accounts.google.com')))).toBe(NOT_APPLICABLE);
    expect(run(cognitoRoleWithoutAmr, new s3.Bucket(newStack(), 'B'))).toBe(NOT_APPLICABLE);
  });

  test('messages name the trust statement and the fix', () => {
    const role = cognitoRole(AUD);
    expect(messageOf('TR6', 'Amr::AnyIdentity', role)).toMatch(/trust policy statement #1\).*"ForAnyValue:StringLike": \{ "cognito-identity.amazonaws.com:amr": "authenticated" \}/);
    const guest = cognitoRole(amr('ForAnyValue:StringLike', 'unauthenticated'), newStack(), ['s3:PutObject']);
    expect(messageOf('TR8', 'Unauthenticated::s3:PutObject', guest)).toMatch(/trust policy statement #1.*s3:PutObject \(write access\)/);
  });
});

describe('TR7 SAML trust without SAML:aud pinned to the sign-in endpoint', () => {
  const ARN = 'arn:aws:iam::111111111111:saml-provider/Okta';
  const samlTrust = (condition?: object) => rawTrust({
    Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:AssumeRoleWithSAML', ...(condition ? { Condition: condition } : {}),
  });
  const provider = (stack: Stack) => new iam.SamlProvider(stack, 'Idp', { metadataDocument: iam.SamlMetadataDocument.fromXml('<xml/>') });

  test('SamlPrincipal without conditions; SamlConsolePrincipal pins the endpoint', () => {
    const stack = newStack();
    expect(findings(samlWithoutAudience, roleTrusting(new iam.SamlPrincipal(provider(stack), {}), {}, stack)))
      .toEqual([expect.stringMatching(/^Principal::<Idp[0-9A-F]{8}>$/)]);
    const other = newStack();
    expect(run(samlWithoutAudience, roleTrusting(new iam.SamlConsolePrincipal(provider(other)), {}, other))).toBe(COMPLIANT);
    const eu = newStack({ env: { account: '111111111111', region: 'cn-north-1' } });
    expect(run(samlWithoutAudience, roleTrusting(new iam.SamlConsolePrincipal(provider(eu)), {}, eu))).toBe(COMPLIANT);
  });

  test('regional and global endpoints pin; wildcards, other URLs and IfExists do not', () => {
    expect(run(samlWithoutAudience, samlTrust({ StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } }))).toBe(COMPLIANT);
    expect(run(samlWithoutAudience, samlTrust({ StringEquals: { 'saml:aud': ['https://eu-west-1.signin.aws.amazon.com/saml'] } }))).toBe(COMPLIANT);
    for (const condition of [
      undefined,
      { StringLike: { 'SAML:aud': '*' } },
      { StringLike: { 'SAML:aud': 'https://*.signin.aws.amazon.com/saml' } },
      { StringEquals: { 'SAML:aud': 'https://app.example.com/saml' } },
      { StringEqualsIfExists: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      { StringEquals: { 'SAML:aud': ['https://signin.aws.amazon.com/saml', 'https://app.example.com/saml'] } },
      { StringEquals: { 'SAML:iss': 'https://idp.example.com' } },
    ]) {
      expect([condition, findings(samlWithoutAudience, samlTrust(condition))]).toEqual([condition, [`Principal::${ARN}`]]);
    }
  });

  test('not applicable to other trusts', () => {
    expect(run(samlWithoutAudience, roleTrusting(new iam.ServicePrincipal('lambda.amazonaws.com')))).toBe(NOT_APPLICABLE);
    expect(run(samlWithoutAudience, roleTrusting(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com')))).toBe(NOT_APPLICABLE);
  });

  test('the message names the statement and what is wrong with its SAML:aud', () => {
    const role = samlTrust({ StringLike: { 'SAML:aud': '*' } });
    const text = messageOf('TR7', `Principal::${ARN}`, role);
    expect(text).toContain('statement #1 has a SAML:aud condition that does not pin it (StringLike *)');
    expect(text).toContain('https://signin.aws.amazon.com/saml');
    expect(messageOf('TR7', `Principal::${ARN}`, samlTrust({ StringEquals: { 'SAML:aud': 'https://app.example.com/saml' } })))
      .toContain('not an AWS sign-in endpoint');
  });
});

describe('TR9 a trust policy that allows every STS action', () => {
  const trustOf = (statement: object) => new iam.CfnRole(newStack(), 'R', { assumeRolePolicyDocument: { Version: '2012-10-17', Statement: statement } });

  test('"*", sts:* (any case) and NotAction are findings', () => {
    expect(findings(trustAllowsEveryAction, trustOf({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: '*' })))
      .toEqual(['Action::*']);
    expect(findings(trustAllowsEveryAction, trustOf([{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: ['STS:*'] }])))
      .toEqual(['Action::STS:*']);
    expect(findings(trustAllowsEveryAction, trustOf({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, NotAction: 'sts:TagSession' })))
      .toEqual(['NotAction::sts:TagSession']);
  });

  test('the actions iam.Role writes are compliant; a Deny of every action and a non-role are not findings', () => {
    expect(run(trustAllowsEveryAction, new iam.Role(newStack(), 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toBe(COMPLIANT);
    expect(run(trustAllowsEveryAction, trustOf([
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
      { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: '*' },
    ]))).toBe(COMPLIANT);
    expect(run(trustAllowsEveryAction, new iam.User(newStack(), 'U'))).toBe(NOT_APPLICABLE);
  });
});
