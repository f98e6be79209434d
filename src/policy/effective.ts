/**
 * Effective permissions of one principal, from its identity policies and its permissions boundary:
 * what each action is allowed on after Deny subtraction and the boundary, what the boundary makes
 * dead, and a decision with its reason for one request (`allows`). Identity-based policies only:
 * resource policies, SCPs and session policies are not part of a template's principal.
 *
 * The same reading as the rules (`permissions.ts`, `boundary.ts`): only unconditional Denies are
 * subtracted from the listing (a conditional Deny may not apply) and a Deny removes a grant only
 * where it certainly covers it; a conditional Allow may apply, so it counts, marked conditional.
 */
import { boundaryAllows, boundaryIntersection, patternsOverlap } from './boundary';
import { AccessLevel, ActionCatalog, ActionInfo } from './catalog';
import { PolicyDocument, Statement } from './document';
import { ESCALATION_ACTIONS, EscalationMatch } from './escalation';
import { globCovers, globMatch, hasWildcard } from './glob';
import { denyCoversResource, escalationPaths, isAllActions, statementMatchesAction } from './permissions';
import { isUnboundedResource, judgeResource } from './resources';

/** A policy document with the name a reviewer knows it by (`inline policy "P"`, `AWS managed policy "ReadOnlyAccess"`). */
export interface SourcePolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** What the analysis of one principal reads. */
export interface PrincipalPolicies {
  /** Every identity policy that applies (a user's groups' included). */
  readonly policies: readonly SourcePolicy[];
  /** The permissions boundary, when there is one this analysis can read. */
  readonly boundary?: SourcePolicy;
  /** The documents escalation paths are judged on (defaults to every policy's document). */
  readonly escalationGrants?: readonly PolicyDocument[];
  /** The account and region of the principal's stack, when concrete: pseudo parameters of ARNs take them. */
  readonly account?: string;
  readonly region?: string;
}

/** `Unknown`: an action the catalog does not know (a placeholder, a misspelling). */
export type EffectiveAccessLevel = AccessLevel | 'Unknown';

/** The access levels from the least to the most powerful, for `--min-level`-style filters. */
export const ACCESS_LEVEL_ORDER: readonly EffectiveAccessLevel[] = ['Unknown', 'List', 'Read', 'Tagging', 'Write', 'Permissions management'];

/** One statement of one policy. */
export interface StatementRef {
  readonly policy: string;
  /** 0-based position in the document. */
  readonly index: number;
  readonly sid?: string;
  /** `statement "Sid"`, or `statement #2` (1-based) when it has no Sid. */
  readonly label: string;
  /** Whether the statement has a Condition (it may not apply to every request). */
  readonly conditional: boolean;
}

/** Where an action is effectively allowed. */
export interface EffectiveResource {
  /** As written in the grant (placeholders for references), or narrowed to the boundary's pattern; `*` for NotResource. */
  readonly resource: string;
  /** Resources carved out of it: a NotResource list, or a Deny's narrower resources. */
  readonly except: readonly string[];
  /** Whether it reaches every resource of a type the action acts on. */
  readonly unbounded: boolean;
  /** The statements that allow it. */
  readonly grantedBy: readonly StatementRef[];
  /** Whether every statement that allows it has a Condition. */
  readonly conditional: boolean;
  /** Deny statements that remove part of it, or may remove it (conditional). */
  readonly limitedBy: readonly StatementRef[];
}

/** One action a principal is effectively allowed. */
export interface EffectiveAction {
  /** As AWS spells it (`s3:GetObject`); as written when the catalog does not know it. */
  readonly action: string;
  /** The service prefix, lower-cased. */
  readonly service: string;
  readonly accessLevel: EffectiveAccessLevel;
  readonly resources: readonly EffectiveResource[];
  /** Whether some resource is unbounded. */
  readonly unbounded: boolean;
  /** Whether every grant of it is conditional. */
  readonly conditional: boolean;
}

/** A grant that can never be used: the boundary never allows the action on the resource. */
export interface DeadGrant {
  readonly action: string;
  readonly accessLevel: EffectiveAccessLevel;
  readonly resource: string;
  readonly grantedBy: StatementRef;
  /** The boundary policy's name. */
  readonly boundary: string;
}

