/**
 * Privilege-escalation rules (PE): combinations of actions, across all statements and policies of
 * a principal, that let it raise its own privileges.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { POLICY_TYPES, PRINCIPAL_TYPES, ResolvedResource } from './context';
import { describeLocations, locateStatements, StatementLocation } from './locate';
import { namedEscalationsOf, namesResources } from './named-escalation';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily, sanitizeFinding } from './rule';
import { documentSetKey, PolicyDocument } from '../policy/document';
import { ESCALATION_ACTION_INDEX, EscalationCategory, EscalationMatch, EscalationRow, ESCALATION_ROWS, PASS_ROLE } from '../policy/escalation';
import { escalationActionsOf, escalationPaths, passedToServices } from '../policy/permissions';
import { unboundedResourcesOfStatement } from '../policy/resources';

/**
 * The escalation paths of a resource: for a role, user or group, over everything attached to it
 * anywhere in the app, capped by its boundary; for a policy attached to a principal outside the
 * app (or to none), over that policy alone.
 */
export function escalationsOf(r: ResolvedResource): EscalationMatch[] | undefined {
  if (PRINCIPAL_TYPES.has(r.type)) return r.memo('escalation', principalEscalations);
  if (!POLICY_TYPES.has(r.type)) return undefined;
  return r.memo('escalation', policyEscalations);
}

function principalEscalations(r: ResolvedResource): EscalationMatch[] {
  return r.isJudgedThroughMembers() ? [] : sharedEscalationPaths(r.escalationGrants(), r.boundary());
}

function policyEscalations(r: ResolvedResource): EscalationMatch[] {
  return r.isEvaluatedAlone() ? escalationPaths([r.document()]) : [];
}

const ESCALATIONS = new Map<string, EscalationMatch[]>();
const MAX_CACHED_ESCALATIONS = 10_000;

/**
 * Escalation paths of a set of documents, computed once per set: principals that share their
 * managed policies (ten roles per policy, or 300 roles attached to one large policy) share the
 * answer. Documents are the model's own objects, memoized per policy resource, so identity is
 * the key.
 */
function sharedEscalationPaths(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): EscalationMatch[] {
  const key = documentSetKey(grants, boundary);
  let paths = ESCALATIONS.get(key);
  if (!paths) {
    if (ESCALATIONS.size >= MAX_CACHED_ESCALATIONS) ESCALATIONS.clear();
    paths = escalationPaths(grants, boundary);
    ESCALATIONS.set(key, paths);
  }
  return paths;
}

function escalationFinding(match: EscalationMatch): string {
  return `Escalation::${match.actions.join('+')}`;
}

function categoryCheck(category: EscalationCategory): (r: ResolvedResource) => NagRuleResult {
  return r => {
    const matches = escalationsOf(r);
    if (!matches) return NagRuleCompliance.NOT_APPLICABLE;
    // Most principals escalate nothing: answer them without building empty lists.
    if (matches.length === 0) return NagRuleCompliance.COMPLIANT;
    return findingsResult(matches.filter(m => m.row.category === category).map(escalationFinding), true);
  };
}

export const selfModification = categoryCheck('self-modification');
export const passRoleToCompute = categoryCheck('pass-role');
export const takeOverRunningResource = categoryCheck('take-over');

/** The row a finding names. */
function rowOf(actions: readonly string[]): EscalationRow | undefined {
  const wanted = actions.map(a => a.toLowerCase());
  return ESCALATION_ROWS.find(r =>
    r.clauses.length === wanted.length && r.clauses.every((clause, i) => clause.some(a => a.toLowerCase() === wanted[i])));
}

/** The statements of a resource's policies that allow an escalation action on unbounded resources. */
function unboundedGrantsOf(r: ResolvedResource | undefined, action: string): StatementLocation[] {
  const index = ESCALATION_ACTION_INDEX.get(action.toLowerCase());
  if (index === undefined) return [];
  return locateStatements(r, s => s.effect === 'Allow' && unboundedResourcesOfStatement(s).length > 0 && escalationActionsOf(s).includes(index));
}

/**
 * `iam:PassRole on "*" (policy "Deploy" statement "Pass") and lambda:CreateFunction +
 * lambda:InvokeFunction on "*" (inline policy "Build" statement #2)`: each half with where it is granted.
 */
