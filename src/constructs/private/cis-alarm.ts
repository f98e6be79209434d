import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CisFilter } from './cis-filters';
import { GuardrailsValidationError } from '../../private/validation';

/** The metric namespace CIS's remediation steps use. */
export const DEFAULT_CIS_NAMESPACE = 'CISBenchmark';

export interface CisAlarmProps {
  /** The CloudTrail log group the filter reads. */
  readonly logGroup: logs.ILogGroup;
  /** Which CIS alarm. */
  readonly filter: CisFilter;
  /** Metric namespace (already validated). */
  readonly namespace: string;
  /** Where the alarm goes. */
  readonly topic: sns.ITopic;
}

/**
 * One CIS section-4 alarm: a metric filter with the verbatim pattern, and an alarm with exactly the
 * settings CIS prescribes (Sum over 300 seconds, >= 1, one evaluation period). Missing data is not
 * breaching: no matching events means no metric data, which is the healthy state.
 */
export class CisAlarm extends Construct {
  public readonly metricFilter: logs.MetricFilter;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CisAlarmProps) {
    super(scope, id);
    const { filter } = props;

    this.metricFilter = new logs.MetricFilter(this, 'MetricFilter', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.literal(filter.pattern),
      metricNamespace: props.namespace,
      metricName: filter.metricName,
      metricValue: '1',
    });

    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: describe(filter),
      metric: this.metricFilter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.seconds(300) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.topic));
  }
}

function describe(filter: CisFilter): string {
  const control = filter.securityHubControl ? `Security Hub ${filter.securityHubControl} / ` : '';
  return `${filter.title} (${control}CIS AWS Foundations v1.4 ${filter.cisId}), from the CloudTrail log group.`;
}

/**
 * The log group to filter: exactly one of `trail` (its log group) and `logGroup` must be given.
 * Typed structurally so this module does not import the SecurityTrail construct.
 */
export function resolveCloudTrailLogGroup(
  scope: IConstruct, construct: string,
  trail: { readonly logGroup: logs.ILogGroup } | undefined, logGroup: logs.ILogGroup | undefined,
): logs.ILogGroup {
  if ((trail === undefined) === (logGroup === undefined)) {
    throw new GuardrailsValidationError(scope, construct, 'trail/logGroup',
      trail === undefined ? 'neither' : 'both',
      'give exactly one: `trail` (a SecurityTrail) or `logGroup` (the log group your CloudTrail trail delivers to)');
  }
  return trail ? trail.logGroup : logGroup!;
}

/**
 * CloudWatch namespaces: 1-255 characters, and the `AWS/` prefix is reserved for AWS services.
 */
export function requireMetricNamespace(scope: IConstruct, construct: string, namespace: string): void {
  if (Token.isUnresolved(namespace)) return;
  if (namespace.length < 1 || namespace.length > 255 || namespace.startsWith('AWS/') || namespace.startsWith(':')) {
    throw new GuardrailsValidationError(scope, construct, 'namespace', namespace,
      'a CloudWatch namespace is 1-255 characters, does not start with ":" and must not use the reserved "AWS/" prefix');
  }
}
