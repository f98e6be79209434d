/**
 * Least-privilege questions about one policy document, answered per Allow statement. Denies in the
 * same document that always apply are subtracted, so adding a Deny never adds a finding.
 *
 * Each action a statement grants is judged by what IAM allows: only the resources that can name
 * something of the action's resource types count (`resources.ts`), conditions that bound it as a
 * resource list would count as bounding it (`conditions.ts`), and its access level and class
 * (`action-classes.ts`) give the topic.
 *
 * Precedence, one finding per action pattern as written, the most severe topic:
 * - `"Action": "*"` (or `*:*`): LP1 only;
 * - `service:*`: LP2 only (it reaches every topic of the service);
 * - any other pattern, named or wildcard: LP11 (Permissions management) > LP12 (sensitive read)
 *   > LP13 (destructive write) > LP3 (a wildcard reaching other writes) / LP10 (a named write);
 * - `iam:PassRole` is its own topic, LP6, whichever pattern grants it, and takes part in no other;
 * - NotAction (LP4), NotResource (LP5) and unknown actions (LP7) describe the statement's shape and
 *   are reported alongside.
 * Only actions that support resource-level permissions are LP3/LP10/LP11/LP13 material (the others
 * need `*`); sensitive reads are judged whatever their resource support.
 */
import { isDestructiveWrite, isSensitiveRead } from './action-classes';
import { ActionCatalog, ActionInfo } from './catalog';
import { ConditionNote, conditionVerdict } from './conditions';
import { PolicyDocument, Statement } from './document';
import { globMatch, hasWildcard } from './glob';
import { deniedEverywhere, isAllActions, statementMatchesAction, unconditionalDenies } from './permissions';
import { UnboundedResource, unboundedResourcesForAction } from './resources';

/** Granular findings (`Action::s3:*`) per least-privilege question. */
export interface LeastPrivilegeFindings {
  /** Allow of every action (`*`). */
  readonly allowAll: readonly string[];
  /** `service:*` on an unbounded resource. */
  readonly serviceWide: readonly string[];
  /** A wildcard action reaching Write actions (none more severe) on an unbounded resource. */
  readonly wildcardWrite: readonly string[];
  /** Allow with NotAction. */
  readonly notAction: readonly string[];
  /** Allow with NotResource. */
  readonly notResource: readonly string[];
  /** `iam:PassRole` on an unbounded resource. */
  readonly passRole: readonly string[];
  /** Actions or service prefixes that do not exist. */
  readonly unknownActions: readonly string[];
  /** A named Write action (none more severe) that could be scoped, on an unbounded resource. */
  readonly writeOnUnbounded: readonly string[];
  /** A Permissions-management action that could be scoped, on an unbounded resource (named or through a wildcard). */
  readonly permissionsManagement: readonly string[];
  /** A read of sensitive data on an unbounded resource, without a condition that narrows it. */
  readonly sensitiveRead: readonly string[];
  /** A destructive Write that could be scoped, on an unbounded resource. */
  readonly destructiveWrite: readonly string[];
}

/** The questions, as keys of {@link LeastPrivilegeFindings}. */
export type LeastPrivilegeTopic = keyof LeastPrivilegeFindings;

export const NO_LEAST_PRIVILEGE_FINDINGS: LeastPrivilegeFindings = Object.freeze({
  allowAll: [],
  serviceWide: [],
  wildcardWrite: [],
  notAction: [],
  notResource: [],
  passRole: [],
  unknownActions: [],
  writeOnUnbounded: [],
  permissionsManagement: [],
  sensitiveRead: [],
  destructiveWrite: [],
});

/** One finding of one statement, with what a message needs to explain it. */
export interface StatementFinding {
  readonly topic: LeastPrivilegeTopic;
  /** `Action::s3:PutObject`, `Action::s3:Put*` (as written for wildcards). */
  readonly finding: string;
  /** The catalog actions behind it, most telling first (a few). */
  readonly actions: readonly string[];
  /** The resources judged unbounded for those actions, and why. */
  readonly unbounded: readonly UnboundedResource[];
  /** Conditions present that do not narrow it, and why (e.g. iam:PassedToService on PassRole). */
  readonly conditions: readonly ConditionNote[];
}

