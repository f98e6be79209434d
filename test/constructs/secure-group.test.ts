import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SecureGroup } from '../../src/constructs/secure-group';
import { checkAwsSolutions } from '../support/aws-solutions';

const REFERENCE = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'reference', 'force-mfa-policy.json'), 'utf8'));

/**
 * The policy document with the partition placeholder resolved to `partition`, and one-element
 * lists written as the single value (IAM reads both forms the same; CloudFormation output from
 * aws-cdk-lib uses the short one).
 */
function concrete(document: unknown, partition = 'aws'): any {
  const walk = (value: any): any => {
    if (Array.isArray(value)) {
      const items = value.map(walk);
      return items.length === 1 ? items[0] : items;
    }
    if (value && typeof value === 'object') {
      if (value['Fn::Join']) {
        const [separator, parts] = value['Fn::Join'];
        return parts.map((part: any) => (part?.Ref === 'AWS::Partition' ? partition : walk(part))).join(separator);
      }
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    }
    return value;
  };
  return walk(document);
}

function forceMfaDocuments(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map((policy: any) => policy.Properties.PolicyDocument);
}

function sids(template: Template): string[] {
  const documents = forceMfaDocuments(template);
  expect(documents).toHaveLength(1);
  return documents[0].Statement.map((statement: any) => statement.Sid);
}


function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

describe('defaults', () => {
  const stack = newStack();
  const secureGroup = new SecureGroup(stack, 'Humans');
  const template = Template.fromStack(stack);

  test('is exactly AWS\'s force-MFA policy, with the stack\'s partition', () => {
    const documents = forceMfaDocuments(template);
    expect(documents).toHaveLength(1);
    expect(concrete(documents[0])).toEqual(concrete(REFERENCE));
    // Every ARN uses the stack's partition, so the same template works in aws-cn and aws-us-gov.
    expect(JSON.stringify(documents[0])).not.toContain('arn:aws:');
    expect(concrete(documents[0], 'aws-cn').Statement[1].Resource).toBe('arn:aws-cn:iam::*:user/${aws:username}');
  });

  test('the policy is attached to the group, and the group has no other policy', () => {
    template.resourceCountIs('AWS::IAM::Group', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Groups: [{ Ref: Match.stringLikeRegexp('^Humans') }],
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(secureGroup.forceMfaPolicy).toBeDefined();
    expect(secureGroup.grantPrincipal).toBe(secureGroup.group);
  });

  test('AwsSolutions: zero unacknowledged findings; exactly the force-MFA policy\'s wildcards are acknowledged', () => {
    const { report, suppressed } = checkAwsSolutions(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
    expect(suppressed.sort()).toEqual([
      'Stack/Humans/ForceMfaPolicy/Resource AwsSolutions-IAM5[Resource::*]',
      'Stack/Humans/ForceMfaPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:mfa/*]',
      'Stack/Humans/ForceMfaPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:user/<aws:username>]',
    ]);
  });
});

describe('the guide\'s Developers group', () => {
  const stack = newStack();
  const developers = new SecureGroup(stack, 'Developers', {
    groupName: 'Developers',
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
  });
  developers.addUser(new iam.User(stack, 'Developer', { userName: 'developer' }));
  const template = Template.fromStack(stack);

  test('creates the group with PowerUserAccess and adds the user', () => {
    template.hasResourceProperties('AWS::IAM::Group', {
      GroupName: 'Developers',
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/PowerUserAccess']] }],
    });
    template.hasResourceProperties('AWS::IAM::User', {
      UserName: 'developer',
      Groups: [{ Ref: Match.stringLikeRegexp('^Developers') }],
    });
  });

  test('AwsSolutions reports only the AWS managed policy the user chose (IAM4), which is theirs to acknowledge', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map(violation => violation.ruleName)).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/PowerUserAccess]',
    ]);
  });
});

describe('the README snippet (the guide\'s three commands)', () => {
  test('create-group, attach-group-policy, add-user-to-group', () => {
    const stack = newStack();
    const scope = stack;
    // README snippet, verbatim with `this` as `scope`:
    const developers = new SecureGroup(scope, 'Developers', { groupName: 'Developers' });
    developers.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess'));
    developers.addUser(iam.User.fromUserName(scope, 'Developer', 'developer'));

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Group', {
      GroupName: 'Developers',
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/PowerUserAccess']] }],
    });
    template.hasResourceProperties('AWS::IAM::UserToGroupAddition', {
      GroupName: { Ref: Match.stringLikeRegexp('^Developers') },
      Users: ['developer'],
    });
    expect(concrete(forceMfaDocuments(template)[0])).toEqual(concrete(REFERENCE));
  });
});

