import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct, IConstruct } from 'constructs';
import { IamBestPracticesChecks } from '../../src';
import { StrictPasswordPolicy, StrictPasswordPolicyProps } from '../../src/constructs/strict-password-policy';
import { checkAwsSolutions } from '../support/aws-solutions';

const IAM4_FINDING = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
const IAM5_FINDING = 'AwsSolutions-IAM5[Resource::*]';
const PROVIDER = 'StrictPasswordPolicyProvider';

function newStack(id = 'Stack', account?: string): Stack {
  return new Stack(new App(), id, account ? { env: { account, region: 'us-east-1' } } : undefined);
}

/** The one Custom::StrictPasswordPolicy resource's properties, keyed by its logical id. */
function policyResource(template: Template): { logicalId: string; properties: any } {
  const resources = Object.entries(template.findResources('Custom::StrictPasswordPolicy'));
  expect(resources).toHaveLength(1);
  return { logicalId: resources[0][0], properties: resources[0][1].Properties };
}

/** Every IAM statement of the stack's inline policies, with the role each is attached to. */
function inlineStatements(template: Template): Array<{ role: string; statement: any }> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) =>
    p.Properties.PolicyDocument.Statement.map((statement: any) => ({ role: p.Properties.Roles[0].Ref, statement })));
}

/** Rule ids acknowledged on each construct of the tree, keyed by construct path. */
function acknowledgedIds(scope: IConstruct): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const construct of scope.node.findAll()) {
    const ids = construct.node.metadata
      .filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap(entry => Object.keys(entry.data));
    if (ids.length > 0) result[construct.node.path] = ids;
  }
  return result;
}

const GUIDE_POLICY = {
  MinimumPasswordLength: 14,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  AllowUsersToChangePassword: true,
  MaxPasswordAge: 90,
  PasswordReusePrevention: 24,
  HardExpiry: true,
};

