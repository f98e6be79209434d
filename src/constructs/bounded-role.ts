import { Aws, CfnResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { BOOLEAN_ALLOWED, DURATION_ALLOWED, GuardrailsValidationError, isDuration } from '../private/validation';
import { mfaEnrollmentStatements, selfServiceCredentialStatements } from './private/force-mfa-policy';
import {
  acknowledgeThirdPartyFinding, addStatementAtSynth, GUARDRAIL_TAG_KEY, GUARDRAIL_TAG_VALUE, protectedBucketsOf, skipCheckov,
} from './private/guardrail-resources';

/**
 * Properties for `BoundedRole`: the usual `iam.RoleProps` plus the boundary and trust guardrails.
 *
 * The trust guardrails apply to each part of `assumedBy` (each principal of a `CompositePrincipal`):
 * - everyone (`AnyPrincipal`, `StarPrincipal`, `*`) is rejected, unless narrowed to an
 *   organization with an `aws:PrincipalOrgID` condition (as `OrganizationPrincipal` is), in which
 *   case it counts as cross-account;
 * - a principal in another account (`AccountPrincipal`, `ArnPrincipal`, an organization) needs
 *   `externalIds` or `requireMfa: true`;
 * - a `ServicePrincipal` gets an `aws:SourceAccount` condition for the stack's account unless
 *   `restrictServicesToStackAccount` is false.
 *
 * An account is the stack's own when it is the stack's literal account, the `AWS::AccountId`
 * pseudo parameter (as in `AccountRootPrincipal`), or the ARN of a resource in the app (a role or
 * user created here). Any other token (a parameter, an import) and any literal account in a stack
 * without an explicit account counts as another account: the guardrail fails safe.
 */
export interface BoundedRoleProps extends iam.RoleProps {
  /**
   * The service prefixes the default boundary allows (`s3`, `dynamodb`, ...), lowercase as in IAM
   * actions. Only for the default boundary: giving both this and `permissionsBoundary` is an error.
   *
   * Roles of a stack that ask for the same set of services share one boundary policy; a
   * different set gets a boundary policy of its own.
   *
   * @default ['s3', 'dynamodb', 'lambda', 'logs'] (the guide's DeveloperBoundary)
   */
  readonly allowedServices?: string[];

  /**
   * Whether principals of other AWS accounts (and of this one) must have signed in with MFA to
   * assume the role: adds `Bool aws:MultiFactorAuthPresent true` to every statement that trusts an
   * account, role, user or organization. It never applies to service principals. Either this or
   * `externalIds` is required when the role trusts another account.
   *
   * @default false
   */
  readonly requireMfa?: boolean;

  /**
   * Whether each service principal of `assumedBy` may assume the role only on behalf of resources
   * in the stack's account (an `aws:SourceAccount` condition), which prevents the cross-service
   * confused deputy problem.
   *
   * Set it to false for a service that does not send `aws:SourceAccount` when it assumes a role
   * (AWS publishes no complete list; check the service's "confused deputy prevention" page): with
   * the condition, such a service cannot assume the role at all.
   *
   * @default true
   */
  readonly restrictServicesToStackAccount?: boolean;
}

/**
 * An `iam.Role` that never exists without a permissions boundary, and whose trust policy follows
 * the IAM best-practices guide.
 *
 * Without `permissionsBoundary`, the role gets the stack's shared boundary shaped like the guide's
 * `DeveloperBoundary`: Allow `<service>:*` for each of `allowedServices`, Deny `iam:*`,
 * `organizations:*` and `account:*`. Two additions make it safe next to this library's other
 * constructs: an IAM user under it may still enrol and manage their own MFA device and credentials
 * (the actions SecureGroup's force-MFA policy allows, on `user/${aws:username}` and
 * `mfa/${aws:username}` only), and nobody under it may change the library's security resources:
 * whatever carries the `cdk-iam-guardrails:protected` tag (trail, keys, log groups, alert topics,
 * alarms, rules, analyzers, the audit and password-policy functions) is read-only, the tag itself
 * cannot be set or removed, the trail and Config buckets of the same stack are read-only by ARN,
 * and the Config recorder, delivery channel, rules and Access Analyzer archive rules cannot be
 * changed at all. A boundary only caps permissions; the role still needs identity policies
 * (`addToPolicy`, `managedPolicies`, grants) for what it actually does.
 *
 * `maxSessionDuration` defaults to one hour.
 *
 * @example
 * new BoundedRole(this, 'AppRole', {
 *   assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
 * });
 */
export class BoundedRole extends iam.Role {
  /**
   * The service prefixes the default boundary allows unless `allowedServices` says otherwise.
   */
  public static readonly DEFAULT_ALLOWED_SERVICES: string[] = Object.freeze(['s3', 'dynamodb', 'lambda', 'logs']) as string[];

  /**
   * The shared per-stack boundary for the given services, created on first use: Allow
   * `<service>:*` on `*` for each service and a user's own MFA and credentials; Deny the rest of
   * `iam:*`, `organizations:*`, `account:*` and any change to the library's security resources
   * (see the class documentation).
   *
   * One policy per stack and set of services (order and duplicates do not matter).
   *
   * @param scope any construct in the stack that should hold the boundary
   * @param allowedServices lowercase service prefixes (default: s3, dynamodb, lambda, logs)
   */
  public static defaultBoundary(scope: IConstruct, allowedServices?: string[]): iam.ManagedPolicy {
    const services = normalizeServices(allowedServices);
    const problem = servicesProblem(services, allowedServices);
    if (problem) throw new GuardrailsValidationError(scope, 'BoundedRole.defaultBoundary', problem.prop, problem.value, problem.allowed);
    return boundaryFor(Stack.of(scope), services);
  }

  /**
   * Applies `boundary` as the permissions boundary of every role and user under `scope` (an app,
   * stage, stack or any construct), including roles created by other constructs.
   *
   * Built on `iam.PermissionsBoundary.of(scope).apply(boundary)`; it replaces the boundary of
   * BoundedRoles under the scope too.
   */
  public static applyBoundaryTo(scope: IConstruct, boundary: iam.IManagedPolicy): void {
    iam.PermissionsBoundary.of(scope).apply(boundary);
  }

  constructor(scope: Construct, id: string, props: BoundedRoleProps) {
    // Problems are collected first and thrown after super(), so the error names this role's path.
    const problems: Problem[] = [];
    const stack = Stack.of(scope);
    for (const prop of ['requireMfa', 'restrictServicesToStackAccount'] as const) {
      const value: unknown = props[prop];
      if (value !== undefined && typeof value !== 'boolean') problems.push({ prop, value, allowed: BOOLEAN_ALLOWED });
    }
    let maxSessionDuration = props.maxSessionDuration ?? Duration.hours(1);
    if (!isDuration(maxSessionDuration)) {
      problems.push({ prop: 'maxSessionDuration', value: maxSessionDuration, allowed: DURATION_ALLOWED });
      maxSessionDuration = Duration.hours(1); // lets super() finish, so that the error names this role's path
    }

    let boundary = props.permissionsBoundary;
    if (boundary && props.allowedServices !== undefined) {
      problems.push({
        prop: 'allowedServices',
        value: props.allowedServices,
        allowed: 'allowedServices shapes only the default boundary; with permissionsBoundary given, allow the services in that policy',
      });
    } else if (!boundary) {
      const services = normalizeServices(props.allowedServices);
      const problem = servicesProblem(services, props.allowedServices);
      if (problem) problems.push(problem);
      else boundary = boundaryFor(stack, services);
    }

    const assumedBy = guardTrust(props.assumedBy, 'assumedBy', {
      stack,
      requireMfa: props.requireMfa ?? false,
      hasExternalIds: (props.externalIds ?? []).length > 0,
      restrictServices: props.restrictServicesToStackAccount ?? true,
      problems,
    });

    if (props.requireMfa && !trustsAwsPrincipal(props.assumedBy, stack)) {
      problems.push({
        prop: 'requireMfa',
        value: true,
        allowed: 'requireMfa applies to account, role, user or organization principals, and assumedBy has none; remove it',
      });
    }

    super(scope, id, {
      ...props,
      assumedBy,
      permissionsBoundary: boundary,
      maxSessionDuration,
    });

    if (problems.length > 0) {
      const [first] = problems;
      throw new GuardrailsValidationError(this, 'BoundedRole', first.prop, first.value, first.allowed);
    }
  }
}

interface Problem {
  readonly prop: string;
  readonly value: unknown;
  readonly allowed: string;
}

interface TrustContext {
  readonly stack: Stack;
  readonly requireMfa: boolean;
  readonly hasExternalIds: boolean;
  readonly restrictServices: boolean;
  readonly problems: Problem[];
}

const SERVICE_PREFIX = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ALWAYS_DENIED = ['iam', 'organizations', 'account'];
const BOUNDARY_ID = 'BoundedRoleDefaultBoundary';

function normalizeServices(allowedServices: string[] | undefined): string[] {
  const services = allowedServices ?? BoundedRole.DEFAULT_ALLOWED_SERVICES;
  if (Token.isUnresolved(services)) return services;
  return [...new Set(services)].sort();
}

function servicesProblem(services: string[], given: string[] | undefined): Problem | undefined {
  if (Token.isUnresolved(services)) {
    return { prop: 'allowedServices', value: '(a token)', allowed: 'a literal list: the boundary policy is keyed by its services at synth time' };
  }
  if (services.length === 0) {
    return { prop: 'allowedServices', value: given, allowed: 'at least one service prefix such as s3 (an empty boundary would allow nothing)' };
  }
  for (const [index, service] of (given ?? services).entries()) {
    if (Token.isUnresolved(service) || typeof service !== 'string' || !SERVICE_PREFIX.test(service)) {
      return {
        prop: `allowedServices[${index}]`,
        value: service,
        allowed: 'a lowercase IAM service prefix such as s3, dynamodb or execute-api (no "*", no actions, no tokens)',
      };
    }
    if (ALWAYS_DENIED.includes(service)) {
      return {
        prop: `allowedServices[${index}]`,
        value: service,
        allowed: `the boundary always denies ${ALWAYS_DENIED.join(', ')}; remove it, or give a permissionsBoundary of your own`,
      };
    }
  }
  return undefined;
}

function boundaryFor(stack: Stack, services: string[]): iam.ManagedPolicy {
  const isDefault = services.join() === [...BoundedRole.DEFAULT_ALLOWED_SERVICES].sort().join();
  const id = isDefault ? BOUNDARY_ID : `${BOUNDARY_ID}-${services.join('-')}`;
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as iam.ManagedPolicy;

  const boundary = new iam.ManagedPolicy(stack, id, {
    description: `Permissions boundary for BoundedRole: at most ${services.join(', ')} and own MFA and credentials; `
      + 'never IAM, Organizations or account settings, never the cdk-iam-guardrails security resources',
    statements: [
      new iam.PolicyStatement({
        sid: 'AllowedServices',
        actions: services.map(service => `${service}:*`),
        resources: ['*'],
      }),
      ...ownCredentialStatements(),
      new iam.PolicyStatement({
        sid: 'DenyOrganizationsAndAccountAdministration',
        effect: iam.Effect.DENY,
        actions: ALWAYS_DENIED.filter(service => service !== 'iam').map(service => `${service}:*`),
        resources: ['*'],
      }),
      ...guardrailProtectionStatements(),
    ],
  });
  addStatementAtSynth(boundary, () => protectedBucketsStatement(stack));
  const reason = 'Permissions boundary, not a grant: it only caps what the roles it bounds may do (the guide\'s ' +
    'DeveloperBoundary); each role\'s own identity policies grant its actual, narrower permissions.';
  Validations.of(boundary).acknowledge(
    { id: 'AwsSolutions-IAM5[Resource::*]', reason },
    ...services.map(service => ({ id: `AwsSolutions-IAM5[Action::${service}:*]`, reason })),
  );
  acknowledgeThirdPartyFinding(boundary, { cdkNagRule: 'IAMPolicyNoStatementsWithFullAccess', reason });
  const cfn = boundary.node.defaultChild as CfnResource;
  skipCheckov(cfn, 'CKV_AWS_108', `${reason} (Data exfiltration: the boundary allows reads of the allowed services, it grants none.)`);
  skipCheckov(cfn, 'CKV_AWS_109', `${reason} (Permissions management: the boundary denies IAM and the guardrail resources.)`);
  skipCheckov(cfn, 'CKV_AWS_110', `${reason} (Privilege escalation: the boundary denies IAM; it grants nothing.)`);
  skipCheckov(cfn, 'CKV_AWS_111', `${reason} (Write access without constraints: the boundary grants nothing.)`);
  return boundary;
}

/** `${aws:username}`, written so that CloudFormation and IAM, not JavaScript, see the variable. */
const USERNAME = '${aws:username}';

/** The ARNs of the signed-in IAM user and of their virtual MFA device, named after them. */
function ownUserAndMfaDevice(): string[] {
  return [
    `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:user/${USERNAME}`,
    `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:mfa/${USERNAME}`,
  ];
}

/**
 * The IAM actions SecureGroup's force-MFA policy lets a member use on their own user and MFA
 * device (enrolling and resyncing MFA, password, access keys, certificates, SSH and Git
 * credentials), taken from that policy so the two never disagree.
 */
function ownCredentialActions(): string[] {
  const statements = [...mfaEnrollmentStatements(), ...selfServiceCredentialStatements()];
  const actions = statements
    .filter(statement => !statement.resources.includes('*'))
    .flatMap(statement => statement.actions);
  return [...new Set(actions)].sort();
}

/**
 * IAM is denied except what a user does to their own user and MFA device: without this, the
 * boundary's Deny iam:* locks a member of a SecureGroup out of the MFA enrolment the group's
 * force-MFA policy demands. The Allow lets those actions through the boundary; the two Denies keep
 * every other IAM action denied everywhere, and every other action off the user's own ARNs.
 *
 * The virtual MFA device must be named after the user (as the console does by default for the
 * first device). `iam:GetAccountPasswordPolicy` and `iam:ListVirtualMFADevices` (Resource "*") stay
 * denied: enrolment does not need them.
 */
function ownCredentialStatements(): iam.PolicyStatement[] {
  const actions = ownCredentialActions();
  return [
    new iam.PolicyStatement({
      sid: 'AllowOwnMfaAndCredentials',
      actions,
      resources: ownUserAndMfaDevice(),
    }),
    new iam.PolicyStatement({
      sid: 'DenyIamExceptOwnUserAndMfaDevice',
      effect: iam.Effect.DENY,
      actions: ['iam:*'],
      notResources: ownUserAndMfaDevice(),
    }),
    new iam.PolicyStatement({
      sid: 'DenyOnOwnUserAllButOwnCredentials',
      effect: iam.Effect.DENY,
      notActions: actions,
      resources: ownUserAndMfaDevice(),
    }),
  ];
}

/**
 * The reads the boundary leaves open on the resources this library tags as guardrails (describing
 * the trail, reading the alarm, querying the log group); every pattern names actions that exist.
 */
const GUARDRAIL_READS = [
  'access-analyzer:Get*', 'access-analyzer:List*',
  'cloudtrail:Describe*', 'cloudtrail:Get*', 'cloudtrail:List*', 'cloudtrail:LookupEvents',
  'cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*',
  'config:Describe*', 'config:Get*', 'config:List*',
  'events:Describe*', 'events:List*',
  'kms:Describe*', 'kms:Get*', 'kms:List*',
  'lambda:Get*', 'lambda:List*',
  'logs:Describe*', 'logs:Get*', 'logs:List*', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:StopQuery',
  'sns:Get*', 'sns:List*',
];

/**
 * Deny changing the library's own security resources:
 * - everything but reads on a resource carrying the guardrail tag (aws:ResourceTag: Lambda,
 *   CloudWatch Logs, KMS, SNS, CloudTrail, Access Analyzer analyzers, CloudWatch alarms and
 *   EventBridge rules support it on the actions that change them), which covers updating the
 *   provider and audit functions' code, deleting the trail's log group, publishing fake alerts;
 * - any request that sets or removes the guardrail tag key (aws:TagKeys), so it can be neither
 *   taken off a guardrail nor put on something else;
 * - by action, everywhere: stopping, changing or deleting the Config recorder, delivery channel and
 *   rules (CloudFormation can tag neither a recorder nor a rule, a rule's ARN holds a generated id,
 *   and a delivery channel has no ARN), and Access Analyzer
 *   archive rules and finding updates (archive rules support no resource tag), which would
 *   silence the analyzer.
 * S3 buckets are denied by ARN (protectedBucketsStatement), as S3 evaluates aws:ResourceTag only
 * for buckets with ABAC switched on.
 */
function guardrailProtectionStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyChangingGuardrailResources',
      effect: iam.Effect.DENY,
      notActions: GUARDRAIL_READS,
      resources: ['*'],
      conditions: { StringEquals: { [`aws:ResourceTag/${GUARDRAIL_TAG_KEY}`]: GUARDRAIL_TAG_VALUE } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyGuardrailTagChanges',
      effect: iam.Effect.DENY,
      actions: ['*'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [GUARDRAIL_TAG_KEY] } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyChangingConfigAndArchivingAnalyzerFindings',
      effect: iam.Effect.DENY,
      actions: [
        'config:DeleteConfigurationRecorder', 'config:StopConfigurationRecorder', 'config:PutConfigurationRecorder',
        'config:DeleteDeliveryChannel', 'config:PutDeliveryChannel',
        'config:DeleteConfigRule', 'config:PutConfigRule', 'config:DeleteEvaluationResults',
        'access-analyzer:ApplyArchiveRule', 'access-analyzer:CreateArchiveRule', 'access-analyzer:DeleteArchiveRule',
        'access-analyzer:UpdateArchiveRule', 'access-analyzer:UpdateFindings',
      ],
      resources: ['*'],
    }),
  ];
}