describe('props and methods', () => {
  test('statements and addToPolicy go to the group\'s inline policy; addManagedPolicy attaches', () => {
    const stack = newStack();
    const group = new SecureGroup(stack, 'Readers', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] })],
    });
    expect(group.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::bucket'] }))).toBe(true);
    group.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Groups: [{ Ref: Match.stringLikeRegexp('^Readers') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket' },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Group', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] }],
    });
  });

  test('requireMfa false drops only the Deny statement', () => {
    const stack = newStack();
    new SecureGroup(stack, 'Group', { requireMfa: false });
    expect(sids(Template.fromStack(stack))).toEqual(REFERENCE.Statement.map((s: any) => s.Sid).filter((sid: string) => sid !== 'DenyAllExceptListedIfNoMFA'));
  });

  test('allowSelfServiceCredentials false keeps MFA enrollment and the Deny, drops password and key management', () => {
    const stack = newStack();
    new SecureGroup(stack, 'Group', { allowSelfServiceCredentials: false });
    const template = Template.fromStack(stack);
    expect(sids(template)).toEqual([
      'AllowViewAccountInfo', 'AllowManageOwnVirtualMFADevice', 'AllowManageOwnUserMFA', 'DenyAllExceptListedIfNoMFA',
    ]);
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  test('both false: no force-MFA policy', () => {
    const stack = newStack();
    const group = new SecureGroup(stack, 'Group', { requireMfa: false, allowSelfServiceCredentials: false });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(group.forceMfaPolicy).toBeUndefined();
  });

  test.each(['Developers', 'a', 'team+ops=1,x.y@z_w-v', 'x'.repeat(128)])('accepts groupName %p', (groupName) => {
    expect(() => new SecureGroup(newStack(), 'Group', { groupName })).not.toThrow();
  });

  test.each(['', 'has space', 'slash/name', 'x'.repeat(129), 'émoji'])('rejects groupName %p', (groupName) => {
    expect(() => new SecureGroup(newStack(), 'Group', { groupName })).toThrow(
      `[Stack/Group] SecureGroup: invalid groupName '${groupName}'; allowed are 1-128 letters, digits and the characters +=,.@_-`);
  });

  test('a token groupName passes through', () => {
    const stack = newStack();
    new SecureGroup(stack, 'Group', { groupName: Token.asString({ Ref: 'GroupName' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Group', { GroupName: { Ref: 'GroupName' } });
  });
});

describe('administrator access', () => {
  const adminStatements: Array<[string, () => iam.PolicyStatement]> = [
    ['Action * on *', () => new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
    ['Action * among others on *', () => new iam.PolicyStatement({ actions: ['s3:GetObject', '*'], resources: ['arn:aws:s3:::b/*', '*'] })],
    ['NotAction on *', () => new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] })],
    ['Action * on * with a condition', () => new iam.PolicyStatement({
      actions: ['*'], resources: ['*'], conditions: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    })],
    ['from JSON, lower-case effect and string action', () => iam.PolicyStatement.fromJson({ Effect: 'Allow', Action: '*', Resource: '*' })],
  ];
  const message = 'an Allow of every action on every resource ("*" on "*", or NotAction on "*") is administrator access; ' +
    'grant the actions the group needs, or set allowAdministratorAccess: true deliberately';

  test.each(adminStatements)('rejects %s in statements', (_name, statement) => {
    expect(() => new SecureGroup(newStack(), 'Group', { statements: [statement()] })).toThrow(
      new RegExp(`^\\[Stack/Group\\] SecureGroup: invalid statements\\[0\\] \\{.*\\}; ${escape(message)}$`));
  });

  test.each(adminStatements)('rejects %s in addToPolicy', (_name, statement) => {
    const group = new SecureGroup(newStack(), 'Group');
    expect(() => group.addToPolicy(statement())).toThrow(
      new RegExp(`^\\[Stack/Group\\] SecureGroup: invalid statement \\{.*\\}; ${escape(message)}$`));
  });

  test('the message shows the offending statement', () => {
    expect(() => new SecureGroup(newStack(), 'Group', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }), new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
    })).toThrow('invalid statements[1] {"Action":"*","Effect":"Allow","Resource":"*"}');
  });

  test.each([
    ['Deny * on *', () => new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] })],
    ['Allow * on one bucket', () => new iam.PolicyStatement({ actions: ['*'], resources: ['arn:aws:s3:::b'] })],
    ['Allow s3:* on *', () => new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })],
    ['NotAction on one bucket', () => new iam.PolicyStatement({ notActions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::b/*'] })],
  ])('accepts %s', (_name, statement) => {
    expect(() => new SecureGroup(newStack(), 'Group', { statements: [statement()] })).not.toThrow();
  });

  test.each([
    ['fromAwsManagedPolicyName', () => iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    ['fromManagedPolicyArn', (stack: Stack, id: string) => iam.ManagedPolicy.fromManagedPolicyArn(stack, id, 'arn:aws:iam::aws:policy/AdministratorAccess')],
    ['a GovCloud ARN', (stack: Stack, id: string) => iam.ManagedPolicy.fromManagedPolicyArn(stack, id, 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess')],
  ])('rejects AWS\'s AdministratorAccess (%s) in managedPolicies and addManagedPolicy', (_name, policy) => {
    const stack = newStack();
    expect(() => new SecureGroup(stack, 'Group', { managedPolicies: [policy(stack, 'Admin1')] })).toThrow(
      /^\[Stack\/Group\] SecureGroup: invalid managedPolicies\[0\] 'arn:.*:iam::aws:policy\/AdministratorAccess'; this managed policy grants administrator access; attach narrower policies, or set allowAdministratorAccess: true deliberately$/);
    const group = new SecureGroup(stack, 'Other');
    expect(() => group.addManagedPolicy(policy(stack, 'Admin2'))).toThrow(/invalid managedPolicy 'arn:.*:iam::aws:policy\/AdministratorAccess'/);
  });

  test('rejects a customer managed policy that allows * on *', () => {
    const stack = newStack();
    const admin = new iam.ManagedPolicy(stack, 'Admin', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
    expect(() => new SecureGroup(stack, 'Group', { managedPolicies: [admin] })).toThrow(/invalid managedPolicies\[0\] .*this managed policy grants administrator access/);
  });

  test('accepts similarly named and customer policies', () => {
    const stack = newStack();
    expect(() => new SecureGroup(stack, 'Group', {
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('job-function/SystemAdministrator'),
        iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Mine', 'arn:aws:iam::111111111111:policy/AdministratorAccess-Like'),
      ],
    })).not.toThrow();
  });

  test('allowAdministratorAccess permits all of it', () => {
    const stack = newStack();
    const group = new SecureGroup(stack, 'Admins', {
      allowAdministratorAccess: true,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
      statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
    });
    group.addToPolicy(new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Group', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }],
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