describe('defaults', () => {
  const stack = newStack();
  const policy = new StrictPasswordPolicy(stack, 'PasswordPolicy');
  const template = Template.fromStack(stack);

  test('one custom resource with the guide\'s policy, no opt-in, RETAIN, served by the stack\'s provider', () => {
    const { logicalId, properties } = policyResource(template);
    expect(logicalId).toBe('StrictPasswordPolicy');
    expect(properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^StrictPasswordPolicyProviderframeworkonEvent/), 'Arn'] },
      Policy: GUIDE_POLICY,
      KeepStricterSettings: false,
      RemovalPolicy: 'retain',
    });
    expect(policy.policyParameters).toEqual(GUIDE_POLICY);
    // CloudFormation must send the Delete to the handler, which decides what RETAIN means.
    template.hasResource('Custom::StrictPasswordPolicy', { DeletionPolicy: 'Delete' });
  });

  test('the handler is the projen-bundled TypeScript Lambda on Node.js 24, with a one-minute timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Timeout: 60,
      Description: Match.stringLikeRegexp('^StrictPasswordPolicy: '),
    });
    expect(stack.node.findChild(PROVIDER).node.findChild('Handler')).toBeDefined();
  });

  test('the handler may only read and update the password policy (RETAIN never deletes it)', () => {
    const handlerStatements = inlineStatements(template).filter(s => s.role.startsWith('StrictPasswordPolicyProviderHandler'));
    expect(handlerStatements.map(s => s.statement)).toEqual([{
      Effect: 'Allow',
      Action: ['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy'],
      Resource: '*',
    }]);
    // The provider framework may only invoke the handler: no IAM actions anywhere else.
    const iamActions = inlineStatements(template).flatMap(s => [s.statement.Action].flat()).filter((a: string) => a.startsWith('iam:'));
    expect(iamActions.sort()).toEqual(['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy']);
  });

  test('no CIS warnings with the defaults', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('AwsSolutions: clean, acknowledging only the ARN-less IAM actions and aws-cdk-lib\'s provider framework', () => {
    const { report, suppressed } = checkAwsSolutions(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
    // What cdk-nag actually reported and an acknowledgment suppressed. (L1 is acknowledged too but
    // does not fire with this aws-cdk-lib: its framework function already uses the newest runtime.)
    expect(suppressed.sort()).toEqual([
      `Stack/${PROVIDER}/Handler/ServiceRole/DefaultPolicy/Resource ${IAM5_FINDING}`,
      `Stack/${PROVIDER}/Handler/ServiceRole/Resource ${IAM4_FINDING}`,
      `Stack/${PROVIDER}/Provider/framework-onEvent/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<StrictPasswordPolicyProviderHandler9D12AB69.Arn>:*]`,
      `Stack/${PROVIDER}/Provider/framework-onEvent/ServiceRole/Resource ${IAM4_FINDING}`,
    ]);
    // Where the acknowledgments live: on the exact constructs, not on the stack or our construct.
    // (The compliance packs' acknowledgments on the same constructs are checked by test/integ/third-party-tools.integ.ts.)
    const ours = Object.fromEntries(Object.entries(acknowledgedIds(stack))
      .map(([path, ids]) => [path, ids.filter(id => !/^(NIST|HIPAA|PCI)/.test(id))])
      .filter(([, ids]) => ids.length > 0));
    expect(ours).toEqual({
      [`Stack/${PROVIDER}/Handler/ServiceRole`]: [expect.stringContaining(IAM4_FINDING), 'Annotation::IamBestPractices-ID6'],
      [`Stack/${PROVIDER}/Handler/ServiceRole/DefaultPolicy`]: [expect.stringContaining(IAM5_FINDING)],
      [`Stack/${PROVIDER}/Provider/framework-onEvent/ServiceRole`]: [expect.stringContaining(IAM4_FINDING), 'Annotation::IamBestPractices-ID6'],
      [`Stack/${PROVIDER}/Provider/framework-onEvent/ServiceRole/DefaultPolicy`]: [expect.stringContaining('AwsSolutions-IAM5[Resource::<')],
      [`Stack/${PROVIDER}/Provider/framework-onEvent/Resource`]: [expect.stringMatching(/AwsSolutions-L1$/)],
    });
  });

  test('our own IamBestPracticesChecks: no findings at all', () => {
    expect(new IamBestPracticesChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('overrides', () => {
  test('every field can be overridden', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', {
      minimumPasswordLength: 20,
      requireSymbols: false,
      requireNumbers: false,
      requireUppercaseCharacters: false,
      requireLowercaseCharacters: false,
      allowUsersToChangePassword: false,
      maxPasswordAge: Duration.days(365),
      passwordReusePrevention: 24,
      hardExpiry: false,
      keepStricterSettings: true,
    });
    expect(policyResource(Template.fromStack(stack)).properties).toMatchObject({
      Policy: {
        MinimumPasswordLength: 20,
        RequireSymbols: false,
        RequireNumbers: false,
        RequireUppercaseCharacters: false,
        RequireLowercaseCharacters: false,
        AllowUsersToChangePassword: false,
        MaxPasswordAge: 365,
        PasswordReusePrevention: 24,
        HardExpiry: false,
      },
      KeepStricterSettings: true,
    });
  });

  test('maxPasswordAge may be given in any unit that is a whole number of days', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', { maxPasswordAge: Duration.hours(48) });
    expect(policyResource(Template.fromStack(stack)).properties.Policy.MaxPasswordAge).toBe(2);
  });

  test('removalPolicy DESTROY is passed to the handler, and only then may it call DeleteAccountPasswordPolicy', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    expect(policyResource(template).properties.RemovalPolicy).toBe('destroy');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy'],
          Resource: '*',
        }],
      },
    });
    expect(checkAwsSolutions(stack).report.violations).toEqual([]);
    expect(new IamBestPracticesChecks().validateScope(stack).violations).toEqual([]);
  });

  test.each([RemovalPolicy.RETAIN, RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE])('removalPolicy %s is RETAIN', removalPolicy => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', { removalPolicy });
    expect(policyResource(Template.fromStack(stack)).properties.RemovalPolicy).toBe('retain');
  });

  test('the logical id and the provider do not depend on the construct\'s name or place (a rename is an in-place update)', () => {
    const shape = (build: (stack: Stack) => void) => {
      const stack = newStack();
      build(stack);
      const template = Template.fromStack(stack).toJSON();
      return Object.keys(template.Resources).sort();
    };
    const plain = shape(stack => new StrictPasswordPolicy(stack, 'PasswordPolicy'));
    expect(shape(stack => new StrictPasswordPolicy(stack, 'Renamed'))).toEqual(plain);
    expect(shape(stack => new StrictPasswordPolicy(new StrictPasswordPolicyScope(stack), 'Moved'))).toEqual(plain);
    expect(plain).toContain('StrictPasswordPolicy');
  });

  test('weak length and reuse are allowed with warnings citing CIS 1.8 and 1.9', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', { minimumPasswordLength: 8, passwordReusePrevention: 5 });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/PasswordPolicy', Match.stringLikeRegexp(
      'minimumPasswordLength 8 is below the 14 characters that CIS AWS Foundations 1.8 requires'));
    annotations.hasWarning('/Stack/PasswordPolicy', Match.stringLikeRegexp(
      'passwordReusePrevention 5 is below the 24 previous passwords that CIS AWS Foundations 1.9 requires'));
    expect(policyResource(Template.fromStack(stack)).properties.Policy).toMatchObject({
      MinimumPasswordLength: 8, PasswordReusePrevention: 5,
    });
  });
});

