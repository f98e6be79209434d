/**
 * AWS managed policies judged by what they grant (LP8, LP9), and AWS managed policy ARNs that name
 * no policy (LP14). Part of the least-privilege family: an AWS managed policy is a grant whose
 * document the template does not show.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IAM_TYPES, PRINCIPAL_TYPES, ResolvedResource } from './context';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import { isServiceRolePolicy } from '../model/resolved-resource';
import type { AwsManagedPolicyReference } from '../model/resolved-resource';
import {
  AdministratorCapability, administratorCapability, AwsManagedPolicy, describeAdministratorCapability, isAdministratorLike, suggestAwsManagedPolicy,
} from '../policy/managed-policies';

/** Roles and permission sets: Identity Center provisions a permission set as a role in each account. */
const ROLE_LIKE: ReadonlySet<string> = new Set([IAM_TYPES.role, IAM_TYPES.permissionSet]);

/** Whether the principal names a permissions boundary (readable or not). */
function hasBoundary(r: ResolvedResource): boolean {
  const boundary = r.properties.PermissionsBoundary;
  return boundary !== undefined && boundary !== null;
}

/**
 * What one AWS managed policy attached to a principal grants that is administrator-like, capped
 * by the principal's boundary when it has one that this analysis can read.
 */
function capabilityOn(r: ResolvedResource, policy: AwsManagedPolicy): AdministratorCapability {
  return administratorCapability([policy.document], hasBoundary(r) ? r.boundary() : undefined);
}

/** The AWS managed policies a principal holds (not its boundary) that grant administrator-like capability. */
function administratorLikePolicies(r: ResolvedResource): string[] {
  return r.awsManagedPolicyReferences()
    // A service-role policy on a role only an AWS service operates is AWS's design for that service.
    .filter(ref => !ref.boundary && ref.policy && !(r.isOperatedByAwsService() && isServiceRolePolicy(ref.policy))
      && isAdministratorLike(capabilityOn(r, ref.policy)))
    .map(ref => `Policy::${ref.policy!.name}`);
}

/** LP8: an administrator-like AWS managed policy on a role or permission set without a permissions boundary. */
export function administratorPolicyOnUnboundedRole(r: ResolvedResource): NagRuleResult {
  if (!ROLE_LIKE.has(r.type) || hasBoundary(r)) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(administratorLikePolicies(r), true);
}

/** LP9: an administrator-like AWS managed policy on a user, a group, or a role whose boundary leaves that capability. */
export function administratorPolicyAttached(r: ResolvedResource): NagRuleResult {
  if (!PRINCIPAL_TYPES.has(r.type)) return NagRuleCompliance.NOT_APPLICABLE;
  if (ROLE_LIKE.has(r.type) && !hasBoundary(r)) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(administratorLikePolicies(r), true);
}

