/**
 * A permissions boundary by what it allows. A boundary caps a principal at the intersection of its
 * identity policies and the boundary's Allow statements, minus the boundary's Denies: a boundary
 * that allows `lambda:*` on `arn:aws:lambda:*:123456789012:function:*` still lets an administrator
 * grant reach every function of the account, and one that allows `*` on one bucket caps
 * `iam:PutRolePolicy` to nothing (no role ARN is a bucket ARN).
 *
 * The questions here are "may some request of this grant pass the boundary": an Allow of the
 * boundary with a Condition is taken to apply (it may), a Deny with a Condition is not subtracted
 * (it may not apply), and a Deny is only subtracted where it certainly covers the whole
 * intersection. So an escalation is never hidden by a boundary that might let it through, and a
 * grant is only called dead when no request of it can pass.
 */
import { BoundedPairCache, BoundedStringCache } from './bounded-cache';
import { ActionCatalog } from './catalog';
import { PolicyDocument, Statement } from './document';
import { globCovers, globMatch, hasWildcard } from './glob';
import { statementMatchesAction } from './permissions';
import { resourcePattern } from './resources';

/** Part of a grant the boundary lets through: an action on resources allowed by one boundary statement. */
export interface BoundaryPiece {
  /** The action (as asked). */
  readonly action: string;
  /**
   * The resources of the intersection: the narrower of the grant's and the boundary's pattern when
   * one covers the other, otherwise the grant's (an over-approximation).
   */
  readonly resource: string;
  /** The boundary statement that allows it. */
  readonly statement: Statement;
}

/**
 * The parts of `action` on `resource` (an IAM resource pattern, as a grant writes it) that the
 * boundary lets through: empty when the boundary never allows the action on that resource. `action`
 * is one exact action (`lambda:CreateFunction`); for a pattern use {@link boundaryMayAllowPattern}.
 */
export function boundaryIntersection(boundary: readonly PolicyDocument[], action: string, resource: string): BoundaryPiece[] {
  const grant = asPattern(resource);
  const request = ActionCatalog.get().requestResources(action);
  const pieces: BoundaryPiece[] = [];
  const denies: Statement[] = [];
  for (const doc of boundary) {
    for (const s of doc.statements) {
      if (!statementMatchesAction(s, action)) continue;
      if (s.effect === 'Deny') {
        if (s.conditions.length === 0) denies.push(s);
        continue;
      }
      if (s.notResources !== undefined) {
        // Allow everything except NotResource: the grant passes unless an exception covers it.
        if (!s.notResources.some(n => globCovers(asPattern(n), grant)) && requestCanName(request, grant)) {
          pieces.push({ action, resource, statement: s });
        }
        continue;
      }
      for (const raw of s.resources ?? []) {
        const allowed = asPattern(raw);
        const narrower = globCovers(allowed, grant) ? grant : globCovers(grant, allowed) ? allowed : undefined;
        const overlaps = narrower !== undefined
          ? requestCanName(request, narrower)
          : resourcesOverlap(allowed, grant) && requestCanName(request, allowed) && requestCanName(request, grant);
        // Equal patterns keep the grant's own spelling (its placeholders), which a Deny may share.
        if (overlaps) pieces.push({ action, resource: narrower !== undefined && narrower !== grant ? raw : resource, statement: s });
      }
    }
  }
  if (denies.length === 0) return pieces;
  return pieces.filter(p => !denies.some(d => denyCovers(d, p, grant)));
}

/** Whether the boundary may let `action` (one exact action) on `resource` through; no boundary lets everything through. */
export function boundaryAllows(boundary: readonly PolicyDocument[] | undefined, action: string, resource: string): boolean {
  if (boundary === undefined) return true;
  const pieces = boundaryIntersection(boundary, action, resource);
  if (pieces.length === 0) return false;
  // A request names a resource of every required type (ssm:SendCommand: a document, whatever
  // instances it targets), and each must pass: the pieces must reach every required type.
  const required = ActionCatalog.get().requestResources(action)?.required ?? [];
  return required.every(shape => pieces.some(p => resourcesOverlap(shape, asPattern(p.resource))));
}

/**
 * Whether the boundary may let any action of an action pattern (`s3:*`, `s3:Get*`, an exact action)
 * on `resource` through. Patterns are expanded with the action catalog; a pattern the catalog
 * cannot expand (a placeholder, a misspelling) is given the benefit of the doubt.
 */
export function boundaryMayAllowPattern(boundary: readonly PolicyDocument[] | undefined, pattern: string, resource: string): boolean {
  if (boundary === undefined) return true;
  const actions = hasWildcard(pattern) ? ActionCatalog.get().expand(pattern).map(a => a.name) : [pattern];
  if (actions.length === 0) return true;
  return actions.some(a => boundaryAllows(boundary, a, resource));
}

/** Whether a Deny certainly covers a whole piece: its action, and the grant's or the boundary's resources. */
function denyCovers(deny: Statement, piece: BoundaryPiece, grant: string): boolean {
  if (deny.resources === undefined) return false;
  const narrowest = asPattern(piece.resource);
  return deny.resources.some(d => globCovers(d, grant) || globCovers(d, narrowest) || coversSamePlaceholder(d, piece.resource));
}

/**
 * Whether a Deny pattern with placeholders certainly covers a resource written with the same
 * placeholders: `<Bucket.Arn>/*` covers `<Bucket.Arn>/AWSLogs/x`, whatever the bucket's ARN turns
 * out to be, because one placeholder stands for one value. A placeholder of the Deny that the
 * resource does not share may be anything, so such a Deny is never certain; the resource's own
 * other placeholders are taken as `*` (the widest they can be).
 */