const SERVICE_WIDE = /^[^:*?]+:\*$/;
const PASS_ROLE = 'iam:passrole';

export interface LeastPrivilegeOptions {
  /**
   * The document is only used as a permissions boundary: a ceiling, not a grant, so only the
   * validity of its actions is checked.
   */
  readonly boundaryOnly?: boolean;
}

/** Answers every least-privilege question about one document. */
export function analyzeLeastPrivilege(doc: PolicyDocument, options: LeastPrivilegeOptions = {}): LeastPrivilegeFindings {
  // Apps repeat the same documents many times over (every role CDK grants the same bucket and
  // table gets the same statements); the analysis is a pure function of the document.
  const byObject = options.boundaryOnly ? ANALYSES_OF_BOUNDARY_OBJECTS : ANALYSES_OF_OBJECTS;
  const known = byObject.get(doc);
  if (known) return known;
  const key = JSON.stringify([doc.statements, options.boundaryOnly === true]);
  const cached = ANALYSES.get(key);
  if (cached) return cached;
  if (ANALYSES.size >= MAX_CACHED_ANALYSES) ANALYSES.clear();
  const findings = analyzeUncached(doc, options);
  ANALYSES.set(key, findings);
  byObject.set(doc, findings);
  return findings;
}

const MAX_CACHED_ANALYSES = 10_000;
const ANALYSES = new Map<string, LeastPrivilegeFindings>();
// The app model hands the same document object to every resource with the same content: no key to build then.
const ANALYSES_OF_OBJECTS = new WeakMap<PolicyDocument, LeastPrivilegeFindings>();
const ANALYSES_OF_BOUNDARY_OBJECTS = new WeakMap<PolicyDocument, LeastPrivilegeFindings>();

function analyzeUncached(doc: PolicyDocument, options: LeastPrivilegeOptions): LeastPrivilegeFindings {
  const catalog = ActionCatalog.get();
  const sets: { [topic: string]: Set<string> } = {};
  for (const topic of Object.keys(NO_LEAST_PRIVILEGE_FINDINGS)) sets[topic] = new Set();
  for (const statement of doc.statements) {
    if (statement.effect !== 'Allow') continue;
    for (const action of statement.actions ?? []) {
      const validity = catalog.check(action);
      if (validity === 'unknown-action' || validity === 'unknown-service') sets.unknownActions.add(`Action::${action}`);
    }
    if (options.boundaryOnly) continue;
    for (const f of statementFindings(statement, doc)) sets[f.topic].add(f.finding);
  }
  const out: { [key: string]: string[] } = {};
  for (const [key, set] of Object.entries(sets)) out[key] = Object.freeze([...set]) as string[];
  return Object.freeze(out) as unknown as LeastPrivilegeFindings;
}

const FINDINGS_OF_STATEMENTS = new WeakMap<Statement, readonly StatementFinding[]>();

/**
 * The least-privilege findings of one Allow statement of `doc` (its Denies are subtracted, its
 * tagging grants undo resource-tag conditions), except unknown actions. Messages use it to say
 * which statement grants a finding and why.
 */
export function statementFindings(statement: Statement, doc: PolicyDocument): readonly StatementFinding[] {
  if (statement.effect !== 'Allow') return [];
  let found = FINDINGS_OF_STATEMENTS.get(statement);
  if (!found) {
    found = Object.freeze(computeStatementFindings(statement, doc));
    FINDINGS_OF_STATEMENTS.set(statement, found);
  }
  return found;
}

/** What one catalog action granted by a statement comes to. */
interface ActionJudgement {
  readonly info: ActionInfo;
  /** Unbounded resources left after Denies; empty when bounded, not applicable, denied or narrowed. */
  readonly unbounded: readonly UnboundedResource[];
  readonly conditions: readonly ConditionNote[];
}

