/**
 * Permissions-boundary rules: grants the boundary makes dead (LP15). A principal's Allow of an
 * action the boundary never allows on that resource can never be used: the workload fails at run
 * time, or the grant misleads a reviewer into thinking the principal has it.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IAM_TYPES, PRINCIPAL_TYPES, ResolvedResource } from './context';
import { describeLocations, StatementLocation } from './locate';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import { policyName } from '../model/resolved-resource';
import { boundaryAllows, patternsOverlap } from '../policy/boundary';
import { ActionCatalog } from '../policy/catalog';
import { PolicyDocument, Statement } from '../policy/document';
import { globCovers, globMatcher, hasWildcard } from '../policy/glob';
import { statementMatchesAction } from '../policy/permissions';

/**
 * Whether no request of an action pattern on a resource can pass the boundary: no action the
 * pattern stands for is allowed there. A pattern the catalog cannot expand (a placeholder, a
 * misspelling, which LP7 reports) is never called dead; nor is a pattern the boundary cuts only
 * partly (`s3:*` under a boundary that allows `s3:Get*`).
 */
export function isDeadUnderBoundary(boundary: readonly PolicyDocument[], pattern: string, resource: string): boolean {
  if (pattern.includes('<')) return false;
  const catalog = ActionCatalog.get();
  const expanded = hasWildcard(pattern) ? catalog.expand(pattern) : [];
  if (hasWildcard(pattern) ? expanded.length === 0 : !catalog.lookup(pattern)) return false;
  for (const doc of boundary) {
    for (const s of doc.statements) {
      if (s.effect !== 'Allow') continue;
      for (const action of candidateActions(s, pattern, expanded.map(a => a.name))) {
        if (boundaryAllows(boundary, action, resource)) return false;
      }
    }
  }
  return true;
}

/**
 * The exact actions of `pattern` a boundary statement may allow, without expanding `*` when the
 * statement only names a few services: the narrower of the two patterns is expanded.
 */
function candidateActions(s: Statement, pattern: string, expanded: readonly string[]): string[] {
  const all = hasWildcard(pattern) ? expanded : [pattern];
  if (!s.actions) return all.filter(a => statementMatchesAction(s, a));
  const out = new Set<string>();
  for (const allowed of s.actions) {
    if (!patternsOverlap(allowed, pattern)) continue;
    if (hasWildcard(allowed) && globCovers(pattern, allowed)) {
      const matches = globMatcher(pattern);
      for (const a of ActionCatalog.get().expand(allowed)) if (matches(a.name)) out.add(a.name);
    } else {
      const matches = globMatcher(allowed);
      for (const a of all) if (matches(a)) out.add(a);
    }
  }
  return [...out];
}

interface DeadGrant {
  /** `Action::s3:PutObject`, or `Policy::SecurityAudit` for every dead action of an AWS managed policy. */
  readonly finding: string;
  readonly action: string;
  readonly location: StatementLocation;
}

/** The dead grants of a principal's own policies (not its groups': a group has other members), once per resource and variant. */
function deadGrantsOf(r: ResolvedResource): readonly DeadGrant[] | undefined {
  if (!PRINCIPAL_TYPES.has(r.type)) return undefined;
  const boundary = r.boundary();
  if (!boundary) return undefined;
  return r.memo('dead-grants', () => {
    const out: DeadGrant[] = [];
    for (const policy of r.policies()) {
      if (policy.name.startsWith('group "')) continue;
      // An AWS managed policy is taken whole or not at all: one finding for all its dead actions,
      // not hundreds (SecurityAudit under a boundary of a few services).
      const finding = (action: string) => (policy.awsManaged ? `Policy::${policy.awsManaged.name}` : `Action::${action}`);
      for (const action of deadActionsOf(policy.document, boundary)) {
        for (const statement of action.statements) {
          out.push({ finding: finding(action.action), action: action.action, location: { policy, statement } });
        }
      }
    }
    return out;
  });
}

const DEAD = new WeakMap<PolicyDocument, WeakMap<PolicyDocument, { action: string; statements: Statement[] }[]>>();

/** The dead actions of one grant document under one boundary, once per pair of document objects. */
function deadActionsOf(grant: PolicyDocument, boundary: readonly PolicyDocument[]): { action: string; statements: Statement[] }[] {
  const key = boundary.length === 1 ? boundary[0] : undefined;
  const known = key ? DEAD.get(grant)?.get(key) : undefined;
  if (known) return known;
  const byAction = new Map<string, Statement[]>();
  for (const s of grant.statements) {
    if (s.effect !== 'Allow' || !s.actions) continue;
    const resources = s.resources ?? ['*'];
    for (const action of s.actions) {
      if (resources.every(res => isDeadUnderBoundary(boundary, action, res))) byAction.set(action, [...byAction.get(action) ?? [], s]);
    }
  }
  const result = [...byAction].map(([action, statements]) => ({ action, statements }));
  if (key) {
    const inner = DEAD.get(grant) ?? new WeakMap();
    inner.set(key, result);
    DEAD.set(grant, inner);
  }
  return result;
}

/** LP15: grants the permissions boundary makes dead. */
export function grantsOutsideBoundary(r: ResolvedResource): NagRuleResult {
  const dead = deadGrantsOf(r);
  if (!dead) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(dead.map(d => d.finding), true);
}

function describeDeadGrant(finding: string | undefined, r?: ResolvedResource): string {
  const dead = r ? (deadGrantsOf(r) ?? []).filter(d => d.finding === finding) : [];
  const where = describeLocations(dead.map(d => d.location));
  const boundaryResource = r ? r.target(r.properties.PermissionsBoundary, IAM_TYPES.managedPolicy).resource : undefined;
  const boundary = boundaryResource && r ? `the permissions boundary ${policyName(r.view(boundaryResource))}` : 'the permissions boundary';
  if (finding?.startsWith('Policy::')) {
    const actions = [...new Set(dead.map(d => d.action))];
    const listed = `${actions.slice(0, 5).join(', ')}${actions.length > 5 ? `, and ${actions.length - 5} more` : ''}`;
    return `${actions.length} of the actions the AWS managed policy ${findingSubject(finding)} grants (${listed}) are never allowed by ${boundary}: `
      + 'the principal can never use them. Fix: grant only the actions the boundary allows (a customer managed policy), '
      + 'or widen the boundary if the workload needs them.';
  }
  const action = findingSubject(finding);
  const resources = [...new Set(dead.flatMap(d => d.location.statement.resources ?? ['*']))].slice(0, 3).map(x => `"${x}"`).join(', ');
  return `${action} is allowed${where ? ` by ${where}` : ''}${resources ? ` on ${resources}` : ''}, but ${boundary} never allows it there: `
    + 'the principal can never use this grant. Fix: remove it, or widen the boundary if the workload needs it.';
}

export const BOUNDARY_RULES: readonly GuardrailsRule[] = [
  {
    id: 'LP15',
    family: RuleFamily.LEAST_PRIVILEGE,
    level: NagMessageLevel.WARN,
    title: 'A grant is entirely outside the principal\'s permissions boundary (the boundary never allows that action on that resource).',
    explanation: 'A permissions boundary caps what identity policies grant: an Allow the boundary never lets through is dead, '
      + 'so the workload fails when it calls the action, and the policy says more than the principal can do.',
    check: grantsOutsideBoundary,
    describe: describeDeadGrant,
  },
];