function coversSamePlaceholder(deny: string, resource: string): boolean {
  if (!deny.includes('<')) return false;
  const shared = new Map<string, string>();
  const token = (placeholder: string) => {
    if (!shared.has(placeholder)) shared.set(placeholder, `\u0000${shared.size}\u0000`);
    return shared.get(placeholder)!;
  };
  const placeholders = deny.match(/<[^<>]*>/g) ?? [];
  if (placeholders.some(p => !resource.includes(p) || p.startsWith('<?'))) return false;
  const denyLiteral = deny.replace(/<[^<>]*>/g, p => token(p));
  const resourceLiteral = asPattern(resource.replace(/<[^<>]*>/g, p => (shared.has(p) ? shared.get(p)! : p)));
  return globCovers(denyLiteral, resourceLiteral);
}

type RequestResources = NonNullable<ReturnType<ActionCatalog['requestResources']>>;

// A grant's pattern is asked about against every action a statement or boundary reaches: what is
// computed from the pattern alone is kept per pattern (long ones only while they are analysed).
const MAX_CACHED = 50_000;
const canNameCache = new BoundedPairCache<RequestResources, boolean>(MAX_CACHED);
const overlapsCache = new BoundedPairCache<string, boolean>(MAX_CACHED);

/** Whether a request for the action can name some resource of the pattern. */
function requestCanName(request: ReturnType<ActionCatalog['requestResources']>, pattern: string): boolean {
  if (!request) return true;
  return canNameCache.getOrSet(pattern, request,
    () => (request.unscoped && matchesStarCache.getOrSet(pattern, p => globMatch(p, '*'))) || request.arns.some(arn => resourcesOverlap(arn, pattern)));
}

/** Whether a pattern matches `*`, the resource of requests without a resource type. */
const matchesStarCache = new BoundedStringCache<boolean>(MAX_CACHED);

/** A resource as a pattern over the strings it may stand for; NotResource reaches everything. */
function asPattern(resource: string): string {
  return resource.startsWith('NotResource:') ? '*' : resourcePattern(resource);
}

/**
 * Whether two resource patterns may name a common resource. ARNs are compared field by field up to
 * the resource part: a partition, service, region or account never contains a colon, so the `*`
 * of `arn:aws:s3:::b/*` cannot stand for `x:ssm:...` and that pattern names no SSM document.
 */
export function resourcesOverlap(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  // Kept by the second pattern (a grant's), then the first (an ARN format or a boundary's).
  return overlapsCache.getOrSet(b, a, () => computeResourcesOverlap(a, b));
}

function computeResourcesOverlap(a: string, b: string): boolean {
  const fa = arnFields(a);
  const fb = arnFields(b);
  if (!fa || !fb) return patternsOverlap(a, b);
  for (let i = 0; i < 6; i++) if (!patternsOverlap(fa[i], fb[i])) return false;
  return true;
}

/** `arn`, partition, service, region, account and the resource part, or undefined when not an ARN of six fields. */
function arnFields(pattern: string): string[] | undefined {
  if (pattern.slice(0, 4).toLowerCase() !== 'arn:') return undefined;
  const fields: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const colon = pattern.indexOf(':', from);
    if (colon < 0) return undefined;
    fields.push(pattern.slice(from, colon));
    from = colon + 1;
  }
  fields.push(pattern.slice(from));
  return fields;
}

// Overlap tables grow with the product of the lengths: beyond this, assume an overlap.
const MAX_OVERLAP_CELLS = 1_000_000;
const overlapCache = new Map<string, boolean>();
const MAX_CACHED_OVERLAPS = 50_000;

/**
 * Whether two IAM wildcard patterns match some common string, ignoring case: `arn:aws:lambda:*`
 * and `*:function:*` do, `arn:aws:s3:::b/*` and `arn:*:iam::*:role/*` do not. Exact (a dynamic
 * programme over both patterns, no regular expression), in time proportional to the product of
 * their lengths; over a size limit the answer is a conservative yes.
 */
export function patternsOverlap(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  // globMatch folds case itself (long values once): no lower-cased copies of both on every call.
  if (!hasWildcard(a)) return globMatch(b, a);
  if (!hasWildcard(b)) return globMatch(a, b);
  if ((a.length + 1) * (b.length + 1) > MAX_OVERLAP_CELLS) return true;
  const p = a.toLowerCase();
  const q = b.toLowerCase();
  const key = `${p}\u0000${q}`;
  let result = overlapCache.get(key);
  if (result === undefined) {
    result = overlapTable(p, q);
    if (overlapCache.size >= MAX_CACHED_OVERLAPS) overlapCache.clear();
    overlapCache.set(key, result);
  }
  return result;
}

/** reach[i][j]: p[i..] and q[j..] match a common string; computed from the ends, one row at a time. */
function overlapTable(p: string, q: string): boolean {
  const m = p.length;
  const n = q.length;
  let next = new Uint8Array(n + 1);
  let row = new Uint8Array(n + 1);
  for (let i = m; i >= 0; i--) {
    for (let j = n; j >= 0; j--) {
      let reach: boolean;
      if (i === m && j === n) {
        reach = true;
      } else if (i < m && p[i] === '*') {
        // The star produces nothing more, or absorbs what q[j] produces.
        reach = next[j] === 1 || (j < n && row[j + 1] === 1);
      } else if (j < n && q[j] === '*') {
        reach = row[j + 1] === 1 || (i < m && next[j] === 1);
      } else if (i < m && j < n) {
        reach = (p[i] === q[j] || p[i] === '?' || q[j] === '?') && next[j + 1] === 1;
      } else {
        reach = false;
      }
      row[j] = reach ? 1 : 0;
    }
    [next, row] = [row, next];
  }
  return next[0] === 1;
}
