/**
 * What a principal is effectively allowed to do: the union of the Allow statements of all its
 * policies, minus explicit Denies, intersected with its permissions boundary (by what the boundary
 * allows, action and resource: see `boundary.ts`). Only conditionless Denies are subtracted (a
 * conditional Deny does not always apply), and a Deny removes a grant only where it certainly
 * covers both the action and the resource.
 */
import { boundaryAllows } from './boundary';
import { BoundedStringCache } from './bounded-cache';
import { ActionCatalog } from './catalog';
import { isNarrowingTest, PolicyDocument, Statement } from './document';
import { ESCALATION_ACTION_INDEX, ESCALATION_ACTIONS, EscalationMatch, PASS_ROLE, PassTargets, satisfiedRows } from './escalation';
import { globCovers, globMatch, globMatcher, hasWildcard } from './glob';
import { resourceCovers, unboundedResourcesForAction, unboundedResourcesOfStatement } from './resources';

/**
 * Actions whose request names the code that runs, by a resource of its own type: `ssm:SendCommand`
 * on every instance but only the document `AWS-CreateVssSnapshot` runs that document, nothing else.
 * They escalate only where every document of the type is allowed.
 */
const CODE_SELECTING_TYPE: ReadonlyMap<string, string> = new Map([
  ['ssm:sendcommand', 'arn:*:ssm:*:*:document/*'],
  ['ssm:createassociation', 'arn:*:ssm:*:*:document/*'],
  ['ssm:startautomationexecution', 'arn:*:ssm:*:*:document/*'],
]);

/** Whether a resource of a statement reaches every resource of a type (partition, region and account aside). */
function coversEveryOfType(resource: string, typeShape: string): boolean {
  if (resource === '*' || resource.startsWith('NotResource:')) return true;
  const fields = resource.split(':');
  if (fields.length < 6) return false;
  const anyWhere = ['arn', '*', fields[2], '*', '*', fields.slice(5).join(':')].join(':');
  return globCovers(anyWhere, typeShape);
}

/**
 * The resources of an Allow statement on which an escalation action is unbounded: judged by the
 * action's resource types (`iam:PassRole` on `arn:aws:s3:::*` names no role), and for actions that
 * name the code they run, only where every document is allowed.
 */
function escalationResources(statement: Statement, action: string, unbounded: readonly string[]): string[] {
  const info = ActionCatalog.get().lookup(action);
  const judged = info ? unboundedResourcesForAction(statement, info).map(u => u.resource) : [...unbounded];
  const codeType = CODE_SELECTING_TYPE.get(action);
  if (!codeType) return judged;
  return statement.notResources !== undefined ? judged : judged.filter(r => coversEveryOfType(r, codeType));
}

/** Whether the statement's Action/NotAction element matches one concrete action. */
export function statementMatchesAction(statement: Statement, action: string): boolean {
  // A boundary's or a Deny's statements are asked about each action of a grant, often thousands
  // (`*:*`): their patterns are prepared once per statement.
  let matches = ACTION_MATCHERS.get(statement);
  if (!matches) {
    const patterns = (statement.actions ?? statement.notActions ?? []).map(globMatcher);
    const listed = statement.actions !== undefined || statement.notActions !== undefined;
    const negated = statement.actions === undefined && statement.notActions !== undefined;
    matches = a => listed && patterns.some(matcher => matcher(a)) !== negated;
    ACTION_MATCHERS.set(statement, matches);
  }
  return matches(action);
}

const ACTION_MATCHERS = new WeakMap<Statement, (action: string) => boolean>();

/**
 * Whether a Deny statement certainly covers every action an Allow pattern (`s3:Put*`) stands for.
 */
export function denyCoversActionPattern(deny: Statement, pattern: string): boolean {
  if (deny.actions) return deny.actions.some(d => globCovers(d, pattern));
  if (deny.notActions) {
    // Deny NotAction [x] covers the pattern only if no excepted action can overlap it. Overlap is
    // exact when one side is a concrete action (globMatch), and assumed when both have wildcards.
    return !deny.notActions.some(n => globMatch(n, pattern) || globMatch(pattern, n) || (hasWildcard(n) && hasWildcard(pattern)));
  }
  return false;
}

/** Whether a Deny statement certainly covers one resource (or unbounded resource pattern). */
export function denyCoversResource(deny: Statement, resource: string): boolean {
  if (deny.resources) return deny.resources.some(d => resourceCovers(d, resource));
  // A Deny with NotResource covers what it does not except; too subtle to be sure, so no.
  return false;
}

/** The conditionless Deny statements of some documents: the ones that always apply. */
export function unconditionalDenies(documents: readonly PolicyDocument[]): Statement[] {
  const out: Statement[] = [];
  for (const doc of documents) {
    for (const s of doc.statements) if (s.effect === 'Deny' && s.conditions.length === 0) out.push(s);
  }
  return out;
}

