/**
 * IAM wildcard matching: `*` stands for any run of characters (the empty one included), `?` for
 * exactly one character, and every other character for itself, ignoring case.
 *
 * Two different questions are asked of such patterns:
 *
 * - `globMatch(pattern, value)`: does the pattern match one concrete string (an action name, an
 *   ARN)? The value's characters are all literal, `*` and `?` included.
 * - `globCovers(outer, inner)`: does `outer` match every string `inner` stands for? This is what a
 *   Deny needs before it may be subtracted from an Allow (`s3:*` covers `s3:Get*`, `s3:Get?` does
 *   not). It is sound but not complete: an inner `*` can only be absorbed by an outer `*`, an inner
 *   `?` by an outer `?` or `*`, so a `true` is always right and a rare `false` may be over-cautious
 *   (`??*` does cover `*??`, yet the answer is false).
 *
 * No regular expression is built from a pattern. The patterns come from the policies under analysis,
 * that is from users, and a backtracking regex engine takes exponential time on patterns like
 * `*a*a*a*a*a*a*a*a*a*a*a*a*b` (34 characters to match: 21 s; 40: more than a minute). Instead the
 * pattern is cut at its stars into segments; the first segment must match at the start, the last
 * at the end, and each middle one is placed at its leftmost occurrence after the previous one
 * (placing it further right never helps, since the stars around it absorb anything). Segments
 * without `?` are found with Knuth-Morris-Pratt, so a pattern without `?` runs in O(n + m); a
 * segment with `?` is searched position by position, O(n * m) at worst. Nothing recurses and
 * nothing backtracks beyond the segment being placed.
 *
 * Case is folded one UTF-16 code unit at a time (never changing lengths), and `?` stands for one
 * code unit, as the former `i`-flag, non-Unicode regular expressions did.
 */

import { BoundedStringCache } from './bounded-cache';

const STAR = 42; // '*'
const QUESTION = 63; // '?'
const MAX_OVERLAP_PAIRS = 1_000_000;

/** Whether `value` matches the IAM wildcard `pattern`, ignoring case; `value` is taken literally. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  return matchFolded(foldCase(pattern), foldCase(value), false);
}

/**
 * {@link globMatch} with the pattern prepared once, for one pattern matched against many values
 * (an action pattern against every escalation action): a pattern thousands of characters long is
 * lower-cased and searched for its stars once, not once per value.
 */
export function globMatcher(pattern: string): (value: string) => boolean {
  if (pattern === '*') return () => true;
  const folded = foldCase(pattern);
  const firstStar = folded.indexOf('*');
  const lastStar = folded.lastIndexOf('*');
  return value => matchPrepared(folded, firstStar, lastStar, foldCase(value), false);
}

/**
 * Whether the IAM wildcard `outer` certainly matches every string the wildcard `inner` matches,
 * ignoring case. Sound (never true when some string of `inner` escapes `outer`), not complete.
 * For an `inner` without wildcards it equals `globMatch(outer, inner)`.
 */
export function globCovers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  return matchFolded(foldCase(outer), foldCase(inner), true);
}

/** Whether a string contains an IAM wildcard (`*` or `?`). */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

// Long values (a Resource of thousands of characters) are matched against many patterns in a row:
// the latest few are folded once.
const LONG_VALUE = 1_000;
const foldedLongValues = new BoundedStringCache<string>(0, LONG_VALUE);

/** Lower-cases each UTF-16 code unit on its own, so the length never changes. */
function foldCase(value: string): string {
  return value.length <= LONG_VALUE ? foldCaseUncached(value) : foldedLongValues.getOrSet(value, foldCaseUncached);
}

function foldCaseUncached(value: string): string {
  let ascii = true;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  if (ascii) return value.toLowerCase();
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value[i];
    const lower = unit.toLowerCase();
    out += lower.length === 1 ? lower : unit;
  }
  return out;
}

/**
 * The matcher behind both questions, on case-folded strings. `pattern`'s `*` and `?` are wildcards;
 * `text`'s characters are compared as they are. With `starIsWild` (the containment question) the
 * text is itself a pattern, and a `?` of `pattern` may not stand for one of its `*`; the text's `?`
 * is then matched only by a `?` or `*` of the pattern, because the pattern's literal characters
 * never include `?`.
 */
function matchFolded(pattern: string, text: string, starIsWild: boolean): boolean {
  return matchPrepared(pattern, pattern.indexOf('*'), pattern.lastIndexOf('*'), text, starIsWild);
}

