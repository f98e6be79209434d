import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alertTopic } from './private/alert-topic';
import { CisAlarm, DEFAULT_CIS_NAMESPACE, requireMetricNamespace, resolveCloudTrailLogGroup } from './private/cis-alarm';
import { CIS_FILTERS } from './private/cis-filters';
import { protectAsGuardrail } from './private/guardrail-resources';
import { checkAlarmSelection } from './private/prop-checks';
import { SecurityTrail } from './security-trail';
import { enumLabels, GuardrailsValidationError } from '../private/validation';

const CONSTRUCT = 'SecurityAlarms';

/**
 * The CIS AWS Foundations Benchmark v1.4 section-4 alarms. Each value is the AWS Security Hub
 * control that checks it (or `CIS-4.15` for the one without a control).
 */
export enum SecurityAlarm {
  /** Use of the root user. Security Hub CloudWatch.1, CIS 4.3. */
  ROOT_ACCOUNT_USAGE = 'CloudWatch.1',
  /** Unauthorized API calls (`*UnauthorizedOperation`, `AccessDenied*`). Security Hub CloudWatch.2, CIS 4.1. */
  UNAUTHORIZED_API_CALLS = 'CloudWatch.2',
  /** Successful console sign-in by an IAM user without MFA. Security Hub CloudWatch.3, CIS 4.2. */
  CONSOLE_SIGN_IN_WITHOUT_MFA = 'CloudWatch.3',
  /** IAM policy changes (inline, managed, versions, attachments). Security Hub CloudWatch.4, CIS 4.4. */
  IAM_POLICY_CHANGES = 'CloudWatch.4',
  /** CloudTrail trail created, updated, deleted, started or stopped. Security Hub CloudWatch.5, CIS 4.5. */
  CLOUDTRAIL_CONFIGURATION_CHANGES = 'CloudWatch.5',
  /** Failed console authentication. Security Hub CloudWatch.6, CIS 4.6. */
  CONSOLE_AUTHENTICATION_FAILURES = 'CloudWatch.6',
  /** KMS keys disabled or scheduled for deletion. Security Hub CloudWatch.7, CIS 4.7. */
  KMS_KEY_DISABLED_OR_SCHEDULED_FOR_DELETION = 'CloudWatch.7',
  /** S3 bucket ACL, policy, CORS, lifecycle or replication changes. Security Hub CloudWatch.8, CIS 4.8. */
  S3_BUCKET_POLICY_CHANGES = 'CloudWatch.8',
  /** AWS Config recorder or delivery channel changes. Security Hub CloudWatch.9, CIS 4.9. */
  CONFIG_CONFIGURATION_CHANGES = 'CloudWatch.9',
  /** Security group created, deleted or its rules changed. Security Hub CloudWatch.10, CIS 4.10. */
  SECURITY_GROUP_CHANGES = 'CloudWatch.10',
  /** Network ACL or entry created, deleted or replaced. Security Hub CloudWatch.11, CIS 4.11. */
  NETWORK_ACL_CHANGES = 'CloudWatch.11',
  /** Customer or internet gateway created, deleted, attached or detached. Security Hub CloudWatch.12, CIS 4.12. */
  NETWORK_GATEWAY_CHANGES = 'CloudWatch.12',
  /** Route table or route changes. Security Hub CloudWatch.13, CIS 4.13. */
  ROUTE_TABLE_CHANGES = 'CloudWatch.13',
  /** VPC, VPC peering or ClassicLink changes. Security Hub CloudWatch.14, CIS 4.14. */
  VPC_CHANGES = 'CloudWatch.14',
  /** AWS Organizations changes (accounts, OUs, policies, handshakes). CIS 4.15; no Security Hub control. */
  ORGANIZATIONS_CHANGES = 'CIS-4.15',
}

const ALL_ALARMS: SecurityAlarm[] = Object.values(SecurityAlarm) as SecurityAlarm[];
const ALARM_LABELS: string[] = enumLabels(SecurityAlarm, 'SecurityAlarm');

