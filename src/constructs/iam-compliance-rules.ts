import { Duration, RemovalPolicy, Stack, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IDependable } from 'constructs';
import { protectAsGuardrail } from './private/guardrail-resources';
import { createAccessLogBucket, createAuditLogBucket } from './private/log-buckets';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS, DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS, PASSWORD_POLICY_DEFAULTS,
} from './private/password-policy-defaults';
import { checkComplianceRulesProps } from './private/prop-checks';
import { acknowledgeServiceRoleInlinePolicy } from '../private/acknowledgments';
import { GuardrailsValidationError } from '../private/validation';

const CONSTRUCT = 'IamComplianceRules';

/** Not (yet) a constant in aws-cdk-lib's ManagedRuleIdentifiers. */
const IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED = 'IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED';

/**
 * Properties for IamComplianceRules. The password fields mirror StrictPasswordPolicy's props and
 * default to the same numbers, so the rule checks for exactly the policy StrictPasswordPolicy sets.
 */
export interface IamComplianceRulesProps {
  /**
   * `MinimumPasswordLength` of the IAM_PASSWORD_POLICY rule (6-128).
   *
   * @default 14
   */
  readonly minimumPasswordLength?: number;

  /**
   * `RequireSymbols` of the IAM_PASSWORD_POLICY rule.
   *
   * @default true
   */
  readonly requireSymbols?: boolean;

  /**
   * `RequireNumbers` of the IAM_PASSWORD_POLICY rule.
   *
   * @default true
   */
  readonly requireNumbers?: boolean;

  /**
   * `RequireUppercaseCharacters` of the IAM_PASSWORD_POLICY rule.
   *
   * @default true
   */
  readonly requireUppercaseCharacters?: boolean;

  /**
   * `RequireLowercaseCharacters` of the IAM_PASSWORD_POLICY rule.
   *
   * @default true
   */
  readonly requireLowercaseCharacters?: boolean;

  /**
   * `MaxPasswordAge` of the IAM_PASSWORD_POLICY rule: whole days, 1-1095.
   *
   * @default Duration.days(90)
   */
  readonly maxPasswordAge?: Duration;

  /**
   * `PasswordReusePrevention` of the IAM_PASSWORD_POLICY rule (1-24).
   *
   * @default 24
   */
  readonly passwordReusePrevention?: number;

  /**
   * Access keys older than this are non-compliant (ACCESS_KEYS_ROTATED `maxAccessKeyAge`,
   * CIS 1.14). Whole days, 1-365.
   *
   * @default Duration.days(90)
   */
  readonly maxAccessKeyAge?: Duration;

  /**
   * Passwords and access keys unused for longer than this are non-compliant
   * (IAM_USER_UNUSED_CREDENTIALS_CHECK `maxCredentialUsageAge`). Whole days, 1-365. CIS v1.4 1.12
   * asks for 45 days.
   *
   * @default Duration.days(90)
   */
  readonly maxCredentialUsageAge?: Duration;

  /**
   * Whether the admin-access and full-access policy rules skip policies used as permissions
   * boundaries (`excludePermissionBoundaryPolicy`). A boundary such as BoundedRole's allows
   * `service:*` on purpose: it caps permissions, it grants none.
   *
   * @default true
   */
  readonly excludePermissionsBoundaryPolicies?: boolean;

  /**
   * Rule identifiers (from `IamComplianceRules.RULE_IDENTIFIERS`) not to create, for example
   * `['ROOT_ACCOUNT_HARDWARE_MFA_ENABLED']` where a virtual MFA device on root is accepted.
   *
   * @default - every rule is created
   */
  readonly excludeRules?: string[];

  /**
   * Also create the AWS Config configuration recorder (all supported resource types, including
   * global ones such as IAM) and its delivery channel to a new, secure S3 bucket. Config allows one
   * recorder and one delivery channel per account and region: use this only where the account has
   * none. Record global resource types in one region only, and deploy the IAM rules there.
   *
   * @default false
   */
  readonly createRecorder?: boolean;

