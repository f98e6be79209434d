import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RootUsageAlarm } from '../../src/constructs/root-usage-alarm';
import { SecurityTrail } from '../../src/constructs/security-trail';

const ROOT_PATTERN = readFileSync(path.join(__dirname, '..', 'fixtures', 'reference', 'cis-cloudwatch-filters.tsv'), 'utf8')
  .split('\n').map((line) => line.split('\t')).find(([control]) => control === 'CloudWatch.1')![2];

function newStack(id: string, region: string | null = 'eu-west-1'): Stack {
  return new Stack(new App(), id, region ? { env: { account: '111111111111', region } } : {});
}

// Shared: a trail, the alarm with a created topic, emails and the EventBridge rule, in us-east-1.
const stack = newStack('Root', 'us-east-1');
const trail = new SecurityTrail(stack, 'Trail');
const alarm = new RootUsageAlarm(stack, 'RootUsage', { trail, emails: ['security@example.com', 'oncall@example.org'], eventBridge: true });
const template = Template.fromStack(stack);

describe('RootUsageAlarm', () => {
  test('the metric filter on the trail\'s log group uses the Security Hub CloudWatch.1 pattern verbatim', () => {
    expect(ROOT_PATTERN).toBe('{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}');
    template.resourceCountIs('AWS::Logs::MetricFilter', 1);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^TrailLogGroup') },
      FilterPattern: ROOT_PATTERN,
      MetricTransformations: [{ MetricNamespace: 'CISBenchmark', MetricName: 'RootAccountUsage', MetricValue: '1' }],
    });
  });

  test('the alarm has CIS\'s settings and notifies the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CISBenchmark',
      MetricName: 'RootAccountUsage',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^RootUsageAlertTopic') }],
    });
  });

  test('the created topic is KMS-encrypted with a rotating key usable by CloudWatch and EventBridge', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageAlertTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '111111111111' } }),
          }),
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });

  test('the topic policy refuses publishing without TLS and lets this account\'s alarms and EventBridge publish', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '111111111111' } }),
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111111111111' },
              ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageRootActivityRule'), 'Arn'] } },
            },
          }),
        ]),
      },
    });
  });

  test('each email becomes an email subscription', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const endpoint of ['security@example.com', 'oncall@example.org']) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: endpoint });
    }
  });

  test('the EventBridge rule matches root API calls and sign-ins and targets the topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
        'detail': { userIdentity: { type: ['Root'] } },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^RootUsageAlertTopic') } })],
    });
    expect(alarm.rule).toBeDefined();
  });

  test('no region warning in us-east-1', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('passes AwsSolutions', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('RootUsageAlarm with a given log group and topic', () => {
  const s = newStack('Given');
  const logGroup = new logs.LogGroup(s, 'CloudTrailLogs');
  const topic = new sns.Topic(s, 'MyTopic');
  const given = new RootUsageAlarm(s, 'RootUsage', { logGroup, topic, namespace: 'Security/CIS' });
  const t = Template.fromStack(s);

  test('uses them and creates no topic or key of its own', () => {
    expect(given.topic).toBe(topic);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.resourceCountIs('AWS::Events::Rule', 0);
    expect(given.rule).toBeUndefined();
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^CloudTrailLogs') },
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'Security/CIS' })],
    });
  });
});

describe('RootUsageAlarm region advice', () => {
  test('eventBridge in an explicit region other than us-east-1 warns', () => {
    const s = newStack('EuWest');
    new RootUsageAlarm(s, 'RootUsage', { logGroup: new logs.LogGroup(s, 'Logs'), eventBridge: true });
    Annotations.fromStack(s).hasWarning('/EuWest/RootUsage',
      Match.stringLikeRegexp('eu-west-1, but CloudTrail delivers IAM and console sign-in events to EventBridge in us-east-1 only'));
  });

  test('an environment-agnostic stack does not warn', () => {
    const s = newStack('Agnostic', null);
    new RootUsageAlarm(s, 'RootUsage', { logGroup: new logs.LogGroup(s, 'Logs'), eventBridge: true });
    expect(Annotations.fromStack(s).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('RootUsageAlarm validation', () => {
  const s = newStack('Errors');
  const logGroup = new logs.LogGroup(s, 'Logs');
  const errTrail = new SecurityTrail(s, 'Trail');
  let n = 0;
  const make = (props: any) => () => new RootUsageAlarm(s, `A${n++}`, props);

  test('needs exactly one of trail and logGroup', () => {
    expect(make({})).toThrow(/\[Errors\/A\d+\] RootUsageAlarm: invalid trail\/logGroup 'neither'; give exactly one/);
    expect(make({ trail: errTrail, logGroup })).toThrow(/RootUsageAlarm: invalid trail\/logGroup 'both'; give exactly one/);
  });

  test('rejects bad emails', () => {
    expect(make({ logGroup, emails: ['security@example.com', 'not-an-email'] }))
      .toThrow(/\[Errors\/A\d+\] RootUsageAlarm: invalid emails\[1\] 'not-an-email'; an email address has one "@"/);
    expect(make({ logGroup, emails: ['two words@example.com'] })).toThrow(/invalid emails\[0\] 'two words@example.com'; the part before "@" may not contain spaces/);
  });

  test('rejects a reserved or empty namespace', () => {
    expect(make({ logGroup, namespace: 'AWS/CloudTrail' })).toThrow(/RootUsageAlarm: invalid namespace 'AWS\/CloudTrail'; a CloudWatch namespace/);
    expect(make({ logGroup, namespace: '' })).toThrow(/invalid namespace ''/);
    expect(make({ logGroup, namespace: 'x'.repeat(256) })).toThrow(/invalid namespace/);
  });

  test('tokens pass', () => {
    expect(make({
      logGroup,
      namespace: Lazy.string({ produce: () => 'Ns' }),
      emails: [Lazy.string({ produce: () => 'a@b.c' }), Lazy.string({ produce: () => 'd@e.f' })],
    })).not.toThrow();
  });
});