function computeStatementFindings(statement: Statement, doc: PolicyDocument): StatementFinding[] {
  const catalog = ActionCatalog.get();
  const denies = unconditionalDenies([doc]);
  const out: StatementFinding[] = [];
  const shape = (topic: LeastPrivilegeTopic, finding: string) => out.push({ topic, finding, actions: [], unbounded: [], conditions: [] });
  if (statement.notActions !== undefined) shape('notAction', `NotAction::${statement.notActions.join(',') || '(empty)'}`);
  if (statement.notResources !== undefined) shape('notResource', `NotResource::${statement.notResources.join(',') || '(empty)'}`);

  const judge = (info: ActionInfo): ActionJudgement => {
    const all = unboundedResourcesForAction(statement, info);
    if (all.length === 0) return { info, unbounded: [], conditions: [] };
    const verdict = conditionVerdict(statement, info, doc);
    if (verdict.narrowedBy) return { info, unbounded: [], conditions: [] };
    if (deniedEverywhere(denies, info.key, all.map(u => u.resource))) return { info, unbounded: [], conditions: [] };
    return { info, unbounded: all, conditions: verdict.notNarrowing };
  };

  for (const action of statement.actions ?? []) {
    const lower = action.toLowerCase();
    if (isAllActions(lower)) {
      if (!deniedEverywhere(denies, '*', ['*'])) shape('allowAll', 'Action::*');
      continue;
    }
    if (lower.includes('<')) continue;
    const infos = catalog.expand(lower).filter(info => info.key !== PASS_ROLE);
    if (SERVICE_WIDE.test(lower)) {
      for (const info of infos) {
        const j = judge(info);
        if (j.unbounded.length === 0) continue;
        out.push({ topic: 'serviceWide', finding: `Action::${action}`, actions: [info.name], unbounded: j.unbounded, conditions: j.conditions });
        break;
      }
      continue;
    }
    const wildcard = hasWildcard(lower);
    let best: { rank: number; topic: LeastPrivilegeTopic; judgements: ActionJudgement[] } | undefined;
    for (const info of infos) {
      const rank = rankOf(info);
      if (rank === 0 || (best && rank < best.rank)) continue;
      const j = judge(info);
      if (j.unbounded.length === 0) continue;
      if (!best || rank > best.rank) best = { rank, topic: topicOf(rank, wildcard), judgements: [j] };
      else if (best.judgements.length < 3) best.judgements.push(j);
    }
    if (best) {
      const first = best.judgements[0];
      out.push({
        topic: best.topic,
        finding: `Action::${wildcard ? action : first.info.name}`,
        actions: best.judgements.map(j => j.info.name),
        unbounded: first.unbounded,
        conditions: first.conditions,
      });
    }
  }

  const passRoleGranted = statement.actions
    ? statement.actions.some(a => !isAllActions(a) && globMatch(a, PASS_ROLE))
    : statementMatchesAction(statement, PASS_ROLE);
  const passRole = passRoleGranted ? catalog.lookup(PASS_ROLE) : undefined;
  if (passRole) {
    const j = judge(passRole);
    if (j.unbounded.length > 0) {
      out.push({ topic: 'passRole', finding: 'Action::iam:PassRole', actions: [passRole.name], unbounded: j.unbounded, conditions: j.conditions });
    }
  }
  return out;
}

const RANK_PERMISSIONS = 4;
const RANK_SENSITIVE = 3;
const RANK_DESTRUCTIVE = 2;
const RANK_WRITE = 1;

/** How severe an action is on every resource: 0 when not a finding at all. */
function rankOf(info: ActionInfo): number {
  if (isSensitiveRead(info)) return info.accessLevel === 'Permissions management' && info.resourceLevel ? RANK_PERMISSIONS : RANK_SENSITIVE;
  if (!info.resourceLevel) return 0;
  if (info.accessLevel === 'Permissions management') return RANK_PERMISSIONS;
  if (isDestructiveWrite(info)) return RANK_DESTRUCTIVE;
  if (info.accessLevel === 'Write') return RANK_WRITE;
  return 0;
}

function topicOf(rank: number, wildcard: boolean): LeastPrivilegeTopic {
  switch (rank) {
    case RANK_PERMISSIONS: return 'permissionsManagement';
    case RANK_SENSITIVE: return 'sensitiveRead';
    case RANK_DESTRUCTIVE: return 'destructiveWrite';
    default: return wildcard ? 'wildcardWrite' : 'writeOnUnbounded';
  }
}
