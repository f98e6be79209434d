import { Duration, Stack, Tokenization, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AuditFunction } from './credential-report-audit/audit-function';
import { alertTopic } from './private/alert-topic';
import { acknowledgeGuardrailFunction, acknowledgeThirdPartyFinding, protectAsGuardrail } from './private/guardrail-resources';
import { allowCloudWatchLogsToUseKey } from './private/log-group-keys';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
} from './private/password-policy-defaults';
import { checkCredentialAuditProps } from './private/prop-checks';
import { CredentialFindingType } from '../credentials/credential-report-types';
import { AUDIT_ENV, TOTAL_FINDINGS_METRIC } from '../credentials/private/audit-config';
import { DEFAULT_ROOT_USAGE_WINDOW_DAYS } from '../credentials/private/evaluate';
import { acknowledgeServiceRoleWithoutBoundary } from '../private/acknowledgments';

const CONSTRUCT = 'CredentialReportAudit';

/**
 * Properties of a `CredentialReportAudit`.
 */
export interface CredentialReportAuditProps {
  /**
   * When the audit runs. The guide asks for regular credential report reviews; IAM reuses a
   * report for up to four hours, so running more often than that adds nothing.
   *
   * @default Schedule.rate(Duration.days(1))
   */
  readonly schedule?: events.Schedule;

  /**
   * The SNS topic the audit publishes its findings to (only when there are findings). Give your
   * own to gather all security alerts in one place; its KMS key, if any, must let this account's
   * principals use it.
   *
   * @default - a new topic encrypted with a new customer-managed KMS key (rotation on), which
   * refuses publishers that do not use TLS
   */
  readonly topic?: sns.ITopic;

  /**
   * Email addresses to subscribe to the topic. Each receives a confirmation mail from SNS.
   *
   * @default - no subscriptions
   */
  readonly emails?: string[];

  /**
   * The CloudWatch namespace of the audit's metrics: one per finding type (the
   * `CredentialFindingType` values, e.g. `UserWithoutMfa`) plus `TotalFindings`, all with unit
   * Count and no dimensions, written on every run, zeros included, so alarms see data.
   *
   * @default 'IamCredentialAudit'
   */
  readonly metricNamespace?: string;

  /**
   * An active access key older than this is a finding. Whole days from 1 to 365.
   *
   * @default Duration.days(90) - CIS 1.14 and Config rule ACCESS_KEYS_ROTATED
   */
  readonly maxAccessKeyAge?: Duration;

  /**
   * A console password or active access key unused for longer than this is a finding; one never
   * used counts from when it was set. Whole days from 1 to 365.
   *
   * @default Duration.days(90) - Config rule IAM_USER_UNUSED_CREDENTIALS_CHECK (CIS v1.4 asks 45)
   */
  readonly maxUnusedAge?: Duration;

  /**
   * Root user sign-in or access-key use within this window before a run is a finding. Whole days
   * from 1 to 365.
   *
   * @default Duration.days(90)
   */
  readonly rootUsageWindow?: Duration;

  /**
   * How long the audit function's log group keeps the logs. Every run logs all of its findings
   * there, including any beyond what the SNS message lists.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A scheduled audit of the IAM credential report: an EventBridge rule runs a Lambda function
 * (daily by default) that generates and reads the report, evaluates it with `CredentialReport`,
 * publishes a summary to SNS when there are findings, and writes the count of each finding type
 * to CloudWatch metrics.
 *
 * The function's role can only generate and read the credential report, publish to the topic,
 * put metrics in its own namespace and write to its own log group.
 */
export class CredentialReportAudit extends Construct {
  /** The default `metricNamespace`. */
  public static readonly DEFAULT_METRIC_NAMESPACE = 'IamCredentialAudit';

  /** The topic findings are published to. */
  public readonly topic: sns.ITopic;

  /** The audit function. */
  public readonly auditFunction: lambda.IFunction;

  /** The audit function's execution role. */
  public readonly role: iam.IRole;

  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  /** The EventBridge rule that runs the audit. */
  public readonly rule: events.Rule;

  /** The namespace of the audit's metrics. */
  public readonly metricNamespace: string;

