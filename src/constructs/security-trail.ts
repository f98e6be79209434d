import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { protectAsGuardrail } from './private/guardrail-resources';
import { createAccessLogBucket, createAuditLogBucket } from './private/log-buckets';
import { allowCloudWatchLogsToUseKey } from './private/log-group-keys';
import { checkSecurityTrailProps } from './private/prop-checks';
import { acknowledgeServiceRoleWithoutBoundary } from '../private/acknowledgments';

const CONSTRUCT = 'SecurityTrail';

/**
 * Properties for a SecurityTrail.
 */
export interface SecurityTrailProps {
  /**
   * Name of the trail. CloudTrail names are 3-128 characters of letters, digits, `.`, `_` and `-`,
   * starting and ending with a letter or digit.
   *
   * @default - CloudFormation generates a name; an organization trail gets a name derived from
   * the construct path, because the bucket policy for member accounts must name the trail.
   */
  readonly trailName?: string;

  /**
   * Log every account of the AWS Organization into this trail. Deploy it in the organization's
   * management account (CloudFormation fails elsewhere) and set `organizationId`.
   *
   * @default false
   */
  readonly isOrganizationTrail?: boolean;

  /**
   * The organization id (`o-` followed by 10-32 lowercase letters or digits), so the bucket policy
   * can let CloudTrail write the member accounts' logs under `AWSLogs/<organizationId>/`.
   * Required when `isOrganizationTrail` is true; an error otherwise.
   *
   * @default - none (required for an organization trail)
   */
  readonly organizationId?: string;

  /**
   * Also record S3 data events (object-level reads and writes) for every bucket in the account.
   * Useful for investigations; CloudTrail charges per data event, which can be a lot for busy buckets.
   * For a selection of buckets, leave this off and call `trail.addS3EventSelector(...)`.
   *
   * @default false
   */
  readonly s3DataEvents?: boolean;

  /**
   * Also record Lambda data events (every `Invoke`) for every function in the account. Charged per
   * event; for a selection of functions, leave this off and call `trail.addLambdaEventSelector(...)`.
   *
   * @default false
   */
  readonly lambdaDataEvents?: boolean;

  /**
   * How long the CloudWatch Logs copy of the trail (the one alarms read) is kept. The S3 copy is
   * governed by `expireLogsAfter`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Age at which log files in S3 (trail logs and their server access logs) move to S3 Glacier
   * Flexible Retrieval. Whole days, 0-36500, and less than `expireLogsAfter`.
   *
   * @default Duration.days(90)
   */
  readonly transitionToGlacierAfter?: Duration;

  /**
   * Age at which log files in S3 are deleted. The buckets are versioned, so a deleted or
   * overwritten log file stays recoverable as a noncurrent version for the same period again.
   * Whole days, 1-36500, and more than `transitionToGlacierAfter`.
   *
   * @default Duration.days(2555) (7 x 365 days, a common audit retention)
   */
  readonly expireLogsAfter?: Duration;

  /**
   * What happens to the log buckets, the KMS key and the log group when they leave the stack.
   * These hold audit evidence, so the default keeps them. With `DESTROY`, CloudFormation can delete
   * a bucket only once it is empty: empty it first, or the stack deletion fails.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The CloudTrail trail that the IAM best-practices guide and CIS AWS Foundations section 3 ask for:
 * multi-region, global service events, log file validation, all management events (read and write),
 * encrypted with a customer-managed KMS key (rotation on), delivered to an S3 bucket that blocks
 * public access, refuses plain HTTP, is versioned, archives and expires old logs and logs its own
 * access to a separate bucket, and to an encrypted CloudWatch Logs group that alarms can read.
 */
export class SecurityTrail extends Construct {
  /** The CloudTrail trail. */
  public readonly trail: cloudtrail.Trail;
  /** The bucket the trail delivers log files to. */
  public readonly bucket: s3.IBucket;
  /** The bucket that receives the server access logs of `bucket`. */
  public readonly accessLogBucket: s3.IBucket;
  /** The CloudWatch Logs group the trail delivers events to (for metric filters and alarms). */
  public readonly logGroup: logs.ILogGroup;
  /** The customer-managed key that encrypts the log files and the log group. */
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: SecurityTrailProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const transitionToGlacierAfter = props.transitionToGlacierAfter ?? Duration.days(90);
    const expireAfter = props.expireLogsAfter ?? Duration.days(7 * 365);
    checkSecurityTrailProps({ scope: this, construct: CONSTRUCT }, props);

    this.key = this.createKey(stack, removalPolicy);

    const lifecycle = { transitionToGlacierAfter, expireAfter };
    const accessLogBucket = createAccessLogBucket(this, 'AccessLogBucket', { lifecycle, removalPolicy });
    this.accessLogBucket = accessLogBucket;
    this.bucket = createAuditLogBucket(this, 'Bucket', { lifecycle, removalPolicy, accessLogBucket });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: this.key,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });

    const isOrganizationTrail = props.isOrganizationTrail ?? false;
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName ?? (isOrganizationTrail ? Names.uniqueResourceName(this, { maxLength: 128 }) : undefined),
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      encryptionKey: this.key,
      bucket: this.bucket,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      isOrganizationTrail: isOrganizationTrail || undefined,
      orgId: props.organizationId,
    });

    // aws-cdk-lib's Trail creates the role CloudTrail uses to write to the log group.
    const logsRole = this.trail.node.tryFindChild('LogsRole');
    if (logsRole) {
      acknowledgeServiceRoleWithoutBoundary(logsRole, 'CloudTrail may only create log streams and put log events in this trail\'s log group.');
      Validations.of(logsRole).acknowledge({
        id: 'annotation::IamBestPractices-TR5[Principal::cloudtrail.amazonaws.com]',
        reason: 'The CloudTrail-to-CloudWatch-Logs role is created by aws-cdk-lib\'s Trail; CloudTrail\'s documented trust policy for it '
          + 'has no source condition, and its only permission is writing to this trail\'s log group, so a confused deputy could '
          + 'at most add events to it.',
      });
    }

    // Data event selectors must not re-include management events: the selector above already
    // records them all, and CloudFormation's default for a selector is to include them.
    const dataEventOptions = { includeManagementEvents: false, readWriteType: cloudtrail.ReadWriteType.ALL };
    if (props.s3DataEvents) this.trail.logAllS3DataEvents(dataEventOptions);
    if (props.lambdaDataEvents) this.trail.logAllLambdaDataEvents(dataEventOptions);
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }

  /**
   * The key policy the CloudTrail and CloudWatch Logs documentation give for encrypted trails and
   * log groups, limited by encryption context to this account's trails and log groups. (CDK's
   * default statement already delegates key administration and use to the account's IAM policies.)
   */
  private createKey(stack: Stack, removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: `Encrypts the CloudTrail logs and log group of ${this.node.path}`,
      removalPolicy,
    });
    const thisAccountsTrails = `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`;
    const cloudtrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    // CloudTrail sends the trail as aws:SourceArn (and its account) with its KMS requests.
    const fromThisAccountsTrails = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudtrail:${stack.region}:${stack.account}:trail/*` },
    };

    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [cloudtrailPrincipal],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': thisAccountsTrails },
        ...fromThisAccountsTrails,
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [cloudtrailPrincipal],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: fromThisAccountsTrails,
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAccountToDecryptLogFiles',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:CallerAccount': stack.account },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': thisAccountsTrails },
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAccountToDescribeKey',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
    }));
    allowCloudWatchLogsToUseKey(key);
    return key;
  }
}
