import { App, Aws, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BoundedRole } from '../../src/constructs/bounded-role';
import { checkAwsSolutions } from '../support/aws-solutions';

const ACCOUNT = '111111111111';
const OTHER = '222222222222';


function newStack(account?: string): Stack {
  return new Stack(new App(), 'Stack', account ? { env: { account, region: 'eu-west-1' } } : undefined);
}

function roleProperties(template: Template, role: iam.Role): any {
  const logicalId = Stack.of(role).getLogicalId(role.node.defaultChild as iam.CfnRole);
  return template.toJSON().Resources[logicalId].Properties;
}

function trust(template: Template, role: iam.Role): any[] {
  return roleProperties(template, role).AssumeRolePolicyDocument.Statement;
}

function boundaries(template: Template): Record<string, any> {
  return template.findResources('AWS::IAM::ManagedPolicy');
}

const sourceAccount = (account: unknown) => ({ StringEquals: { 'aws:SourceAccount': account } });
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

describe('one stack with an explicit account', () => {
  const stack = newStack(ACCOUNT);
  const lambdaRole = new BoundedRole(stack, 'LambdaRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const secondDefault = new BoundedRole(stack, 'SecondRole', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    allowedServices: ['logs', 'lambda', 's3', 'dynamodb', 's3'],
  });
  const narrow = new BoundedRole(stack, 'NarrowRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    allowedServices: ['s3', 'execute-api'],
  });
  const optOut = new BoundedRole(stack, 'OptOutRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    restrictServicesToStackAccount: false,
    maxSessionDuration: Duration.hours(4),
  });
  const sameAccount = new BoundedRole(stack, 'SameAccountRole', { assumedBy: new iam.AccountRootPrincipal() });
  const sameAccountLiteral = new BoundedRole(stack, 'SameAccountLiteralRole', { assumedBy: new iam.AccountPrincipal(ACCOUNT) });
  const roleInApp = new BoundedRole(stack, 'TrustsRoleInApp', { assumedBy: new iam.ArnPrincipal(lambdaRole.roleArn) });
  const thirdParty = new BoundedRole(stack, 'ThirdPartyRole', {
    assumedBy: new iam.AccountPrincipal(OTHER),
    externalIds: ['vendor-external-id'],
  });
  const people = new BoundedRole(stack, 'PeopleRole', {
    assumedBy: new iam.ArnPrincipal(`arn:aws:iam::${OTHER}:role/Admins`),
    requireMfa: true,
  });
  const composite = new BoundedRole(stack, 'CompositeRole', {
    assumedBy: new iam.CompositePrincipal(
      new iam.ServicePrincipal('lambda.amazonaws.com'),
      new iam.AccountPrincipal(OTHER),
    ),
    requireMfa: true,
  });
  const ownBoundary = new iam.ManagedPolicy(stack, 'OwnBoundary', {
    statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:eu-west-1:${ACCOUNT}:queue`] })],
  });
  const explicitBoundary = new BoundedRole(stack, 'ExplicitBoundaryRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    permissionsBoundary: ownBoundary,
  });
  const template = Template.fromStack(stack);
  const defaultBoundaryId = stack.getLogicalId(BoundedRole.defaultBoundary(stack).node.defaultChild as iam.CfnManagedPolicy);

  test('the default boundary is the guide\'s DeveloperBoundary, plus own credentials and the guardrails\' protection', () => {
    // What each statement decides is tested request by request in guardrail-protection.test.ts.
    const document = boundaries(template)[defaultBoundaryId].Properties.PolicyDocument;
    expect(document.Statement[0]).toEqual({ Sid: 'AllowedServices', Effect: 'Allow', Action: ['dynamodb:*', 'lambda:*', 'logs:*', 's3:*'], Resource: '*' });
    expect(document.Statement.map((s: any) => `${s.Effect} ${s.Sid}`)).toEqual([
      'Allow AllowedServices',
      'Allow AllowOwnMfaAndCredentials',
      'Deny DenyIamExceptOwnUserAndMfaDevice',
      'Deny DenyOnOwnUserAllButOwnCredentials',
      'Deny DenyOrganizationsAndAccountAdministration',
      'Deny DenyChangingGuardrailResources',
      'Deny DenyGuardrailTagChanges',
      'Deny DenyChangingConfigAndArchivingAnalyzerFindings',
    ]);
    expect(document.Statement[2]).toEqual(expect.objectContaining({ Action: 'iam:*', NotResource: expect.any(Array) }));
    expect(document.Statement[4]).toEqual(expect.objectContaining({ Action: ['organizations:*', 'account:*'], Resource: '*' }));
  });

  test('roles with the same services share one boundary per stack; another set gets its own', () => {
    expect(roleProperties(template, lambdaRole).PermissionsBoundary).toEqual({ Ref: defaultBoundaryId });
    expect(roleProperties(template, secondDefault).PermissionsBoundary).toEqual({ Ref: defaultBoundaryId });
    expect(lambdaRole.permissionsBoundary).toBe(secondDefault.permissionsBoundary);
    expect(BoundedRole.defaultBoundary(stack)).toBe(lambdaRole.permissionsBoundary);
    const narrowBoundary = narrow.permissionsBoundary as iam.ManagedPolicy;
    expect(narrowBoundary).not.toBe(lambdaRole.permissionsBoundary);
    expect(boundaries(template)[stack.getLogicalId(narrowBoundary.node.defaultChild as iam.CfnManagedPolicy)].Properties.PolicyDocument.Statement[0])
      .toEqual({ Sid: 'AllowedServices', Effect: 'Allow', Action: ['execute-api:*', 's3:*'], Resource: '*' });
    // default, narrow, and the user's own
    expect(Object.keys(boundaries(template))).toHaveLength(3);
  });

  test('every role has a boundary; an explicit one is used as is', () => {
    for (const role of [lambdaRole, secondDefault, narrow, optOut, sameAccount, sameAccountLiteral, roleInApp, thirdParty, people, composite]) {
      expect(roleProperties(template, role).PermissionsBoundary).toBeDefined();
    }
    const ownBoundaryId = stack.getLogicalId(ownBoundary.node.defaultChild as iam.CfnManagedPolicy);
    expect(roleProperties(template, explicitBoundary).PermissionsBoundary).toEqual({ Ref: ownBoundaryId });
  });

  test('maxSessionDuration defaults to one hour and can be raised', () => {
    expect(roleProperties(template, lambdaRole).MaxSessionDuration).toBe(3600);
    expect(roleProperties(template, optOut).MaxSessionDuration).toBe(14400);
  });

  test('a service principal may act only for the stack\'s account (confused deputy), unless opted out', () => {
    expect(trust(template, lambdaRole)).toEqual([{
      Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' }, Condition: sourceAccount(ACCOUNT),
    }]);
    expect(trust(template, optOut)).toEqual([{
      Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' },
    }]);
  });

  test('same-account principals need neither external id nor MFA', () => {
    expect(trust(template, sameAccount)[0].Condition).toBeUndefined();
    expect(trust(template, sameAccountLiteral)[0].Condition).toBeUndefined();
    expect(trust(template, roleInApp)[0]).toEqual({
      Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^LambdaRole/), 'Arn'] } },
    });
  });

  test('cross-account with externalIds', () => {
    expect(trust(template, thirdParty)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${OTHER}:root`]] } },
      Condition: { StringEquals: { 'sts:ExternalId': 'vendor-external-id' } },
    }]);
  });

  test('cross-account with requireMfa', () => {
    expect(trust(template, people)).toEqual([{
      Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${OTHER}:role/Admins` }, Condition: MFA,
    }]);
  });

  test('each part of a CompositePrincipal is guarded on its own', () => {
    expect(trust(template, composite)).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' }, Condition: sourceAccount(ACCOUNT) },
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${OTHER}:root`]] } },
        Condition: MFA,
      },
    ]);
  });

  test('AwsSolutions: zero unacknowledged findings; only the boundaries\' wildcards are acknowledged', () => {
    const { report, suppressed } = checkAwsSolutions(stack);
    expect(report.violations).toEqual([]);
    const narrowPath = (narrow.permissionsBoundary as iam.ManagedPolicy).node.path;
    expect(suppressed.sort()).toEqual([
      'Stack/BoundedRoleDefaultBoundary/Resource AwsSolutions-IAM5[Action::dynamodb:*]',
      'Stack/BoundedRoleDefaultBoundary/Resource AwsSolutions-IAM5[Action::lambda:*]',
      'Stack/BoundedRoleDefaultBoundary/Resource AwsSolutions-IAM5[Action::logs:*]',
      'Stack/BoundedRoleDefaultBoundary/Resource AwsSolutions-IAM5[Action::s3:*]',
      'Stack/BoundedRoleDefaultBoundary/Resource AwsSolutions-IAM5[Resource::*]',
      `${narrowPath}/Resource AwsSolutions-IAM5[Action::execute-api:*]`,
      `${narrowPath}/Resource AwsSolutions-IAM5[Action::s3:*]`,
      `${narrowPath}/Resource AwsSolutions-IAM5[Resource::*]`,
    ].sort());
  });
});