/** LP14: an AWS managed policy ARN that names no AWS managed policy, or one IAM will not attach. */
export function unknownAwsManagedPolicy(r: ResolvedResource): NagRuleResult {
  if (!PRINCIPAL_TYPES.has(r.type)) return NagRuleCompliance.NOT_APPLICABLE;
  const refs = r.awsManagedPolicyReferences();
  if (refs.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(refs.filter(ref => problemOf(ref) !== undefined).map(ref => `Policy::${ref.written}`), true);
}

type ReferenceProblem = 'unknown' | 'service-linked';

function problemOf(ref: AwsManagedPolicyReference): ReferenceProblem | undefined {
  if (!ref.policy) return 'unknown';
  // Policies under aws-service-role/ belong to service-linked roles: IAM refuses to attach them
  // to any other principal ("Cannot attach a Service Role Policy to a Customer Role").
  if (!ref.boundary && ref.policy.path === 'aws-service-role/') return 'service-linked';
  return undefined;
}

/** `arn:aws:iam::aws:policy/` + path and name, the ARN a fix should write. */
function arnOf(pathAndName: string): string {
  return `arn:aws:iam::aws:policy/${pathAndName}`;
}

/** The principal a message talks about. */
function principalNoun(r: ResolvedResource): string {
  switch (r.type) {
    case IAM_TYPES.user: return 'user';
    case IAM_TYPES.group: return 'group';
    case IAM_TYPES.permissionSet: return 'permission set';
    default: return 'role';
  }
}

function referenceTo(r: ResolvedResource | undefined, finding: string | undefined): AwsManagedPolicyReference | undefined {
  const name = findingSubject(finding);
  return r?.awsManagedPolicyReferences().find(ref => !ref.boundary && ref.policy?.name === name);
}

/** The fix for an administrator-like policy, true for what it grants. */
function administratorFix(capability: AdministratorCapability | undefined, noun: string): string {
  if (capability?.everyActionExcept !== undefined) {
    return `Fix: grant this ${noun} the specific actions and resources it uses (IAM Access Analyzer can generate a policy from CloudTrail), `
      + 'and keep administrator access to a few break-glass roles.';
  }
  return `Fix: replace it with a policy that grants only the actions this ${noun} uses, on the resources it uses `
    + '(e.g. a customer managed policy copied from this one without those actions, or with them limited to named resources), '
    + 'or set a permissions boundary that leaves them out.';
}

function describeUnbounded(finding: string | undefined, r?: ResolvedResource): string {
  const name = findingSubject(finding);
  const ref = referenceTo(r, finding);
  const capability = r && ref?.policy ? capabilityOn(r, ref.policy) : undefined;
  const noun = r ? principalNoun(r) : 'role';
  const grants = capability ? ` It grants ${describeAdministratorCapability(capability)}, and nothing caps it.` : '';
  return `The AWS managed policy ${name} is attached to a ${noun} without a permissions boundary.${grants} ${administratorFix(capability, noun)}`;
}

function describeAttached(finding: string | undefined, r?: ResolvedResource): string {
  const name = findingSubject(finding);
  const ref = referenceTo(r, finding);
  const capability = r && ref?.policy ? capabilityOn(r, ref.policy) : undefined;
  const noun = r ? principalNoun(r) : 'principal';
  let where = `to this ${noun}`;
  if (r && hasBoundary(r)) {
    const boundary = r.awsManagedPolicyReferences().find(b => b.boundary);
    const boundaryName = boundary?.policy ? `AWS managed policy ${boundary.policy.name}` : 'the permissions boundary';
    where += r.boundary()
      ? `, whose permissions boundary (${boundaryName}) does not take that access away`
      : ', whose permissions boundary is not in this app, so what it leaves could not be checked';
  }
  const within = r && hasBoundary(r) && r.boundary() ? 'Within the boundary it still grants' : 'It grants';
  const grants = capability ? ` ${within} ${describeAdministratorCapability(capability)}.` : '';
  return `The AWS managed policy ${name} is attached ${where}.${grants} ${administratorFix(capability, noun)}`;
}

function describeUnknown(finding: string | undefined, r?: ResolvedResource): string {
  const written = findingSubject(finding);
  const ref = r?.awsManagedPolicyReferences().find(x => x.written === written);
  const where = ref ? `${ref.property} names` : 'An ARN names';
  if (ref?.policy && problemOf(ref) === 'service-linked') {
    return `${where} ${arnOf(written)}, a policy for a service-linked role: IAM refuses to attach it to any other principal, so the deployment fails. `
      + 'Fix: remove it (the service creates its service-linked role with this policy itself), or attach the policy AWS documents for the service\'s customer-managed role.';
  }
  const suggestion = suggestAwsManagedPolicy(written);
  const hint = suggestion
    ? ` Did you mean ${suggestion} (${arnOf(suggestion)})? Fix: write that ARN, e.g. iam.ManagedPolicy.fromAwsManagedPolicyName('${suggestion}').`
    : ' Fix: check the name and path (service-role/, job-function/, aws-service-role/) in the AWS Managed Policy Reference Guide.';
  return `${where} ${arnOf(written)}, which is not an AWS managed policy (misspelled, missing its path, or retired): `
    + `CloudFormation fails with "Policy ... does not exist or is not attachable".${hint}`;
}

const FAMILY = RuleFamily.LEAST_PRIVILEGE;

export const ADMINISTRATOR_ACCESS_RULES: readonly GuardrailsRule[] = [
  {
    id: 'LP8',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An AWS managed policy that grants administrator-like access (every action, IAM permissions management, or a privilege-escalation path) '
      + 'is attached to a role or permission set without a permissions boundary.',
    explanation: 'AdministratorAccess, PowerUserAccess and IAMFullAccess, but also AWS managed policies such as AWSLambda_FullAccess '
      + '(iam:PassRole with lambda:CreateFunction) or AmazonSSMFullAccess (ssm:SendCommand on every instance), let the principal reach '
      + 'administrator access; without a boundary nothing caps them.',
    check: administratorPolicyOnUnboundedRole,
    describe: describeUnbounded,
  },
  {
    id: 'LP9',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'An AWS managed policy that grants administrator-like access is attached to a user or group, or to a role or permission set '
      + 'whose permissions boundary still leaves that access.',
    explanation: 'Administrator-like managed policies should be rare and reviewed; a boundary only helps when it takes that access away.',
    check: administratorPolicyAttached,
    describe: describeAttached,
  },
  {
    id: 'LP14',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An AWS managed policy ARN (`arn:aws:iam::aws:policy/...`) names no AWS managed policy, or one only service-linked roles can have.',
    explanation: 'A misspelled or retired name, or a missing path (`service-role/`), fails the deployment; the closest existing name is suggested.',
    check: unknownAwsManagedPolicy,
    describe: describeUnknown,
  },
];