  /**
   * What happens to the configuration history buckets (with `createRecorder`) when they leave the
   * stack. They hold audit evidence, so the default keeps them.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

interface RuleSpec {
  readonly identifier: string;
  readonly description: string;
}

/** What each managed rule checks, in the order of the reference table. */
const RULES: readonly RuleSpec[] = [
  { identifier: config.ManagedRuleIdentifiers.ROOT_ACCOUNT_MFA_ENABLED, description: 'The root user has MFA (Security Hub IAM.9, CIS 1.5).' },
  { identifier: config.ManagedRuleIdentifiers.ROOT_ACCOUNT_HARDWARE_MFA_ENABLED, description: 'The root user uses a hardware MFA device (IAM.6, CIS 1.6).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_ROOT_ACCESS_KEY_CHECK, description: 'The root user has no access keys (IAM.4, CIS 1.4).' },
  { identifier: config.ManagedRuleIdentifiers.MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS, description: 'Users with a console password have MFA (IAM.5, CIS 1.10).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_USER_MFA_ENABLED, description: 'Every IAM user has MFA (IAM.19).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_PASSWORD_POLICY, description: 'The account password policy is at least as strong as StrictPasswordPolicy (IAM.11-17, CIS 1.8, 1.9).' },
  { identifier: config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED, description: 'Active access keys are rotated within maxAccessKeyAge (IAM.3, CIS 1.14).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_USER_UNUSED_CREDENTIALS_CHECK, description: 'Passwords and access keys unused for maxCredentialUsageAge are removed (IAM.8, IAM.22, CIS 1.12).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_USER_NO_POLICIES_CHECK, description: 'Policies are attached to groups and roles, not users (IAM.2).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS, description: 'No customer managed policy allows "*" on "*" (IAM.1, CIS 1.16).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS, description: 'No customer managed policy allows "service:*" (IAM.21).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_NO_INLINE_POLICY_CHECK, description: 'Users, roles and groups have no inline policies (IAM.24 for roles).' },
  { identifier: config.ManagedRuleIdentifiers.IAM_GROUP_HAS_USERS_CHECK, description: 'Every IAM group has at least one user.' },
  { identifier: config.ManagedRuleIdentifiers.IAM_POLICY_IN_USE, description: 'AWSSupportAccess is attached, so a support role exists (IAM.18, CIS 1.17).' },
  { identifier: IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED, description: 'An IAM Access Analyzer for external access is active in the region (IAM.28, CIS 1.20).' },
  { identifier: config.ManagedRuleIdentifiers.CLOUDTRAIL_MULTI_REGION_ENABLED, description: 'A multi-region trail records all management events (CloudTrail.1, CIS 3.1).' },
  { identifier: config.ManagedRuleIdentifiers.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED, description: 'Trails validate their log files (CloudTrail.4, CIS 3.2).' },
  { identifier: config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENCRYPTION_ENABLED, description: 'Trails encrypt logs with KMS (CloudTrail.2, CIS 3.7).' },
  { identifier: config.ManagedRuleIdentifiers.CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED, description: 'Trails deliver to CloudWatch Logs (CloudTrail.5, CIS 3.4).' },
];

/**
 * The AWS Config managed rules for the IAM checklist items that CloudFormation cannot enforce:
 * root MFA and access keys, MFA for users, the password policy, key rotation, unused credentials,
 * admin and service-wide policies, user policies, inline policies, empty groups, the support role,
 * Access Analyzer, and the CloudTrail settings. Config evaluates them continuously, also for IAM
 * users created outside this app.
 *
 * Config rules need a configuration recorder in the region: `createRecorder: true` creates one
 * (with its delivery channel) where the account has none.
 *
 * Note that CDK's `grant*()` and `addToPolicy()` write inline policies (`AWS::IAM::Policy`), which
 * IAM_NO_INLINE_POLICY_CHECK reports; exclude that rule where this is accepted.
 */
export class IamComplianceRules extends Construct {
  /** Every rule identifier this construct knows, in creation order; the values `excludeRules` accepts. */
  public static readonly RULE_IDENTIFIERS: string[] = RULES.map((r) => r.identifier);

  /** The rules created. */
  public readonly rules: config.IRule[];
  /** The configuration recorder, when `createRecorder` is true. */
  public readonly recorder?: config.CfnConfigurationRecorder;
  /** The delivery channel, when `createRecorder` is true. */
  public readonly deliveryChannel?: config.CfnDeliveryChannel;
  /** The role the recorder uses, when `createRecorder` is true. */
  public readonly recorderRole?: iam.IRole;
  /** The bucket receiving configuration history and snapshots, when `createRecorder` is true. */
  public readonly configBucket?: s3.IBucket;

  private readonly byIdentifier = new Map<string, config.ManagedRule>();

  constructor(scope: Construct, id: string, props: IamComplianceRulesProps = {}) {
    super(scope, id);
    const excluded = checkComplianceRulesProps({ scope: this, construct: CONSTRUCT }, props, IamComplianceRules.RULE_IDENTIFIERS);
    const parameters = this.ruleParameters(props);

    let recorderReady: IDependable[] = [];
    if (props.createRecorder) {
      const recording = this.createRecorder(props.removalPolicy ?? RemovalPolicy.RETAIN);
      this.recorder = recording.recorder;
      this.deliveryChannel = recording.deliveryChannel;
      this.recorderRole = recording.role;
      this.configBucket = recording.bucket;
      recorderReady = [recording.recorder, recording.deliveryChannel];
    }

    for (const spec of RULES.filter((r) => !excluded.has(r.identifier))) {
      const rule = new config.ManagedRule(this, spec.identifier, {
        identifier: spec.identifier,
        description: spec.description,
        inputParameters: parameters[spec.identifier],
      });
      // A rule created before the recorder runs evaluates nothing until the next trigger.
      recorderReady.forEach((d) => rule.node.addDependency(d));
      this.byIdentifier.set(spec.identifier, rule);
    }
    this.rules = [...this.byIdentifier.values()];
    // The rules, the recorder's role and its buckets: the default boundary denies changing them.
    protectAsGuardrail(this);
  }

  /** The rule with this identifier; throws if it was excluded or is unknown. */
  public rule(identifier: string): config.IRule {
    const found = this.byIdentifier.get(identifier);
    if (!found) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'identifier', identifier,
        `no such rule here; created: ${[...this.byIdentifier.keys()].join(', ')}`);
    }
    return found;
  }

  private ruleParameters(props: IamComplianceRulesProps): { [identifier: string]: { [key: string]: any } } {
    const minimumPasswordLength = props.minimumPasswordLength ?? PASSWORD_POLICY_DEFAULTS.minimumPasswordLength;
    const passwordReusePrevention = props.passwordReusePrevention ?? PASSWORD_POLICY_DEFAULTS.passwordReusePrevention;
    const maxPasswordAge = props.maxPasswordAge ?? Duration.days(PASSWORD_POLICY_DEFAULTS.maxPasswordAgeDays);
    const maxAccessKeyAge = props.maxAccessKeyAge ?? Duration.days(DEFAULT_MAX_ACCESS_KEY_AGE_DAYS);
    const maxCredentialUsageAge = props.maxCredentialUsageAge ?? Duration.days(DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS);

    const excludeBoundaries = String(props.excludePermissionsBoundaryPolicies ?? true);
    const flag = (value: boolean | undefined, fallback: boolean) => String(value ?? fallback);
    return {
      // Config passes rule parameters as strings; these spellings are case-sensitive.
      [config.ManagedRuleIdentifiers.IAM_PASSWORD_POLICY]: {
        RequireUppercaseCharacters: flag(props.requireUppercaseCharacters, PASSWORD_POLICY_DEFAULTS.requireUppercaseCharacters),
        RequireLowercaseCharacters: flag(props.requireLowercaseCharacters, PASSWORD_POLICY_DEFAULTS.requireLowercaseCharacters),
        RequireSymbols: flag(props.requireSymbols, PASSWORD_POLICY_DEFAULTS.requireSymbols),
        RequireNumbers: flag(props.requireNumbers, PASSWORD_POLICY_DEFAULTS.requireNumbers),
        MinimumPasswordLength: numberParameter(minimumPasswordLength),
        PasswordReusePrevention: numberParameter(passwordReusePrevention),
        MaxPasswordAge: numberParameter(maxPasswordAge.toDays()),
      },
      [config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED]: { maxAccessKeyAge: numberParameter(maxAccessKeyAge.toDays()) },
      [config.ManagedRuleIdentifiers.IAM_USER_UNUSED_CREDENTIALS_CHECK]: { maxCredentialUsageAge: numberParameter(maxCredentialUsageAge.toDays()) },
      [config.ManagedRuleIdentifiers.IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS]: { excludePermissionBoundaryPolicy: excludeBoundaries },
      [config.ManagedRuleIdentifiers.IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS]: { excludePermissionBoundaryPolicy: excludeBoundaries },
      [config.ManagedRuleIdentifiers.IAM_POLICY_IN_USE]: {
        policyARN: `arn:${Stack.of(this).partition}:iam::aws:policy/AWSSupportAccess`,
        policyUsageType: 'ANY',
      },
      [config.ManagedRuleIdentifiers.CLOUDTRAIL_MULTI_REGION_ENABLED]: { readWriteType: 'ALL' },
    };
  }

  /**
   * A recorder for every supported resource type (global ones included), with the AWS managed
   * service role policy, delivering to a bucket that accepts only Config's own deliveries.
   */
  private createRecorder(removalPolicy: RemovalPolicy) {
    const stack = Stack.of(this);
    const lifecycle = { transitionToGlacierAfter: Duration.days(90), expireAfter: Duration.days(7 * 365) };
    const accessLogBucket = createAccessLogBucket(this, 'ConfigAccessLogBucket', { lifecycle, removalPolicy });
    const bucket = createAuditLogBucket(this, 'ConfigBucket', { lifecycle, removalPolicy, accessLogBucket });
    const deliveryPrefix = bucket.arnForObjects(`AWSLogs/${stack.account}/Config/*`);

    const role = new iam.Role(this, 'RecorderRole', {
      description: 'Lets AWS Config record resource configurations and deliver them to the config bucket',
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
      inlinePolicies: {
        DeliverToConfigBucket: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['s3:GetBucketAcl'], resources: [bucket.bucketArn] }),
            new iam.PolicyStatement({
              actions: ['s3:PutObject'],
              resources: [deliveryPrefix],
              conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
            }),
          ],
        }),
      },
    });
    acknowledgeServiceRoleInlinePolicy(role);
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]',
        reason: 'AWS_ConfigRole is the policy AWS documents for the configuration recorder role: it grants the read-only '
          + 'Describe/Get/List calls for every resource type Config records and is updated by AWS as Config adds resource types.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId)}.Arn>/AWSLogs/${stack.account}/Config/*]`,
        reason: 'Config writes configuration history and snapshot objects with generated keys under AWSLogs/<account>/Config/ of its own bucket.',
      },
    );

    // The same grants as a bucket policy, for the case where Config delivers with its
    // service-linked role instead of the recorder role.
    const configService = new iam.ServicePrincipal('config.amazonaws.com');
    const fromThisAccount = { 'aws:SourceAccount': stack.account };
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AWSConfigBucketPermissionsCheck',
      principals: [configService],
      actions: ['s3:GetBucketAcl', 's3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringEquals: fromThisAccount },
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AWSConfigBucketDelivery',
      principals: [configService],
      actions: ['s3:PutObject'],
      resources: [deliveryPrefix],
      conditions: { StringEquals: { ...fromThisAccount, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }));

    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: role.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    const deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: bucket.bucketName,
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    // Config refuses a delivery channel before a recorder exists, and checks bucket access when
    // the channel is created.
    deliveryChannel.node.addDependency(recorder);
    if (bucket.policy) deliveryChannel.node.addDependency(bucket.policy);

    return { recorder, deliveryChannel, role, bucket };
  }
}

/** Config rule parameters are strings; a number token stays a token inside the string. */
function numberParameter(value: number): string {
  return Token.isUnresolved(value) ? Tokenization.stringifyNumber(value) : String(value);
}
