import { ArnFormat, Names, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { requireEmailList } from '../../private/validation';

/** Where a guardrail construct sends its alerts. */
export interface AlertTopicOptions {
  /** Public class name of the construct asking, for error messages. */
  readonly constructName: string;
  /** A topic to use as is; when undefined one is created. */
  readonly topic?: sns.ITopic;
  /** Email addresses to subscribe (validated; tokens pass). */
  readonly emails?: string[];
}

/**
 * The SNS topic a guardrail notifies: the given one, or a new one encrypted with its own
 * customer-managed KMS key and refusing publishers that do not use TLS (AwsSolutions-SNS2/SNS3).
 * Email subscriptions are created in `scope`, so two constructs can share a topic without colliding.
 */
export function alertTopic(scope: Construct, options: AlertTopicOptions): sns.ITopic {
  requireEmailList(scope, options.constructName, 'emails', options.emails);
  const emails = options.emails ?? [];

  const topic = options.topic ?? createEncryptedTopic(scope);

  emails.forEach((email, index) => {
    const id = Token.isUnresolved(email) ? `EmailSubscription${index}` : `EmailSubscription-${email}`;
    new sns.Subscription(scope, id, { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: email });
  });
  return topic;
}

function createEncryptedTopic(scope: Construct): sns.Topic {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'AlertTopicKey', {
    enableKeyRotation: true,
    description: `Encrypts the security alert topic of ${scope.node.path}`,
  });
  // CloudWatch alarms and EventBridge rules publish to an encrypted topic only when the key lets
  // them generate and use data keys. CloudWatch sends aws:SourceAccount and aws:SourceArn (the
  // alarm) to KMS, so its grant is pinned to this account's alarms. EventBridge does not send them
  // on this path (SNS documents the source keys as unsupported in a key policy for EventBridge), so
  // its grant cannot be pinned here; what stops a foreign rule is the topic policy, which only lets
  // this account's own rules publish (see SourceBoundTopicTarget): without sns:Publish on the topic,
  // the key grant lets EventBridge do nothing.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowThisAccountsAlarmsToUseKey',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: thisAccountsAlarms(stack),
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowEventDeliveryToEncryptedTopic',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));

  const topic = new sns.Topic(scope, 'AlertTopic', {
    masterKey: key,
    enforceSSL: true,
  });
  // A topic policy replaces SNS's default owner-only policy, so say explicitly that this account's
  // alarms may publish (and only this account's).
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowThisAccountsAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: thisAccountsAlarms(stack),
  }));
  return topic;
}

/** Requests made by CloudWatch for an alarm of this stack's account and Region. */
function thisAccountsAlarms(stack: Stack): { [operator: string]: { [key: string]: string } } {
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
  };
}

/**
 * An EventBridge rule target that publishes to a topic, and lets only that rule publish:
 * aws-cdk-lib's `SnsTopic` target grants `events.amazonaws.com` sns:Publish with no condition, so
 * any account's rule could send fake alerts to the topic. This one adds a topic policy statement
 * with aws:SourceAccount and aws:SourceArn (the rule's ARN; rules in another stack than the topic
 * get the account's rule ARN pattern, which keeps the stacks free of a reference cycle).
 *
 * An imported topic has no policy this app can change: its owner must grant the rule.
 */
export class SourceBoundTopicTarget implements events.IRuleTarget {
  constructor(private readonly topic: sns.ITopic) {}

  public bind(rule: events.IRuleRef, _id?: string): events.RuleTargetConfig {
    const ruleStack = Stack.of(rule);
    const sameStack = ruleStack === Stack.of(this.topic);
    const sourceArn = sameStack
      ? rule.ruleRef.ruleArn
      : ruleStack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' });
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowRule${Names.nodeUniqueId(rule.node).replace(/[^A-Za-z0-9]/g, '')}ToPublish`,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': ruleStack.account },
        [sameStack ? 'ArnEquals' : 'ArnLike']: { 'aws:SourceArn': sourceArn },
      },
    }));
    return { arn: this.topic.topicArn, targetResource: this.topic };
  }
}