/** What changes a bucket or its objects: every write, replication, restore and override. */
const S3_WRITES = [
  's3:Put*', 's3:Delete*', 's3:Replicate*', 's3:Restore*', 's3:Update*',
  's3:BypassGovernanceRetention', 's3:ObjectOwnerOverrideToBucketOwner',
];

/**
 * Deny writing to the trail and Config buckets (and their access-log buckets) of the boundary's
 * stack, by ARN: their policies, settings and objects. Buckets in other stacks cannot be named
 * without a cross-stack reference; give those a boundary of their own (README).
 */
function protectedBucketsStatement(stack: Stack): iam.PolicyStatement | undefined {
  const buckets = [...protectedBucketsOf(stack)].filter(bucket => Stack.of(bucket) === stack);
  if (buckets.length === 0) return undefined;
  return new iam.PolicyStatement({
    sid: 'DenyWritingGuardrailBuckets',
    effect: iam.Effect.DENY,
    actions: S3_WRITES,
    resources: buckets.flatMap(bucket => [bucket.bucketArn, bucket.arnForObjects('*')]),
  });
}

/** The principal with the guardrail conditions added to each part; problems go to the context. */
function guardTrust(principal: iam.IPrincipal, prop: string, context: TrustContext): iam.IPrincipal {
  if (principal instanceof iam.CompositePrincipal) {
    const parts = principal.principals.map((part, index) => guardTrust(part, `${prop}.principals[${index}]`, context));
    return new iam.CompositePrincipal(...parts);
  }

  const fragment = principal.policyFragment;
  const json = context.stack.resolve(fragment.principalJson) as { [type: string]: unknown[] };
  const conditions = context.stack.resolve(fragment.conditions) ?? {};
  const aws = json.AWS ?? [];
  const everyone = Object.values(json).some(values => values.includes('*'));
  const orgScoped = JSON.stringify(conditions).includes('"aws:PrincipalOrgID"');

  if (everyone && !orgScoped) {
    context.problems.push({
      prop,
      value: principal.toString(),
      allowed: 'a principal that is not everyone ("*"): name the account, role, service or organization that may assume the role',
    });
    return principal;
  }

  let guarded = principal;
  if (json.Service && context.restrictServices) {
    guarded = new iam.PrincipalWithConditions(guarded, {
      StringEquals: { 'aws:SourceAccount': context.stack.account },
    });
  }
  if (aws.length > 0) {
    const crossAccount = everyone || aws.some(entry => !isOwnAccount(entry, context.stack));
    if (context.requireMfa) {
      guarded = new iam.PrincipalWithConditions(guarded, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
    } else if (crossAccount && !context.hasExternalIds) {
      context.problems.push({
        prop,
        value: principal.toString(),
        allowed: 'a principal in another account needs externalIds (for a third party) or requireMfa: true (for people)',
      });
    }
  }
  return guarded;
}

function trustsAwsPrincipal(principal: iam.IPrincipal, stack: Stack): boolean {
  if (principal instanceof iam.CompositePrincipal) return principal.principals.some(part => trustsAwsPrincipal(part, stack));
  return (stack.resolve(principal.policyFragment.principalJson).AWS ?? []).length > 0;
}

/** Whether a resolved `AWS` principal entry is in the stack's own account. */
function isOwnAccount(entry: unknown, stack: Stack): boolean {
  const account = accountOf(entry);
  if (account === OWN_ACCOUNT) return true;
  return account !== undefined && !Token.isUnresolved(stack.account) && account === stack.account;
}

const OWN_ACCOUNT = '<own account>';
const UNKNOWN = '<unknown>';

/**
 * The account of an `AWS` principal: a 12-digit id, OWN_ACCOUNT, or undefined when it cannot be
 * known at synth time.
 */
function accountOf(entry: unknown): string | undefined {
  const text = flatten(entry);
  if (text === undefined) return undefined;
  if (text === OWN_ACCOUNT) return OWN_ACCOUNT;
  if (/^\d{12}$/.test(text)) return text;
  const fields = text.split(':');
  if (fields[0] !== 'arn' || fields.length < 6) return undefined;
  const account = fields[4];
  return account === OWN_ACCOUNT || /^\d{12}$/.test(account) ? account : undefined;
}

/** A resolved value as text: the stack's account as OWN_ACCOUNT, other intrinsics as UNKNOWN. */
function flatten(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const object = value as { [key: string]: any };
    if (object.Ref === 'AWS::AccountId') return OWN_ACCOUNT;
    // The ARN of a role or user created in the app: it lives in this stack's account.
    if (Array.isArray(object['Fn::GetAtt']) && object['Fn::GetAtt'][1] === 'Arn') return `arn:${UNKNOWN}:iam::${OWN_ACCOUNT}:${UNKNOWN}`;
    const join = object['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      return join[1].map((part: unknown) => flatten(part) ?? UNKNOWN).join(join[0]);
    }
  }
  return undefined;
}
