import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
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
  // them generate and use data keys; nothing else outside the account gets to use it.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAlarmAndEventDeliveryToEncryptedTopic',
    principals: [
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      new iam.ServicePrincipal('events.amazonaws.com'),
    ],
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
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
  return topic;
}