/** {@link matchFolded}, given where the pattern's first and last `*` are (-1 when it has none). */
function matchPrepared(pattern: string, firstStar: number, lastStar: number, text: string, starIsWild: boolean): boolean {
  const m = pattern.length;
  const n = text.length;
  if (firstStar < 0) return m === n && segmentMatchesAt(pattern, 0, m, text, 0, starIsWild);
  const suffixStart = lastStar + 1;
  const suffixLength = m - suffixStart;
  if (firstStar + suffixLength > n) return false;
  if (!segmentMatchesAt(pattern, 0, firstStar, text, 0, starIsWild)) return false;
  const end = n - suffixLength;
  if (!segmentMatchesAt(pattern, suffixStart, m, text, end, starIsWild)) return false;

  let position = firstStar;
  let segmentStart = firstStar + 1;
  while (segmentStart < lastStar) {
    const segmentEnd = pattern.indexOf('*', segmentStart);
    if (segmentEnd > segmentStart) {
      const found = findSegment(pattern, segmentStart, segmentEnd, text, position, end, starIsWild);
      if (found < 0) return false;
      position = found + (segmentEnd - segmentStart);
    }
    segmentStart = segmentEnd + 1;
  }
  return true;
}

/** Whether `pattern[from, to)` (no `*`) matches `text` at `at`; the caller checks the bounds. */
function segmentMatchesAt(pattern: string, from: number, to: number, text: string, at: number, starIsWild: boolean): boolean {
  for (let i = from, j = at; i < to; i++, j++) {
    const p = pattern.charCodeAt(i);
    const t = text.charCodeAt(j);
    if (p === QUESTION ? starIsWild && t === STAR : p !== t) return false;
  }
  return true;
}

/** The leftmost start in `text[from, end)` where `pattern[start, stop)` (no `*`) fits, or -1. */
function findSegment(pattern: string, start: number, stop: number, text: string, from: number, end: number, starIsWild: boolean): number {
  const length = stop - start;
  if (end - from < length) return -1;
  let literal = true;
  for (let i = start; i < stop; i++) {
    if (pattern.charCodeAt(i) === QUESTION) {
      literal = false;
      break;
    }
  }
  if (literal) return searchLiteral(pattern, start, stop, text, from, end);
  const last = end - length;
  for (let at = from; at <= last; at++) {
    if (segmentMatchesAt(pattern, start, stop, text, at, starIsWild)) return at;
  }
  return -1;
}

/** Knuth-Morris-Pratt: the leftmost occurrence of `pattern[start, stop)` in `text[from, end)`, or -1. */
function searchLiteral(pattern: string, start: number, stop: number, text: string, from: number, end: number): number {
  const length = stop - start;
  if (length === 1) {
    const found = text.indexOf(pattern[start], from);
    return found >= 0 && found < end ? found : -1;
  }
  // failure[i]: length of the longest proper border of the needle's first i + 1 characters.
  const failure = new Int32Array(length);
  for (let i = 1, k = 0; i < length; i++) {
    const c = pattern.charCodeAt(start + i);
    while (k > 0 && pattern.charCodeAt(start + k) !== c) k = failure[k - 1];
    if (pattern.charCodeAt(start + k) === c) k++;
    failure[i] = k;
  }
  for (let j = from, k = 0; j < end; j++) {
    const c = text.charCodeAt(j);
    while (k > 0 && pattern.charCodeAt(start + k) !== c) k = failure[k - 1];
    if (pattern.charCodeAt(start + k) === c) k++;
    if (k === length) return j - length + 1;
  }
  return -1;
}

/**
 * Whether some string matches both IAM wildcards `a` and `b`, ignoring case: can a policy's
 * `arn:aws:s3:::*` name a resource of the type `arn:?*:iam::?*:role/?*`? Exact (sound and
 * complete) up to a million pairs of positions, and a conservative yes beyond: a breadth-first
 * walk over pairs of positions, one in each pattern, O(|a| * |b|) without recursion or backtracking. A `*` may stay where it is or be skipped; both sides must
 * read the same character, which two literals only do when equal.
 */
export function globOverlaps(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  // The walk's table grows with the product of the lengths: past a million pairs (a Resource of
  // 100,000 characters against an ARN format) the answer is the conservative one, an overlap.
  if ((a.length + 1) * (b.length + 1) > MAX_OVERLAP_PAIRS) return true;
  const p = foldCase(a);
  const q = foldCase(b);
  const n = p.length;
  const m = q.length;
  const width = m + 1;
  const seen = new Uint8Array((n + 1) * width);
  const queue: number[] = [0];
  seen[0] = 1;
  const visit = (i: number, j: number) => {
    const k = i * width + j;
    if (!seen[k]) {
      seen[k] = 1;
      queue.push(k);
    }
  };
  while (queue.length > 0) {
    const k = queue.pop()!;
    const i = Math.floor(k / width);
    const j = k % width;
    if (i === n && j === m) return true;
    const pc = i < n ? p.charCodeAt(i) : -1;
    const qc = j < m ? q.charCodeAt(j) : -1;
    // A star stands for the empty string too.
    if (pc === STAR) visit(i + 1, j);
    if (qc === STAR) visit(i, j + 1);
    if (pc < 0 || qc < 0) continue;
    // Both read one character: a star keeps its place, anything else moves on.
    if (pc !== STAR && pc !== QUESTION && qc !== STAR && qc !== QUESTION && pc !== qc) continue;
    visit(pc === STAR ? i : i + 1, qc === STAR ? j : j + 1);
  }
  return false;
}