/** A grant an unconditional Deny removes entirely. */
export interface DeniedGrant {
  readonly action: string;
  readonly resource: string;
  readonly grantedBy: StatementRef;
  readonly deniedBy: StatementRef;
}

export interface EffectivePermissionSet {
  /** Sorted by service, access level (most powerful first) and action. */
  readonly actions: readonly EffectiveAction[];
  readonly dead: readonly DeadGrant[];
  readonly denied: readonly DeniedGrant[];
  readonly escalations: readonly EscalationMatch[];
}

export function statementRef(policy: string, statement: Statement): StatementRef {
  return {
    policy,
    index: statement.index,
    sid: statement.sid,
    label: statement.sid ? `statement "${statement.sid}"` : `statement #${statement.index + 1}`,
    conditional: statement.conditions.length > 0,
  };
}

/** `policy "P" statement "S"`, for reasons. */
export function describeRef(ref: StatementRef): string {
  return `${ref.policy} ${ref.label}`;
}

interface ConcreteAction {
  readonly name: string;
  readonly info?: ActionInfo;
}

/** The concrete actions a statement's Action or NotAction stands for (as the catalog knows them). */
export function concreteActionsOf(statement: Statement): ConcreteAction[] {
  const catalog = ActionCatalog.get();
  const out = new Map<string, ConcreteAction>();
  const add = (a: ConcreteAction) => {
    if (!out.has(a.name.toLowerCase())) out.set(a.name.toLowerCase(), a);
  };
  if (statement.actions) {
    for (const pattern of statement.actions) {
      // A placeholder or a misspelling is kept as written: it may be anything, and a reader must see it.
      const known = pattern.includes('<') ? [] : hasWildcard(pattern) ? catalog.expand(pattern) : [catalog.lookup(pattern)].filter(isDefined);
      if (known.length === 0) add({ name: pattern });
      for (const info of known) add({ name: info.name, info });
    }
  } else if (statement.notActions) {
    const excepted = statement.notActions;
    for (const info of catalog.expand('*')) if (!excepted.some(n => globMatch(n, info.name))) add({ name: info.name, info });
  }
  return [...out.values()];
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function accessLevelOf(action: ConcreteAction): EffectiveAccessLevel {
  return action.info?.accessLevel ?? 'Unknown';
}

function serviceOf(action: string): string {
  const colon = action.indexOf(':');
  return (colon > 0 ? action.slice(0, colon) : action).toLowerCase();
}

interface Deny {
  readonly statement: Statement;
  readonly ref: StatementRef;
  /** A Deny of the boundary: what it removes the boundary makes dead. */
  readonly inBoundary: boolean;
}

function denyStatements(input: PrincipalPolicies): Deny[] {
  const out: Deny[] = [];
  const add = (p: SourcePolicy, inBoundary: boolean) => {
    for (const s of p.document.statements) if (s.effect === 'Deny') out.push({ statement: s, ref: statementRef(p.name, s), inBoundary });
  };
  input.policies.forEach(p => add(p, false));
  if (input.boundary) add(input.boundary, true);
  return out;
}

interface ActionIndex {
  /** The catalog actions the statement's Action or NotAction list names, lower-cased. */
  readonly keys: ReadonlySet<string>;
  /** Patterns the catalog cannot expand (placeholders, misspellings): matched one by one. */
  readonly others: readonly string[];
}

const ACTION_INDEX = new WeakMap<Statement, ActionIndex>();

/**
 * {@link statementMatchesAction} through a set of the actions the statement names, built once per
 * statement: an AWS managed policy (ReadOnlyAccess) lists thousands of patterns, and a NotAction
 * grant is checked against every action of the catalog.
 */
function matchesAction(statement: Statement, action: string): boolean {
  const catalog = ActionCatalog.get();
  const patterns = statement.actions ?? statement.notActions;
  if (!patterns || !catalog.lookup(action)) return statementMatchesAction(statement, action);
  let index = ACTION_INDEX.get(statement);
  if (!index) {
    const keys = new Set<string>();
    const others: string[] = [];
    for (const pattern of patterns) {
      const known = pattern.includes('<') ? [] : catalog.expand(pattern);
      if (known.length === 0) others.push(pattern);
      for (const info of known) keys.add(info.key);
    }
    index = { keys, others };
    ACTION_INDEX.set(statement, index);
  }
  const named = index.keys.has(action.toLowerCase()) || index.others.some(p => globMatch(p, action));
  return statement.actions ? named : !named;
}

/** The boundary's statements about one action: the boundary as far as that action goes. */
function boundaryFor(boundary: PolicyDocument, action: string): PolicyDocument {
  return { statements: boundary.statements.filter(s => matchesAction(s, action)) };
}

/** Whether a Deny may overlap a grant's resource (a partial or conditional limit worth showing). */
function denyTouches(deny: Statement, resource: string): boolean {
  if (deny.notResources !== undefined) return true;
  return (deny.resources ?? []).some(d => patternsOverlap(d, resource));
}

interface ResourceBuilder {
  resource: string;
  except: Set<string>;
  grantedBy: StatementRef[];
  limitedBy: StatementRef[];
  unbounded: boolean;
}

/** The principal's effective permissions: every allowed action with its resources, the dead and the denied grants, its escalation paths. */
export function effectivePermissions(input: PrincipalPolicies): EffectivePermissionSet {
  const denies = denyStatements(input);
  const unconditional = denies.filter(d => d.statement.conditions.length === 0);
  const boundary = input.boundary;
  const byAction = new Map<string, { action: ConcreteAction; resources: Map<string, ResourceBuilder> }>();
  const dead: DeadGrant[] = [];
  const denied: DeniedGrant[] = [];

  for (const policy of input.policies) {
    for (const statement of policy.document.statements) {
      if (statement.effect !== 'Allow') continue;
      const ref = statementRef(policy.name, statement);
      const written = statement.notResources !== undefined ? ['*'] : statement.resources ?? [];
      for (const action of concreteActionsOf(statement)) {
        const matchingDenies = denies.filter(d => matchesAction(d.statement, action.name));
        const ownBoundary = boundary ? boundaryFor(boundary.document, action.name) : undefined;
        for (const resource of written) {
          // A grant on a resource the action never acts on (s3:ListAllMyBuckets on a bucket) grants nothing.
          if (action.info && !judgeResource(resource, action.info).applies) continue;
          const fullyDenied = unconditional.find(d => matchingDenies.includes(d) && denyCoversResource(d.statement, resource));
          if (fullyDenied && !fullyDenied.inBoundary) {
            denied.push({ action: action.name, resource, grantedBy: ref, deniedBy: fullyDenied.ref });
            continue;
          }
          let effective = [resource];
          if (boundary && ownBoundary) {
            if (fullyDenied || !boundaryAllows([ownBoundary], action.name, resource)) {
              dead.push({ action: action.name, accessLevel: accessLevelOf(action), resource, grantedBy: ref, boundary: boundary.name });
              continue;
            }
            effective = narrowedByBoundary(ownBoundary, action.name, resource);
          }
          let entry = byAction.get(action.name.toLowerCase());
          if (!entry) {
            entry = { action, resources: new Map() };
            byAction.set(action.name.toLowerCase(), entry);
          }
          for (const r of effective) {
            let builder = entry.resources.get(r);
            if (!builder) {
              builder = { resource: r, except: new Set(), grantedBy: [], limitedBy: [], unbounded: false };
              entry.resources.set(r, builder);
            }
            builder.grantedBy.push(ref);
            if (statement.notResources !== undefined) {
              statement.notResources.forEach(n => builder!.except.add(n));
              builder.unbounded = true;
            } else {
              builder.unbounded ||= isUnboundedFor(r, action);
            }
            for (const d of matchingDenies) {
              if (!denyTouches(d.statement, r)) continue;
              if (!builder.limitedBy.some(l => l.policy === d.ref.policy && l.index === d.ref.index)) builder.limitedBy.push(d.ref);
              if (d.statement.conditions.length > 0) continue;
              for (const x of d.statement.resources ?? []) if (patternsOverlap(x, r)) builder.except.add(x);
            }
          }
        }
      }
    }
  }

  const actions: EffectiveAction[] = [...byAction.values()].map(({ action, resources }) => {
    const list: EffectiveResource[] = [...resources.values()].map(b => ({
      resource: b.resource,
      except: [...b.except],
      unbounded: b.unbounded,
      grantedBy: b.grantedBy,
      conditional: b.grantedBy.every(g => g.conditional),
      limitedBy: b.limitedBy,
    }));
    return {
      action: action.name,
      service: serviceOf(action.name),
      accessLevel: accessLevelOf(action),
      resources: list,
      unbounded: list.some(r => r.unbounded),
      conditional: list.every(r => r.conditional),
    };
  });
  actions.sort(compareActions);
  dead.sort((a, b) => compareActions(
    { action: a.action, service: serviceOf(a.action), accessLevel: a.accessLevel },
    { action: b.action, service: serviceOf(b.action), accessLevel: b.accessLevel },
  ));
  const grants = (input.escalationGrants ?? input.policies.map(p => p.document)).map(withEscalationActionsSpelledOut);
  const escalations = escalationPaths(grants, boundary ? [boundary.document] : undefined);
  return { actions, dead, denied, escalations };
}

const SPELLED_OUT = new WeakMap<PolicyDocument, PolicyDocument>();

/**
 * The document with `"Action": "*"` spelled out as every escalation action: the rules report `*`
 * once as such and leave it out of escalation paths, but a reader of one principal's permissions
 * must see what `*` opens.
 */
function withEscalationActionsSpelledOut(doc: PolicyDocument): PolicyDocument {
  if (!doc.statements.some(s => s.actions?.some(isAllActions))) return doc;
  let out = SPELLED_OUT.get(doc);
  if (!out) {
    out = {
      statements: doc.statements.map(s => (s.actions?.some(isAllActions)
        ? { ...s, actions: [...s.actions.filter(a => !isAllActions(a)), ...ESCALATION_ACTIONS] }
        : s)),
    };
    SPELLED_OUT.set(doc, out);
  }
  return out;
}

function compareActions(a: Pick<EffectiveAction, 'action' | 'service' | 'accessLevel'>, b: Pick<EffectiveAction, 'action' | 'service' | 'accessLevel'>): number {
  if (a.service !== b.service) return a.service < b.service ? -1 : 1;
  const levels = ACCESS_LEVEL_ORDER.indexOf(b.accessLevel) - ACCESS_LEVEL_ORDER.indexOf(a.accessLevel);
  if (levels !== 0) return levels;
  return a.action.toLowerCase() < b.action.toLowerCase() ? -1 : a.action.toLowerCase() > b.action.toLowerCase() ? 1 : 0;
}

function isUnboundedFor(resource: string, action: ConcreteAction): boolean {
  return action.info ? judgeResource(resource, action.info).why !== undefined : isUnboundedResource(resource);
}

/**
 * The resources of a grant the boundary lets through: the boundary's narrower pattern where it
 * names fewer resources (a grant on `*` under a boundary on one bucket is a grant on that bucket).
 */
function narrowedByBoundary(boundary: PolicyDocument, action: string, resource: string): string[] {
  // A reference (`<Bucket.Arn>/*`) names one resource the boundary's pattern may or may not reach: kept as written.
  if (resource.includes('<')) return [resource];
  const pieces = boundaryIntersection([boundary], action, resource);
  const narrowed = [...new Set(pieces.map(p => p.resource))];
  const narrower = narrowed.every(n => n !== resource && n !== '*' && globCovers(resource, n));
  return narrowed.length === 0 || !narrower ? [resource] : narrowed;
}

/** Why a request is allowed or not, the IAM way: an explicit Deny wins, then an Allow is needed, then the boundary must allow it too. */
export type DecisionKind = 'allowed' | 'explicit-deny' | 'implicit-deny' | 'boundary';

export interface Decision {
  readonly allowed: boolean;
  readonly kind: DecisionKind;
  /** The action asked about, as asked. */
  readonly action: string;
  /** The concrete action decided on (for a pattern: the first allowed one, else the first). */
  readonly matchedAction: string;
  readonly resource?: string;
  readonly allowedBy: readonly StatementRef[];
  readonly deniedBy: readonly StatementRef[];
  /** The boundary's statements that let it through, when there is a boundary. */
  readonly boundaryAllowedBy: readonly StatementRef[];
  /** Conditional Denies that may apply: the request is allowed only when their conditions do not hold. */
  readonly conditionalDenies: readonly StatementRef[];
  /** The boundary's name, when there is one. */
  readonly boundary?: string;
  /** Whether every allowing statement (or boundary statement) has a Condition. */
  readonly conditional: boolean;
  /** One sentence saying why. */
  readonly reason: string;
}

/**
 * The decision for a request of `action` on `resource`. Actions compare case-insensitively with the
 * policies' wildcards; an action pattern (`s3:Delete*`) is allowed when any action it stands for is
 * (the cautious reading for "cannot" assertions). Without a resource: allowed on some resource.
 * A resource with wildcards (`<Bucket.Arn>/*`): allowed when a grant reaches some of it, denied
 * only by a Deny that covers all of it.
 */
export function decide(input: PrincipalPolicies, action: string, resource?: string): Decision {
  const request = resource === undefined ? undefined : concretize(resource, input, false);
  const candidates = hasWildcard(action) && !action.includes('<') ? ActionCatalog.get().expand(action).map(a => a.name) : [];
  if (candidates.length === 0) return decideOne(input, action, action, request, resource);
  let first: Decision | undefined;
  for (const candidate of candidates) {
    const d = decideOne(input, action, candidate, request, resource);
    if (d.allowed) return d;
    if (!first || (first.kind === 'implicit-deny' && d.kind !== 'implicit-deny')) first = d;
  }
  const none = `none of the ${candidates.length} actions ${action} stands for is allowed`;
  return { ...first!, reason: `${none}${first!.kind === 'implicit-deny' ? '' : `; e.g. ${first!.reason}`}` };
}

function decideOne(input: PrincipalPolicies, asked: string, action: string, request: string | undefined, written: string | undefined): Decision {
  const on = written === undefined ? '' : ` on ${written}`;
  const base = {
    action: asked,
    matchedAction: action,
    resource: written,
    allowedBy: [] as StatementRef[],
    deniedBy: [] as StatementRef[],
    boundaryAllowedBy: [] as StatementRef[],
    conditionalDenies: [] as StatementRef[],
    boundary: input.boundary?.name,
    conditional: false,
  };
  // Allows first, so that a Deny without a resource can be judged against what is granted.
  const allows: Array<{ ref: StatementRef; resources: string[] }> = [];
  for (const policy of input.policies) {
    for (const s of policy.document.statements) {
      if (s.effect !== 'Allow' || !matchesAction(s, action)) continue;
      const granted = s.notResources !== undefined ? ['*'] : (s.resources ?? []).map(r => concretize(r, input, true));
      if (request !== undefined && !matchesResource(s, input, request, 'allow')) continue;
      allows.push({ ref: statementRef(policy.name, s), resources: granted });
    }
  }
  const grantedResources = [...new Set(allows.flatMap(a => a.resources))];
  const denies = denyStatements(input).filter(d => matchesAction(d.statement, action));
  const coversAllGranted = (d: Statement) => grantedResources.length > 0
    && grantedResources.every(r => (d.resources ?? []).some(x => globCovers(concretize(x, input, true), r)));
  const applicable = denies.filter(d => (request !== undefined ? matchesResource(d.statement, input, request, 'deny') : coversAllGranted(d.statement)));
  const hard = applicable.filter(d => d.statement.conditions.length === 0);
  const conditionalDenies = applicable.filter(d => d.statement.conditions.length > 0).map(d => d.ref);
  if (hard.length > 0) {
    return {
      ...base,
      allowed: false,
      kind: 'explicit-deny',
      allowedBy: allows.map(a => a.ref),
      deniedBy: hard.map(d => d.ref),
      conditionalDenies,
      reason: `${action}${on} is explicitly denied by ${hard.map(d => describeRef(d.ref)).join('; ')}`
        + (allows.length > 0 ? ` (although ${allows.map(a => describeRef(a.ref)).join('; ')} allows it)` : ''),
    };
  }
  if (allows.length === 0) {
    return { ...base, allowed: false, kind: 'implicit-deny', conditionalDenies, reason: `no identity policy allows ${action}${on}` };
  }
  const allowedBy = allows.map(a => a.ref);
  let boundaryAllowedBy: StatementRef[] = [];
  if (input.boundary) {
    const b = input.boundary;
    const statements = b.document.statements.filter(s => s.effect === 'Allow' && matchesAction(s, action));
    const passing = request !== undefined
      ? statements.filter(s => matchesResource(s, input, request, 'allow'))
      : statements.filter(s => grantedResources.some(r => boundaryAllows([{ statements: [s] }], action, r)));
    if (passing.length === 0) {
      return {
        ...base,
        allowed: false,
        kind: 'boundary',
        allowedBy,
        conditionalDenies,
        reason: `${action}${on} is allowed by ${allowedBy.map(describeRef).join('; ')}, but the permissions boundary ${b.name} never allows it there`,
      };
    }
    boundaryAllowedBy = passing.map(s => statementRef(b.name, s));
  }
  const conditional = allowedBy.every(r => r.conditional) || (boundaryAllowedBy.length > 0 && boundaryAllowedBy.every(r => r.conditional));
  const caveats = [
    conditional ? 'only when its conditions hold' : '',
    conditionalDenies.length > 0 ? `unless the conditions of ${conditionalDenies.map(describeRef).join('; ')} hold` : '',
  ].filter(c => c.length > 0);
  return {
    ...base,
    allowed: true,
    kind: 'allowed',
    allowedBy,
    boundaryAllowedBy,
    conditionalDenies,
    conditional,
    reason: `${action}${on} is allowed by ${allowedBy.map(describeRef).join('; ')}`
      + (input.boundary ? ` and the permissions boundary ${input.boundary.name} lets it through` : '')
      + (caveats.length > 0 ? ` (${caveats.join(', ')})` : ''),
  };
}

/**
 * Whether a statement's Resource/NotResource element reaches a requested resource. A concrete
 * request is matched as IAM does; a request with wildcards is reached by an Allow that overlaps it
 * and by a Deny only where the Deny covers all of it (NotResource: where no exception touches it).
 */
function matchesResource(s: Statement, input: PrincipalPolicies, request: string, side: 'allow' | 'deny'): boolean {
  const wild = hasWildcard(request);
  const reaches = (pattern: string) => {
    const p = concretize(pattern, input, true);
    if (!wild) return globMatch(p, request);
    return side === 'allow' ? patternsOverlap(p, request) : globCovers(p, request);
  };
  const excludes = (pattern: string) => {
    const p = concretize(pattern, input, true);
    if (!wild) return globMatch(p, request);
    return side === 'allow' ? globCovers(p, request) : patternsOverlap(p, request);
  };
  if (s.notResources !== undefined) return !s.notResources.some(excludes);
  return (s.resources ?? []).some(reaches);
}

const PSEUDO = /<AWS::(Partition|Region|AccountId|URLSuffix)>/g;

/**
 * Pseudo parameters as deployed: the partition `aws`, the URL suffix `amazonaws.com`, the stack's
 * account and region when concrete. In a policy's pattern an unknown account or region, and a
 * value unknown before deployment (`<?Parameter:X>`), match anything; in a request they stay as
 * written (a token of the same stack reads the same).
 */
export function concretize(value: string, env: { readonly account?: string; readonly region?: string }, pattern: boolean): string {
  if (!value.includes('<')) return value;
  let out = value.replace(PSEUDO, (whole, name: string) => {
    switch (name) {
      case 'Partition': return 'aws';
      case 'URLSuffix': return 'amazonaws.com';
      case 'AccountId': return env.account ?? (pattern ? '*' : whole);
      default: return env.region ?? (pattern ? '*' : whole);
    }
  });
  if (pattern) out = out.replace(/<\?[^<>]*>/g, '*');
  return out;
}
