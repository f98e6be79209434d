import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alertTopic, SourceBoundTopicTarget } from './private/alert-topic';
import { CisAlarm, DEFAULT_CIS_NAMESPACE, requireMetricNamespace, resolveCloudTrailLogGroup } from './private/cis-alarm';
import { CIS_FILTERS } from './private/cis-filters';
import { protectAsGuardrail } from './private/guardrail-resources';
import { SecurityTrail } from './security-trail';
import { requireBoolean, warn } from '../private/validation';

const CONSTRUCT = 'RootUsageAlarm';

/** The region where CloudTrail delivers IAM, STS-global and console sign-in events. */
const GLOBAL_EVENTS_REGION = 'us-east-1';

/**
 * Properties for a RootUsageAlarm. Give exactly one of `trail` and `logGroup`.
 */
export interface RootUsageAlarmProps {
  /**
   * The trail whose log group the metric filter reads.
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
   * CloudWatch namespace of the metric. 1-255 characters, not starting with the reserved `AWS/`.
   *
   * @default 'CISBenchmark'
   */
  readonly namespace?: string;

  /**
   * The SNS topic to notify. When you pass your own, its encryption and access policy are yours:
   * for the alarm and the EventBridge rule to publish to an encrypted topic, its key must let
   * `cloudwatch.amazonaws.com` and `events.amazonaws.com` use it.
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

  /**
   * Also add an EventBridge rule that forwards every CloudTrail event made by the root user (API
   * calls and console sign-ins) to the topic within seconds, instead of the metric alarm's five
   * minutes. It earns no compliance credit. IAM and sign-in events arrive only in us-east-1, so
   * deploy the rule there (a stack with another explicit region gets a synth warning).
   *
   * @default false
   */
  readonly eventBridge?: boolean;
}

/**
 * The CIS AWS Foundations 4.3 / Security Hub CloudWatch.1 alarm: a metric filter on the trail's log
 * group with the exact pattern Security Hub checks, and an alarm (Sum >= 1 over 300 seconds, one
 * evaluation period, missing data not breaching) that notifies an SNS topic.
 *
 * `SecurityAlarms` provides this alarm and the rest of CIS section 4 with the same code.
 */
export class RootUsageAlarm extends Construct {
  /** The alarm. */
  public readonly alarm: cloudwatch.IAlarm;
  /** The metric filter. */
  public readonly metricFilter: logs.MetricFilter;
  /** The topic notified (given or created). */
  public readonly topic: sns.ITopic;
  /** The EventBridge rule, when `eventBridge` is true. */
  public readonly rule?: events.IRule;

  constructor(scope: Construct, id: string, props: RootUsageAlarmProps) {
    super(scope, id);
    const logGroup = resolveCloudTrailLogGroup(this, CONSTRUCT, props.trail, props.logGroup);
    const namespace = props.namespace ?? DEFAULT_CIS_NAMESPACE;
    requireMetricNamespace(this, CONSTRUCT, namespace);
    requireBoolean(this, CONSTRUCT, 'eventBridge', props.eventBridge);

    this.topic = alertTopic(this, { constructName: CONSTRUCT, topic: props.topic, emails: props.emails });

    const cisAlarm = new CisAlarm(this, 'RootAccountUsage', {
      logGroup, namespace, topic: this.topic, filter: CIS_FILTERS['CloudWatch.1'],
    });
    this.alarm = cisAlarm.alarm;
    this.metricFilter = cisAlarm.metricFilter;

    if (props.eventBridge) {
      this.rule = new events.Rule(this, 'RootActivityRule', {
        description: 'Any CloudTrail API call or console sign-in by the root user',
        eventPattern: {
          detailType: ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
          detail: { userIdentity: { type: ['Root'] } },
        },
        targets: [new SourceBoundTopicTarget(this.topic)],
      });
      const region = Stack.of(this).region;
      if (!Token.isUnresolved(region) && region !== GLOBAL_EVENTS_REGION) {
        warn(this, 'cdk-iam-guardrails:RootUsageAlarm.eventBridgeRegion',
          `The root-activity EventBridge rule is in ${region}, but CloudTrail delivers IAM and console sign-in events `
          + `to EventBridge in ${GLOBAL_EVENTS_REGION} only: most root activity will not reach this rule. `
          + `Deploy a RootUsageAlarm with eventBridge: true in a ${GLOBAL_EVENTS_REGION} stack.`);
      }
    }
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }
}