/** A plain construct between the stack and the policy, to move the policy within the stack. */
class StrictPasswordPolicyScope extends Construct {
  constructor(scope: Construct) {
    super(scope, 'Nested');
  }
}

describe('validation', () => {
  test.each([
    [{ minimumPasswordLength: 5 }, 'minimumPasswordLength 5; allowed range is 6-128 characters (whole numbers)'],
    [{ minimumPasswordLength: 129 }, 'minimumPasswordLength 129; allowed range is 6-128 characters (whole numbers)'],
    [{ minimumPasswordLength: 14.5 }, 'minimumPasswordLength 14.5; allowed range is 6-128 characters (whole numbers)'],
    [{ passwordReusePrevention: 0 }, 'passwordReusePrevention 0; allowed range is 1-24 passwords (whole numbers)'],
    [{ passwordReusePrevention: 25 }, 'passwordReusePrevention 25; allowed range is 1-24 passwords (whole numbers)'],
    [{ maxPasswordAge: Duration.days(0) }, 'maxPasswordAge 0; allowed range is 1-1095 days (whole numbers)'],
    [{ maxPasswordAge: Duration.days(1096) }, 'maxPasswordAge 1096; allowed range is 1-1095 days (whole numbers)'],
    [{ maxPasswordAge: Duration.hours(36) }, 'maxPasswordAge 1.5; allowed range is 1-1095 days (whole numbers)'],
    // NaN and Infinity are printed as such, not as JSON's null.
    [{ minimumPasswordLength: NaN }, 'minimumPasswordLength NaN; allowed range is 6-128 characters (whole numbers)'],
    [{ minimumPasswordLength: Infinity }, 'minimumPasswordLength Infinity; allowed range is 6-128 characters (whole numbers)'],
    [{ passwordReusePrevention: -Infinity }, 'passwordReusePrevention -Infinity; allowed range is 1-24 passwords (whole numbers)'],
    [{ passwordReusePrevention: NaN }, 'passwordReusePrevention NaN; allowed range is 1-24 passwords (whole numbers)'],
    [{ maxPasswordAge: Duration.days(NaN) }, 'maxPasswordAge NaN; allowed range is 1-1095 days (whole numbers)'],
    [{ maxPasswordAge: Duration.days(Infinity) }, 'maxPasswordAge Infinity; allowed range is 1-1095 days (whole numbers)'],
  ])('rejects %p', (props, message) => {
    const stack = newStack();
    expect(() => new StrictPasswordPolicy(stack, 'PasswordPolicy', props)).toThrow(
      `[Stack/PasswordPolicy] StrictPasswordPolicy: invalid ${message}`);
  });

  // What JavaScript and Python callers can pass where the types say boolean or number.
  const BOOLEAN_PROPS = [
    'requireSymbols', 'requireNumbers', 'requireUppercaseCharacters', 'requireLowercaseCharacters',
    'allowUsersToChangePassword', 'hardExpiry', 'keepStricterSettings',
  ];
  test.each(BOOLEAN_PROPS.flatMap(prop => [
    [prop, 'yes', "'yes'"], [prop, 'false', "'false'"], [prop, 0, '0'], [prop, 1, '1'],
  ]))('rejects %s: %p', (prop, value, shown) => {
    const stack = newStack();
    expect(() => new StrictPasswordPolicy(stack, 'PasswordPolicy', { [prop]: value } as unknown as StrictPasswordPolicyProps)).toThrow(
      `[Stack/PasswordPolicy] StrictPasswordPolicy: invalid ${prop} ${shown}; must be true or false (a boolean, not a string or number)`);
  });

  test.each(BOOLEAN_PROPS)('accepts %s: true and false', prop => {
    for (const value of [true, false]) {
      expect(() => new StrictPasswordPolicy(newStack(), 'PasswordPolicy', { [prop]: value })).not.toThrow();
    }
  });

  test.each([
    ['minimumPasswordLength', '14', "'14'"],
    ['passwordReusePrevention', '24', "'24'"],
  ])('rejects a number given as a string: %s %p', (prop, value, shown) => {
    expect(() => new StrictPasswordPolicy(newStack(), 'PasswordPolicy', { [prop]: value } as unknown as StrictPasswordPolicyProps)).toThrow(
      `[Stack/PasswordPolicy] StrictPasswordPolicy: invalid ${prop} ${shown}; allowed range is`);
  });

  test('a plain number for maxPasswordAge is an error naming the prop, not a TypeError', () => {
    expect(() => new StrictPasswordPolicy(newStack(), 'PasswordPolicy', { maxPasswordAge: 90 } as unknown as StrictPasswordPolicyProps)).toThrow(
      '[Stack/PasswordPolicy] StrictPasswordPolicy: invalid maxPasswordAge 90; expected a Duration of 1-1095 whole days, e.g. Duration.days(90)');
  });

  test('tokens pass through unvalidated', () => {
    const stack = newStack();
    const length = new CfnParameter(stack, 'Length', { type: 'Number' }).valueAsNumber;
    const reuse = new CfnParameter(stack, 'Reuse', { type: 'Number' }).valueAsNumber;
    const age = new CfnParameter(stack, 'Age', { type: 'Number' }).valueAsNumber;
    new StrictPasswordPolicy(stack, 'PasswordPolicy', {
      minimumPasswordLength: length, passwordReusePrevention: reuse, maxPasswordAge: Duration.days(age),
    });
    expect(Token.isUnresolved(length)).toBe(true);
    const create = JSON.stringify(Template.fromStack(stack).findResources('Custom::StrictPasswordPolicy'));
    for (const parameter of ['Length', 'Reuse', 'Age']) expect(create).toContain(`{"Ref":"${parameter}"}`);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('account singleton', () => {
  test('a second policy in the same stack is an error naming both', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'First');
    expect(() => new StrictPasswordPolicy(stack, 'Second')).toThrow(
      "[Stack/Second] StrictPasswordPolicy: invalid instance 'Stack/Second'; an account has one password policy and " +
      "'Stack/First' already sets it; keep one StrictPasswordPolicy per account (stacks with explicit, different accounts may each have one)");
  });

  test('a second policy anywhere else in the same app is an error too', () => {
    const app = new App();
    const first = new Stack(app, 'One');
    new StrictPasswordPolicy(first, 'PasswordPolicy');
    const second = new Stack(app, 'Two');
    expect(() => new StrictPasswordPolicy(second, 'PasswordPolicy')).toThrow(
      /\[Two\/PasswordPolicy\] .*'One\/PasswordPolicy' already sets it/);
  });

  test('an env-agnostic stack may share an account with any stack', () => {
    const app = new App();
    new StrictPasswordPolicy(new Stack(app, 'Explicit', { env: { account: '111111111111' } }), 'PasswordPolicy');
    expect(() => new StrictPasswordPolicy(new Stack(app, 'Agnostic'), 'PasswordPolicy')).toThrow(/already sets it/);
  });

  test('stacks with explicit, different accounts (a pipeline\'s stages) may each have one', () => {
    const app = new App();
    new StrictPasswordPolicy(new Stack(app, 'Dev', { env: { account: '111111111111' } }), 'PasswordPolicy');
    expect(() => new StrictPasswordPolicy(new Stack(app, 'Prod', { env: { account: '222222222222' } }), 'PasswordPolicy')).not.toThrow();
    expect(() => new StrictPasswordPolicy(new Stack(app, 'Prod2', { env: { account: '222222222222' } }), 'PasswordPolicy')).toThrow(
      /\[Prod2\/PasswordPolicy\] .*'Prod\/PasswordPolicy' already sets it/);
  });

  test('separate apps are independent', () => {
    new StrictPasswordPolicy(newStack(), 'PasswordPolicy');
    expect(() => new StrictPasswordPolicy(newStack(), 'PasswordPolicy')).not.toThrow();
  });
});
