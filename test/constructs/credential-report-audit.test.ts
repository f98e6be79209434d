import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CredentialReportAudit } from '../../src/constructs/credential-report-audit';
import { CredentialFindingType } from '../../src/credentials/credential-report';

function newStack(id: string): Stack {
  return new Stack(new App(), id, { env: { account: '111111111111', region: 'eu-west-1' } });
}

// Shared: everything at its default.
const stack = newStack('Defaults');
const audit = new CredentialReportAudit(stack, 'Audit');
const template = Template.fromStack(stack);
const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as any);

// Shared: every prop set, with an existing unencrypted topic from another app.
const customStack = newStack('Custom');
const existingTopic = sns.Topic.fromTopicArn(customStack, 'Existing', 'arn:aws:sns:eu-west-1:111111111111:security-alerts');
const custom = new CredentialReportAudit(customStack, 'Audit', {
  schedule: events.Schedule.cron({ minute: '30', hour: '6' }),
  topic: existingTopic,
  emails: ['security@example.com'],
  metricNamespace: 'Acme/Credentials',
  maxAccessKeyAge: Duration.days(45),
  maxUnusedAge: Duration.days(30),
  rootUsageWindow: Duration.days(7),
  logRetention: logs.RetentionDays.THREE_MONTHS,
});
const customTemplate = Template.fromStack(customStack);

describe('CredentialReportAudit with defaults', () => {
  test('an EventBridge rule runs the function daily, retrying twice', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': [id(audit.auditFunction), 'Arn'] }, Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 2 } }],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [id(audit.rule), 'Arn'] },
    });
  });

  test('the function: the bundled handler, its role, its log group, the thresholds in its environment', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Timeout: 120,
      MemorySize: 256,
      Role: { 'Fn::GetAtt': [id(audit.role as any), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: id(audit.logGroup as any) } },
      Environment: {
        Variables: {
          TOPIC_ARN: { Ref: id(audit.topic as any) },
          METRIC_NAMESPACE: 'IamCredentialAudit',
          MAX_ACCESS_KEY_AGE_DAYS: '90',
          MAX_UNUSED_AGE_DAYS: '90',
          ROOT_USAGE_WINDOW_DAYS: '90',
          AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        },
      },
    });
    expect(audit.metricNamespace).toBe(CredentialReportAudit.DEFAULT_METRIC_NAMESPACE);
  });

  test('its own log group keeps logs for a year', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('the role trusts Lambda only and has no managed policies', () => {
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  test('least privilege: exactly these statements', () => {
    template.resourceCountIs('AWS::IAM::Policy', 1);
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))[0];
    expect(policy.Properties.Roles).toEqual([{ Ref: id(audit.role as any) }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'GenerateAndReadTheCredentialReport',
        Effect: 'Allow',
        Action: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
        Resource: '*',
      },
      {
        Sid: 'PutMetricsInTheAuditNamespace',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'IamCredentialAudit' } },
      },
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: id(audit.topic as any) } },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: { 'Fn::GetAtt': [id(audit.topic.masterKey as any), 'Arn'] } },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [id(audit.logGroup as any), 'Arn'] } },
    ]);
  });

  test('a new topic, encrypted with a rotating customer-managed key, TLS only', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [id(audit.topic.masterKey as any), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('a failed run raises an alarm on the topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(audit.auditFunction) } }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: id(audit.topic as any) }],
    });
  });

  test('AwsSolutions: no unacknowledged findings', () => {
    const result = new AwsSolutionsChecks().validateScope(stack);
    expect(result.violations).toEqual([]);
    expect(result.success).toBe(true);
  });

  test('metric helpers name the namespace and metric the handler writes', () => {
    const metric = audit.metric(CredentialFindingType.USER_WITHOUT_MFA);
    expect(metric.namespace).toBe('IamCredentialAudit');
    expect(metric.metricName).toBe('UserWithoutMfa');
    expect(metric.statistic).toBe('Maximum');
    expect(metric.period.toDays()).toBe(1);
    expect(audit.metricTotalFindings({ period: Duration.hours(6) })).toMatchObject({ metricName: 'TotalFindings' });
    expect(audit.metricTotalFindings({ period: Duration.hours(6) }).period.toHours()).toBe(6);
  });
});

