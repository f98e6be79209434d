import { Duration, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alertTopic } from './private/alert-topic';
import { GuardrailsValidationError, requireNumberInRange, warn } from '../private/validation';
import { protectAsGuardrail } from './private/guardrail-resources';

const CONSTRUCT = 'BillingAlarm';

/** The only region where CloudWatch publishes the AWS/Billing metrics. */
const BILLING_METRICS_REGION = 'us-east-1';

/**
 * Properties for BillingAlarm.
 */
export interface BillingAlarmProps {
  /**
   * Alarm when the month's estimated charges exceed this many US dollars. Must be more than 0.
   */
  readonly threshold: number;

  /**
   * The SNS topic to notify (it must be in us-east-1, like the alarm). When you pass your own, its
   * encryption and access policy are yours: for the alarm to publish to an encrypted topic, its
   * key must let `cloudwatch.amazonaws.com` use it.
   *
   * @default - a new topic encrypted with a new customer-managed KMS key, TLS-only
   */
  readonly topic?: sns.ITopic;

  /**
   * Email addresses to subscribe to the topic (each gets a confirmation mail from SNS). If the
   * topic is shared with other constructs, subscribe each address through one of them only: SNS
   * treats a repeated subscription as the same one.
   *
   * @default - no subscriptions
   */
  readonly emails?: string[];
}

/**
 * An alarm on the account's estimated charges (`AWS/Billing` `EstimatedCharges`, `Currency=USD`,
 * Maximum over 6 hours), the guide's "Enable Billing Alerts": a sudden rise is often the first
 * sign of compromised credentials.
 *
 * Deploy it in a us-east-1 stack: CloudWatch publishes billing metrics only there, so a stack with
 * another explicit region is an error (an environment-agnostic stack gets a warning).
 *
 * One step has no API and must be done once per account, by the root user or an IAM principal
 * with billing access, in the console: Billing and Cost Management -> Billing preferences ->
 * Alert preferences -> select "Receive CloudWatch billing alerts" -> Save. Until then the metric
 * does not exist and the alarm stays in INSUFFICIENT_DATA, which is deliberately not treated as OK,
 * so that the missing step shows.
 */
export class BillingAlarm extends Construct {
  /** The alarm. */
  public readonly alarm: cloudwatch.IAlarm;
  /** The topic notified (given or created). */
  public readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: BillingAlarmProps) {
    super(scope, id);
    const { threshold } = props;
    requireNumberInRange(this, CONSTRUCT, 'threshold', threshold, { min: 0, minExclusive: true, unit: 'of US dollars' });
    if (threshold === undefined) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'threshold', threshold, 'required: a number of US dollars greater than 0');
    }
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      warn(this, 'cdk-iam-guardrails:BillingAlarm.region',
        `Deploy this stack to ${BILLING_METRICS_REGION}: the AWS/Billing metrics exist only there, so elsewhere the alarm never fires.`);
    } else if (region !== BILLING_METRICS_REGION) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'region (of the stack)', region,
        `CloudWatch publishes AWS/Billing metrics only in ${BILLING_METRICS_REGION}; put BillingAlarm in a stack with env.region '${BILLING_METRICS_REGION}'`);
    }

    this.topic = alertTopic(this, { constructName: CONSTRUCT, topic: props.topic, emails: props.emails });

    const alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `Estimated AWS charges for the month exceed ${Tokenization.stringifyNumber(threshold)} USD`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Billing',
        metricName: 'EstimatedCharges',
        dimensionsMap: { Currency: 'USD' },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(6),
      }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    this.alarm = alarm;
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }
}