/** Whether some Deny removes an action pattern on every one of the given resources. */
export function deniedEverywhere(denies: readonly Statement[], actionPattern: string, resources: readonly string[]): boolean {
  if (denies.length === 0 || resources.length === 0) return false;
  return resources.every(r => denies.some(d => denyCoversActionPattern(d, actionPattern) && denyCoversResource(d, r)));
}

// Which escalation actions each action pattern matches, computed once per distinct pattern.
const escalationMatchCache = new BoundedStringCache<readonly number[]>(50_000);

function escalationActionsMatchedBy(pattern: string): readonly number[] {
  return escalationMatchCache.getOrSet(pattern, p => {
    const matches = globMatcher(p);
    return ESCALATION_ACTIONS.flatMap((a, i) => (matches(a) ? [i] : []));
  });
}

/** `"Action": "*"`: reported once as such (LP1) rather than as every escalation it allows. */
export function isAllActions(pattern: string): boolean {
  return pattern === '*' || pattern === '*:*';
}

/** The escalation actions a statement allows, by index into ESCALATION_ACTIONS. */
export function escalationActionsOf(statement: Statement): number[] {
  if (statement.actions) {
    const out = new Set<number>();
    for (const p of statement.actions) {
      if (isAllActions(p)) continue;
      for (const i of escalationActionsMatchedBy(p)) out.add(i);
    }
    return [...out];
  }
  if (statement.notActions) {
    const excluded = new Set<number>();
    for (const p of statement.notActions) for (const i of escalationActionsMatchedBy(p)) excluded.add(i);
    return ESCALATION_ACTIONS.map((_, i) => i).filter(i => !excluded.has(i));
  }
  return [];
}

/** The escalation actions a principal is allowed on unbounded resources, and where it may pass roles. */
export interface EscalationGrants {
  /** Indexes into ESCALATION_ACTIONS. */
  readonly actions: Set<number>;
  /** Where `iam:PassRole` may pass roles (meaningful when it is among the actions). */
  readonly passTo: PassTargets;
}

/**
 * The services an `iam:PassedToService` condition of a statement confines passing to, or `'any'`.
 * Only a narrowing test (StringEquals, StringLike, not negated, not IfExists) confines it.
 */
export function passedToServices(statement: Statement): PassTargets {
  const tests = statement.conditions.filter(t => t.key === 'iam:passedtoservice' && isNarrowingTest(t));
  if (tests.length === 0) return 'any';
  // Several tests on the key must all hold: the tightest one confines.
  return tests.reduce<readonly string[]>((narrowest, t) => (t.values.length < narrowest.length ? t.values : narrowest), tests[0].values);
}

/**
 * The escalation actions allowed on an unbounded resource, after Deny subtraction and the
 * boundary. `boundary` undefined means no boundary (or one this analysis cannot see).
 * `"Action": "*"` is left out: it allows every escalation and is reported as such.
 */
export function allowedEscalationActions(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): Set<number> {
  return escalationGrants(grants, boundary).actions;
}

/** {@link allowedEscalationActions}, with where roles may be passed. */
export function escalationGrants(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): EscalationGrants {
  const allowed = new Set<number>();
  const passServices = new Set<string>();
  let passAnywhere = false;
  const denies = unconditionalDenies(boundary ? [...grants, ...boundary] : grants);
  for (const doc of grants) {
    for (const statement of doc.statements) {
      if (statement.effect !== 'Allow') continue;
      const unbounded = unboundedResourcesOfStatement(statement);
      if (unbounded.length === 0) continue;
      for (const index of escalationActionsOf(statement)) {
        const isPassRole = index === PASS_ROLE_INDEX;
        if (allowed.has(index) && (!isPassRole || passAnywhere)) continue;
        const action = ESCALATION_ACTIONS[index];
        const remaining = escalationResources(statement, action, unbounded)
          .filter(r => !denies.some(d => statementMatchesAction(d, action) && denyCoversResource(d, r)));
        if (remaining.length === 0) continue;
        // The boundary by what it allows: an intersection that is not empty keeps the action.
        if (boundary && !remaining.some(r => boundaryAllows(boundary, action, r))) continue;
        allowed.add(index);
        if (isPassRole) {
          const services = passedToServices(statement);
          if (services === 'any') passAnywhere = true;
          else services.forEach(v => passServices.add(v));
        }
      }
    }
  }
  return { actions: allowed, passTo: passAnywhere ? 'any' : [...passServices] };
}

const PASS_ROLE_INDEX = ESCALATION_ACTION_INDEX.get(PASS_ROLE.toLowerCase())!;

/** The privilege-escalation rows a principal with these policies satisfies. */
export function escalationPaths(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): EscalationMatch[] {
  const { actions, passTo } = escalationGrants(grants, boundary);
  return satisfiedRows(actions, passTo);
}
