import { Stack, Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AccessAnalyzer, AccessAnalyzerProps, AnalyzerZoneOfTrust } from './access-analyzer';
import { BillingAlarm } from './billing-alarm';
import { CredentialReportAudit, CredentialReportAuditProps } from './credential-report-audit';
import { IamComplianceRules, IamComplianceRulesProps } from './iam-compliance-rules';
import { alertTopic } from './private/alert-topic';
import { protectAsGuardrail } from './private/guardrail-resources';
import {
  checkAccessAnalyzerProps, checkAlarmSelection, checkComplianceRulesProps, checkCredentialAuditProps,
  checkPasswordPolicyOptions, checkSecurityTrailProps, PropOwner,
} from './private/prop-checks';
import { SecurityAlarm, SecurityAlarms } from './security-alarms';
import { SecurityTrail, SecurityTrailProps } from './security-trail';
import { StrictPasswordPolicy, StrictPasswordPolicyProps } from './strict-password-policy';
import { enumLabels, GuardrailsValidationError, requireBoolean, requireEmailList, requireNumberInRange } from '../private/validation';

const CONSTRUCT = 'AccountBaseline';

/**
 * Properties for AccountBaseline. Every part is on by default; each has a switch and, where it
 * takes settings, an options object passed through to the construct that builds it.
 */
export interface AccountBaselineProps {
  /**
   * Email addresses that receive every alert of the baseline: the CIS alarms, the billing alarm
   * and the credential audit. Each address is subscribed once to the one shared topic and gets a
   * confirmation mail from SNS.
   *
   * @default - no subscriptions (subscribe to `alertTopic` yourself)
   */
  readonly alertEmails?: string[];

  /**
   * The topic all parts notify.
   *
   * @default - a new topic encrypted with a customer-managed KMS key, TLS-only
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * Set the account password policy (StrictPasswordPolicy). Only one per account: switch it off
   * when another stack already manages the password policy.
   *
   * @default true
   */
  readonly passwordPolicy?: boolean;

  /**
   * Settings of the password policy. The same numbers are given to the AWS Config
   * `IAM_PASSWORD_POLICY` rule, so the rule checks exactly the policy this baseline sets.
   *
   * @default - the guide's policy (14 characters, all character classes, 90 days, 24 remembered, hard expiry)
   */
  readonly passwordPolicyOptions?: StrictPasswordPolicyProps;

  /**
   * Create the multi-region SecurityTrail. The CIS alarms and the Access Analyzer policy
   * generation role read it; switching it off also needs `securityAlarms: false`.
   *
   * @default true
   */
  readonly trail?: boolean;

  /**
   * Settings of the trail.
   *
   * @default - SecurityTrail's defaults
   */
  readonly trailOptions?: SecurityTrailProps;

  /**
   * Create the CIS section-4 alarms on the trail's log group.
   *
   * @default true
   */
  readonly securityAlarms?: boolean;

  /**
   * Which CIS alarms to create.
   *
   * @default - all fifteen
   */
  readonly alarms?: SecurityAlarm[];

  /**
   * Create IAM Access Analyzer (external access; see `accessAnalyzerOptions` for unused access).
   * When the trail is on, the analyzer also gets the role that generates least-privilege
   * policies from it.
   *
   * @default true
   */
  readonly accessAnalyzer?: boolean;

  /**
   * Settings of Access Analyzer.
   *
   * @default - account zone of trust, no unused-access analyzer, policy generation from the baseline's trail
   */
  readonly accessAnalyzerOptions?: AccessAnalyzerProps;

  /**
   * Create the AWS Config managed rules that watch what CloudFormation cannot enforce (root MFA and
   * keys, user MFA, key rotation, unused credentials, password policy, admin policies, CloudTrail).
   *
   * @default true
   */
  readonly complianceRules?: boolean;

  /**
   * Settings of the Config rules. Password settings here are ignored in favour of
   * `passwordPolicyOptions` (giving both is an error), so the two cannot disagree.
   *
   * @default - IamComplianceRules' defaults with the password policy's numbers
   */
  readonly complianceRulesOptions?: IamComplianceRulesProps;

  /**
   * Create the billing alarm. It works only in a us-east-1 stack (the only region with billing
   * metrics); in a stack with another explicit region the baseline fails with an error that names
   * both fixes: put the baseline in us-east-1, or set `billingAlarm: false`.
   *
   * @default true
   */
  readonly billingAlarm?: boolean;

