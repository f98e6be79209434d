import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BillingAlarm } from '../../src/constructs/billing-alarm';

function newStack(id: string, region: string | null = 'us-east-1'): Stack {
  return new Stack(new App(), id, region ? { env: { account: '111111111111', region } } : {});
}

const stack = newStack('Billing');
const billing = new BillingAlarm(stack, 'Billing', { threshold: 100, emails: ['finance@example.com'] });
const template = Template.fromStack(stack);

describe('BillingAlarm', () => {
  test('EstimatedCharges in USD, Maximum over 6 hours, above the threshold, notifying the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Billing',
      MetricName: 'EstimatedCharges',
      Dimensions: [{ Name: 'Currency', Value: 'USD' }],
      Statistic: 'Maximum',
      Period: 21600,
      Threshold: 100,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'missing',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^BillingAlertTopic') }],
    });
  });

  test('an encrypted, TLS-only topic with the email subscription', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'finance@example.com' });
    expect(billing.topic).toBeDefined();
  });

  test('no warning in us-east-1; passes AwsSolutions', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  test('uses a given topic', () => {
    const s = newStack('Given');
    const topic = new sns.Topic(s, 'Topic');
    const given = new BillingAlarm(s, 'Billing', { threshold: 12.5, topic });
    expect(given.topic).toBe(topic);
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 12.5 });
  });

  test('an environment-agnostic stack gets a warning, not an error', () => {
    const s = newStack('Agnostic', null);
    new BillingAlarm(s, 'Billing', { threshold: 50 });
    Annotations.fromStack(s).hasWarning('/Agnostic/Billing', Match.stringLikeRegexp('Deploy this stack to us-east-1'));
  });
});

describe('BillingAlarm validation', () => {
  test('another explicit region is an error naming the region', () => {
    const s = newStack('Frankfurt', 'eu-central-1');
    expect(() => new BillingAlarm(s, 'Billing', { threshold: 10 }))
      .toThrow(/\[Frankfurt\/Billing\] BillingAlarm: invalid region \(of the stack\) 'eu-central-1'; CloudWatch publishes AWS\/Billing metrics only in us-east-1/);
  });

  test.each([[0], [-5], [Number.NaN], [Number.POSITIVE_INFINITY]])('threshold %p is rejected', (threshold) => {
    const s = newStack('Threshold');
    expect(() => new BillingAlarm(s, 'Billing', { threshold }))
      .toThrow(/\[Threshold\/Billing\] BillingAlarm: invalid threshold .*; must be a finite number of US dollars greater than 0/);
  });

  test('bad emails are rejected', () => {
    const s = newStack('Emails');
    expect(() => new BillingAlarm(s, 'Billing', { threshold: 1, emails: ['@example.com'] })).toThrow(/BillingAlarm: invalid emails\[0\] '@example.com'; an email address has one "@"/);
  });

  test('a token threshold passes', () => {
    const s = newStack('Token');
    expect(() => new BillingAlarm(s, 'Billing', { threshold: Lazy.number({ produce: () => 5 }) })).not.toThrow();
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, AlarmDescription: 'Estimated AWS charges for the month exceed 5 USD' });
  });
});
