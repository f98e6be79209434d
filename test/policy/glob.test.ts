// IAM wildcard matching: exact cases, agreement with a reference matcher, soundness of pattern
// containment, and time bounds on patterns that send backtracking regular expressions into
// exponential time.
import * as fc from 'fast-check';
import { ActionCatalog } from '../../src/policy/catalog';
import { globCovers, globMatch, globOverlaps, hasWildcard } from '../../src/policy/glob';
import { resourceCovers } from '../../src/policy/resources';

/** Reference: dynamic programming over (pattern prefix, value prefix), value taken literally. */
function referenceMatch(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  // row[j]: whether p[0, i) matches v[0, j).
  let row = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;
  for (let i = 1; i <= p.length; i++) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    const c = p[i - 1];
    next[0] = c === '*' && row[0];
    for (let j = 1; j <= v.length; j++) {
      if (c === '*') next[j] = row[j] || next[j - 1];
      else next[j] = row[j - 1] && (c === '?' || c === v[j - 1]);
    }
    row = next;
  }
  return row[v.length];
}

const ALPHABET = ['a', 'A', 'b', '*', '?'];
const pattern = (maxLength: number) => fc.array(fc.constantFrom(...ALPHABET), { maxLength }).map(cs => cs.join(''));
const literal = (maxLength: number) => fc.array(fc.constantFrom('a', 'A', 'b', 'c'), { maxLength }).map(cs => cs.join(''));

/** A string the pattern stands for: each `*` replaced by some run, each `?` by one character. */
const instanceOf = (p: string) => fc.tuple(
  fc.array(literal(3), { minLength: p.length, maxLength: p.length }),
  fc.array(fc.constantFrom('a', 'B', 'c', 'x'), { minLength: p.length, maxLength: p.length }),
).map(([runs, singles]) => [...p].map((c, i) => (c === '*' ? runs[i] : c === '?' ? singles[i] : c)).join(''));

