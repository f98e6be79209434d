import { App, Aws, CfnCondition, CfnResource, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { AccessAnalyzer, AccessAnalyzerProps, AnalyzerZoneOfTrust } from './access-analyzer';
import { BillingAlarm } from './billing-alarm';
import { CredentialReportAudit, CredentialReportAuditProps } from './credential-report-audit';
import { IamComplianceRules, IamComplianceRulesProps } from './iam-compliance-rules';
import { alertTopic } from './private/alert-topic';
import { acknowledgeThirdPartyFinding, guardAwsCustomResourceProvider, guardDeploymentFunctions, protectAsGuardrail } from './private/guardrail-resources';
import { createAccessLogBucket, logAccessTo } from './private/log-buckets';
import { ROOT_ACCESS_HANDLER } from './private/root-access-handler';
import { denyingStatements, ScpRequest } from './private/scp-evaluation';
import {
  ACCESS_ANALYZER_PROTECTED_ACTIONS, CONFIG_PROTECTED_ACTIONS, GUARDRAIL_TAG_KEY, GUARDRAIL_TAG_VALUE, packStatements, scpContent, scpStatements,
  SCP_MAX_CHARACTERS, SCPS_PER_TARGET, STACK_PROTECTED_ACTIONS, STACKSET_EXECUTION_ROLE_PATTERN, TAGGED_RESOURCE_PROTECTED_ACTIONS,
  TRAIL_PROTECTED_ACTIONS,
} from './private/service-control-policies';
import { ASSET_BUCKET_PARAMETER, isWithin, synthesizeStackSetTemplate, StackSetFileAsset } from './private/stackset-template';
import { SecurityAlarm, SecurityAlarms } from './security-alarms';
import { SecurityTrail, SecurityTrailProps } from './security-trail';
import { StrictPasswordPolicy, StrictPasswordPolicyProps } from './strict-password-policy';
import { normalizePolicyDocument } from '../policy/document';
import { acknowledgeServiceRoleWithoutBoundary } from '../private/acknowledgments';
import { GuardrailsValidationError, requireIntegerInRange } from '../private/validation';

const CONSTRUCT = 'OrganizationGuardrails';

/** The role AWS Organizations creates in every account it creates, trusted by the management account. */
const DEFAULT_ADMINISTRATION_ROLE = 'OrganizationAccountAccessRole';
const DEFAULT_STACK_SET_NAME = 'cdk-iam-guardrails-baseline';
const DEFAULT_BREAK_GLASS_PATH = '/break-glass/';
/** IAM sign-in events, root console sign-ins and billing metrics are delivered here only. */
const US_EAST_1 = 'us-east-1';
/** Organizations quota: bytes of a StackSet's TemplateBody. */
const TEMPLATE_BODY_MAX_BYTES = 51_200;

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const SCP_TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;
const OU_OR_ROOT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ROLE_NAME = /^[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;
const USER_PATH = /^\/([\x21-\x7e]*\/)?$/;
const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

/** How a StackSet operation proceeds across regions. */
export enum StackSetRegionConcurrency {
  /** One region at a time. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** All regions at once. */
  PARALLEL = 'PARALLEL',
}

/** How failure tolerance and concurrency interact in a StackSet operation. */
export enum StackSetConcurrencyMode {
  /** Concurrency drops as failures occur, never above failure tolerance + 1. */
  STRICT_FAILURE_TOLERANCE = 'STRICT_FAILURE_TOLERANCE',
  /** Concurrency stays at the maximum regardless of failures, until the tolerance is exceeded. */
  SOFT_FAILURE_TOLERANCE = 'SOFT_FAILURE_TOLERANCE',
}

/** Whether the StackSet is managed from the management account or a delegated administrator. */
export enum StackSetCallAs {
  /** The management account. */
  SELF = 'SELF',
  /** A CloudFormation StackSets delegated administrator account. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/**
 * The per-account baseline rolled out by a service-managed StackSet to every account of the chosen
 * OUs, including accounts added later.
 */
export interface OrganizationBaselineOptions {
  /**
   * The OUs (`ou-...`) or the root (`r-...`) whose accounts get the baseline. StackSets never
   * deploy to the management account itself.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The regions of the stack instances. Account-wide parts (password policy, credential audit)
   * are created only in the region of this construct's stack (where their Lambda code is copied);
   * the root-activity rule and the billing alarm only in us-east-1, where IAM, sign-in and billing
   * data arrive; the account Access Analyzer in every region.
   *
   * @default - the stack's region and us-east-1
   */
  readonly regions?: string[];

  /**
   * Name of the StackSet (a letter, then up to 127 letters, digits and hyphens). The protection SCP
   * names its stacks (`StackSet-<name>-*`).
   *
   * @default 'cdk-iam-guardrails-baseline'
   */
  readonly stackSetName?: string;

  /**
   * Whether this stack is deployed in the management account or a StackSets delegated administrator.
   *
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Keep the baseline stack (and its resources) in an account that leaves the targeted OUs.
   *
   * @default false
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * Accounts per region in which the operation may fail before CloudFormation stops it (0 or more).
   * Give at most one of the count and the percentage.
   *
   * @default - failureTolerancePercentage 10
   */
  readonly failureToleranceCount?: number;

  /**
   * Percentage (0-100) of accounts per region in which the operation may fail.
   *
   * @default 10
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Accounts deployed at once per region (1 or more). With STRICT_FAILURE_TOLERANCE it may be at
   * most `failureToleranceCount` + 1. Give at most one of the count and the percentage.
   *
   * @default - maxConcurrentPercentage 25
   */
  readonly maxConcurrentCount?: number;

  /**
   * Percentage (1-100) of accounts deployed at once per region.
   *
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Regions one at a time, or all at once.
   *
   * @default StackSetRegionConcurrency.PARALLEL
   */
  readonly regionConcurrency?: StackSetRegionConcurrency;

  /**
   * How failures lower concurrency.
   *
   * @default StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE
   */
  readonly concurrencyMode?: StackSetConcurrencyMode;

  /**
   * The guide's password policy in every account (StrictPasswordPolicy). With centralized root
   * access and no IAM users outside the break-glass path it mostly guards break-glass users.
   *
   * @default true
   */
  readonly passwordPolicy?: boolean;

  /**
   * Options of the password policy.
   *
   * @default - the guide's values
   */
  readonly passwordPolicyOptions?: StrictPasswordPolicyProps;

  /**
   * The daily credential-report audit in every account (CredentialReportAudit).
   *
   * @default true
   */
  readonly credentialAudit?: boolean;

  /**
   * Options of the credential audit; `topic` cannot be given (a topic of this stack is not in
   * the member accounts): use `alertEmails`.
   *
   * @default - CredentialReportAudit's defaults
   */
  readonly credentialAuditOptions?: CredentialReportAuditProps;

  /**
   * An EventBridge rule in us-east-1 of every account that sends every API call and console
   * sign-in of the root user to an SNS topic of the account within seconds.
   *
   * @default true
   */
  readonly rootActivityRule?: boolean;

  /**
   * An account Access Analyzer (zone of trust: the account) in every region, which the Config
   * rule IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED (Security Hub IAM.28) looks for in each account.
   *
   * @default true
   */
  readonly accountAccessAnalyzer?: boolean;

  /**
   * A billing alarm (BillingAlarm) in us-east-1 of every account, at this many US dollars.
   *
   * @default - no billing alarm (the management account's billing alarm covers the organization)
   */
  readonly billingThreshold?: number;

  /**
   * Addresses subscribed to the alert topics in every account.
   *
   * @default - the `alertEmails` of OrganizationGuardrails
   */
  readonly alertEmails?: string[];
}

/**
 * Properties for OrganizationGuardrails.
 */
export interface OrganizationGuardrailsProps {
  /** The organization id (`o-` and 10-32 lowercase letters or digits). */
  readonly organizationId: string;

  /**
   * The role (name, with its path if any, without `role/`) that administers the guardrails in
   * member accounts: the protection and region statements of the SCPs do not apply to it, and
   * synthesis fails if an SCP statement would deny it a protected action.
   *
   * @default 'OrganizationAccountAccessRole'
   */
  readonly administrationRoleName?: string;

  /**
   * More `aws:PrincipalArn` patterns exempt from the protection and region statements (for
   * example Control Tower's `arn:*:iam::*:role/AWSControlTowerExecution`). The StackSets
   * execution role (`stacksets-exec-*`) is always exempt, or no baseline could be updated.
   *
   * @default - none
   */
  readonly exemptPrincipalArns?: string[];

  /**
   * Addresses subscribed to the alert topic of the management-account alarms.
   *
   * @default - no subscriptions
   */
  readonly alertEmails?: string[];

  /**
   * The SNS topic of the management-account alarms.
   *
   * @default - a new encrypted topic
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * Create the service control policies.
   *
   * @default true
   */
  readonly serviceControlPolicies?: boolean;

  /**
   * Where the SCPs are attached: the root (`r-...`), OUs (`ou-...`) or accounts. Required with
   * `serviceControlPolicies`.
   *
   * @default - none
   */
  readonly scpTargetIds?: string[];

  /**
   * SCPs already attached to each target besides FullAWSAccess; counted against the quota of
   * five SCPs per target.
   *
   * @default 0
   */
  readonly existingScpsPerTarget?: number;

  /**
   * Deny every action to the root user of member accounts.
   *
   * @default true
   */
  readonly denyRootUser?: boolean;

  /**
   * Leave privileged root sessions (`sts:AssumeRoot`, which centralized root access uses to
   * delete root credentials or unlock a bucket policy) out of the root-user deny.
   *
   * @default true
   */
  readonly allowPrivilegedRootSessions?: boolean;

  /**
   * Deny `organizations:LeaveOrganization`.
   *
   * @default true
   */
  readonly denyLeavingOrganization?: boolean;

  /**
   * Deny stopping, deleting or changing CloudTrail trails, AWS Config recording and rules, Access
   * Analyzer analyzers and archive rules, and the baseline StackSet's stacks and resources,
   * except to the administration role and the exempt principals.
   *
   * @default true
   */
  readonly protectSecurityServices?: boolean;

  /**
   * Deny creating IAM users, login profiles and access keys outside `breakGlassUserPath`.
   *
   * @default true
   */
  readonly denyIamUsers?: boolean;

  /**
   * The IAM path under which users may still be created (for break-glass access): begins and
   * ends with `/`, and is not `/` alone.
   *
   * @default '/break-glass/'
   */
  readonly breakGlassUserPath?: string;

  /**
   * Deny every action outside these regions, global services excepted (AWS's documented list),
   * except to the administration role and the exempt principals.
   *
   * @default - no region restriction
   */
  readonly allowedRegions?: string[];

  /**
   * More statements for the SCPs (Deny statements without tokens); checked like ours.
   *
   * @default - none
   */
  readonly additionalScpStatements?: iam.PolicyStatement[];

  /**
   * Enable centralized root access: trusted access for IAM, root credentials management and
   * privileged root sessions (management account only).
   *
   * @default true
   */
  readonly centralizedRootAccess?: boolean;

  /**
   * What removing the construct does to centralized root access: RETAIN leaves it enabled; DESTROY
   * disables what this construct enabled (not what was enabled before).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly rootAccessRemovalPolicy?: RemovalPolicy;

  /**
   * An organization trail (SecurityTrail with `isOrganizationTrail`).
   *
   * @default true
   */
  readonly organizationTrail?: boolean;

  /**
   * Options of the organization trail; `isOrganizationTrail` and `organizationId` are set here.
   *
   * @default - SecurityTrail's defaults
   */
  readonly trailOptions?: SecurityTrailProps;

  /**
   * The CIS alarms (SecurityAlarms) on the organization trail's log group: root usage and the
   * rest, for every account of the organization.
   *
   * @default true
   */
  readonly securityAlarms?: boolean;

  /**
   * Which CIS alarms.
   *
   * @default - all
   */
  readonly alarms?: SecurityAlarm[];

  /**
   * Organization Access Analyzers (external access and unused access), in the management account
   * or the Access Analyzer delegated administrator.
   *
   * @default true
   */
  readonly organizationAccessAnalyzer?: boolean;

  /**
   * Options of the organization analyzers; the zone of trust is the organization.
   *
   * @default - unusedAccess true
   */
  readonly accessAnalyzerOptions?: AccessAnalyzerProps;

  /**
   * The AWS Config managed rules of IamComplianceRules as organization rules, in every member
   * account of this region (each needs a configuration recorder).
   *
   * @default true
   */
  readonly organizationConfigRules?: boolean;

  /**
   * Options of the Config rules (`createRecorder` is not possible for an organization).
   *
   * @default - IamComplianceRules' defaults
   */
  readonly configRulesOptions?: IamComplianceRulesProps;

  /**
   * Accounts the organization Config rules leave out.
   *
   * @default - none
   */
  readonly configRulesExcludedAccounts?: string[];

  /**
   * The per-account baseline StackSet.
   *
   * @default true
   */
  readonly baseline?: boolean;

  /**
   * Targets and options of the baseline; required with `baseline`.
   *
   * @default - none
   */
  readonly baselineOptions?: OrganizationBaselineOptions;
}

/**
 * The IAM guardrails of the best-practices guide for every account of an AWS Organization,
 * rolled out with AWS's own machinery: service control policies, IAM centralized root access,
 * an organization trail with the CIS alarms, organization Access Analyzers, organization Config
 * rules, and a service-managed StackSet that deploys the per-account baseline to every account
 * of the chosen OUs, new accounts included. Deploy it in the management account (or, for the
 * parts that allow it, a delegated administrator).
 */
export class OrganizationGuardrails extends Construct {
  /** The service control policies. */
  public readonly serviceControlPolicies: organizations.CfnPolicy[] = [];
  /** The custom resource enabling centralized root access, when on. */
  public readonly rootAccess?: CfnResource;
  /** The organization trail, when on. */
  public readonly trail?: SecurityTrail;
  /** The CIS alarms on the organization trail, when on. */
  public readonly securityAlarms?: SecurityAlarms;
  /** The organization analyzers, when on. */
  public readonly accessAnalyzer?: AccessAnalyzer;
  /** The organization Config rules, when on. */
  public readonly organizationConfigRules: config.CfnOrganizationConfigRule[] = [];
  /** The baseline StackSet, when on. */
  public readonly stackSet?: cloudformation.CfnStackSet;
  /** The bucket holding the baseline's Lambda code, readable by the organization, when needed. */
  public readonly assetBucket?: s3.IBucket;
  /** The StackSet's template, as synthesized (for tests and reviews). */
  public readonly baselineTemplate?: { [key: string]: any };

  private readonly administrationRoleArnPattern: string;
  private readonly exemptPrincipalArns: string[];

  constructor(scope: Construct, id: string, props: OrganizationGuardrailsProps) {
    super(scope, id);
    this.validateCommon(props);
    const administrationRole = props.administrationRoleName ?? DEFAULT_ADMINISTRATION_ROLE;
    this.administrationRoleArnPattern = `arn:*:iam::*:role/${administrationRole}`;
    this.exemptPrincipalArns = [this.administrationRoleArnPattern, STACKSET_EXECUTION_ROLE_PATTERN, ...props.exemptPrincipalArns ?? []];
    const baselineOn = props.baseline ?? true;
    const stackSetName = props.baselineOptions?.stackSetName ?? DEFAULT_STACK_SET_NAME;

    if (props.serviceControlPolicies ?? true) {
      this.createServiceControlPolicies(props, baselineOn ? stackSetName : undefined);
    }
    if (props.centralizedRootAccess ?? true) {
      this.rootAccess = this.enableCentralizedRootAccess(props.rootAccessRemovalPolicy ?? RemovalPolicy.RETAIN);
    }
    if (props.organizationTrail ?? true) {
      this.trail = new SecurityTrail(this, 'Trail', { ...props.trailOptions, isOrganizationTrail: true, organizationId: props.organizationId });
      if (props.securityAlarms ?? true) {
        const topic = alertTopic(this, { constructName: CONSTRUCT, topic: props.alertTopic, emails: props.alertEmails });
        this.securityAlarms = new SecurityAlarms(this, 'SecurityAlarms', { trail: this.trail, alarms: props.alarms, topic });
      }
    }
    if (props.organizationAccessAnalyzer ?? true) {
      this.accessAnalyzer = new AccessAnalyzer(this, 'AccessAnalyzer', {
        unusedAccess: true, ...props.accessAnalyzerOptions, zoneOfTrust: AnalyzerZoneOfTrust.ORGANIZATION,
      });
    }
    if (props.organizationConfigRules ?? true) {
      this.organizationConfigRules = this.createOrganizationConfigRules(props.configRulesOptions, props.configRulesExcludedAccounts);
    }
    if (baselineOn) {
      const baseline = this.createBaseline(props, stackSetName);
      this.stackSet = baseline.stackSet;
      this.assetBucket = baseline.assetBucket;
      this.baselineTemplate = baseline.template;
    }
  }

  // ---------------------------------------------------------------- service control policies

  private createServiceControlPolicies(props: OrganizationGuardrailsProps, stackSetName: string | undefined): void {
    const targetIds = props.scpTargetIds ?? [];
    if (targetIds.length === 0) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'scpTargetIds', props.scpTargetIds,
        'give the root (r-...), OU (ou-...) or account ids the SCPs are attached to, or set serviceControlPolicies: false');
    }
    targetIds.forEach((t) => {
      if (!Token.isUnresolved(t) && !SCP_TARGET_ID.test(t)) {
        throw new GuardrailsValidationError(this, CONSTRUCT, 'scpTargetIds', t, 'a root id (r-...), an OU id (ou-...-...) or a 12-digit account id');
      }
    });
    const existing = props.existingScpsPerTarget ?? 0;
    requireIntegerInRange(this, CONSTRUCT, 'existingScpsPerTarget', existing, 0, SCPS_PER_TARGET - 1, 'policies');
    const breakGlassUserPath = props.breakGlassUserPath ?? DEFAULT_BREAK_GLASS_PATH;
    if (!USER_PATH.test(breakGlassUserPath) || breakGlassUserPath === '/' || breakGlassUserPath.length > 512) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'breakGlassUserPath', breakGlassUserPath,
        'an IAM path other than "/": begins and ends with "/", printable ASCII, at most 512 characters');
    }
    if (props.allowedRegions !== undefined) {
      if (props.allowedRegions.length === 0) {
        throw new GuardrailsValidationError(this, CONSTRUCT, 'allowedRegions', props.allowedRegions,
          'at least one region (leave allowedRegions out for no region restriction)');
      }
      props.allowedRegions.forEach((r) => this.requireRegion('allowedRegions', r));
    }

    const statements = [
      ...scpStatements({
        denyRootUser: props.denyRootUser ?? true,
        allowPrivilegedRootSessions: props.allowPrivilegedRootSessions ?? true,
        denyLeavingOrganization: props.denyLeavingOrganization ?? true,
        protectSecurityServices: props.protectSecurityServices ?? true,
        guardrailStackSetName: stackSetName,
        denyIamUsers: props.denyIamUsers ?? true,
        breakGlassUserPath,
        allowedRegions: props.allowedRegions,
        exemptPrincipalArns: this.exemptPrincipalArns,
      }),
      ...(props.additionalScpStatements ?? []).map((s, i) => this.literalStatement(s, i)),
    ];
    if (statements.length === 0) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'serviceControlPolicies', true,
        'every statement is switched off: set serviceControlPolicies: false instead');
    }
    const documents = packStatements(statements);
    documents.forEach((document, index) => {
      const content = scpContent(document);
      const policy = new organizations.CfnPolicy(this, `ServiceControlPolicy${index + 1}`, {
        name: `cdk-iam-guardrails-${index + 1}`,
        description: `IAM guardrails of cdk-iam-guardrails (${index + 1}/${documents.length}): ${document.map((s) => s.Sid ?? '?').join(', ')}`.slice(0, 512),
        type: 'SERVICE_CONTROL_POLICY',
        // CloudFormation takes the document as an object and sends it compact; the quota is
        // measured on the minified text, as validated below.
        content: JSON.parse(content),
        targetIds,
      });
      this.serviceControlPolicies.push(policy);
      policy.node.addValidation({ validate: () => this.validateScp(policy, content, index) });
    });
    this.node.addValidation({
      validate: () => {
        const total = documents.length + 1 + existing;
        return total <= SCPS_PER_TARGET ? [] : [
          `[${this.node.path}] ${CONSTRUCT}: invalid number of SCPs per target ${total} (${documents.length} of ours + FullAWSAccess`
          + ` + existingScpsPerTarget ${existing}); AWS Organizations allows at most ${SCPS_PER_TARGET} per root, OU or account:`
          + ' switch statements off, merge your existing SCPs, or attach some SCPs to a parent OU instead',
        ];
      },
    });
  }

  private literalStatement(statement: iam.PolicyStatement, index: number): { [key: string]: unknown } {
    const json = statement.toStatementJson();
    if (Token.isUnresolved(JSON.stringify(json)) || statement.effect !== iam.Effect.DENY) {
      throw new GuardrailsValidationError(this, CONSTRUCT, `additionalScpStatements[${index}]`, Token.isUnresolved(JSON.stringify(json)) ? '<token>' : json,
        'a Deny statement of literal values (an SCP is checked and sized at synth time)');
    }
    return json;
  }

  /** The size quota, and the lockout check: no Deny may (even possibly) hit the administration role. */
  private validateScp(policy: organizations.CfnPolicy, content: string, index: number): string[] {
    const errors: string[] = [];
    const path = policy.node.path;
    if (content.length > SCP_MAX_CHARACTERS) {
      errors.push(`[${path}] ${CONSTRUCT}: invalid size of service control policy ${index + 1} ${content.length} characters (minified); `
        + `AWS Organizations allows at most ${SCP_MAX_CHARACTERS}: shorten or switch off statements (additionalScpStatements, allowedRegions)`);
    }
    const statements = normalizePolicyDocument(content).statements;
    for (const request of this.administrationRequests()) {
      for (const { statement, applies } of denyingStatements(statements, request)) {
        errors.push(`[${path}] ${CONSTRUCT}: statement ${statement.sid ?? `#${statement.index}`} of service control policy ${index + 1} `
          + `${applies === 'yes' ? 'denies' : 'may deny'} ${request.action} on ${request.resource} to the administration role `
          + `${request.principalArn}: the guardrails could no longer be administered. Exempt the role with `
          + `"ArnNotLike": {"aws:PrincipalArn": "${this.administrationRoleArnPattern}"}, or change administrationRoleName.`);
      }
    }
    return errors;
  }

  /** What the administration role must stay able to do in a member account. */
  private administrationRequests(): ScpRequest[] {
    const principalArn = this.administrationRoleArnPattern.replace('arn:*:iam::*:', 'arn:aws:iam::111111111111:');
    const concrete = (action: string) => action.replace(/\*$/, 'Function');
    const context = { 'aws:RequestedRegion': 'us-east-1' };
    const requests: ScpRequest[] = [];
    for (const action of [...TRAIL_PROTECTED_ACTIONS, ...CONFIG_PROTECTED_ACTIONS, ...ACCESS_ANALYZER_PROTECTED_ACTIONS]) {
      requests.push({ action, resource: '*', principalArn, context });
    }
    for (const action of STACK_PROTECTED_ACTIONS) {
      requests.push({ action, resource: 'arn:aws:cloudformation:us-east-1:111111111111:stack/StackSet-x-1/1', principalArn, context });
    }
    for (const action of TAGGED_RESOURCE_PROTECTED_ACTIONS) {
      requests.push({
        action: concrete(action),
        resource: '*',
        principalArn,
        context: { ...context, [`aws:ResourceTag/${GUARDRAIL_TAG_KEY}`]: GUARDRAIL_TAG_VALUE, 'aws:TagKeys': [GUARDRAIL_TAG_KEY] },
      });
    }
    // Outside every allowed region: cleaning up a region is administration too.
    requests.push({ action: 'ec2:TerminateInstances', resource: '*', principalArn, context: { 'aws:RequestedRegion': 'xx-nowhere-1' } });
    return requests;
  }

  // ---------------------------------------------------------------- centralized root access

  private enableCentralizedRootAccess(removalPolicy: RemovalPolicy): CfnResource {
    const destroy = removalPolicy === RemovalPolicy.DESTROY;
    const scope = new Construct(this, 'CentralizedRootAccess');
    const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: logs.RetentionDays.ONE_YEAR });
    const role = new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Enables IAM centralized root access for the organization\'s member accounts',
    });
    logGroup.grantWrite(role);
    const enable = ['iam:ListOrganizationsFeatures', 'iam:EnableOrganizationsRootCredentialsManagement', 'iam:EnableOrganizationsRootSessions'];
    const disable = ['iam:DisableOrganizationsRootCredentialsManagement', 'iam:DisableOrganizationsRootSessions'];
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageCentralizedRootAccess',
      actions: destroy ? [...enable, ...disable] : enable,
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadTrustedAccess',
      actions: ['organizations:ListAWSServiceAccessForOrganization'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'TrustedAccessForIamOnly',
      actions: destroy ? ['organizations:EnableAWSServiceAccess', 'organizations:DisableAWSServiceAccess'] : ['organizations:EnableAWSServiceAccess'],
      resources: ['*'],
      conditions: { StringEquals: { 'organizations:ServicePrincipal': 'iam.amazonaws.com' } },
    }));
    const fn = new lambda.Function(scope, 'Handler', {
      // Inline (CloudFormation ZipFile): no asset, and the code is reviewable in the template.
      code: lambda.Code.fromInline(ROOT_ACCESS_HANDLER),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      role,
      logGroup,
      timeout: Duration.minutes(2),
      description: 'Enables IAM centralized root access (custom resource of cdk-iam-guardrails)',
    });
    const resource = new CfnResource(scope, 'Resource', {
      type: 'Custom::OrganizationsRootAccess',
      properties: {
        ServiceToken: fn.functionArn,
        Features: ['RootCredentialsManagement', 'RootSessions'],
        Destroy: destroy ? 'true' : 'false',
      },
    });
    resource.node.addDependency(role);
    // Tagged as a guardrail (the default boundary and the SCPs protect it), deployment-time function findings acknowledged.
    guardDeploymentFunctions(scope);
    acknowledgeThirdPartyFinding(logGroup, {
      cdkNagRule: 'CloudWatchLogGroupEncrypted',
      checkov: ['CKV_AWS_158'],
      reason: 'CloudWatch Logs encrypts every log group at rest; this one holds the deployment-time handler\'s outcome lines '
        + '(which organization features were on), no data, so a customer-managed key would add cost and nothing to protect.',
    });

    acknowledgeServiceRoleWithoutBoundary(role, 'it may only read and enable IAM centralized root access and trusted access for IAM, and write its log group.');
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The IAM organization-features actions and the Organizations trusted-access actions support no resource-level permissions; '
        + 'trusted access is limited to iam.amazonaws.com by the organizations:ServicePrincipal condition.',
    });
    return resource;
  }

  // ---------------------------------------------------------------- organization Config rules

  private createOrganizationConfigRules(options: IamComplianceRulesProps | undefined, excludedAccounts: string[] | undefined) {
    if (options?.createRecorder) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'configRulesOptions.createRecorder', true,
        'an organization rule runs in each member account\'s own recorder: set up recorders there (e.g. Control Tower, Config quick setup)');
    }
    (excludedAccounts ?? []).forEach((a) => {
      if (!Token.isUnresolved(a) && !/^\d{12}$/.test(a)) {
        throw new GuardrailsValidationError(this, CONSTRUCT, 'configRulesExcludedAccounts', a, 'a 12-digit account id');
      }
    });
    // IamComplianceRules validates the options and computes each rule's parameters; built in a
    // scratch stack that is never synthesized, it is the single source of the rules.
    const scratch = new IamComplianceRules(new Stack(new App({ autoSynth: false }), 'Scratch'), 'Rules', { ...options });
    const stack = Stack.of(this);
    return scratch.rules.map((rule) => {
      const cfn = (rule as config.ManagedRule).node.defaultChild as config.CfnConfigRule;
      const source = cfn.source as config.CfnConfigRule.SourceProperty;
      const identifier = source.sourceIdentifier as string;
      const parameters = cfn.inputParameters && Object.keys(cfn.inputParameters).length > 0
        ? stack.toJsonString(cfn.inputParameters) : undefined;
      return new config.CfnOrganizationConfigRule(this, `OrganizationRule-${identifier}`, {
        organizationConfigRuleName: `cdk-iam-guardrails-${identifier}`.slice(0, 64),
        excludedAccounts,
        organizationManagedRuleMetadata: {
          ruleIdentifier: identifier,
          description: cfn.description,
          inputParameters: parameters,
        },
      });
    });
  }

  // ---------------------------------------------------------------- per-account baseline

  private createBaseline(props: OrganizationGuardrailsProps, stackSetName: string) {
    const options = props.baselineOptions;
    if (!options) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions', undefined,
        'give baselineOptions.organizationalUnitIds (where the baseline StackSet deploys), or set baseline: false');
    }
    const home = Stack.of(this).region;
    if (Token.isUnresolved(home)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'region (of the stack)', '<unresolved>',
        'the baseline copies its Lambda code to a bucket in this stack\'s region and creates the account-wide parts there: give the stack an explicit env.region');
    }
    this.validateBaseline(options, stackSetName, home);
    const regions = options.regions ?? [...new Set([home, US_EAST_1])];
    const emails = options.alertEmails ?? props.alertEmails;
    const homeParts = (options.passwordPolicy ?? true) || (options.credentialAudit ?? true);
    const usEast1Parts = (options.rootActivityRule ?? true) || options.billingThreshold !== undefined;
    if (homeParts && !regions.includes(home)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.regions', regions,
        `must include ${home}, the stack's region, where the password policy and credential audit are created (or switch them off)`);
    }
    if (usEast1Parts && !regions.includes(US_EAST_1)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.regions', regions,
        `must include ${US_EAST_1}, where root sign-in events and billing metrics arrive (or switch rootActivityRule off and leave billingThreshold out)`);
    }
    if (!(options.accountAccessAnalyzer ?? true) && regions.some((r) => r !== home && r !== US_EAST_1)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.regions', regions,
        'with accountAccessAnalyzer: false, other regions than the stack\'s region and us-east-1 would get an empty stack');
    }

    const built = synthesizeStackSetTemplate(
      (stack) => this.buildBaselineStack(stack, options, emails),
      (resource, stack) => {
        if (isWithin(resource, stack.node.findChild('Regional') as Construct)) return undefined;
        const usEast1 = stack.node.tryFindChild('UsEast1');
        if (usEast1 && isWithin(resource, usEast1 as Construct)) return this.regionCondition(stack, 'IsUsEast1', US_EAST_1);
        return this.regionCondition(stack, 'IsHomeRegion', home);
      },
    );

    const parameters: cloudformation.CfnStackSet.ParameterProperty[] = [];
    let assetBucket: s3.Bucket | undefined;
    const copies: Construct[] = [];
    if (built.assets.length > 0) {
      assetBucket = this.createAssetBucket(props.organizationId);
      parameters.push({ parameterKey: ASSET_BUCKET_PARAMETER, parameterValue: assetBucket.bucketName });
      built.assets.forEach((asset, index) => {
        const { key, copy } = this.copyAsset(assetBucket!, asset, index);
        parameters.push({ parameterKey: asset.keyParameterName, parameterValue: key });
        copies.push(copy);
      });
    }

    const templateBody = JSON.stringify(built.template);
    const stackSet = new cloudformation.CfnStackSet(this, 'BaselineStackSet', {
      stackSetName,
      description: 'Per-account IAM baseline of cdk-iam-guardrails (password policy, credential audit, root activity, Access Analyzer)',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: options.retainStacksOnAccountRemoval ?? false },
      callAs: options.callAs ?? StackSetCallAs.SELF,
      capabilities: ['CAPABILITY_IAM'],
      managedExecution: { Active: true },
      operationPreferences: this.operationPreferences(options),
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: options.organizationalUnitIds }, regions }],
      parameters: parameters.length > 0 ? parameters : undefined,
      // CloudFormation copies StackSet tags to the stacks and their resources: the protection SCP keys on it.
      tags: [{ key: GUARDRAIL_TAG_KEY, value: GUARDRAIL_TAG_VALUE }],
      templateBody,
    });
    copies.forEach((c) => stackSet.node.addDependency(c));
    stackSet.node.addValidation({
      validate: () => Buffer.byteLength(templateBody) <= TEMPLATE_BODY_MAX_BYTES ? [] : [
        `[${stackSet.node.path}] ${CONSTRUCT}: invalid size of the baseline template ${Buffer.byteLength(templateBody)} bytes; `
        + `a StackSet's TemplateBody holds at most ${TEMPLATE_BODY_MAX_BYTES}: switch baseline parts off`,
      ],
    });
    return { stackSet, assetBucket, template: built.template };
  }

  private regionCondition(stack: Stack, id: string, region: string): CfnCondition {
    return (stack.node.tryFindChild(id) as CfnCondition | undefined)
      ?? new CfnCondition(stack, id, { expression: Fn.conditionEquals(Aws.REGION, region) });
  }

  /** The baseline's constructs: the library's own, built for an account that is not this one. */
  private buildBaselineStack(stack: Stack, options: OrganizationBaselineOptions, emails: string[] | undefined): void {
    const home = new Construct(stack, 'Home');
    const usEast1 = new Construct(stack, 'UsEast1');
    const regional = new Construct(stack, 'Regional');
    if (options.passwordPolicy ?? true) {
      new StrictPasswordPolicy(home, 'PasswordPolicy', options.passwordPolicyOptions);
    }
    if (options.credentialAudit ?? true) {
      new CredentialReportAudit(home, 'CredentialAudit', { ...options.credentialAuditOptions, emails });
    }
    if ((options.rootActivityRule ?? true) || options.billingThreshold !== undefined) {
      const topic = alertTopic(usEast1, { constructName: CONSTRUCT, emails });
      if (options.rootActivityRule ?? true) {
        new events.Rule(usEast1, 'RootActivityRule', {
          description: 'Any CloudTrail API call or console sign-in by the root user of this account',
          eventPattern: {
            detailType: ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
            detail: { userIdentity: { type: ['Root'] } },
          },
          targets: [new targets.SnsTopic(topic)],
        });
      }
      if (options.billingThreshold !== undefined) {
        new BillingAlarm(usEast1, 'BillingAlarm', { threshold: options.billingThreshold, topic });
      }
    }
    if (options.accountAccessAnalyzer ?? true) {
      new AccessAnalyzer(regional, 'AccessAnalyzer', { zoneOfTrust: AnalyzerZoneOfTrust.ACCOUNT });
    }
    if (regional.node.children.length === 0 && home.node.children.length === 0 && usEast1.node.children.length === 0) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions', '{...}', 'every baseline part is switched off: set baseline: false instead');
    }
  }

  /**
   * Where the baseline's Lambda code lives for the member accounts: Lambda reads a function's code
   * from a bucket in the function's region with the deploying principal's credentials (here the
   * StackSets execution role of the member account), so the bucket lets principals of this
   * organization, and no one else, read the copied assets.
   */
  private createAssetBucket(organizationId: string): s3.Bucket {
    const accessLogs = createAccessLogBucket(this, 'AssetAccessLogBucket', {
      lifecycle: { transitionToGlacierAfter: Duration.days(90), expireAfter: Duration.days(7 * 365) },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, 'AssetBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Stack instances keep pointing at their code: it must outlive any one deployment.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logAccessTo(bucket, accessLogs, 'AssetBucket/');
    protectAsGuardrail(bucket);
    acknowledgeThirdPartyFinding(bucket, {
      cdkNagRule: 'S3DefaultEncryptionKMS',
      reason: 'The bucket holds copies of the baseline\'s Lambda code that every member account\'s StackSets execution role reads; '
        + 'with a KMS key each of them would also need kms:Decrypt on it. SSE-S3, TLS only, and the aws:PrincipalOrgID policy protect it.',
    });
    acknowledgeThirdPartyFinding(bucket, {
      cdkNagRule: 'S3BucketReplicationEnabled',
      reason: 'The objects are copies of the app\'s own assets, made again by every deployment: nothing in it needs a replica.',
    });
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OrganizationMayReadBaselineCode',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [bucket.arnForObjects('assets/*')],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
    }));
    return bucket;
  }

  /** Copies one staged asset from the bootstrap bucket into the organization-readable bucket. */
  private copyAsset(bucket: s3.Bucket, file: StackSetFileAsset, index: number): { key: string; copy: Construct } {
    const asset = new s3assets.Asset(this, `BaselineAsset${index}`, { path: file.path });
    const key = `assets/${asset.s3ObjectKey}`;
    const call: cr.AwsSdkCall = {
      service: 'S3',
      action: 'copyObject',
      parameters: { Bucket: bucket.bucketName, Key: key, CopySource: `${asset.s3BucketName}/${asset.s3ObjectKey}`, TaggingDirective: 'REPLACE' },
      physicalResourceId: cr.PhysicalResourceId.of(key),
    };
    const copy = new cr.AwsCustomResource(this, `CopyBaselineAsset${index}`, {
      resourceType: 'Custom::CopyStackSetAsset',
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)] }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(key)] }),
      ]),
      installLatestAwsSdk: false,
    });
    this.acknowledgeCustomResourceProvider();
    // Its policy and aws-cdk-lib's provider function: tagged as guardrails, third-party findings acknowledged.
    guardAwsCustomResourceProvider(copy, cr.AwsCustomResource.PROVIDER_FUNCTION_UUID);
    return { key, copy };
  }

  /** aws-cdk-lib's one AwsCustomResource provider function per stack: its role and runtime are not ours to configure. */
  private acknowledgeCustomResourceProvider(): void {
    const provider = Stack.of(this).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    const serviceRole = provider?.node.tryFindChild('ServiceRole');
    if (serviceRole) {
      Validations.of(serviceRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'Role of the AwsCustomResource provider function that aws-cdk-lib creates once per stack; AWSLambdaBasicExecutionRole '
          + 'only lets it write its own logs. What it may call comes from a least-privilege inline policy per custom resource '
          + '(here s3:GetObject on one asset object and s3:PutObject on one key of the asset bucket).',
      });
      acknowledgeServiceRoleWithoutBoundary(serviceRole, 'it writes its own logs and calls only the actions each AwsCustomResource in the stack names.');
    }
  }

  private operationPreferences(options: OrganizationBaselineOptions): cloudformation.CfnStackSet.OperationPreferencesProperty {
    const tolerance = options.failureToleranceCount === undefined && options.failureTolerancePercentage === undefined
      ? { failureTolerancePercentage: 10 }
      : { failureToleranceCount: options.failureToleranceCount, failureTolerancePercentage: options.failureTolerancePercentage };
    const concurrency = options.maxConcurrentCount === undefined && options.maxConcurrentPercentage === undefined
      ? { maxConcurrentPercentage: 25 }
      : { maxConcurrentCount: options.maxConcurrentCount, maxConcurrentPercentage: options.maxConcurrentPercentage };
    return {
      ...tolerance,
      ...concurrency,
      regionConcurrencyType: options.regionConcurrency ?? StackSetRegionConcurrency.PARALLEL,
      concurrencyMode: options.concurrencyMode ?? StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE,
    };
  }

  // ---------------------------------------------------------------- validation

  private validateCommon(props: OrganizationGuardrailsProps): void {
    if (!Token.isUnresolved(props.organizationId) && !ORGANIZATION_ID.test(props.organizationId)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'organizationId', props.organizationId,
        'an AWS Organizations id: "o-" followed by 10-32 lowercase letters or digits');
    }
    const role = props.administrationRoleName;
    if (role !== undefined && (!ROLE_NAME.test(role) || role.length > 512)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'administrationRoleName', role,
        'a role name (letters, digits and +=,.@_-), optionally after its path (path/Name), without wildcards');
    }
    (props.exemptPrincipalArns ?? []).forEach((arn) => {
      if (!/^arn:[^:]*:iam::[^:]*:(role|user)\/.+$/.test(arn)) {
        throw new GuardrailsValidationError(this, CONSTRUCT, 'exemptPrincipalArns', arn,
          'an IAM role or user ARN pattern such as arn:*:iam::*:role/AWSControlTowerExecution');
      }
    });
    for (const [part, optionsKey] of [
      ['organizationTrail', 'trailOptions'], ['organizationAccessAnalyzer', 'accessAnalyzerOptions'],
      ['organizationConfigRules', 'configRulesOptions'], ['baseline', 'baselineOptions'], ['securityAlarms', 'alarms'],
    ] as const) {
      if (props[part] === false && props[optionsKey] !== undefined) {
        throw new GuardrailsValidationError(this, CONSTRUCT, optionsKey, '{...}', `options for a part that is switched off: remove ${optionsKey} or set ${part}: true`);
      }
    }
    if (props.trailOptions?.isOrganizationTrail === false || props.trailOptions?.organizationId !== undefined) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'trailOptions', '{...}',
        'isOrganizationTrail and organizationId are set by OrganizationGuardrails (from organizationId)');
    }
    if (props.accessAnalyzerOptions?.zoneOfTrust === AnalyzerZoneOfTrust.ACCOUNT) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'accessAnalyzerOptions.zoneOfTrust', 'ACCOUNT',
        'the organization analyzers have the organization as zone of trust (the baseline adds account analyzers)');
    }
  }

  private validateBaseline(options: OrganizationBaselineOptions, stackSetName: string, home: string): void {
    if (options.organizationalUnitIds.length === 0) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.organizationalUnitIds', [], 'at least one OU (ou-...) or the root (r-...)');
    }
    options.organizationalUnitIds.forEach((ou) => {
      if (!Token.isUnresolved(ou) && !OU_OR_ROOT_ID.test(ou)) {
        throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.organizationalUnitIds', ou, 'an OU id (ou-...-...) or the root id (r-...)');
      }
    });
    if (!STACK_SET_NAME.test(stackSetName)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.stackSetName', stackSetName,
        'a letter, then up to 127 letters, digits and hyphens');
    }
    (options.regions ?? [home]).forEach((r) => this.requireRegion('baselineOptions.regions', r));
    if (options.regions !== undefined && (options.regions.length === 0 || new Set(options.regions).size !== options.regions.length)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.regions', options.regions, 'one or more regions, each once');
    }
    const both = (a: unknown, b: unknown) => a !== undefined && b !== undefined;
    if (both(options.failureToleranceCount, options.failureTolerancePercentage)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.failureToleranceCount', options.failureToleranceCount,
        'give failureToleranceCount or failureTolerancePercentage, not both');
    }
    if (both(options.maxConcurrentCount, options.maxConcurrentPercentage)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.maxConcurrentCount', options.maxConcurrentCount,
        'give maxConcurrentCount or maxConcurrentPercentage, not both');
    }
    requireIntegerInRange(this, CONSTRUCT, 'baselineOptions.failureToleranceCount', options.failureToleranceCount, 0, 10_000, 'accounts');
    requireIntegerInRange(this, CONSTRUCT, 'baselineOptions.failureTolerancePercentage', options.failureTolerancePercentage, 0, 100, 'percent');
    requireIntegerInRange(this, CONSTRUCT, 'baselineOptions.maxConcurrentCount', options.maxConcurrentCount, 1, 10_000, 'accounts');
    requireIntegerInRange(this, CONSTRUCT, 'baselineOptions.maxConcurrentPercentage', options.maxConcurrentPercentage, 1, 100, 'percent');
    const strict = options.concurrencyMode === StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE;
    if (strict && options.maxConcurrentCount !== undefined && options.failureToleranceCount !== undefined
      && options.maxConcurrentCount > options.failureToleranceCount + 1) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.maxConcurrentCount', options.maxConcurrentCount,
        `with STRICT_FAILURE_TOLERANCE at most failureToleranceCount + 1 (${options.failureToleranceCount + 1})`);
    }
    if (options.credentialAuditOptions?.topic !== undefined) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'baselineOptions.credentialAuditOptions.topic', '<topic>',
        'a topic of this stack does not exist in the member accounts: use baselineOptions.alertEmails');
    }
    for (const [part, optionsKey] of [['passwordPolicy', 'passwordPolicyOptions'], ['credentialAudit', 'credentialAuditOptions']] as const) {
      if (options[part] === false && options[optionsKey] !== undefined) {
        throw new GuardrailsValidationError(this, CONSTRUCT, `baselineOptions.${optionsKey}`, '{...}',
          `options for a part that is switched off: remove ${optionsKey} or set ${part}: true`);
      }
    }
  }

  private requireRegion(prop: string, region: string): void {
    if (!Token.isUnresolved(region) && !REGION.test(region)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, prop, region, 'a region code such as eu-west-1');
    }
  }
}