describe('CredentialReportAudit with every prop', () => {
  test('schedule, namespace, thresholds and log retention are used', () => {
    customTemplate.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(30 6 * * ? *)' });
    customTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:security-alerts',
          METRIC_NAMESPACE: 'Acme/Credentials',
          MAX_ACCESS_KEY_AGE_DAYS: '45',
          MAX_UNUSED_AGE_DAYS: '30',
          ROOT_USAGE_WINDOW_DAYS: '7',
        }),
      },
    });
    customTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    expect(custom.metric(CredentialFindingType.ROOT_USED_RECENTLY).namespace).toBe('Acme/Credentials');
  });

  test('a given topic is used as is: no new topic or topic key, publish to it only, emails subscribed', () => {
    expect(custom.topic).toBe(existingTopic);
    customTemplate.resourceCountIs('AWS::SNS::Topic', 0);
    // The one key is the log group's.
    customTemplate.resourceCountIs('AWS::KMS::Key', 1);
    customTemplate.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogGroupKey'), 'Arn'] } });
    customTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email', Endpoint: 'security@example.com', TopicArn: 'arn:aws:sns:eu-west-1:111111111111:security-alerts',
    });
    const statements = Object.values(customTemplate.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Action)).toEqual([
      ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
      'cloudwatch:PutMetricData',
      'sns:Publish',
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    expect(statements[1].Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'Acme/Credentials' } });
    expect(statements[2].Resource).toBe('arn:aws:sns:eu-west-1:111111111111:security-alerts');
  });

  test('AwsSolutions: no unacknowledged findings', () => {
    expect(new AwsSolutionsChecks().validateScope(customStack).violations).toEqual([]);
  });

  test('deploy-time tokens pass through unvalidated', () => {
    const s = newStack('Tokens');
    new CredentialReportAudit(s, 'Audit', {
      maxAccessKeyAge: Duration.days(Lazy.number({ produce: () => 60 })),
      metricNamespace: Lazy.string({ produce: () => 'FromAToken' }),
    });
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MAX_ACCESS_KEY_AGE_DAYS: '60', METRIC_NAMESPACE: 'FromAToken' }) },
    });
  });
});

describe('CredentialReportAudit validation', () => {
  function error(props: ConstructorParameters<typeof CredentialReportAudit>[2]): string {
    try {
      new CredentialReportAudit(newStack('Invalid'), 'Audit', props);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a validation error');
  }

  test.each([
    ['maxAccessKeyAge', 'Duration.days(0)', { maxAccessKeyAge: Duration.days(0) }],
    ['maxAccessKeyAge', 'Duration.days(366)', { maxAccessKeyAge: Duration.days(366) }],
    ['maxAccessKeyAge', 'Duration.hours(36)', { maxAccessKeyAge: Duration.hours(36) }],
    ['maxUnusedAge', 'Duration.days(400)', { maxUnusedAge: Duration.days(400) }],
    ['rootUsageWindow', 'Duration.minutes(30)', { rootUsageWindow: Duration.minutes(30) }],
  ])('%s outside 1-365 whole days: %s', (prop, shown, props) => {
    expect(error(props)).toBe(`[Invalid/Audit] CredentialReportAudit: invalid ${prop} ${shown}; allowed range is 1-365 days (whole days)`);
  });

  test('the boundaries 1 and 365 days are accepted', () => {
    expect(() => new CredentialReportAudit(newStack('Edges'), 'Audit', {
      maxAccessKeyAge: Duration.days(1), maxUnusedAge: Duration.days(365), rootUsageWindow: Duration.days(365),
    })).not.toThrow();
  });

  test.each([
    ['a reserved AWS/ prefix', 'AWS/IAM'],
    ['a colon', 'has:colon'],
    ['empty', ''],
    ['256 characters', 'x'.repeat(256)],
  ])('metricNamespace: %s', (_why, namespace) => {
    expect(error({ metricNamespace: namespace })).toBe(
      `[Invalid/Audit] CredentialReportAudit: invalid metricNamespace '${namespace}'; `
      + 'a CloudWatch namespace is 1-255 characters, without ":", and must not start with "AWS/"');
  });

  test('an email that is not an address', () => {
    expect(error({ emails: ['security at example.com'] })).toMatch(
      /^\[Invalid\/Audit\] CredentialReportAudit: invalid emails\[0\] 'security at example.com'; an email address has one "@"/);
  });
});
