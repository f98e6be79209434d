/**
 * What a change does to IAM: for each principal of two versions of an app, the access it gains
 * and loses (action and resource, grouped by service and access level), the escalation paths it
 * gains, and principals that appear or go. Free of constructs; `diff` renders it.
 */
import { PrincipalPermissions } from './principal-permissions';
import { AccessLevel, ActionPermission } from './types';

/** One action on one resource. */
export interface AccessEntry {
  readonly action: string;
  readonly service: string;
  readonly accessLevel: AccessLevel;
  readonly resource: string;
  /** On every resource of its type (`*` or a wildcard that names none). */
  readonly unbounded: boolean;
}

/** The change to one principal. */
export interface PrincipalChange {
  /** `Stack/LogicalId`, as explain shows it. */
  readonly principal: string;
  readonly kind: string;
  /** `added` (only after), `removed` (only before), `changed`. */
  readonly status: 'added' | 'removed' | 'changed';
  readonly gained: readonly AccessEntry[];
  readonly lost: readonly AccessEntry[];
  /** Escalation paths after the change that were not there before, as `a + b` action lists. */
  readonly newEscalations: readonly string[];
  readonly removedEscalations: readonly string[];
}

/** The principals whose access differs between two versions, the most serious first. */
export function diffPrincipals(before: readonly PrincipalPermissions[], after: readonly PrincipalPermissions[],
  keyOf: (p: PrincipalPermissions) => string = principalKey): PrincipalChange[] {
  const beforeByKey = new Map(before.map(p => [keyOf(p), p]));
  const afterByKey = new Map(after.map(p => [keyOf(p), p]));
  const changes: PrincipalChange[] = [];
  for (const key of new Set([...beforeByKey.keys(), ...afterByKey.keys()])) {
    const old = beforeByKey.get(key);
    const now = afterByKey.get(key);
    const oldAccess = old ? accessOf(old) : new Map<string, AccessEntry>();
    const newAccess = now ? accessOf(now) : new Map<string, AccessEntry>();
    const gained = [...newAccess].filter(([k]) => !oldAccess.has(k)).map(([, e]) => e);
    const lost = [...oldAccess].filter(([k]) => !newAccess.has(k)).map(([, e]) => e);
    const oldPaths = new Set(old ? escalationsOf(old) : []);
    const newPaths = new Set(now ? escalationsOf(now) : []);
    const newEscalations = [...newPaths].filter(p => !oldPaths.has(p));
    const removedEscalations = [...oldPaths].filter(p => !newPaths.has(p));
    const status = !old ? 'added' : !now ? 'removed' : 'changed';
    if (status === 'changed' && gained.length === 0 && lost.length === 0 && newEscalations.length === 0 && removedEscalations.length === 0) continue;
    changes.push({
      principal: key, kind: (now ?? old)!.kind, status, gained: sortEntries(gained), lost: sortEntries(lost), newEscalations, removedEscalations,
    });
  }
  return changes.sort((a, b) => severity(b) - severity(a) || a.principal.localeCompare(b.principal));
}

/** Whether a change grants new escalation or permissions management: what a reviewer must see first. */
export function gainsPrivilege(change: PrincipalChange): boolean {
  return change.newEscalations.length > 0 || change.gained.some(e => e.accessLevel === AccessLevel.PERMISSIONS_MANAGEMENT);
}

function severity(change: PrincipalChange): number {
  if (change.newEscalations.length > 0) return 3;
  if (change.gained.some(e => e.accessLevel === AccessLevel.PERMISSIONS_MANAGEMENT)) return 2;
  return change.gained.length > 0 ? 1 : 0;
}

/** How a principal is matched between versions: its stack and logical id, which CDK keeps stable for the same construct path. */
export function principalKey(p: PrincipalPermissions): string {
  return p.displayName;
}

function accessOf(p: PrincipalPermissions): Map<string, AccessEntry> {
  const out = new Map<string, AccessEntry>();
  for (const action of p.actions) addAction(out, action);
  return out;
}

function addAction(out: Map<string, AccessEntry>, action: ActionPermission): void {
  for (const r of action.resources) {
    out.set(`${action.action}|${r.resource}`, {
      action: action.action, service: action.service, accessLevel: action.accessLevel, resource: r.resource, unbounded: r.unbounded,
    });
  }
}

function escalationsOf(p: PrincipalPermissions): string[] {
  return p.escalationPaths.map(e => e.actions.join(' + '));
}

const LEVEL_ORDER = [
  AccessLevel.PERMISSIONS_MANAGEMENT, AccessLevel.WRITE, AccessLevel.TAGGING, AccessLevel.READ, AccessLevel.LIST, AccessLevel.UNKNOWN,
];

function sortEntries(entries: AccessEntry[]): AccessEntry[] {
  return entries.sort((a, b) => LEVEL_ORDER.indexOf(a.accessLevel) - LEVEL_ORDER.indexOf(b.accessLevel)
    || a.service.localeCompare(b.service) || a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource));
}