describe('env-agnostic stack and tokens', () => {
  const stack = newStack();
  const service = new BoundedRole(stack, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const root = new BoundedRole(stack, 'RootRole', { assumedBy: new iam.AccountRootPrincipal() });
  const accountIdToken = new BoundedRole(stack, 'AccountIdRole', { assumedBy: new iam.AccountPrincipal(Aws.ACCOUNT_ID) });
  const template = Template.fromStack(stack);

  test('aws:SourceAccount is the deploying account', () => {
    expect(trust(template, service)[0].Condition).toEqual(sourceAccount({ Ref: 'AWS::AccountId' }));
  });

  test('AWS::AccountId principals are the stack\'s own account', () => {
    expect(trust(template, root)[0].Condition).toBeUndefined();
    expect(trust(template, accountIdToken)[0].Condition).toBeUndefined();
  });

  test('a literal account in an env-agnostic stack counts as another account', () => {
    expect(() => new BoundedRole(newStack(), 'Role', { assumedBy: new iam.AccountPrincipal(ACCOUNT) })).toThrow(/needs externalIds/);
  });

  test('an account that is an unknown token (a parameter) counts as another account', () => {
    const paramStack = newStack(ACCOUNT);
    const account = new CfnParameter(paramStack, 'TrustedAccount').valueAsString;
    expect(() => new BoundedRole(paramStack, 'Role', { assumedBy: new iam.AccountPrincipal(account) })).toThrow(/needs externalIds/);
    expect(() => new BoundedRole(paramStack, 'Role2', { assumedBy: new iam.AccountPrincipal(account), requireMfa: true })).not.toThrow();
  });

  test('token externalIds pass through', () => {
    const tokenStack = newStack(ACCOUNT);
    const externalId = new CfnParameter(tokenStack, 'ExternalId').valueAsString;
    const role = new BoundedRole(tokenStack, 'Role', {
      assumedBy: new iam.AccountPrincipal(OTHER), externalIds: [externalId],
    });
    const properties = roleProperties(Template.fromStack(tokenStack), role);
    expect(properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
  });
});

describe('static helpers', () => {
  test('applyBoundaryTo sets a boundary on every role and user under a scope', () => {
    const stack = newStack(ACCOUNT);
    const boundary = BoundedRole.defaultBoundary(stack, ['s3']);
    BoundedRole.applyBoundaryTo(stack, boundary);
    new iam.Role(stack, 'PlainRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new iam.User(stack, 'PlainUser');
    const template = Template.fromStack(stack);
    const ref = { Ref: stack.getLogicalId(boundary.node.defaultChild as iam.CfnManagedPolicy) };
    template.hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: ref });
    template.hasResourceProperties('AWS::IAM::User', { PermissionsBoundary: ref });
  });

  test('defaultBoundary validates its services, naming the scope', () => {
    expect(() => BoundedRole.defaultBoundary(newStack(), ['S3'])).toThrow(
      "[Stack] BoundedRole.defaultBoundary: invalid allowedServices[0] 'S3'; a lowercase IAM service prefix");
  });

  test('DEFAULT_ALLOWED_SERVICES is the guide\'s list and cannot be changed by accident', () => {
    expect(BoundedRole.DEFAULT_ALLOWED_SERVICES).toEqual(['s3', 'dynamodb', 'lambda', 'logs']);
    expect(() => (BoundedRole.DEFAULT_ALLOWED_SERVICES as string[]).push('iam')).toThrow();
  });
});

describe('validation', () => {
  const lambda = () => new iam.ServicePrincipal('lambda.amazonaws.com');
  const prefixMessage = 'a lowercase IAM service prefix such as s3, dynamodb or execute-api (no "*", no actions, no tokens)';

  test.each([
    [['s3', 'S3'], 'allowedServices[1] \'S3\'', prefixMessage],
    [['s3:GetObject'], 'allowedServices[0] \'s3:GetObject\'', prefixMessage],
    [['*'], 'allowedServices[0] \'*\'', prefixMessage],
    [['dynamo db'], 'allowedServices[0] \'dynamo db\'', prefixMessage],
    [['-s3'], 'allowedServices[0] \'-s3\'', prefixMessage],
    [[''], 'allowedServices[0] \'\'', prefixMessage],
    [['s3', 'iam'], 'allowedServices[1] \'iam\'', 'the boundary always denies iam, organizations, account; remove it, or give a permissionsBoundary of your own'],
    [[], 'allowedServices []', 'at least one service prefix such as s3 (an empty boundary would allow nothing)'],
  ])('rejects allowedServices %p', (allowedServices, what, allowed) => {
    expect(() => new BoundedRole(newStack(), 'Role', { assumedBy: lambda(), allowedServices })).toThrow(
      `[Stack/Role] BoundedRole: invalid ${what}; ${allowed}`);
  });

  test('rejects a token service and a token list', () => {
    expect(() => new BoundedRole(newStack(), 'Role', { assumedBy: lambda(), allowedServices: [Token.asString({ Ref: 'Svc' })] }))
      .toThrow(/invalid allowedServices\[0\] .*no tokens/);
    expect(() => new BoundedRole(newStack(), 'Role', { assumedBy: lambda(), allowedServices: Token.asList({ Ref: 'Svcs' }) }))
      .toThrow("[Stack/Role] BoundedRole: invalid allowedServices '(a token)'; a literal list: the boundary policy is keyed by its services at synth time");
  });

  test('rejects allowedServices together with permissionsBoundary', () => {
    const stack = newStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'MyBoundary');
    expect(() => new BoundedRole(stack, 'Role', { assumedBy: lambda(), permissionsBoundary: boundary, allowedServices: ['s3'] })).toThrow(
      '[Stack/Role] BoundedRole: invalid allowedServices ["s3"]; allowedServices shapes only the default boundary; with permissionsBoundary given, allow the services in that policy');
  });

  const everyoneMessage = 'a principal that is not everyone ("*"): name the account, role, service or organization that may assume the role';
  test.each([
    ['AnyPrincipal', () => new iam.AnyPrincipal(), 'assumedBy \'AnyPrincipal()\''],
    ['StarPrincipal', () => new iam.StarPrincipal(), 'assumedBy \'StarPrincipal()\''],
    ['ArnPrincipal("*")', () => new iam.ArnPrincipal('*'), 'assumedBy \'ArnPrincipal(*)\''],
    ['AnyPrincipal in a composite', () => new iam.CompositePrincipal(lambda(), new iam.AnyPrincipal()), 'assumedBy.principals[1] \'AnyPrincipal()\''],
    ['AnyPrincipal with a condition other than the organization', () => new iam.AnyPrincipal().withConditions({ Bool: { 'aws:SecureTransport': 'true' } }), 'assumedBy \'AnyPrincipal()\''],
  ])('rejects %s', (_name, principal, what) => {
    expect(() => new BoundedRole(newStack(ACCOUNT), 'Role', { assumedBy: principal(), requireMfa: true })).toThrow(
      `[Stack/Role] BoundedRole: invalid ${what}; ${everyoneMessage}`);
  });

  const crossMessage = 'a principal in another account needs externalIds (for a third party) or requireMfa: true (for people)';
  test.each([
    ['AccountPrincipal', () => new iam.AccountPrincipal(OTHER), `assumedBy 'AccountPrincipal(${OTHER})'`],
    ['ArnPrincipal', () => new iam.ArnPrincipal(`arn:aws:iam::${OTHER}:user/alice`), `assumedBy 'ArnPrincipal(arn:aws:iam::${OTHER}:user/alice)'`],
    ['an organization', () => new iam.OrganizationPrincipal('o-a1b2c3d4e5'), 'assumedBy \'OrganizationPrincipal(o-a1b2c3d4e5)\''],
    ['a cross-account part of a composite', () => new iam.CompositePrincipal(lambda(), new iam.AccountPrincipal(OTHER)), `assumedBy.principals[1] 'AccountPrincipal(${OTHER})'`],
  ])('rejects %s without externalIds or requireMfa', (_name, principal, what) => {
    expect(() => new BoundedRole(newStack(ACCOUNT), 'Role', { assumedBy: principal() })).toThrow(
      `[Stack/Role] BoundedRole: invalid ${what}; ${crossMessage}`);
  });

  test('an organization with requireMfa is accepted, with both conditions', () => {
    const stack = newStack(ACCOUNT);
    const role = new BoundedRole(stack, 'Role', { assumedBy: new iam.OrganizationPrincipal('o-a1b2c3d4e5'), requireMfa: true });
    expect(trust(Template.fromStack(stack), role)[0]).toEqual({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, ...MFA },
    });
  });

  test('rejects requireMfa when nothing in assumedBy can use MFA', () => {
    expect(() => new BoundedRole(newStack(), 'Role', { assumedBy: lambda(), requireMfa: true })).toThrow(
      '[Stack/Role] BoundedRole: invalid requireMfa true; requireMfa applies to account, role, user or organization principals, and assumedBy has none; remove it');
  });

  test('iam.Role\'s own validation still applies', () => {
    expect(() => new BoundedRole(newStack(), 'Role', { assumedBy: lambda(), maxSessionDuration: Duration.minutes(30) })).toThrow(/maxSessionDuration/);
  });
});