function describeHalves(r: ResolvedResource | undefined, actions: readonly string[]): string {
  const parts: { actions: string[]; where: string; on: string }[] = [];
  for (const action of actions) {
    const locations = unboundedGrantsOf(r, action);
    const where = describeLocations(locations);
    const unbounded = [...new Set(locations.flatMap(l => unboundedResourcesOfStatement(l.statement)))];
    const on = unbounded.length > 0 ? ` on ${unbounded.slice(0, 2).map(u => `"${u}"`).join(', ')}` : ' on unrestricted resources';
    const last = parts[parts.length - 1];
    if (last && last.where === where && last.on === on) last.actions.push(action);
    else parts.push({ actions: [action], where, on });
  }
  return parts.map(p => `${p.actions.join(' + ')}${p.on}${p.where ? ` (${p.where})` : ''}`).join(' and ');
}

/** The message of a PE1-PE3 finding: the row, both halves and where each is granted, and a fix true for those statements. */
function describeEscalation(finding: string | undefined, r?: ResolvedResource): string {
  const actions = findingSubject(finding).split('+').filter(a => a.length > 0);
  const row = rowOf(actions);
  const how = row ? row.how : 'raise its own privileges';
  const passRole = actions.find(a => a.toLowerCase() === PASS_ROLE.toLowerCase());
  let fix: string;
  if (passRole) {
    const unconfined = unboundedGrantsOf(r, PASS_ROLE).some(l => passedToServices(l.statement) === 'any');
    fix = 'list in Resource only the roles it must pass (role.grantPassRole(principal)), no stronger than this principal'
      + (unconfined || !r ? ', and add an iam:PassedToService condition' : '')
      + `, or remove ${actions.filter(a => a !== passRole).join(' / ')}`;
  } else {
    fix = 'restrict Resource to named resources it cannot use against itself (for credentials, the self-service form '
      + 'arn:aws:iam::*:user/${aws:username}), deny the actions, or cap them with a permissions boundary that does not allow them';
  }
  return `Privilege escalation: the principal is allowed ${describeHalves(r, actions)}, so it can ${how}. Fix: ${fix}.`;
}

/** PE4: escalation through a named resource of the app. */
export function escalationThroughNamedResource(r: ResolvedResource): NagRuleResult {
  if (!PRINCIPAL_TYPES.has(r.type)) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(namedEscalationsOf(r).map(e => e.finding), true);
}

function describeNamedEscalation(finding: string | undefined, r?: ResolvedResource): string {
  const hit = r && finding ? namedEscalationsOf(r).find(e => sanitizeFinding(e.finding) === finding) : undefined;
  if (hit) return hit.message;
  const subject = findingSubject(finding);
  return `Privilege escalation through a named resource (${subject}): the principal can change its own permissions, pass a stronger role `
    + 'to a service it controls, join a stronger group or assume a CDK deploy role. Fix: name only resources no stronger than the principal.';
}

const FAMILY = RuleFamily.PRIVILEGE_ESCALATION;

export const PRIVILEGE_ESCALATION_RULES: readonly GuardrailsRule[] = [
  {
    id: 'PE1',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A principal can modify its own permissions or credentials (e.g. iam:PutRolePolicy, iam:CreatePolicyVersion, iam:CreateAccessKey on `*`).',
    explanation: 'One IAM write on an unrestricted resource is enough to grant oneself administrator access.',
    check: selfModification,
    describe: describeEscalation,
  },
  {
    id: 'PE2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A principal can pass any role to a compute service it controls (iam:PassRole with ec2:RunInstances, lambda:CreateFunction, ...).',
    explanation: 'Creating compute with a stronger role and running code in it hands the principal that role.',
    check: passRoleToCompute,
    describe: describeEscalation,
  },
  {
    id: 'PE3',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A principal can take over something that already runs with a role (lambda:UpdateFunctionCode, ssm:SendCommand, sts:AssumeRole on `*`, ...).',
    explanation: 'Changing the code or commands of any running resource lets the principal act with that resource\'s role.',
    check: takeOverRunningResource,
    describe: describeEscalation,
  },
  {
    id: 'PE4',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A principal can escalate through a named resource of the app: pass a stronger named role to a service it controls, '
      + 'join a stronger group, change the policies or boundary of its own role, user or group, or assume the CDK deploy role.',
    explanation: 'Naming the resource does not help when the resource is the principal itself or stronger than it: '
      + 'iam:PutRolePolicy on its own role, or iam:PassRole on an administrator role with lambda:CreateFunction, is administrator access.',
    check: escalationThroughNamedResource,
    describe: describeNamedEscalation,
    // A policy naming its own principal is self-escalation; the same policy on a twin names another.
    readsIdentity: namesResources,
  },
];
