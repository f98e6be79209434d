import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IamComplianceRules } from '../../src/constructs/iam-compliance-rules';
import { PASSWORD_POLICY_DEFAULTS } from '../../src/constructs/private/password-policy-defaults';

/** identifier -> backticked names in the parameters column, from the reference table. */
const REFERENCE = new Map<string, string[]>();
for (const line of readFileSync(path.join(__dirname, '..', 'fixtures', 'reference', 'config-rules.md'), 'utf8').split('\n')) {
  const cells = line.split('|').map((c) => c.trim());
  if (cells.length < 6 || !cells[2].startsWith('`')) continue;
  const identifier = /`([A-Z0-9_]+)`/.exec(cells[2])![1];
  REFERENCE.set(identifier, [...cells[3].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}
/** Documented as optional by AWS and deliberately left at AWS's default. */
const OPTIONAL_UNSET = new Set(['expectedDeliveryWindowAge']);

function newStack(id: string): Stack {
  return new Stack(new App(), id, { env: { account: '111111111111', region: 'us-east-1' } });
}

const stack = newStack('Rules');
const rules = new IamComplianceRules(stack, 'Rules');
const template = Template.fromStack(stack);
const configRules = Object.values(template.findResources('AWS::Config::ConfigRule'));
const bySource = new Map(configRules.map((r) => [r.Properties.Source.SourceIdentifier as string, r]));

describe('IamComplianceRules against the reference table', () => {
  test('the table lists 19 rules and the construct knows exactly those identifiers', () => {
    expect(REFERENCE.size).toBe(19);
    expect([...IamComplianceRules.RULE_IDENTIFIERS].sort()).toEqual([...REFERENCE.keys()].sort());
  });

  test.each([...REFERENCE.entries()])('%s: one AWS managed rule with this exact identifier and the table\'s parameters', (identifier, names) => {
    const rule = bySource.get(identifier);
    expect(rule).toBeDefined();
    expect(rule!.Properties.Source.Owner).toBe('AWS');
    const parameters = rule!.Properties.InputParameters ?? {};
    const parameterNames = names.filter((n) => /^[A-Za-z]+$/.test(n) && n !== 'ALL');
    for (const name of parameterNames) {
      if (OPTIONAL_UNSET.has(name)) {
        expect(parameters[name]).toBeUndefined();
      } else {
        expect(Object.keys(parameters)).toContain(name);
      }
    }
    expect(Object.keys(parameters).sort()).toEqual(parameterNames.filter((n) => !OPTIONAL_UNSET.has(n)).sort());
  });

  test('no recorder unless asked', () => {
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::Config::DeliveryChannel', 0);
    expect(configRules.every((r) => r.DependsOn === undefined)).toBe(true);
  });
});

describe('IamComplianceRules parameters', () => {
  test('password parameters come from the shared StrictPasswordPolicy defaults, as strings', () => {
    expect(bySource.get('IAM_PASSWORD_POLICY')!.Properties.InputParameters).toEqual({
      RequireUppercaseCharacters: String(PASSWORD_POLICY_DEFAULTS.requireUppercaseCharacters),
      RequireLowercaseCharacters: String(PASSWORD_POLICY_DEFAULTS.requireLowercaseCharacters),
      RequireSymbols: String(PASSWORD_POLICY_DEFAULTS.requireSymbols),
      RequireNumbers: String(PASSWORD_POLICY_DEFAULTS.requireNumbers),
      MinimumPasswordLength: String(PASSWORD_POLICY_DEFAULTS.minimumPasswordLength),
      PasswordReusePrevention: String(PASSWORD_POLICY_DEFAULTS.passwordReusePrevention),
      MaxPasswordAge: String(PASSWORD_POLICY_DEFAULTS.maxPasswordAgeDays),
    });
    // And those are the guide's numbers.
    expect(bySource.get('IAM_PASSWORD_POLICY')!.Properties.InputParameters).toMatchObject({
      MinimumPasswordLength: '14', PasswordReusePrevention: '24', MaxPasswordAge: '90', RequireSymbols: 'true',
    });
  });

  test('key age, unused credentials, boundaries, support policy and trail parameters', () => {
    expect(bySource.get('ACCESS_KEYS_ROTATED')!.Properties.InputParameters).toEqual({ maxAccessKeyAge: '90' });
    expect(bySource.get('IAM_USER_UNUSED_CREDENTIALS_CHECK')!.Properties.InputParameters).toEqual({ maxCredentialUsageAge: '90' });
    for (const id of ['IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS', 'IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS']) {
      expect(bySource.get(id)!.Properties.InputParameters).toEqual({ excludePermissionBoundaryPolicy: 'true' });
    }
    expect(bySource.get('IAM_POLICY_IN_USE')!.Properties.InputParameters).toEqual({
      policyARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSSupportAccess']] },
      policyUsageType: 'ANY',
    });
    expect(bySource.get('MULTI_REGION_CLOUD_TRAIL_ENABLED')!.Properties.InputParameters).toEqual({ readWriteType: 'ALL' });
  });

  test('overrides use StrictPasswordPolicy\'s prop names and flow into the parameters', () => {
    const s = newStack('Overrides');
    new IamComplianceRules(s, 'Rules', {
      minimumPasswordLength: 16,
      requireSymbols: false,
      requireNumbers: true,
      requireUppercaseCharacters: false,
      requireLowercaseCharacters: true,
      maxPasswordAge: Duration.days(60),
      passwordReusePrevention: 12,
      maxAccessKeyAge: Duration.days(45),
      maxCredentialUsageAge: Duration.days(45),
      excludePermissionsBoundaryPolicies: false,
      excludeRules: ['ROOT_ACCOUNT_HARDWARE_MFA_ENABLED', 'IAM_GROUP_HAS_USERS_CHECK'],
    });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Config::ConfigRule', 17);
    t.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { SourceIdentifier: 'IAM_PASSWORD_POLICY' },
      InputParameters: {
        RequireUppercaseCharacters: 'false',
        RequireLowercaseCharacters: 'true',
        RequireSymbols: 'false',
        RequireNumbers: 'true',
        MinimumPasswordLength: '16',
        PasswordReusePrevention: '12',
        MaxPasswordAge: '60',
      },
    });
    t.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'ACCESS_KEYS_ROTATED' }, InputParameters: { maxAccessKeyAge: '45' } });
    t.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { SourceIdentifier: 'IAM_USER_UNUSED_CREDENTIALS_CHECK' }, InputParameters: { maxCredentialUsageAge: '45' },
    });
    t.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { SourceIdentifier: 'IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS' }, InputParameters: { excludePermissionBoundaryPolicy: 'false' },
    });
    const sources = Object.values(t.findResources('AWS::Config::ConfigRule')).map((r) => r.Properties.Source.SourceIdentifier);
    expect(sources).not.toContain('ROOT_ACCOUNT_HARDWARE_MFA_ENABLED');
    expect(sources).not.toContain('IAM_GROUP_HAS_USERS_CHECK');
  });

  test('rule() returns a created rule and rejects an excluded one', () => {
    expect(rules.rule('IAM_ROOT_ACCESS_KEY_CHECK')).toBe(rules.rules[2]);
    expect(rules.rules).toHaveLength(19);
    const s = newStack('Excluded');
    const some = new IamComplianceRules(s, 'Rules', { excludeRules: ['IAM_USER_MFA_ENABLED'] });
    expect(() => some.rule('IAM_USER_MFA_ENABLED')).toThrow(/\[Excluded\/Rules\] IamComplianceRules: invalid identifier 'IAM_USER_MFA_ENABLED'; no such rule here/);
  });

  test('passes AwsSolutions', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('IamComplianceRules with createRecorder', () => {
  const s = newStack('Recorder');
  const withRecorder = new IamComplianceRules(s, 'Rules', { createRecorder: true, removalPolicy: RemovalPolicy.DESTROY });
  const t = Template.fromStack(s);
  const recorderId = s.getLogicalId(withRecorder.recorder!);
  const channelId = s.getLogicalId(withRecorder.deliveryChannel!);

  test('a recorder for all supported types, global ones included, with the AWS_ConfigRole role', () => {
    t.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RulesRecorderRole'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'config.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        })],
      },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWS_ConfigRole']] }],
    });
  });

  test('a delivery channel to a secure bucket, created after the recorder and the bucket policy', () => {
    const channel = t.toJSON().Resources[channelId];
    expect(channel.Properties.S3BucketName).toEqual({ Ref: s.getLogicalId(withRecorder.configBucket!.node.defaultChild as any) });
    expect(channel.DependsOn).toEqual(expect.arrayContaining([recorderId, expect.stringMatching(/^RulesConfigBucketPolicy/)]));
    const bucket = t.toJSON().Resources[s.getLogicalId(withRecorder.configBucket!.node.defaultChild as any)];
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^RulesConfigAccessLogBucket/) } },
    });
    expect(bucket.DeletionPolicy).toBe('Delete');
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: s.getLogicalId(withRecorder.configBucket!.node.defaultChild as any) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'AWSConfigBucketDelivery',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111', 's3:x-amz-acl': 'bucket-owner-full-control' } },
          }),
        ]),
      },
    });
  });

  test('every rule depends on the recorder and the delivery channel', () => {
    const all = Object.values(t.findResources('AWS::Config::ConfigRule'));
    expect(all).toHaveLength(19);
    for (const rule of all) expect(rule.DependsOn).toEqual(expect.arrayContaining([recorderId, channelId]));
  });

  test('passes AwsSolutions; IAM4 acknowledged for AWS_ConfigRole only', () => {
    expect(new AwsSolutionsChecks().validateScope(s).violations).toEqual([]);
    const ids = withRecorder.recorderRole!.node.metadata
      .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.keys(m.data)).map((id) => id.replace(/^annotation::/i, ''));
    expect(ids.filter((id) => id.startsWith('AwsSolutions-IAM4'))).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]',
    ]);
  });
});

