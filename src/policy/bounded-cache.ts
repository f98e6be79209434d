/**
 * A memo keyed by strings from the policies under analysis, bounded in entries and in the memory
 * its keys hold: up to `maxEntries` keys of ordinary length, and only the `maxLongKeys` latest
 * keys longer than `longKeyLength` (a 100,000-character Resource is memoized while it is being
 * analysed, not kept by the thousand). Cleared, not evicted one by one, when full.
 */
export class BoundedStringCache<V> {
  private readonly short = new Map<string, V>();
  private readonly long = new Map<string, V>();

  constructor(private readonly maxEntries: number, private readonly longKeyLength = 2_000, private readonly maxLongKeys = 16) {}

  public get(key: string): V | undefined {
    return key.length > this.longKeyLength ? this.long.get(key) : this.short.get(key);
  }

  /** The value under `key`, computed and kept on first use. */
  public getOrSet(key: string, compute: (key: string) => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = compute(key);
      this.set(key, value);
    }
    return value;
  }

  public set(key: string, value: V): void {
    const map = key.length > this.longKeyLength ? this.long : this.short;
    if (map.size >= (map === this.long ? this.maxLongKeys : this.maxEntries)) map.clear();
    map.set(key, value);
  }
}

/** `map`'s value under `key`, computed and kept on first use (`undefined` is never kept). */
export function remembered<K, V>(map: Map<K, V>, key: K, compute: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = compute(key);
    map.set(key, value);
  }
  return value;
}
