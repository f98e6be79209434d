/**
 * IAM wildcard matching (`*` any run of characters, `?` one character), compiled once per pattern.
 */

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 50_000;

/** A case-insensitive regular expression for an IAM wildcard pattern. */
export function globToRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${source}$`, 'is');
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** Whether `value` matches the IAM wildcard `pattern`, ignoring case. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern.length === value.length && pattern.toLowerCase() === value.toLowerCase();
  return globToRegExp(pattern).test(value);
}

export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}
