import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountBaseline, SecurityAlarm } from '../../src';

const env = { account: '111111111111', region: 'us-east-1' };

describe('AccountBaseline with defaults', () => {
  const app = new App();
  const stack = new Stack(app, 'Baseline', { env });
  const baseline = new AccountBaseline(stack, 'Baseline', { alertEmails: ['security@example.com', 'oncall@example.com'] });
  const template = Template.fromStack(stack);

  test('creates every part', () => {
    expect(baseline.passwordPolicy).toBeDefined();
    expect(baseline.trail).toBeDefined();
    expect(baseline.securityAlarms).toBeDefined();
    expect(baseline.accessAnalyzer).toBeDefined();
    expect(baseline.complianceRules).toBeDefined();
    expect(baseline.billingAlarm).toBeDefined();
    expect(baseline.credentialAudit).toBeDefined();
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Billing', MetricName: 'EstimatedCharges', Threshold: 100 });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  });

  test('all parts notify one topic, and each email is subscribed once', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    // 15 CIS alarms, the billing alarm and the audit's failure alarm.
    expect(Object.keys(alarms)).toHaveLength(17);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  test('the Config password rule checks the same numbers the password policy sets', () => {
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: 'IAM_PASSWORD_POLICY' },
      InputParameters: Match.objectLike({ MinimumPasswordLength: '14', PasswordReusePrevention: '24', MaxPasswordAge: '90' }),
    });
    template.hasResourceProperties('Custom::StrictPasswordPolicy', {
      Policy: Match.objectLike({ MinimumPasswordLength: 14, PasswordReusePrevention: 24 }),
    });
  });

  test('passes AwsSolutionsChecks with zero unacknowledged findings', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
  });
});

describe('AccountBaseline configured', () => {
  test('custom password numbers flow to the Config rule', () => {
    const stack = new Stack(new App(), 'Custom', { env });
    new AccountBaseline(stack, 'Baseline', {
      passwordPolicyOptions: { minimumPasswordLength: 20, passwordReusePrevention: 24 },
      billingThreshold: 250,
      alarms: [SecurityAlarm.ROOT_ACCOUNT_USAGE, SecurityAlarm.IAM_POLICY_CHANGES],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: 'IAM_PASSWORD_POLICY' },
      InputParameters: Match.objectLike({ MinimumPasswordLength: '20' }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EstimatedCharges', Threshold: 250 });
    template.resourceCountIs('AWS::Logs::MetricFilter', 2);
  });

  test('parts can be switched off', () => {
    const stack = new Stack(new App(), 'Minimal', { env: { account: '111111111111', region: 'eu-west-1' } });
    const baseline = new AccountBaseline(stack, 'Baseline', {
      passwordPolicy: false, trail: false, securityAlarms: false, billingAlarm: false,
    });
    const template = Template.fromStack(stack);
    expect(baseline.trail).toBeUndefined();
    expect(baseline.billingAlarm).toBeUndefined();
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('Custom::StrictPasswordPolicy', 0);
    template.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 1);
    // Without a trail there is nothing to generate policies from.
    template.resourceCountIs('AWS::IAM::Role', 1); // only the credential audit's role
  });

  test('the billing alarm outside us-east-1 is an error that says how to fix it', () => {
    const stack = new Stack(new App(), 'Frankfurt', { env: { account: '111111111111', region: 'eu-central-1' } });
    expect(() => new AccountBaseline(stack, 'Baseline')).toThrow(
      /\[Frankfurt\/Baseline\] AccountBaseline: invalid billingAlarm true; .*this stack is in eu-central-1: put the baseline in a stack with env.region 'us-east-1', or set billingAlarm: false/);
  });

  test.each([
    [{ trail: false }, /Baseline: invalid securityAlarms true; the CIS alarms read the baseline's trail/],
    [{ billingAlarm: false, billingThreshold: 10 }, /invalid billingThreshold 10; a threshold needs the billing alarm/],
    [{ complianceRulesOptions: { minimumPasswordLength: 16 } }, /invalid complianceRulesOptions.minimumPasswordLength 16; password settings belong in passwordPolicyOptions/],
    [{ credentialAudit: false, credentialAuditOptions: {} }, /invalid credentialAuditOptions .*remove credentialAuditOptions or set credentialAudit: true/],
    [{ securityAlarms: false, alarms: [SecurityAlarm.VPC_CHANGES] }, /invalid alarms \["CloudWatch.14"\]; an alarm selection needs the security alarms/],
  ])('rejects contradictory props %p', (props, message) => {
    const stack = new Stack(new App(), 'Bad', { env });
    expect(() => new AccountBaseline(stack, 'Baseline', props)).toThrow(message);
  });
});
