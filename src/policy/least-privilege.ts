/**
 * Least-privilege questions about one policy document, answered per Allow statement. Denies in the
 * same document that always apply are subtracted, so adding a Deny never adds a finding.
 */
import { ActionCatalog } from './catalog';
import { PolicyDocument, Statement } from './document';
import { globMatch, hasWildcard } from './glob';
import { deniedEverywhere, isAllActions, statementMatchesAction, unconditionalDenies } from './permissions';
import { unboundedResourcesOfStatement } from './resources';

/** Granular findings (`Action::s3:*`) per least-privilege question. */
export interface LeastPrivilegeFindings {
  /** Allow of every action (`*`). */
  readonly allowAll: readonly string[];
  /** `service:*` on an unbounded resource. */
  readonly serviceWide: readonly string[];
  /** A wildcard action reaching Write or Permissions-management actions on an unbounded resource. */
  readonly wildcardWrite: readonly string[];
  /** Allow with NotAction. */
  readonly notAction: readonly string[];
  /** Allow with NotResource. */
  readonly notResource: readonly string[];
  /** `iam:PassRole` on an unbounded resource. */
  readonly passRole: readonly string[];
  /** Actions or service prefixes that do not exist. */
  readonly unknownActions: readonly string[];
  /** A named Write or Permissions-management action that could be scoped, on an unbounded resource. */
  readonly writeOnUnbounded: readonly string[];
}

export const NO_LEAST_PRIVILEGE_FINDINGS: LeastPrivilegeFindings = Object.freeze({
  allowAll: [], serviceWide: [], wildcardWrite: [], notAction: [], notResource: [], passRole: [], unknownActions: [], writeOnUnbounded: [],
});

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
  const denies = unconditionalDenies([doc]);
  const sets = {
    allowAll: new Set<string>(),
    serviceWide: new Set<string>(),
    wildcardWrite: new Set<string>(),
    notAction: new Set<string>(),
    notResource: new Set<string>(),
    passRole: new Set<string>(),
    unknownActions: new Set<string>(),
    writeOnUnbounded: new Set<string>(),
  };
  for (const statement of doc.statements) {
    if (statement.effect !== 'Allow') continue;
    for (const action of statement.actions ?? []) {
      const validity = catalog.check(action);
      if (validity === 'unknown-action' || validity === 'unknown-service') sets.unknownActions.add(`Action::${action}`);
    }
    if (options.boundaryOnly) continue;
    analyzeStatement(statement, denies, catalog, sets);
  }
  const out: { [key: string]: string[] } = {};
  for (const [key, set] of Object.entries(sets)) out[key] = Object.freeze([...set]) as string[];
  return Object.freeze(out) as unknown as LeastPrivilegeFindings;
}

interface FindingSets {
  readonly allowAll: Set<string>;
  readonly serviceWide: Set<string>;
  readonly wildcardWrite: Set<string>;
  readonly notAction: Set<string>;
  readonly notResource: Set<string>;
  readonly passRole: Set<string>;
  readonly writeOnUnbounded: Set<string>;
}

function analyzeStatement(statement: Statement, denies: readonly Statement[], catalog: ActionCatalog, sets: FindingSets): void {
  if (statement.notActions !== undefined) sets.notAction.add(`NotAction::${statement.notActions.join(',') || '(empty)'}`);
  if (statement.notResources !== undefined) sets.notResource.add(`NotResource::${statement.notResources.join(',') || '(empty)'}`);
  const unbounded = unboundedResourcesOfStatement(statement);
  const stillAllowed = (pattern: string) => !deniedEverywhere(denies, pattern, unbounded.length > 0 ? unbounded : ['*']);

  for (const action of statement.actions ?? []) {
    const lower = action.toLowerCase();
    if (isAllActions(lower)) {
      if (stillAllowed('*')) sets.allowAll.add('Action::*');
      continue;
    }
    if (unbounded.length === 0 || lower.includes('<')) continue;
    if (SERVICE_WIDE.test(lower)) {
      if (stillAllowed(lower)) sets.serviceWide.add(`Action::${action}`);
      continue;
    }
    if (hasWildcard(lower)) {
      const reachesWrite = catalog.expand(lower).some(info =>
        info.resourceLevel && (info.accessLevel === 'Write' || info.accessLevel === 'Permissions management') && stillAllowed(info.key));
      if (reachesWrite) sets.wildcardWrite.add(`Action::${action}`);
      continue;
    }
    if (lower === PASS_ROLE) continue;
    const info = catalog.lookup(lower);
    if (info && info.resourceLevel && (info.accessLevel === 'Write' || info.accessLevel === 'Permissions management') && stillAllowed(lower)) {
      sets.writeOnUnbounded.add(`Action::${info.name}`);
    }
  }

  const passRoleGranted = statement.actions
    ? statement.actions.some(a => !isAllActions(a) && globMatch(a, PASS_ROLE))
    : statementMatchesAction(statement, PASS_ROLE);
  if (unbounded.length > 0 && passRoleGranted && !deniedEverywhere(denies, PASS_ROLE, unbounded)) {
    sets.passRole.add('Action::iam:PassRole');
  }
}
