/**
 * Identity rules (ID): IAM users, their policies, groups and credentials, and permissions boundaries.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, IAM_TYPES, ResolvedResource } from './context';
import { escalationsOf } from './privilege-escalation';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import { ActionCatalog } from '../policy/catalog';
import { isObject, PolicyDocument } from '../policy/document';
import { chooseBranch, ReadableSourceKind, readSecretValue, SecretParameterSpec, SecretReading, SecretScope } from '../policy/passwords';
import { isAllActions } from '../policy/permissions';
import { unboundedResourcesOfStatement } from '../policy/resources';

/** ID1: a user with inline policies (on the user, or as AWS::IAM::UserPolicy resources). */
export function userInlinePolicy(r: ResolvedResource): NagRuleResult {
  if (r.type === IAM_TYPES.user) {
    const names = asList(r.properties.Policies).map((p, i) =>
      `Policy::${isObject(p) && typeof p.PolicyName === 'string' ? p.PolicyName : `#${i}`}`);
    return findingsResult(names, true);
  }
  if (r.type === IAM_TYPES.userPolicy) {
    const props = r.properties;
    return findingsResult([`Policy::${typeof props.PolicyName === 'string' ? props.PolicyName : r.logicalId}`], true);
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}

/** ID2: a policy attached directly to a user (Policy/ManagedPolicy `Users`, a user's ManagedPolicyArns). */
export function policyAttachedToUser(r: ResolvedResource): NagRuleResult {
  const type = r.type;
  if (type === IAM_TYPES.policy || type === IAM_TYPES.managedPolicy) {
    const users = asList(r.properties.Users).map(u => `User::${describeTarget(r, u, IAM_TYPES.user)}`);
    return findingsResult(users, true);
  }
  if (type === IAM_TYPES.user) {
    const arns = asList(r.properties.ManagedPolicyArns).map(a => `Policy::${describeTarget(r, a, IAM_TYPES.managedPolicy)}`);
    return findingsResult(arns, true);
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}

/** A resource of the app by its logical id, anything else as written. */
function describeTarget(r: ResolvedResource, value: unknown, type: string): string {
  const target = r.target(value, type);
  return target.resource ? target.resource.logicalId : target.text;
}

/** ID3: a user that belongs to no group. */
export function userWithoutGroup(r: ResolvedResource): NagRuleResult {
  if (r.type !== IAM_TYPES.user) return NagRuleCompliance.NOT_APPLICABLE;
  return r.groups().length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/** ID4: a long-term access key. */
export function accessKey(r: ResolvedResource): NagRuleResult {
  return r.type === 'AWS::IAM::AccessKey' ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.NOT_APPLICABLE;
}

/** ID5: a console password written into the template (or readable from it), or one the user never has to change. */
export function unsafeLoginProfile(r: ResolvedResource): NagRuleResult {
  if (r.type !== IAM_TYPES.user) return NagRuleCompliance.NOT_APPLICABLE;
  const profile = r.properties.LoginProfile;
  if (profile === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  if (!isObject(profile)) return NagRuleCompliance.COMPLIANT;
  const findings: string[] = [];
  if (isLiteralSecret(r)) findings.push('LoginProfile::LiteralPassword');
  if (profile.PasswordResetRequired !== true && profile.PasswordResetRequired !== 'true') findings.push('LoginProfile::NoPasswordReset');
  return findingsResult(findings, true);
}

/** How the user's password reads as written (intrinsics kept), under the resource's assignment. */
function passwordReading(r: ResolvedResource): SecretReading | undefined {
  return r.memo('login-password', () => {
    const parameters = r.resource.stack.parameters as { readonly [name: string]: SecretParameterSpec };
    const scope: SecretScope = {
      parameter: name => (Object.prototype.hasOwnProperty.call(parameters, name) && isObject(parameters[name]) ? parameters[name] : undefined),
      condition: name => r.assignment.conditions.get(name),
    };
    const profile = chooseBranch(r.raw.LoginProfile, scope);
    const password = isObject(profile) ? chooseBranch(profile.Password, scope) : undefined;
    return password === undefined ? undefined : readSecretValue(password, scope);
  });
}

/**
 * A password anyone who reads the template, the stack's parameters or a plain SSM parameter can
 * learn: literal text, a parameter without NoEcho or with a Default, `{{resolve:ssm:...}}`, and
 * `Fn::Sub`/`Fn::Join` of such parts (see `readSecretValue`).
 */
function isLiteralSecret(r: ResolvedResource): boolean {
  return passwordReading(r)?.readable ?? false;
}

const PASSWORD_FIXES: { readonly [kind in ReadableSourceKind]: string } = {
  'literal': 'generate the password in Secrets Manager and pass SecretValue.secretsManager(secret.secretName) (or secret.secretValue)',
  'pseudo-parameter': 'do not build it from the stack name, account id or region: generate it in Secrets Manager',
  'parameter-default': 'remove the parameter\'s Default and pass the value at deploy time, or use Secrets Manager',
  'parameter-echoed': 'mark the parameter NoEcho (new CfnParameter(..., { noEcho: true })) without a Default, or use Secrets Manager',
  'ssm-parameter-type': 'use a SecureString with {{resolve:ssm-secure:...}} (SecretValue.ssmSecure) or Secrets Manager',
  'ssm-plain': 'read a SecureString ({{resolve:ssm-secure:...}}, SecretValue.ssmSecure) or Secrets Manager instead of a String parameter',
  'mapping': 'mappings are in the template: generate the password in Secrets Manager',
  'export': 'exports are listed by cloudformation:ListExports: pass the secret by Secrets Manager instead',
};

/** The ID5 message: which parts of the password can be read, and a fix for each. */
function describeLoginProfile(finding: string | undefined, r: ResolvedResource | undefined): string {
  if (findingSubject(finding) !== 'LiteralPassword') {
    return 'The login profile (LoginProfile.PasswordResetRequired) does not require a password reset at first sign-in. '
      + 'Fix: set passwordResetRequired: true.';
  }
  const sources = r ? passwordReading(r)?.sources ?? [] : [];
  const from = sources.length > 0 ? `: it is made of ${sources.map(s => s.what).join(', ')}` : '';
  const fixes = [...new Set(sources.map(s => PASSWORD_FIXES[s.kind]))];
  return `The console password (LoginProfile.Password) can be read from the template, its parameters or a plain SSM parameter${from}. `
    + `Fix: ${fixes.length > 0 ? fixes.join('; ') : PASSWORD_FIXES.literal}; or let the user set it through a one-time link.`;
}

/**
 * What a role or user without a permissions boundary can do that a boundary would cap: the
 * reasons a missing boundary matters. Empty when its grants are ordinary (a bucket read, a queue
 * send), where a boundary would change nothing a reviewer cares about.
 */
export function whyBoundaryMatters(r: ResolvedResource): string[] {
  return r.memo('boundary-matters', boundaryReasons);
}

function boundaryReasons(r: ResolvedResource): string[] {
  const grants = r.grants();
  const reasons: string[] = [];
  if (grants.some(doc => broadAllowsOf(doc).allActions)) {
    reasons.push('it is allowed every action');
  }
  if (grants.some(doc => broadAllowsOf(doc).notAction)) {
    reasons.push('it is allowed every action but a few (NotAction)');
  }
  const paths = escalationsOf(r) ?? [];
  if (paths.length > 0) reasons.push(`it can escalate its privileges (${paths[0].actions.join(' + ')}${paths.length > 1 ? `, and ${paths.length - 1} more` : ''})`);
  const managing = permissionsManagementOnUnbounded(grants);
  if (managing.length > 0) reasons.push(`it can manage permissions on every resource (${managing.slice(0, 3).join(', ')}${managing.length > 3 ? ', ...' : ''})`);
  return reasons;
}

const BROAD_ALLOWS = new WeakMap<PolicyDocument, { allActions: boolean; notAction: boolean }>();

/**
 * Whether a document allows every action, or every action but a few (NotAction): once per
 * document, as principals share their managed policies.
 */
function broadAllowsOf(doc: PolicyDocument): { allActions: boolean; notAction: boolean } {
  let known = BROAD_ALLOWS.get(doc);
  if (!known) {
    known = {
      allActions: doc.statements.some(s => s.effect === 'Allow' && (s.actions ?? []).some(a => isAllActions(a.toLowerCase()))),
      notAction: doc.statements.some(s => s.effect === 'Allow' && s.notActions !== undefined),
    };
    BROAD_ALLOWS.set(doc, known);
  }
  return known;
}

/** Permissions-management actions a set of documents allows on an unbounded resource, by name. */
function permissionsManagementOnUnbounded(grants: readonly PolicyDocument[]): string[] {
  const out = new Set<string>();
  for (const doc of grants) for (const name of permissionsManagementOf(doc)) out.add(name);
  return [...out];
}

const PERMISSIONS_MANAGEMENT = new WeakMap<PolicyDocument, readonly string[]>();

function permissionsManagementOf(doc: PolicyDocument): readonly string[] {
  let known = PERMISSIONS_MANAGEMENT.get(doc);
  if (!known) {
    const catalog = ActionCatalog.get();
    const out = new Set<string>();
    for (const s of doc.statements) {
      if (s.effect !== 'Allow' || !s.actions || unboundedResourcesOfStatement(s).length === 0) continue;
      for (const action of s.actions) {
        if (isAllActions(action.toLowerCase())) continue;
        if (catalog.expand(action).some(info => info.accessLevel === 'Permissions management' && info.resourceLevel)) out.add(action);
      }
    }
    known = [...out];
    PERMISSIONS_MANAGEMENT.set(doc, known);
  }
  return known;
}

/**
 * ID6: a role or user without a permissions boundary, where it matters: the principal can
 * escalate, manage permissions on every resource, or is allowed (nearly) everything.
 */
export function missingPermissionsBoundary(r: ResolvedResource): NagRuleResult {
  if (r.type !== IAM_TYPES.role && r.type !== IAM_TYPES.user) return NagRuleCompliance.NOT_APPLICABLE;
  if (r.properties.PermissionsBoundary !== undefined) return NagRuleCompliance.COMPLIANT;
  return whyBoundaryMatters(r).length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

/** ID6 as the guide states it (pack prop `requireBoundaries`): every role and user has a boundary. */
export function missingPermissionsBoundaryStrict(r: ResolvedResource): NagRuleResult {
  if (r.type !== IAM_TYPES.role && r.type !== IAM_TYPES.user) return NagRuleCompliance.NOT_APPLICABLE;
  return r.properties.PermissionsBoundary === undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

function describeMissingBoundary(r: ResolvedResource | undefined): string {
  const kind = r?.type === IAM_TYPES.user ? 'user' : 'role';
  const reasons = r ? whyBoundaryMatters(r) : [];
  const why = reasons.length > 0 ? `, and nothing caps what it can do: ${reasons.join('; ')}` : '';
  return `The ${kind} has no permissions boundary${why}. Fix: set permissionsBoundary (BoundedRole does), or apply one to the whole stack `
    + 'with PermissionsBoundary.of(stack).apply(policy).';
}

/** ID6 with the guide's strict reading, for packs created with `requireBoundaries: true`. */
export const REQUIRE_BOUNDARIES_ID6: Partial<GuardrailsRule> = {
  title: 'A role or user has no permissions boundary (requireBoundaries: every role and user).',
  check: missingPermissionsBoundaryStrict,
};

const FAMILY = RuleFamily.IDENTITIES;

export const IDENTITY_RULES: readonly GuardrailsRule[] = [
  {
    id: 'ID1',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An IAM user has inline policies.',
    explanation: 'Permissions managed per user drift apart and are hard to review; groups (or, better, roles) keep them in one place.',
    check: userInlinePolicy,
    describe: f => `The IAM user has the inline policy ${findingSubject(f)}. Fix: put the permissions on a group `
      + '(group.addToPolicy) and add the user to it; prefer roles and IAM Identity Center over IAM users.',
  },
  {
    id: 'ID2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A policy is attached directly to an IAM user.',
    explanation: 'Attach policies to groups, not users, so that permissions follow job functions.',
    check: policyAttachedToUser,
    describe: f => `A policy is attached directly to an IAM user (${findingSubject(f)}). Fix: attach it to a group and add the user to the group.`,
  },
  {
    id: 'ID3',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An IAM user belongs to no group.',
    explanation: 'Users should get their permissions from groups that match job functions.',
    check: userWithoutGroup,
    describe: () => 'The IAM user belongs to no group. Fix: add it to a group (new iam.User(..., { groups: [group] })) that carries its permissions.',
  },
  {
    id: 'ID4',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An IAM access key (long-term credential) is created.',
    explanation: 'Long-term access keys leak and never expire; workloads should use roles and people should use temporary credentials.',
    check: accessKey,
    describe: () => 'An IAM access key (a long-term credential) is created. Fix: give the workload a role (EC2 instance profile, '
      + 'Lambda or ECS task role, IAM Roles Anywhere, OIDC federation for CI) instead of an access key.',
  },
  {
    id: 'ID5',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A login profile has a password readable from the template (literal, a parameter default, a parameter without NoEcho, '
      + 'a plain SSM parameter, Fn::Sub/Fn::Join of such parts), or does not require a password reset.',
    explanation: 'A password in the template (as text, a parameter default, a parameter without NoEcho, a plain SSM parameter) is '
      + 'visible to everyone who can read it; a password that is never reset stays known to its author.',
    check: unsafeLoginProfile,
    describe: describeLoginProfile,
  },
  {
    id: 'ID6',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'A role or user that can escalate, manage permissions or do (nearly) everything has no permissions boundary.',
    explanation: 'A permissions boundary caps what an identity can ever be granted, which limits the damage of a too-broad policy. '
      + 'By default only principals whose grants a boundary would matter for are reported; the pack prop requireBoundaries reports every one.',
    check: missingPermissionsBoundary,
    describe: (_f, r) => describeMissingBoundary(r),
  },
];
