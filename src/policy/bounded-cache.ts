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

  public clear(): void {
    this.short.clear();
    this.long.clear();
  }

  public set(key: string, value: V): void {
    const map = key.length > this.longKeyLength ? this.long : this.short;
    if (map.size >= (map === this.long ? this.maxLongKeys : this.maxEntries)) map.clear();
    map.set(key, value);
  }
}

/**
 * A memo keyed by a string from the policies under analysis and a second key (an action, an ARN
 * format), bounded in all: past `maxEntries` values it starts over, however they are spread over
 * the first keys (a NotAction statement asks about every action of the catalog).
 */
export class BoundedPairCache<K, V> {
  private readonly byFirst: BoundedStringCache<Map<K, V>>;
  private entries = 0;

  constructor(private readonly maxEntries: number) {
    this.byFirst = new BoundedStringCache(maxEntries);
  }

  /** The value under both keys, computed and kept on first use. */
  public getOrSet(first: string, second: K, compute: () => V): V {
    let bySecond = this.byFirst.getOrSet(first, () => new Map());
    let value = bySecond.get(second);
    if (value === undefined) {
      if (this.entries >= this.maxEntries) {
        this.byFirst.clear();
        this.entries = 0;
        bySecond = this.byFirst.getOrSet(first, () => new Map());
      }
      value = compute();
      bySecond.set(second, value);
      this.entries++;
    }
    return value;
  }
}
