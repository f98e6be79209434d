import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { StrictPasswordPolicy } from '../../src/constructs/strict-password-policy';
import { checkAwsSolutions } from '../support/aws-solutions';

const SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';
const IAM4_FINDING = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
const IAM5_FINDING = 'AwsSolutions-IAM5[Resource::*]';

function newStack(id = 'Stack', account?: string): Stack {
  return new Stack(new App(), id, account ? { env: { account, region: 'us-east-1' } } : undefined);
}

/** The SDK call the custom resource makes for a lifecycle event, parsed from its JSON property. */
function sdkCall(template: Template, event: 'Create' | 'Update' | 'Delete'): any {
  const resources = Object.values(template.findResources('Custom::StrictPasswordPolicy'));
  expect(resources).toHaveLength(1);
  const value = resources[0].Properties[event];
  return value === undefined ? undefined : JSON.parse(value);
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


describe('defaults', () => {
  const stack = newStack();
  const policy = new StrictPasswordPolicy(stack, 'PasswordPolicy');
  const template = Template.fromStack(stack);

  test('creates and updates the policy with exactly the guide\'s command', () => {
    const expected = {
      service: 'IAM',
      action: 'updateAccountPasswordPolicy',
      parameters: {
        MinimumPasswordLength: 14,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        MaxPasswordAge: 90,
        PasswordReusePrevention: 24,
        HardExpiry: true,
      },
      physicalResourceId: { id: 'account-password-policy' },
    };
    expect(sdkCall(template, 'Create')).toEqual(expected);
    expect(sdkCall(template, 'Update')).toEqual(expected);
    expect(policy.policyParameters).toEqual(expected.parameters);
  });

  test('retains the policy: no delete call, and the Lambda may only update the password policy', () => {
    expect(sdkCall(template, 'Delete')).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'iam:UpdateAccountPasswordPolicy', Resource: '*' }],
      },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
  });

  test('does not download the AWS SDK at deploy time', () => {
    template.hasResourceProperties('Custom::StrictPasswordPolicy', { InstallLatestAwsSdk: false });
  });

  test('no CIS warnings with the defaults', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('AwsSolutions: clean, acknowledging only the provider singleton\'s findings and the ARN-less IAM actions', () => {
    const { report, suppressed } = checkAwsSolutions(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
    // What cdk-nag actually reported and an acknowledgment suppressed. (L1 is acknowledged too but
    // does not fire with this aws-cdk-lib: its singleton already uses the newest Node.js runtime.)
    expect(suppressed.sort()).toEqual([
      `Stack/${SINGLETON}/ServiceRole/Resource ${IAM4_FINDING}`,
      `Stack/PasswordPolicy/Resource/CustomResourcePolicy/Resource ${IAM5_FINDING}`,
    ]);
    // Where the acknowledgments live: on the exact constructs, not on the stack or our construct.
    // (The compliance packs' acknowledgments on the same constructs are checked by test/integ/third-party-tools.integ.ts.)
    const ours = Object.fromEntries(Object.entries(acknowledgedIds(stack))
      .map(([path, ids]) => [path, ids.filter(id => !/^(NIST|HIPAA|PCI)/.test(id))])
      .filter(([, ids]) => ids.length > 0));
    expect(ours).toEqual({
      [`Stack/${SINGLETON}/ServiceRole`]: [expect.stringContaining(IAM4_FINDING), 'Annotation::IamBestPractices-ID6'],
      [`Stack/${SINGLETON}/Resource`]: [expect.stringMatching(/AwsSolutions-L1$/)],
      'Stack/PasswordPolicy/Resource/CustomResourcePolicy': [expect.stringContaining(IAM5_FINDING)],
    });
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
    });
    expect(sdkCall(Template.fromStack(stack), 'Create').parameters).toEqual({
      MinimumPasswordLength: 20,
      RequireSymbols: false,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      MaxPasswordAge: 365,
      PasswordReusePrevention: 24,
      HardExpiry: false,
    });
  });

  test('maxPasswordAge may be given in any unit that is a whole number of days', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', { maxPasswordAge: Duration.hours(48) });
    expect(sdkCall(Template.fromStack(stack), 'Create').parameters.MaxPasswordAge).toBe(2);
  });

  test('removalPolicy DESTROY deletes the policy, and only then may the Lambda call DeleteAccountPasswordPolicy', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    expect(sdkCall(template, 'Delete')).toEqual({
      service: 'IAM',
      action: 'deleteAccountPasswordPolicy',
      ignoreErrorCodesMatching: 'NoSuchEntity',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy'],
          Resource: '*',
        }],
      },
    });
    expect(checkAwsSolutions(stack).report.violations).toEqual([]);
  });

  test('weak length and reuse are allowed with warnings citing CIS 1.8 and 1.9', () => {
    const stack = newStack();
    new StrictPasswordPolicy(stack, 'PasswordPolicy', { minimumPasswordLength: 8, passwordReusePrevention: 5 });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/PasswordPolicy', Match.stringLikeRegexp(
      'minimumPasswordLength 8 is below the 14 characters that CIS AWS Foundations 1.8 requires'));
    annotations.hasWarning('/Stack/PasswordPolicy', Match.stringLikeRegexp(
      'passwordReusePrevention 5 is below the 24 previous passwords that CIS AWS Foundations 1.9 requires'));
    expect(sdkCall(Template.fromStack(stack), 'Create').parameters).toMatchObject({
      MinimumPasswordLength: 8, PasswordReusePrevention: 5,
    });
  });
});

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
  ])('rejects %p', (props, message) => {
    const stack = newStack();
    expect(() => new StrictPasswordPolicy(stack, 'PasswordPolicy', props)).toThrow(
      `[Stack/PasswordPolicy] StrictPasswordPolicy: invalid ${message}`);
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