  /**
   * Alarms (and notifies the topic) when an audit run fails, so that a broken audit is not
   * mistaken for a clean account.
   */
  public readonly failureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CredentialReportAuditProps = {}) {
    super(scope, id);

    checkCredentialAuditProps({ scope: this, construct: CONSTRUCT }, props);
    this.metricNamespace = props.metricNamespace ?? CredentialReportAudit.DEFAULT_METRIC_NAMESPACE;

    this.topic = alertTopic(this, { constructName: CONSTRUCT, topic: props.topic, emails: props.emails });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: logGroupKey(this),
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the IAM credential report audit ${this.node.path}`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'GenerateAndReadTheCredentialReport',
      actions: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PutMetricsInTheAuditNamespace',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': this.metricNamespace } },
    }));
    this.topic.grantPublish(role);
    this.logGroup.grantWrite(role);
    this.role = role;

    const fn = new AuditFunction(this, 'Function', {
      description: 'Audits the IAM credential report: MFA, access key age, unused credentials, root use',
      role,
      logGroup: this.logGroup,
      timeout: Duration.minutes(2),
      memorySize: 256,
      environment: {
        [AUDIT_ENV.topicArn]: this.topic.topicArn,
        [AUDIT_ENV.metricNamespace]: this.metricNamespace,
        [AUDIT_ENV.maxAccessKeyAgeDays]: days(props.maxAccessKeyAge, DEFAULT_MAX_ACCESS_KEY_AGE_DAYS),
        [AUDIT_ENV.maxUnusedAgeDays]: days(props.maxUnusedAge, DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS),
        [AUDIT_ENV.rootUsageWindowDays]: days(props.rootUsageWindow, DEFAULT_ROOT_USAGE_WINDOW_DAYS),
      },
    });
    this.auditFunction = fn;

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Runs the IAM credential report audit ${this.node.path}`,
      schedule: props.schedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });
    // The target's invoke permission names the rule (aws:SourceArn); the account pins it as well.
    for (const permission of this.node.findAll().filter((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission)) {
      permission.sourceAccount = Stack.of(this).account;
    }

    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription: `The IAM credential report audit ${this.node.path} failed; see its log group`,
      metric: fn.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failureAlarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));

    this.acknowledgeFindings(role);
    acknowledgeGuardrailFunction(fn,
      'Invoked asynchronously by EventBridge with two retries; a run that still fails raises the FailureAlarm on the alert topic, '
      + 'which is where a dead-letter queue would lead.');
    acknowledgeThirdPartyFinding(fn, {
      checkov: ['CKV_AWS_173'],
      reason: 'The environment holds the topic ARN, the metric namespace and day counts, no secret; Lambda encrypts it at rest '
        + 'with an AWS managed key.',
    });
    // The function, its role, log group, key, topic, schedule and alarm: the default boundary denies changing them.
    protectAsGuardrail(this);
  }

  /**
   * The daily count of one finding type (Maximum over one day, as the audit writes one value per
   * run), for an alarm or a dashboard.
   */
  public metric(type: CredentialFindingType, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricNamed(type, props);
  }

  /**
   * The daily count of all findings (Maximum over one day).
   */
  public metricTotalFindings(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricNamed(TOTAL_FINDINGS_METRIC, props);
  }

  private metricNamed(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.days(1),
      unit: cloudwatch.Unit.COUNT,
      ...props,
    });
  }

  private acknowledgeFindings(role: iam.Role): void {
    acknowledgeServiceRoleWithoutBoundary(role,
      'the audit may only generate and read the credential report, publish to its topic, put metrics in its namespace and write its log group.');
    const policy = role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'iam:GenerateCredentialReport, iam:GetCredentialReport and cloudwatch:PutMetricData support no resource-level '
        + 'permissions (the credential report is one per account); PutMetricData is limited to the audit namespace by the '
        + 'cloudwatch:namespace condition.',
    });
    // grantPublish on a topic encrypted with a customer-managed key adds the key permissions SNS needs.
    if (this.topic.masterKey) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'Publishing to a KMS-encrypted SNS topic needs kms:GenerateDataKey* on the topic key only, which is what this grants.',
      });
    }
  }
}

/**
 * The key of the audit's log group (whose events name IAM users and their credential state): a
 * customer-managed key, rotated, that CloudWatch Logs may use for this account's log groups only.
 */
function logGroupKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'LogGroupKey', {
    enableKeyRotation: true,
    description: `Encrypts the log group of the IAM credential report audit ${scope.node.path}`,
  });
  allowCloudWatchLogsToUseKey(key);
  return key;
}

function days(duration: Duration | undefined, defaultDays: number): string {
  return Tokenization.stringifyNumber(duration === undefined ? defaultDays : duration.toDays());
}
