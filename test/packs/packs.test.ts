import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamBestPracticesChecks, IamIdentityChecks, IamLeastPrivilegeChecks, IamTrustChecks } from '../../src';
import { ALL_RULES } from '../../src/rules';
import { errorNames, validationReportOf, warningNames } from '../support/report';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** An app with one role that has PassRole and s3:* on *, trusted by another account. */
function insecureApp() {
  const app = new App();
  const stack = new Stack(app, 'Insecure', { env: ENV });
  const role = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountPrincipal('222222222222') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole', 's3:*'], resources: ['*'] }));
  return { app, stack, role };
}

const ruleNames = errorNames;

describe('IamBestPracticesChecks', () => {
  test('reports granular error findings, each message naming the finding and the fix', () => {
    const { app } = insecureApp();
    const report = new IamBestPracticesChecks().validateScope(app);
    expect(report.success).toBe(false);
    expect(ruleNames(report)).toEqual([
      'IamBestPractices-LP2[Action::s3:*]',
      'IamBestPractices-LP6[Action::iam:PassRole]',
      'IamBestPractices-TR2[Principal::arn:<AWS::Partition>:iam::222222222222:root]',
    ]);
    const passRole = report.violations.find(v => v.ruleName.includes('LP6'))!;
    expect(passRole.severity).toBe('error');
    expect(passRole.description).toMatch(/^IamBestPractices-LP6\[Action::iam:PassRole\]: iam:PassRole is allowed on every role.*Fix: /);
    expect(passRole.violatingResources.map(r => r.constructPath)).toEqual(['Insecure/Deployer/DefaultPolicy/Resource']);
  });

  test('acknowledging one granular finding leaves the others in place', () => {
    const { app, role } = insecureApp();
    Validations.of(role).acknowledge({ id: 'IamBestPractices-LP6[Action::iam:PassRole]', reason: 'test: the deployer passes roles it creates' });
    expect(ruleNames(new IamBestPracticesChecks().validateScope(app))).toEqual([
      'IamBestPractices-LP2[Action::s3:*]',
      'IamBestPractices-TR2[Principal::arn:<AWS::Partition>:iam::222222222222:root]',
    ]);
  });

  test('the namespaced form CDK prints is recognized as well', () => {
    const { app, role } = insecureApp();
    Validations.of(role).acknowledge({ id: 'IamBestPractices::IamBestPractices-LP2[Action::s3:*]', reason: 'test' });
    expect(ruleNames(new IamBestPracticesChecks().validateScope(app))).not.toContain('IamBestPractices-LP2[Action::s3:*]');
  });

  test('an acknowledgment of another finding of the same rule does not hide this one', () => {
    const { app, role } = insecureApp();
    Validations.of(role).acknowledge({ id: 'IamBestPractices-LP2[Action::ec2:*]', reason: 'test' });
    expect(ruleNames(new IamBestPracticesChecks().validateScope(app))).toContain('IamBestPractices-LP2[Action::s3:*]');
  });

  test('verbose adds the explanation', () => {
    const { app } = insecureApp();
    const report = new IamBestPracticesChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.find(v => v.ruleName.includes('LP6'))!.description).toContain('Passing any role lets the principal give a service');
  });
});

describe('whole-resource findings and rules that fail', () => {
  test('a non-granular finding is reported and acknowledged by the bare rule id', () => {
    const app = new App();
    const stack = new Stack(app, 'Users', { env: ENV });
    const lonely = new iam.User(stack, 'Lonely');
    const acknowledged = new iam.User(stack, 'Acknowledged');
    Validations.of(acknowledged).acknowledge({ id: 'IamBestPractices-ID3', reason: 'test: the group is managed elsewhere' });
    const report = new IamBestPracticesChecks().validateScope(app);
    const id3 = report.violations.find(v => v.ruleName === 'IamBestPractices-ID3')!;
    expect(id3.description).toMatch(/^IamBestPractices-ID3: The IAM user belongs to no group/);
    expect(id3.violatingResources.map(r => r.constructPath)).toEqual([`${lonely.node.path}/Resource`]);
  });

  test('a rule that throws is reported as that rule, and does not stop the others', () => {
    const rule = ALL_RULES.find(r => r.id === 'LP1')!;
    const original = rule.check;
    (rule as { check: typeof original }).check = () => { throw new Error('boom'); };
    try {
      const { app } = insecureApp();
      const report = new IamBestPracticesChecks().validateScope(app);
      const lp1 = report.violations.find(v => v.ruleName === 'IamBestPractices-LP1')!;
      expect(lp1.severity).toBe('error');
      expect(lp1.description).toMatch(/^IamBestPractices-LP1: .*The rule could not evaluate this resource: boom$/);
      expect(ruleNames(report)).toContain('IamBestPractices-LP6[Action::iam:PassRole]');
    } finally {
      (rule as { check: typeof original }).check = original;
    }
  });

  test('a warning rule that throws becomes a warning saying so, with the first line of the error', () => {
    const rule = ALL_RULES.find(r => r.id === 'ID6')!;
    const original = rule.check;
    (rule as { check: typeof original }).check = () => { throw new Error('boom\n    at somewhere (file.ts:1:1)'); };
    try {
      const app = new App();
      const stack = new Stack(app, 'T', { env: ENV });
      new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const report = new IamBestPracticesChecks().validateScope(app);
      const id6 = report.violations.find(v => v.ruleName === 'IamBestPractices-ID6')!;
      expect(id6.severity).toBe('warning');
      expect(id6.description).toMatch(/could not evaluate this resource: boom$/);
      expect(report.success).toBe(true);
    } finally {
      (rule as { check: typeof original }).check = original;
    }
  });
});