  /**
   * Billing alarm threshold in US dollars of estimated monthly charges.
   *
   * @default 100
   */
  readonly billingThreshold?: number;

  /**
   * Create the scheduled credential-report audit.
   *
   * @default true
   */
  readonly credentialAudit?: boolean;

  /**
   * Settings of the credential audit (schedule, thresholds, namespace).
   *
   * @default - CredentialReportAudit's defaults
   */
  readonly credentialAuditOptions?: CredentialReportAuditProps;
}

const PASSWORD_SETTINGS: Array<keyof IamComplianceRulesProps> = [
  'minimumPasswordLength', 'requireSymbols', 'requireNumbers', 'requireUppercaseCharacters',
  'requireLowercaseCharacters', 'maxPasswordAge', 'passwordReusePrevention',
];

/**
 * The whole IAM best-practices guide for one account in one construct: password policy, a
 * multi-region encrypted trail, the CIS alarms, Access Analyzer, AWS Config rules for what
 * CloudFormation cannot enforce, a billing alarm and a daily credential-report audit, all
 * notifying one alert topic.
 *
 * @example
 * new AccountBaseline(this, 'Baseline', { alertEmails: ['security@example.com'] });
 */
export class AccountBaseline extends Construct {
  /** The topic every part notifies. */
  public readonly alertTopic: sns.ITopic;
  /** The account password policy, when on. */
  public readonly passwordPolicy?: StrictPasswordPolicy;
  /** The trail, when on. */
  public readonly trail?: SecurityTrail;
  /** The CIS alarms, when on. */
  public readonly securityAlarms?: SecurityAlarms;
  /** Access Analyzer, when on. */
  public readonly accessAnalyzer?: AccessAnalyzer;
  /** The AWS Config rules, when on. */
  public readonly complianceRules?: IamComplianceRules;
  /** The billing alarm, when on. */
  public readonly billingAlarm?: BillingAlarm;
  /** The credential-report audit, when on. */
  public readonly credentialAudit?: CredentialReportAudit;

  constructor(scope: Construct, id: string, props: AccountBaselineProps = {}) {
    super(scope, id);
    this.validate(props);

    this.alertTopic = alertTopic(this, { constructName: CONSTRUCT, topic: props.alertTopic, emails: props.alertEmails });
    const topic = this.alertTopic;

    if (props.passwordPolicy ?? true) {
      this.passwordPolicy = new StrictPasswordPolicy(this, 'PasswordPolicy', props.passwordPolicyOptions);
    }
    if (props.trail ?? true) {
      this.trail = new SecurityTrail(this, 'Trail', props.trailOptions);
    }
    if (this.trail && (props.securityAlarms ?? true)) {
      this.securityAlarms = new SecurityAlarms(this, 'SecurityAlarms', { trail: this.trail, alarms: props.alarms, topic });
    }
    if (props.accessAnalyzer ?? true) {
      this.accessAnalyzer = new AccessAnalyzer(this, 'AccessAnalyzer', { trail: this.trail, ...props.accessAnalyzerOptions });
    }
    if (props.complianceRules ?? true) {
      const password = props.passwordPolicyOptions ?? {};
      this.complianceRules = new IamComplianceRules(this, 'ComplianceRules', {
        ...props.complianceRulesOptions,
        minimumPasswordLength: password.minimumPasswordLength,
        requireSymbols: password.requireSymbols,
        requireNumbers: password.requireNumbers,
        requireUppercaseCharacters: password.requireUppercaseCharacters,
        requireLowercaseCharacters: password.requireLowercaseCharacters,
        maxPasswordAge: password.maxPasswordAge,
        passwordReusePrevention: password.passwordReusePrevention,
      });
    }
    if (props.billingAlarm ?? true) {
      this.billingAlarm = new BillingAlarm(this, 'BillingAlarm', { threshold: props.billingThreshold ?? 100, topic });
    }
    if (props.credentialAudit ?? true) {
      this.credentialAudit = new CredentialReportAudit(this, 'CredentialAudit', { ...props.credentialAuditOptions, topic });
    }
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }

  private validate(props: AccountBaselineProps): void {
    this.validateValues(props);
    if (props.trail === false && props.securityAlarms !== false) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'securityAlarms', props.securityAlarms ?? true,
        'the CIS alarms read the baseline\'s trail: with trail: false, set securityAlarms: false too');
    }
    if (props.billingAlarm === false && props.billingThreshold !== undefined) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'billingThreshold', props.billingThreshold,
        'a threshold needs the billing alarm: remove it or set billingAlarm: true');
    }
    const options = (props.complianceRulesOptions ?? {}) as { [key: string]: unknown };
    const duplicated = PASSWORD_SETTINGS.filter((key) => options[key] !== undefined);
    if (duplicated.length > 0) {
      throw new GuardrailsValidationError(this, CONSTRUCT, `complianceRulesOptions.${duplicated[0]}`, options[duplicated[0]],
        'password settings belong in passwordPolicyOptions, which sets the policy and configures the Config rule alike');
    }
    for (const [part, optionsKey] of [
      ['passwordPolicy', 'passwordPolicyOptions'], ['trail', 'trailOptions'], ['accessAnalyzer', 'accessAnalyzerOptions'],
      ['complianceRules', 'complianceRulesOptions'], ['credentialAudit', 'credentialAuditOptions'],
    ] as const) {
      if (props[part] === false && props[optionsKey] !== undefined) {
        throw new GuardrailsValidationError(this, CONSTRUCT, optionsKey, '{...}',
          `options for a part that is switched off: remove ${optionsKey} or set ${part}: true`);
      }
    }
    if (props.securityAlarms === false && props.alarms !== undefined) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'alarms', props.alarms,
        'an alarm selection needs the security alarms: remove it or set securityAlarms: true');
    }
    this.validateBillingRegion(props);
  }

  /**
   * Every value the user gave, checked before any part is built and named as the user wrote it
   * (`alertEmails`, `billingThreshold`, `trailOptions.logRetention`), not as the part that
   * receives it calls it.
   */
  private validateValues(props: AccountBaselineProps): void {
    const owner = (prefix?: string): PropOwner => ({ scope: this, construct: CONSTRUCT, prefix });
    for (const part of PARTS) requireBoolean(this, CONSTRUCT, part, props[part]);
    requireEmailList(this, CONSTRUCT, 'alertEmails', props.alertEmails);
    requireNumberInRange(this, CONSTRUCT, 'billingThreshold', props.billingThreshold, { min: 0, minExclusive: true, unit: 'of US dollars' });
    checkAlarmSelection(owner(), 'alarms', props.alarms, Object.values(SecurityAlarm), enumLabels(SecurityAlarm, 'SecurityAlarm'));
    if (props.passwordPolicyOptions) checkPasswordPolicyOptions(owner('passwordPolicyOptions.'), props.passwordPolicyOptions);
    if (props.trailOptions) checkSecurityTrailProps(owner('trailOptions.'), props.trailOptions);
    if (props.accessAnalyzerOptions) {
      checkAccessAnalyzerProps(owner('accessAnalyzerOptions.'), props.accessAnalyzerOptions, AnalyzerZoneOfTrust);
    }
    if (props.complianceRulesOptions) {
      checkComplianceRulesProps(owner('complianceRulesOptions.'), props.complianceRulesOptions, IamComplianceRules.RULE_IDENTIFIERS);
    }
    if (props.credentialAuditOptions) checkCredentialAuditProps(owner('credentialAuditOptions.'), props.credentialAuditOptions);
  }

  /** The billing alarm needs a us-east-1 stack; say so here, where both fixes are the user's props. */
  private validateBillingRegion(props: AccountBaselineProps): void {
    const region = Stack.of(this).region;
    if (!(props.billingAlarm ?? true) || Token.isUnresolved(region) || region === BILLING_METRICS_REGION) return;
    throw new GuardrailsValidationError(this, CONSTRUCT, 'billingAlarm', props.billingAlarm ?? true,
      `the billing alarm works only in ${BILLING_METRICS_REGION} (CloudWatch publishes AWS/Billing metrics only there) and this stack `
      + `is in ${region}: put the baseline in a stack with env.region '${BILLING_METRICS_REGION}', or set billingAlarm: false `
      + `(and add a BillingAlarm to a ${BILLING_METRICS_REGION} stack of the same account)`);
  }
}

/** The parts of the baseline, each switched on or off by a boolean prop. */
const PARTS = [
  'passwordPolicy', 'trail', 'securityAlarms', 'accessAnalyzer', 'complianceRules', 'billingAlarm', 'credentialAudit',
] as const;

/** The only region where CloudWatch publishes the AWS/Billing metrics. */
const BILLING_METRICS_REGION = 'us-east-1';
