/**
 * Which resources in a statement are unbounded: `*`, or an ARN whose wildcards cover every
 * resource of its type (`arn:aws:iam::*:role/*`, `arn:aws:s3:::*`). A name prefix (`role/app-*`),
 * a path (`role/app/*`), a policy variable (`user/${aws:username}`) or a placeholder
 * (`<Bucket.Arn>/*`) bounds the resource; a value unknown before deployment (`<?Parameter:Name>`) does not.
 */
import { ActionCatalog } from './catalog';
import { isResourceTagScoped, Statement } from './document';
import { globCovers, hasWildcard } from './glob';

const unboundedCache = new Map<string, boolean>();
const MAX_CACHED = 50_000;

/** Whether the resource string covers every resource of some type. */
export function isUnboundedResource(resource: string): boolean {
  if (resource === '*') return true;
  if (!hasWildcard(resource) && !resource.includes('<?')) return false;
  let result = unboundedCache.get(resource);
  if (result === undefined) {
    result = computeUnbounded(resource);
    if (unboundedCache.size >= MAX_CACHED) unboundedCache.clear();
    unboundedCache.set(resource, result);
  }
  return result;
}

/**
 * The unbounded resources a statement reaches: none when a resource-tag condition confines it
 * (attribute-based access control names resources by tag).
 */
export function unboundedResourcesOfStatement(statement: Statement): string[] {
  return isResourceTagScoped(statement) ? [] : unboundedResourcesOf(statement.resources, statement.notResources);
}

/** Whether a statement's resource element reaches unbounded resources (NotResource always does). */
export function unboundedResourcesOf(resources: readonly string[] | undefined, notResources: readonly string[] | undefined): string[] {
  if (notResources !== undefined) return notResources.length === 0 ? ['*'] : [`NotResource:${notResources.join(',')}`];
  if (!resources) return [];
  return resources.filter(isUnboundedResource);
}

function computeUnbounded(resource: string): boolean {
  // A value unknown before deployment (`<?Parameter:Name>`) may be anything, `*` included: for a
  // bound, the conservative reading is a wildcard. Other placeholders name one specific thing.
  // Protect them and policy variables, which may contain ':' or '/', from splitting.
  const masked = resource.replace(/<\?[^<>]*>/g, '*').replace(/<[^<>]*>/g, 'PLACEHOLDER').replace(/\$\{[^}]*\}/g, 'VARIABLE');
  if (masked.startsWith('*')) return true;
  if (!masked.toLowerCase().startsWith('arn:')) return false;
  const parts = masked.split(':');
  if (parts.length < 6) return parts.slice(1).some(isPureWildcard);
  const service = parts[2];
  if (isPureWildcard(service) || (hasWildcard(service) && !service.includes('PLACEHOLDER'))) return true;
  const resourcePart = parts.slice(5).join(':');
  const segments = resourcePart.split(/[/:]/).filter(s => s.length > 0);
  if (segments.length === 0) return false;
  const keyword = ActionCatalog.get().resourceTypeKeywords(service).get(segments[0].toLowerCase());
  const isTypeKeyword = keyword !== undefined && (!keyword || parts[4] !== '') && segments.length > 1;
  const names = isTypeKeyword ? segments.slice(1) : segments;
  return isPureWildcard(names[0]);
}

function isPureWildcard(value: string): boolean {
  return value.length > 0 && /^[*?]+$/.test(value) && value.includes('*');
}

/**
 * Whether every resource matched by `inner` is also matched by `outer` (both IAM wildcard strings).
 * Conservative: answers false when unsure, so a Deny is only applied where it certainly covers.
 */
export function resourceCovers(outer: string, inner: string): boolean {
  return globCovers(outer, inner);
}
