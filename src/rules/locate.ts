/**
 * Where a finding comes from, for messages a reviewer can act on: the policy and statement (Sid,
 * or position) that grant it.
 */
import type { NamedPolicy, ResolvedResource } from '../model/resolved-resource';
import { Statement } from '../policy/document';

/** One statement of one named policy. */
export interface StatementLocation {
  readonly policy: NamedPolicy;
  readonly statement: Statement;
}

/** `statement "AllowS3"`, or `statement #2` (1-based) when it has no Sid. */
export function statementLabel(statement: Statement): string {
  return `statement ${shortLabel(statement)}`;
}

/** `"AllowS3"`, or `#2`. */
function shortLabel(statement: Statement): string {
  return statement.sid ? `"${statement.sid}"` : `#${statement.index + 1}`;
}

/** The statements of a resource's own policies (a principal's, or a policy resource's document) that match. */
export function locateStatements(r: ResolvedResource | undefined,
  matches: (statement: Statement, policy: NamedPolicy) => boolean): StatementLocation[] {
  if (!r) return [];
  const out: StatementLocation[] = [];
  for (const policy of r.ownPolicies()) {
    for (const statement of policy.document.statements) if (matches(statement, policy)) out.push({ policy, statement });
  }
  return out;
}

/**
 * `policy "P" statement "S"` for one location, `policy "P" statements #1 and #3` for several
 * statements of a policy, at most `limit` policies then `and N more`. Empty when none.
 */
export function describeLocations(locations: readonly StatementLocation[], limit = 3): string {
  const byPolicy = new Map<string, Statement[]>();
  for (const l of locations) {
    const list = byPolicy.get(l.policy.name) ?? [];
    if (!list.includes(l.statement)) list.push(l.statement);
    byPolicy.set(l.policy.name, list);
  }
  const parts = [...byPolicy].map(([name, statements]) => {
    const labels = statements.map(shortLabel);
    const noun = statements.length > 1 ? 'statements' : 'statement';
    return `${name} ${noun} ${labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}` : labels[0]}`;
  });
  if (parts.length <= limit) return parts.join('; ');
  return `${parts.slice(0, limit).join('; ')}; and ${parts.length - limit} more`;
}

/** ` (granted by policy "P" statement "S")`, or nothing when no location is known. */
export function grantedBy(locations: readonly StatementLocation[]): string {
  const where = describeLocations(locations);
  return where ? ` (granted by ${where})` : '';
}
