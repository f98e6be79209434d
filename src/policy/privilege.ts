/**
 * How privileged a principal is, as a set of capabilities, so that two principals can be compared:
 * a role is "more privileged" than the principal that can pass it, or a group than the user that
 * can join it, when it has a capability the other lacks. Capabilities are coarse on purpose:
 * administrator access, Permissions-management actions of a service on unbounded resources, and
 * the escalation rows it satisfies.
 */
import { boundaryAllows } from './boundary';
import { ActionCatalog } from './catalog';
import { PolicyDocument, Statement } from './document';
import { awsManagedPolicyOfDocument } from './managed-policies';
import { escalationPaths, isAllActions, statementMatchesAction, unconditionalDenies, denyCoversResource } from './permissions';
import { unboundedResourcesOfStatement } from './resources';

/** Capability key (`Administrator`, `PermissionsManagement::kms`, `Escalation::iam:PutRolePolicy`) -> why, for messages. */
export type Capabilities = ReadonlyMap<string, string>;

export const ADMINISTRATOR = 'Administrator';

/**
 * The capabilities of a principal with these documents (AWS managed policies' included) and boundary.
 */
export function capabilitiesOf(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): Capabilities {
  const caps = new Map<string, string>();
  const denies = unconditionalDenies(boundary ? [...grants, ...boundary] : grants);
  // Under a boundary, "everything" is what the boundary lets through: a proxy question is whether
  // the boundary lets iam:PutRolePolicy reach every role.
  const boundaryKeepsAdministrator = !boundary || boundaryAllows(boundary, 'iam:PutRolePolicy', '*');
  const catalog = ActionCatalog.get();
  const effective = boundary && !boundaryKeepsAdministrator ? grants.map(d => withinBoundary(d, boundary)) : grants;
  for (const doc of effective) {
    for (const s of doc.statements) {
      if (s.effect !== 'Allow') continue;
      const unbounded = unboundedResourcesOfStatement(s);
      if (unbounded.length === 0) continue;
      const survives = (action: string) => unbounded.some(r =>
        !denies.some(d => statementMatchesAction(d, action) && denyCoversResource(d, r)) && boundaryAllows(boundary, action, r));
      if (grantsEverything(s) && boundaryKeepsAdministrator && survives('iam:PutRolePolicy')) {
        const managed = awsManagedPolicyOfDocument(doc);
        caps.set(ADMINISTRATOR, `it is allowed every action on every resource (${managed ? `AWS managed policy ${managed.name} ` : ''}${describeStatement(s)})`);
        continue;
      }
      for (const pattern of s.actions ?? []) {
        if (isAllActions(pattern)) continue;
        for (const info of catalog.expand(pattern)) {
          if (info.accessLevel !== 'Permissions management') continue;
          const service = info.key.slice(0, info.key.indexOf(':'));
          const key = `PermissionsManagement::${service}`;
          if (!caps.has(key) && survives(info.name)) caps.set(key, `it can ${info.name} on unrestricted resources`);
        }
      }
    }
  }
  for (const path of escalationPaths(effective, boundary)) {
    const key = `Escalation::${path.actions.join('+')}`;
    caps.set(key, `it can ${path.row.how} (${path.actions.join(' + ')} on unrestricted resources)`);
  }
  return caps;
}

/**
 * A document whose `"Action": "*"` statements stand for what the boundary allows: an administrator
 * grant under a boundary that allows `s3:*` and `lambda:*` still has those, and so its
 * Permissions-management actions and escalation rows.
 */
function withinBoundary(doc: PolicyDocument, boundary: readonly PolicyDocument[]): PolicyDocument {
  if (!doc.statements.some(s => s.effect === 'Allow' && s.actions?.some(isAllActions))) return doc;
  const allowedByBoundary = boundary.flatMap(b => b.statements).filter(s => s.effect === 'Allow').flatMap(s => s.actions ?? []);
  return {
    statements: doc.statements.map(s => (s.effect === 'Allow' && s.actions?.some(isAllActions)
      ? { ...s, actions: [...s.actions.filter(a => !isAllActions(a)), ...allowedByBoundary.filter(a => !isAllActions(a))] }
      : s)),
  };
}

/** Allow `*` (or a NotAction that excepts nothing of IAM) on an unbounded resource. */
function grantsEverything(s: Statement): boolean {
  if (s.actions) return s.actions.some(isAllActions);
  if (s.notActions) return statementMatchesAction(s, 'iam:PutRolePolicy') && statementMatchesAction(s, 'iam:AttachRolePolicy');
  return false;
}

function describeStatement(s: Statement): string {
  return s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
}

/**
 * What `stronger` can do that `weaker` cannot, most telling first: nothing when `weaker` is an
 * administrator, only Administrator when `stronger` is one.
 */
export function capabilitiesBeyond(stronger: Capabilities, weaker: Capabilities): [string, string][] {
  if (weaker.has(ADMINISTRATOR)) return [];
  if (stronger.has(ADMINISTRATOR)) return [[ADMINISTRATOR, stronger.get(ADMINISTRATOR)!]];
  return [...stronger].filter(([key]) => !weaker.has(key));
}