describe('IamComplianceRules validation', () => {
  const s = newStack('Errors');
  let n = 0;
  const make = (props: any) => () => new IamComplianceRules(s, `R${n++}`, props);

  test.each([
    ['maxAccessKeyAge 0', { maxAccessKeyAge: Duration.days(0) }, /\[Errors\/R\d+\] IamComplianceRules: invalid maxAccessKeyAge Duration.days\(0\); allowed range is 1-365 days/],
    ['maxAccessKeyAge 366', { maxAccessKeyAge: Duration.days(366) }, /invalid maxAccessKeyAge Duration.days\(366\); allowed range is 1-365 days/],
    ['maxAccessKeyAge in hours', { maxAccessKeyAge: Duration.hours(12) }, /invalid maxAccessKeyAge Duration.hours\(12\)/],
    ['maxCredentialUsageAge', { maxCredentialUsageAge: Duration.days(400) }, /invalid maxCredentialUsageAge Duration.days\(400\); allowed range is 1-365 days/],
    ['maxPasswordAge', { maxPasswordAge: Duration.days(1096) }, /invalid maxPasswordAge Duration.days\(1096\); allowed range is 1-1095 days/],
    ['minimumPasswordLength', { minimumPasswordLength: 5 }, /IamComplianceRules: invalid minimumPasswordLength 5; allowed range is 6-128 characters/],
    ['passwordReusePrevention', { passwordReusePrevention: 25 }, /invalid passwordReusePrevention 25; allowed range is 1-24 passwords/],
    ['excludeRules unknown', { excludeRules: ['iam_user_mfa_enabled'] }, /invalid excludeRules 'iam_user_mfa_enabled'; allowed values are the rule identifiers \(case-sensitive\)/],
    ['excludeRules everything', { excludeRules: IamComplianceRules.RULE_IDENTIFIERS }, /invalid excludeRules \[.*\]; leaves no rule to create/],
  ])('rejects %s', (_case, props, message) => {
    expect(make(props)).toThrow(message);
  });

  test('tokens pass and stay tokens in the parameters', () => {
    const ts = newStack('Tokens');
    new IamComplianceRules(ts, 'Rules', {
      minimumPasswordLength: Lazy.number({ produce: () => 20 }),
      maxAccessKeyAge: Duration.days(Lazy.number({ produce: () => 30 })),
    });
    const t = Template.fromStack(ts);
    t.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'IAM_PASSWORD_POLICY' }, InputParameters: Match.objectLike({ MinimumPasswordLength: '20' }) });
    t.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'ACCESS_KEYS_ROTATED' }, InputParameters: { maxAccessKeyAge: '30' } });
  });
});
