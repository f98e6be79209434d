import { BoundedPairCache, BoundedStringCache } from '../../src/policy/bounded-cache';

describe('BoundedStringCache', () => {
  test('keeps ordinary keys up to its size, then starts over', () => {
    const cache = new BoundedStringCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect([cache.get('a'), cache.get('b')]).toEqual([1, 2]);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, 3]);
  });

  test('keeps only a few long keys, without evicting the ordinary ones', () => {
    const cache = new BoundedStringCache<number>(100, 10, 2);
    cache.set('short', 0);
    const long = (c: string) => c.repeat(100_000);
    cache.set(long('x'), 1);
    cache.set(long('y'), 2);
    expect(cache.get(long('x'))).toBe(1);
    cache.set(long('z'), 3);
    expect([cache.get(long('x')), cache.get(long('y')), cache.get(long('z')), cache.get('short')]).toEqual([undefined, undefined, 3, 0]);
  });
});

describe('BoundedPairCache', () => {
  test('computes once per pair, and starts over past its size whatever the first keys', () => {
    const cache = new BoundedPairCache<string, number>(3);
    let computed = 0;
    const get = (a: string, b: string) => cache.getOrSet(a, b, () => ++computed);
    expect([get('r', 'x'), get('r', 'y'), get('r', 'x')]).toEqual([1, 2, 1]);
    // Three values are kept under one first key: the fourth starts over.
    expect([get('r', 'z'), get('s', 'x')]).toEqual([3, 4]);
    expect(get('r', 'x')).toBe(5);
  });
});