describe('narrower packs compose rule families and keep the same rule ids', () => {
  test.each([
    [IamLeastPrivilegeChecks, 'IamLeastPrivilege', ['IamBestPractices-LP2[Action::s3:*]', 'IamBestPractices-LP6[Action::iam:PassRole]']],
    [IamTrustChecks, 'IamTrust', ['IamBestPractices-TR2[Principal::arn:<AWS::Partition>:iam::222222222222:root]']],
    [IamIdentityChecks, 'IamIdentity', []],
  ])('%p', (Pack, name, expected) => {
    const { app } = insecureApp();
    const pack = new Pack();
    expect(pack.name).toBe(name);
    expect(ruleNames(pack.validateScope(app))).toEqual(expected);
  });
});

describe('warnings are violations of severity warning: printed by cdk synth, fatal only with --strict', () => {
  function appWithUnboundedRole(configure?: (stack: Stack, role: iam.Role) => void) {
    const app = new App();
    const stack = new Stack(app, 'W', { env: ENV });
    const role = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    configure?.(stack, role);
    Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
    return { app, stack, role };
  }
  const guardrailWarnings = (app: App) =>
    validationReportOf(app.synth().directory).filter(v => v.ruleName.startsWith('IamBestPractices-') && v.severity === 'warning');

  test('an ordinary role without a boundary gets no warning; with requireBoundaries it gets ID6 and synthesis succeeds', () => {
    expect(guardrailWarnings(appWithUnboundedRole().app)).toEqual([]);
    const app = new App();
    const stack = new Stack(app, 'W', { env: ENV });
    new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Validations.of(app).addPlugins(new IamBestPracticesChecks(app, { requireBoundaries: true }));
    const warnings = guardrailWarnings(app);
    expect(warnings.map(w => [w.ruleName, w.constructPaths])).toEqual([['IamBestPractices-ID6', ['W/Worker/Resource']]]);
    expect(warnings[0].description).toMatch(/^IamBestPractices-ID6: The role has no permissions boundary\. Fix:/);
  });

  test('a role that can escalate without a boundary gets warning ID6 saying why', () => {
    const { app } = appWithUnboundedRole((_s, role) => {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:UpdateFunctionCode'], resources: ['*'] }));
      Validations.of(role).acknowledge({ id: 'IamBestPractices-PE3[Escalation::lambda:UpdateFunctionCode]', reason: 'test: the error is not what this test checks' });
    });
    const id6 = guardrailWarnings(app).find(w => w.ruleName === 'IamBestPractices-ID6');
    expect(id6?.constructPaths).toEqual(['W/Worker/Resource']);
    expect(id6?.description).toContain('it can escalate its privileges (lambda:UpdateFunctionCode)');
  });

  test('an acknowledged warning is not reported', () => {
    const { app } = appWithUnboundedRole((_s, role) => {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:UpdateFunctionCode'], resources: ['*'] }));
      Validations.of(role).acknowledge({ id: 'IamBestPractices-PE3[Escalation::lambda:UpdateFunctionCode]', reason: 'test: the error is not what this test checks' });
      Validations.of(role).acknowledge({ id: 'IamBestPractices-ID6', reason: 'test: boundary applied by the organization' });
    });
    expect(guardrailWarnings(app).map(w => w.ruleName)).not.toContain('IamBestPractices-ID6');
  });

  test('a boundary applied to the stack by an aspect is seen', () => {
    const { app } = appWithUnboundedRole((s, role) => {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:UpdateFunctionCode'], resources: ['*'] }));
      Validations.of(role).acknowledge({ id: 'IamBestPractices-PE3[Escalation::lambda:UpdateFunctionCode]', reason: 'test: the error is not what this test checks' });
      const boundary = new iam.ManagedPolicy(s, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })] });
      iam.PermissionsBoundary.of(s).apply(boundary);
    });
    expect(guardrailWarnings(app).map(w => w.ruleName)).not.toContain('IamBestPractices-ID6');
  });

  test('granular warning ids: LP10 names the action', () => {
    const { app } = appWithUnboundedRole((_s, role) =>
      role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })));
    expect(guardrailWarnings(app).map(w => [w.ruleName, w.constructPaths])).toContainEqual(
      ['IamBestPractices-LP10[Action::sqs:SendMessage]', ['W/Worker/DefaultPolicy/Resource']]);
  });
});