/** Milliseconds a call takes. */
function timed<T>(f: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = f();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const ADVERSARIAL = '*a*a*a*a*a*a*a*a*a*a*a*a*b';
const BUDGET_MS = 2000;

describe('globMatch: a pattern against a concrete string', () => {
  test('literal characters ignore case', () => {
    expect(globMatch('s3:GetObject', 'S3:GETOBJECT')).toBe(true);
    expect(globMatch('IAM:PassRole', 'iam:passrole')).toBe(true);
    expect(globMatch('s3:GetObject', 's3:GetObjects')).toBe(false);
    expect(globMatch('s3:GetObject', 's3:GetObjec')).toBe(false);
  });

  test('? stands for exactly one character', () => {
    expect(globMatch('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(globMatch('s3:Get?bject', 's3:Getbject')).toBe(false);
    expect(globMatch('s3:Get?bject', 's3:GetOObject')).toBe(false);
    expect(globMatch('???', 'abc')).toBe(true);
    expect(globMatch('???', 'ab')).toBe(false);
  });

  test('* stands for any run, the empty one included, at either end or inside', () => {
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('*', 'anything at all')).toBe(true);
    expect(globMatch('s3:*', 's3:')).toBe(true);
    expect(globMatch('s3:*', 's3:PutObject')).toBe(true);
    expect(globMatch('*Object', 's3:GetObject')).toBe(true);
    expect(globMatch('*Object', 's3:GetObjects')).toBe(false);
    expect(globMatch('iam:*Policy*', 'iam:PutRolePolicy')).toBe(true);
    expect(globMatch('iam:*Policy*', 'iam:PassRole')).toBe(false);
    expect(globMatch('ab*ba', 'aba')).toBe(false);
    expect(globMatch('ab*ba', 'abba')).toBe(true);
    expect(globMatch('**', '')).toBe(true);
  });

  test('empty strings', () => {
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('', 'a')).toBe(false);
    expect(globMatch('a', '')).toBe(false);
    expect(globMatch('?', '')).toBe(false);
  });

  test("the value's wildcards are literal characters", () => {
    expect(globMatch('s3:Get?', 's3:Get*')).toBe(true);
    expect(globMatch('s3:Get*', 's3:Get*')).toBe(true);
    expect(globMatch('s3:GetObject', 's3:Get*')).toBe(false);
    expect(hasWildcard('s3:Get*')).toBe(true);
    expect(hasWildcard('s3:Get?')).toBe(true);
    expect(hasWildcard('s3:GetObject')).toBe(false);
  });

  test('regular-expression syntax in a pattern is literal', () => {
    expect(globMatch('a.c', 'abc')).toBe(false);
    expect(globMatch('a.c', 'a.c')).toBe(true);
    expect(globMatch('(a|b)+', 'a')).toBe(false);
    expect(globMatch('arn:aws:s3:::my-bucket/${aws:username}/*', 'arn:aws:s3:::my-bucket/${aws:username}/x')).toBe(true);
  });

  test('agrees with a reference matcher', () => {
    fc.assert(fc.property(pattern(8), fc.oneof(literal(10), pattern(10)), (p, v) => globMatch(p, v) === referenceMatch(p, v)),
      { numRuns: 5000 });
  });

  test('agrees with a reference matcher on strings the pattern stands for', () => {
    fc.assert(fc.property(pattern(8).chain(p => fc.tuple(fc.constant(p), instanceOf(p))), ([p, v]) => {
      expect(globMatch(p, v)).toBe(true);
      expect(referenceMatch(p, v)).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('globCovers: a pattern containing another', () => {
  test('s3:Get? does not cover s3:Get*, which stands for s3:GetObject', () => {
    expect(globCovers('s3:Get?', 's3:Get*')).toBe(false);
    expect(globMatch('s3:Get?', 's3:GetObject')).toBe(false);
    expect(globCovers('s3:Get*', 's3:Get?')).toBe(true);
    expect(globCovers('s3:Get?', 's3:Get?')).toBe(true);
  });

  test('* covers everything, and only stars cover a star', () => {
    for (const inner of ['', '*', '?', 's3:*', 'arn:aws:s3:::bucket/*', '**?*']) expect(globCovers('*', inner)).toBe(true);
    expect(globCovers('**', '*')).toBe(true);
    expect(globCovers('?', '*')).toBe(false);
    expect(globCovers('?*', '*')).toBe(false);
    expect(globCovers('s3:*', '*')).toBe(false);
  });

  test('resource prefixes', () => {
    expect(globCovers('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a*')).toBe(true);
    expect(globCovers('arn:aws:s3:::bucket/a*', 'arn:aws:s3:::bucket/*')).toBe(false);
    expect(globCovers('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket2/*')).toBe(false);
    expect(globCovers('arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/app-*')).toBe(true);
    expect(globCovers('ARN:AWS:IAM::*:ROLE/*', 'arn:aws:iam::*:role/x')).toBe(true);
    expect(resourceCovers('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a*')).toBe(true);
    expect(resourceCovers('arn:aws:s3:::bucket/a*', 'arn:aws:s3:::bucket/*')).toBe(false);
    expect(resourceCovers('*', 'NotResource:arn:aws:s3:::b')).toBe(true);
  });

  test('actions', () => {
    expect(globCovers('s3:*', 's3:Get*')).toBe(true);
    expect(globCovers('s3:Get*', 's3:*')).toBe(false);
    expect(globCovers('iam:*Policy*', 'iam:Put*Policy')).toBe(true);
    expect(globCovers('iam:*Policy', 'iam:*Policy*')).toBe(false);
    expect(globCovers('*:Get*', 's3:GetObject')).toBe(true);
    expect(globCovers('', '')).toBe(true);
    expect(globCovers('', '*')).toBe(false);
    expect(globCovers('a', '')).toBe(false);
  });

  test('on a concrete inner string, it is globMatch', () => {
    fc.assert(fc.property(pattern(8), literal(10), (outer, inner) => globCovers(outer, inner) === globMatch(outer, inner)),
      { numRuns: 5000 });
  });

  test('every pattern covers itself, in any case', () => {
    fc.assert(fc.property(pattern(12), p => globCovers(p, p) && globCovers(p.toUpperCase(), p)), { numRuns: 1000 });
  });

  test('sound: what inner stands for, outer matches', () => {
    fc.assert(fc.property(pattern(6), pattern(8).chain(p => fc.tuple(fc.constant(p), instanceOf(p))), (outer, [inner, s]) => {
      if (globCovers(outer, inner)) expect(globMatch(outer, s)).toBe(true);
    }), { numRuns: 20_000 });
  });

  test('widening a pattern covers it: true answers, and sound ones', () => {
    // Widening inner (a character to `?` or `*`, `?` to `*`, inserting `*`) yields an outer that
    // covers it character for character, which globCovers must recognise; and what inner stands
    // for, outer must match.
    const widened = pattern(8).chain(inner => fc.tuple(
      fc.constant(inner),
      fc.array(fc.constantFrom('keep', 'keep', 'q', 'star', 'insert'), { minLength: inner.length, maxLength: inner.length })
        .map(ops => [...inner].map((c, i) => {
          switch (ops[i]) {
            case 'q': return c === '*' ? c : '?';
            case 'star': return '*';
            case 'insert': return `*${c}`;
            default: return c;
          }
        }).join('')),
    )).chain(([inner, outer]) => fc.tuple(fc.constant(inner), fc.constant(outer), instanceOf(inner)));
    fc.assert(fc.property(widened, ([inner, outer, s]) => {
      expect(globCovers(outer, inner)).toBe(true);
      expect(globMatch(outer, s)).toBe(true);
    }), { numRuns: 5000 });
  });
});

describe('time bounds on hostile patterns', () => {
  test(`${ADVERSARIAL} against a star and 40 a's, as a pattern and as a string`, () => {
    const inner = `*${'a'.repeat(40)}`;
    const [covers, ms1] = timed(() => globCovers(ADVERSARIAL, inner));
    const [matches, ms2] = timed(() => globMatch(ADVERSARIAL, inner));
    const [viaResources, ms3] = timed(() => resourceCovers(ADVERSARIAL, inner));
    expect([covers, matches, viaResources]).toEqual([false, false, false]);
    expect(Math.max(ms1, ms2, ms3)).toBeLessThan(BUDGET_MS);
  });

  test(`${ADVERSARIAL} against 100,000 a's`, () => {
    const value = 'a'.repeat(100_000);
    const [matches, ms1] = timed(() => globMatch(ADVERSARIAL, value));
    const [covers, ms2] = timed(() => globCovers(ADVERSARIAL, value));
    const [matchesWithB, ms3] = timed(() => globMatch(ADVERSARIAL, `${value}b`));
    expect([matches, covers, matchesWithB]).toEqual([false, false, true]);
    expect(Math.max(ms1, ms2, ms3)).toBeLessThan(BUDGET_MS);
  });

  test('100,000-character patterns', () => {
    const many = 'a'.repeat(100_000);
    const cases: Array<[string, () => boolean, boolean]> = [
      ['50,000 stars between a\'s, no b', () => globMatch('*a'.repeat(50_000) + '*b', many), false],
      ['50,000 stars between a\'s, with b', () => globMatch('*a'.repeat(50_000) + '*b', `${many}b`), true],
      ['one long literal segment', () => globMatch(`*${'a'.repeat(49_999)}b*`, many), false],
      ['one long literal segment, as containment', () => globCovers(`*${'a'.repeat(49_999)}b*`, `*${many}*`), false],
      ['a long pattern against a short string', () => globMatch(`${'?*'.repeat(50_000)}`, 'aaaa'), false],
      ['stars against a pattern of stars', () => globCovers('*a'.repeat(50_000), '*a'.repeat(50_000)), true],
      ['question marks against stars', () => globCovers(`*${'?'.repeat(99_998)}*`, '*a'.repeat(50_000)), false],
      ['prefix and suffix longer than the string', () => globMatch(`${'a'.repeat(50_000)}*${'a'.repeat(50_000)}`, many.slice(1)), false],
    ];
    for (const [name, run, expected] of cases) {
      const [result, ms] = timed(run);
      expect({ name, result }).toEqual({ name, result: expected });
      expect({ name, fast: ms < BUDGET_MS }).toEqual({ name, fast: true });
    }
  });

  test('the action catalog expands a hostile action pattern quickly, to nothing', () => {
    const catalog = ActionCatalog.get();
    catalog.expand('s3:GetObject'); // load the S3 actions outside the timed part
    const [actions, ms] = timed(() => catalog.expand(`s3:${ADVERSARIAL}`));
    expect(actions).toEqual([]);
    expect(ms).toBeLessThan(BUDGET_MS);
    const [anyService, ms2] = timed(() => catalog.expand(`${ADVERSARIAL}:*`));
    expect(anyService).toEqual([]);
    expect(ms2).toBeLessThan(BUDGET_MS);
  });
});

describe('globOverlaps: some string matches both patterns', () => {
  test.each([
    ['*', 'anything'],
    ['arn:aws:s3:::*', 'arn:?*:s3:::?*'],
    ['arn:aws:s3:::b/*', 'arn:?*:s3:::?*/?*'],
    ['a*c', '*b*'],
    ['A?C', 'abc'],
    ['ab*', '*cd'],
    ['<x>', '<x>'],
  ])('%s and %s overlap', (a, b) => {
    expect(globOverlaps(a, b)).toBe(true);
    expect(globOverlaps(b, a)).toBe(true);
  });

  test.each([
    ['arn:aws:s3:::b', 'arn:?*:iam::?*:role/?*'],
    ['arn:aws:s3:::b', 'arn:?*:s3:::?*/?*'],
    ['abc', 'abd'],
    ['a?', 'a'],
    ['a*b', 'c*'],
  ])('%s and %s do not overlap', (a, b) => {
    expect(globOverlaps(a, b)).toBe(false);
    expect(globOverlaps(b, a)).toBe(false);
  });

  test('against a literal, it is globMatch', () => {
    fc.assert(fc.property(pattern(8), literal(10), (p, v) => globOverlaps(p, v) === globMatch(p, v)), { numRuns: 5000 });
  });

  test('a common instance proves an overlap, and overlap is symmetric', () => {
    fc.assert(fc.property(pattern(6), pattern(6), literal(8), (a, b, v) => {
      if (globMatch(a, v) && globMatch(b, v) && !globOverlaps(a, b)) return false;
      return globOverlaps(a, b) === globOverlaps(b, a);
    }), { numRuns: 5000 });
  });

  test('stays fast on adversarial patterns', () => {
    const a = `${'*a'.repeat(200)}*b`;
    const b = 'a'.repeat(400);
    const started = Date.now();
    expect(globOverlaps(a, b)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
