/**
 * Privilege-escalation rules (PE): combinations of actions, across all statements and policies of
 * a principal, that let it raise its own privileges.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { POLICY_TYPES, PRINCIPAL_TYPES, ResolvedResource } from './context';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import { PolicyDocument } from '../policy/document';
import { EscalationCategory, ESCALATION_ROWS, EscalationMatch } from '../policy/escalation';
import { escalationPaths } from '../policy/permissions';

/**
 * The escalation paths of a resource: for a role, user or group, over everything attached to it
 * anywhere in the app, capped by its boundary; for a policy attached to a principal outside the
 * app (or to none), over that policy alone.
 */
export function escalationsOf(r: ResolvedResource): EscalationMatch[] | undefined {
  if (PRINCIPAL_TYPES.has(r.type)) return r.memo('escalation', () => sharedEscalationPaths(r.grants(), r.boundary()));
  if (!POLICY_TYPES.has(r.type)) return undefined;
  return r.memo('escalation', () => (r.isEvaluatedAlone() ? escalationPaths([r.document()]) : []));
}

const documentIds = new WeakMap<PolicyDocument, number>();
let lastDocumentId = 0;
const ESCALATIONS = new Map<string, EscalationMatch[]>();
const MAX_CACHED_ESCALATIONS = 10_000;

/**
 * Escalation paths of a set of documents, computed once per set: principals that share their
 * managed policies (ten roles per policy, or 300 roles attached to one large policy) share the
 * answer. Documents are the model's own objects, memoized per policy resource, so identity is
 * the key.
 */
function sharedEscalationPaths(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): EscalationMatch[] {
  const idOf = (doc: PolicyDocument) => {
    let id = documentIds.get(doc);
    if (id === undefined) {
      id = ++lastDocumentId;
      documentIds.set(doc, id);
    }
    return id;
  };
  const key = `${grants.map(idOf).join(',')}|${boundary ? boundary.map(idOf).join(',') : '-'}`;
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
    return findingsResult(matches.filter(m => m.row.category === category).map(escalationFinding), true);
  };
}

export const selfModification = categoryCheck('self-modification');
export const passRoleToCompute = categoryCheck('pass-role');
export const takeOverRunningResource = categoryCheck('take-over');

/** The row a finding names, to explain it. */
function describeEscalation(finding: string | undefined): string {
  const actions = findingSubject(finding);
  const wanted = actions.toLowerCase().split('+');
  const match = ESCALATION_ROWS.find(r =>
    r.clauses.length === wanted.length && r.clauses.every((clause, i) => clause.some(a => a.toLowerCase() === wanted[i])));
  const how = match ? match.how : 'raise its own privileges';
  return `Privilege escalation: the principal is allowed ${actions.split('+').join(' and ')} on unrestricted resources, `
    + `so it can ${how}. Fix: restrict Resource to named resources it cannot use against itself (for credentials, `
    + 'the self-service form arn:aws:iam::*:user/${aws:username}), deny the actions, or cap them with a permissions boundary.';
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
];