describe('as a validation plugin', () => {
  test('an error-level finding fails synthesis and names the rule id', () => {
    const { app } = insecureApp();
    Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
    expect(() => app.synth()).toThrow(/IamBestPractices-LP6\[Action::iam:PassRole\]/);
  });

  test('without appConstruct on the context (aws-cdk-lib 2.257), acknowledgments are read from the constructor scope', () => {
    const { app, role } = insecureApp();
    Validations.of(role).acknowledge({ id: 'IamBestPractices-LP2[Action::s3:*]', reason: 'test' });
    const file = app.synth().getStackByName('Insecure').templateFullPath;
    const report = new IamBestPracticesChecks(app).validate({ templatePaths: [file] } as never);
    expect(ruleNames(report)).toEqual([
      'IamBestPractices-LP6[Action::iam:PassRole]',
      'IamBestPractices-TR2[Principal::arn:<AWS::Partition>:iam::222222222222:root]',
    ]);
  });

  test('a tool validating the same templates with two packs of its own gets every finding from each', () => {
    const { app } = insecureApp();
    const file = app.synth().getStackByName('Insecure').templateFullPath;
    const context = { appConstruct: app, templatePaths: [file], stackTemplates: [{ stackConstructPath: 'Insecure', templatePath: file }] } as never;
    const first = ruleNames(new IamBestPracticesChecks().validate(context));
    expect(first).toContain('IamBestPractices-LP6[Action::iam:PassRole]');
    expect(ruleNames(new IamBestPracticesChecks().validate(context))).toEqual(first);
  });

  test('without the construct tree at all, the templates are still checked', () => {
    const { app } = insecureApp();
    const file = app.synth().getStackByName('Insecure').templateFullPath;
    const report = new IamBestPracticesChecks().validate({ templatePaths: [file] } as never);
    expect(ruleNames(report)).toContain('IamBestPractices-LP6[Action::iam:PassRole]');
    expect(report.success).toBe(false);
  });

  test('the synthesized templates are read when CDK provides them', () => {
    const { app } = insecureApp();
    const assembly = app.synth();
    const stack = assembly.getStackByName('Insecure');
    const pack = new IamBestPracticesChecks();
    const report = pack.validate({
      appConstruct: app,
      templatePaths: [stack.templateFullPath],
      stackTemplates: [{ stackConstructPath: 'Insecure', templatePath: stack.templateFullPath }],
    } as never);
    expect(ruleNames(report)).toContain('IamBestPractices-LP6[Action::iam:PassRole]');
  });

  test('the findings come from the synthesized template, not from resolving the tree again', () => {
    const { app } = insecureApp();
    const stack = app.synth().getStackByName('Insecure');
    const template = JSON.parse(fs.readFileSync(stack.templateFullPath, 'utf-8'));
    type Resource = { Type: string; Properties: { PolicyDocument?: { Statement: Array<{ Action: unknown }> } } };
    for (const resource of Object.values<Resource>(template.Resources)) {
      if (resource.Type === 'AWS::IAM::Policy') resource.Properties.PolicyDocument!.Statement[0].Action = 's3:ListAllMyBuckets';
    }
    const edited = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-template-')), 'Insecure.template.json');
    fs.writeFileSync(edited, JSON.stringify(template));
    const report = new IamBestPracticesChecks().validate({
      appConstruct: app, templatePaths: [edited], stackTemplates: [{ stackConstructPath: 'Insecure', templatePath: edited }],
    } as never);
    expect(ruleNames(report)).toEqual(['IamBestPractices-TR2[Principal::arn:<AWS::Partition>:iam::222222222222:root]']);
  });
});
