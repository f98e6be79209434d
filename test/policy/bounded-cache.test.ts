import { BoundedStringCache } from '../../src/policy/bounded-cache';

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
