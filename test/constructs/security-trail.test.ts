import { App, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SecurityTrail } from '../../src/constructs/security-trail';

const ENV = { account: '111111111111', region: 'eu-west-1' };

function newStack(id: string, env: { account: string; region: string } | null = ENV): Stack {
  return new Stack(new App(), id, { env: env ?? undefined });
}

function resourcesOfType(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.findResources(type));
}

// One synthesized default trail, shared by most assertions.
const stack = newStack('Default');
const trail = new SecurityTrail(stack, 'Trail');
const template = Template.fromStack(stack);

describe('SecurityTrail defaults', () => {
  test('one multi-region trail with global events, file validation, all management events', () => {
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailKey'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('^TrailBucket') },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailLogGroup'), 'Arn'] },
      IsOrganizationTrail: Match.absent(),
    });
  });

  test('the KMS key rotates and is retained', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the key policy lets CloudTrail encrypt only for this account\'s trails', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudTrailToEncryptLogs',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: {
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:111111111111:trail/*']],
                },
              },
              ArnLike: {
                'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:eu-west-1:111111111111:trail/*']] },
              },
            },
          }),
          Match.objectLike({ Sid: 'AllowCloudTrailToDescribeKey', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:DescribeKey' }),
        ]),
      },
    });
  });

  test('the key policy lets the account decrypt and describe', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAccountToDecryptLogFiles',
            Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
            Condition: Match.objectLike({ StringEquals: { 'kms:CallerAccount': '111111111111' } }),
          }),
          Match.objectLike({ Sid: 'AllowAccountToDescribeKey', Action: 'kms:DescribeKey' }),
        ]),
      },
    });
  });

  test('the key policy lets CloudWatch Logs of this region use the key for this account\'s log groups', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsToUseKey',
            Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:log-group:*']],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test('the log group is encrypted with the key, kept one year, retained', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailKey'), 'Arn'] },
        RetentionInDays: 365,
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('two buckets, both private, versioned, ACL-free, archiving then expiring, retained', () => {
    const buckets = resourcesOfType(template, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(2);
    for (const [, bucket] of buckets) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [expect.objectContaining({
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
            ExpirationInDays: 2555,
            NoncurrentVersionExpiration: { NoncurrentDays: 2555 },
          })],
        },
      });
    }
  });

  test('the trail bucket logs its access to the access-log bucket, which allows only that delivery', () => {
    const accessLogBucketId = stack.resolve((trail.accessLogBucket.node.defaultChild as any).ref).Ref;
    const trailBucketId = stack.resolve((trail.bucket.node.defaultChild as any).ref).Ref;
    expect(accessLogBucketId).not.toEqual(trailBucketId);
    const trailBucket = template.toJSON().Resources[trailBucketId];
    expect(trailBucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: accessLogBucketId }, LogFilePrefix: 'Bucket/',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [trailBucketId, 'Arn'] } },
            StringEquals: { 'aws:SourceAccount': '111111111111' },
          },
        })]),
      },
    });
  });

  test('both bucket policies refuse plain HTTP and TLS below 1.2', () => {
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]));
    }
  });

  test('exposes trail, bucket, accessLogBucket, logGroup and key', () => {
    expect(trail.trail).toBeDefined();
    expect(trail.bucket).toBeDefined();
    expect(trail.accessLogBucket).toBeDefined();
    expect(trail.logGroup).toBeInstanceOf(logs.LogGroup);
    expect(trail.key).toBeDefined();
  });

  test('passes AwsSolutions with no acknowledgments needed', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('SecurityTrail options', () => {
  const optStack = newStack('Options');
  new SecurityTrail(optStack, 'Org', {
    isOrganizationTrail: true,
    organizationId: 'o-a1b2c3d4e5',
    s3DataEvents: true,
    lambdaDataEvents: true,
    logRetention: logs.RetentionDays.TWO_YEARS,
    transitionToGlacierAfter: Duration.days(30),
    expireLogsAfter: Duration.days(400),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const opt = Template.fromStack(optStack);

  test('organization trail with a name and a bucket policy for the organization\'s prefix', () => {
    opt.hasResourceProperties('AWS::CloudTrail::Trail', { IsOrganizationTrail: true, TrailName: Match.anyValue() });
    opt.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [Match.anyValue(), '/AWSLogs/o-a1b2c3d4e5/*']] },
        })]),
      },
    });
  });

  test('S3 and Lambda data events without re-including management events', () => {
    const [[, resource]] = resourcesOfType(opt, 'AWS::CloudTrail::Trail');
    const selectors = resource.Properties.EventSelectors;
    expect(selectors[0]).toEqual({ IncludeManagementEvents: true, ReadWriteType: 'All' });
    const dataTypes = selectors.slice(1).map((s: any) => {
      expect(s.IncludeManagementEvents).toBe(false);
      expect(s.ReadWriteType).toBe('All');
      return s.DataResources[0].Type;
    });
    expect(dataTypes.sort()).toEqual(['AWS::Lambda::Function', 'AWS::S3::Object']);
  });

  test('lifecycle, retention and removal policy follow the props', () => {
    opt.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
    for (const [, bucket] of resourcesOfType(opt, 'AWS::S3::Bucket')) {
      expect(bucket.DeletionPolicy).toBe('Delete');
      expect(bucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
        Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 30 }],
        ExpirationInDays: 400,
      });
    }
    opt.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    opt.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  test('passes AwsSolutions', () => {
    expect(new AwsSolutionsChecks().validateScope(optStack).violations).toEqual([]);
  });
});

describe('SecurityTrail validation', () => {
  const errorStack = newStack('Errors');
  let n = 0;
  const make = (props: ConstructorParameters<typeof SecurityTrail>[2]) => () => new SecurityTrail(errorStack, `T${n++}`, props);

  test.each([
    ['trailName', { trailName: 'x' }, /\[Errors\/T\d+\] SecurityTrail: invalid trailName 'x'; 3-128 characters/],
    ['trailName', { trailName: 'bad name!' }, /invalid trailName 'bad name!'/],
    ['organizationId', { isOrganizationTrail: true }, /SecurityTrail: invalid organizationId undefined; required when isOrganizationTrail is true/],
    ['organizationId', { organizationId: 'o-a1b2c3d4e5' }, /invalid organizationId 'o-a1b2c3d4e5'; only allowed together with isOrganizationTrail: true/],
    ['organizationId', { isOrganizationTrail: true, organizationId: '123456789012' }, /invalid organizationId '123456789012'; an AWS Organizations id/],
    ['transitionToGlacierAfter', { transitionToGlacierAfter: Duration.hours(36) }, /invalid transitionToGlacierAfter Duration.hours\(36\); allowed range is 0-36500 days/],
    ['expireLogsAfter', { expireLogsAfter: Duration.days(0) }, /invalid expireLogsAfter Duration.days\(0\); allowed range is 1-36500 days/],
    ['expireLogsAfter', { expireLogsAfter: Duration.days(36501) }, /invalid expireLogsAfter Duration.days\(36501\); allowed range/],
    ['expireLogsAfter', { expireLogsAfter: Duration.days(60) }, /invalid expireLogsAfter Duration.days\(60\); must be more than transitionToGlacierAfter \(Duration.days\(90\)\)/],
  ])('rejects a bad %s', (_prop, props, message) => {
    expect(make(props as any)).toThrow(message);
  });

  test('tokens pass through unvalidated', () => {
    const tokenStack = newStack('Tokens', null);
    expect(() => new SecurityTrail(tokenStack, 'T', {
      trailName: Lazy.string({ produce: () => 'from-a-token' }),
      isOrganizationTrail: true,
      organizationId: Lazy.string({ produce: () => 'o-whatever' }),
      expireLogsAfter: Duration.days(Lazy.number({ produce: () => 10 })),
    })).not.toThrow();
    const t = Template.fromStack(tokenStack);
    t.hasResourceProperties('AWS::CloudTrail::Trail', { TrailName: 'from-a-token' });
    // An environment-agnostic stack still names the regional CloudWatch Logs principal correctly.
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchLogsToUseKey',
          Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        })]),
      },
    });
  });
});
