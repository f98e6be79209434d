import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeThirdPartyFinding } from './guardrail-resources';

/** How long log objects stay in S3 Standard, and when they are deleted. */
export interface LogLifecycle {
  /** Move logs to S3 Glacier Flexible Retrieval after this long (whole days, validated by the caller). */
  readonly transitionToGlacierAfter: Duration;
  /** Delete logs (and noncurrent versions, counted from when they became noncurrent) after this long. */
  readonly expireAfter: Duration;
}

export interface LogBucketOptions {
  readonly lifecycle: LogLifecycle;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A bucket that only ever receives S3 server access logs. Server access logging requires SSE-S3 on
 * the destination, and a destination bucket does not log its own access (that would loop), which
 * cdk-nag's S1 recognises because another bucket in the stack names it as the destination.
 */
export function createAccessLogBucket(scope: Construct, id: string, options: LogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...secureBucketDefaults(options),
    encryption: s3.BucketEncryption.S3_MANAGED,
  });
  acknowledgeThirdPartyFinding(bucket, {
    checkov: ['CKV_AWS_18'],
    reason: 'This bucket is the destination of S3 server access logs: logging its own access would log every log delivery '
      + '(a loop AWS advises against); the buckets it serves log their access here.',
  });
  acknowledgeThirdPartyFinding(bucket, {
    cdkNagRule: 'S3DefaultEncryptionKMS',
    reason: 'S3 server access logging delivers only to buckets whose default encryption is SSE-S3 (SSE-KMS destinations are not supported).',
  });
  acknowledgeLogBucketReplication(bucket);
  return bucket;
}

/**
 * A bucket for audit logs written by an AWS service (CloudTrail, Config): no public access, TLS 1.2
 * or later only, versioned, ACLs disabled, its own access logged to `accessLogBucket`.
 */
export function createAuditLogBucket(
  scope: Construct, id: string, options: LogBucketOptions & { readonly accessLogBucket: s3.Bucket },
): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...secureBucketDefaults(options),
    encryption: s3.BucketEncryption.S3_MANAGED,
  });
  logAccessTo(bucket, options.accessLogBucket, `${id}/`);
  acknowledgeThirdPartyFinding(bucket, {
    cdkNagRule: 'S3DefaultEncryptionKMS',
    reason: 'Bucket default encryption is SSE-S3: CloudTrail encrypts each log file with the trail\'s customer-managed KMS key itself '
      + '(the objects are SSE-KMS whatever the bucket default), and Config snapshots hold configuration, not data; '
      + 'access is limited by the bucket policy to the delivering service and TLS.',
  });
  acknowledgeLogBucketReplication(bucket);
  return bucket;
}

function acknowledgeLogBucketReplication(bucket: s3.Bucket): void {
  acknowledgeThirdPartyFinding(bucket, {
    cdkNagRule: 'S3BucketReplicationEnabled',
    reason: 'Replication needs a destination bucket in another Region or account, which this library does not own; the bucket is '
      + 'versioned and retained. For a copy outside the account, deliver an organization trail to a log-archive account, or add '
      + 'replication to the bucket yourself.',
  });
}

function secureBucketDefaults(options: LogBucketOptions): s3.BucketProps {
  const { lifecycle } = options;
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: options.removalPolicy,
    lifecycleRules: [{
      id: 'ArchiveThenExpireLogs',
      transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: lifecycle.transitionToGlacierAfter }],
      expiration: lifecycle.expireAfter,
      noncurrentVersionExpiration: lifecycle.expireAfter,
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }],
  };
}

/**
 * Server access logging through a bucket policy (AWS's recommended method, and the only one that
 * works with ACLs disabled). Written out here rather than through `serverAccessLogsBucket`, whose
 * behaviour (policy or legacy ACL) depends on an app-level feature flag we do not control.
 */
export function logAccessTo(source: s3.Bucket, destination: s3.Bucket, prefix: string): void {
  const cfnSource = source.node.defaultChild as s3.CfnBucket;
  cfnSource.loggingConfiguration = { destinationBucketName: destination.bucketName, logFilePrefix: prefix };
  destination.addToResourcePolicy(new iam.PolicyStatement({
    sid: `S3ServerAccessLogsFor${source.node.id.replace(/[^A-Za-z0-9]/g, '')}`,
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [destination.arnForObjects(`${prefix}*`)],
    conditions: {
      ArnLike: { 'aws:SourceArn': source.bucketArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(source).account },
    },
  }));
}