/**
 * Properties for SecurityAlarms. Give exactly one of `trail` and `logGroup`.
 */
export interface SecurityAlarmsProps {
  /**
   * The trail whose log group the metric filters read.
   *
   * @default - none; then `logGroup` is required
   */
  readonly trail?: SecurityTrail;

  /**
   * Any CloudWatch Logs group that a CloudTrail trail delivers to (for a trail not built with
   * SecurityTrail). For CIS credit the trail must be multi-region and record all management events.
   *
   * @default - none; then `trail` is required
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * Which alarms to create; each at most once. A CloudWatch Logs group holds at most 100 metric
   * filters, so a selection can leave room for your own.
   *
   * @default - all fifteen
   */
  readonly alarms?: SecurityAlarm[];

  /**
   * CloudWatch namespace of the metrics. 1-255 characters, not starting with the reserved `AWS/`.
   *
   * @default 'CISBenchmark'
   */
  readonly namespace?: string;

  /**
   * The SNS topic every alarm notifies. When you pass your own, its encryption and access policy
   * are yours: for alarms to publish to an encrypted topic, its key must let
   * `cloudwatch.amazonaws.com` use it.
   *
   * @default - a new topic encrypted with a new customer-managed KMS key, TLS-only
   */
  readonly topic?: sns.ITopic;

  /**
   * Email addresses to subscribe to the topic (each gets a confirmation mail from SNS). CIS credit
   * requires the topic to have at least one subscriber. If the topic is shared with other
   * constructs, subscribe each address through one of them only: SNS treats a repeated
   * subscription as the same one.
   *
   * @default - no subscriptions
   */
  readonly emails?: string[];
}

/**
 * Every CIS AWS Foundations v1.4 section-4 alarm on a CloudTrail log group: the fourteen metric
 * filters AWS Security Hub checks (controls CloudWatch.1-14), emitted verbatim because Security Hub
 * compares the text, plus CIS 4.15 (AWS Organizations changes). Each alarm uses CIS's settings
 * (Sum >= 1 over 300 seconds, one evaluation period, missing data not breaching) and notifies one
 * SNS topic.
 */
export class SecurityAlarms extends Construct {
  /** The topic every alarm notifies (given or created). */
  public readonly topic: sns.ITopic;
  /** The alarms created, in the order of `SecurityAlarm`. */
  public readonly alarms: cloudwatch.IAlarm[];

  private readonly byKind = new Map<SecurityAlarm, CisAlarm>();

  constructor(scope: Construct, id: string, props: SecurityAlarmsProps) {
    super(scope, id);
    const logGroup = resolveCloudTrailLogGroup(this, CONSTRUCT, props.trail, props.logGroup);
    const namespace = props.namespace ?? DEFAULT_CIS_NAMESPACE;
    requireMetricNamespace(this, CONSTRUCT, namespace);
    const selected = checkAlarmSelection({ scope: this, construct: CONSTRUCT }, 'alarms', props.alarms, ALL_ALARMS, ALARM_LABELS);

    this.topic = alertTopic(this, { constructName: CONSTRUCT, topic: props.topic, emails: props.emails });

    for (const kind of ALL_ALARMS.filter((k) => selected.has(k))) {
      const filter = CIS_FILTERS[kind];
      this.byKind.set(kind, new CisAlarm(this, filter.metricName, { logGroup, namespace, topic: this.topic, filter }));
    }
    this.alarms = [...this.byKind.values()].map((a) => a.alarm);
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }

  /** The alarm for `which`; throws if it was not selected. */
  public alarm(which: SecurityAlarm): cloudwatch.IAlarm {
    return this.get(which).alarm;
  }

  /** The metric filter for `which`; throws if it was not selected. */
  public metricFilter(which: SecurityAlarm): logs.MetricFilter {
    return this.get(which).metricFilter;
  }

  private get(which: SecurityAlarm): CisAlarm {
    const found = this.byKind.get(which);
    if (!found) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'alarm', which,
        `not created here; selected: ${[...this.byKind.keys()].join(', ')}`);
    }
    return found;
  }
}
