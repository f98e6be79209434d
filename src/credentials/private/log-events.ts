import { truncate } from './escape';

/**
 * CloudWatch Logs takes events of at most 256 KB (262,144 bytes, of which 26 are its own
 * overhead), and the Lambda runtime adds a timestamp, the request id and the level to each line.
 * 200,000 bytes of our own leaves room for both.
 */
export const MAX_LOG_EVENT_BYTES = 200_000;

/** Room for `"part":N,"parts":M` with numbers of any realistic size. */
const ENVELOPE_SLACK = 64;

/**
 * `items` as JSON log lines of at most `maxBytes` UTF-8 bytes each:
 * `{...base, "part": 1, "parts": 3, <key>: [...]}`, in order, every item in exactly one part. An
 * item too large for a line on its own has its longest strings cut short (a report field can be
 * megabytes) and says so with `"truncated": true`.
 */
export function splitIntoLogEvents(
  base: { readonly [key: string]: unknown },
  key: string,
  items: readonly object[],
  maxBytes = MAX_LOG_EVENT_BYTES,
): string[] {
  const envelopeBytes = Buffer.byteLength(JSON.stringify({ ...base, part: 0, parts: 0, [key]: [] })) + ENVELOPE_SLACK;
  const budget = maxBytes - envelopeBytes;
  if (budget < 256) throw new Error(`log events of ${maxBytes} bytes leave no room for ${key}`);

  const parts: string[][] = [];
  let current: string[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const json = fitJson(item, budget);
    const bytes = Buffer.byteLength(json) + 1; // and a comma
    if (current.length > 0 && currentBytes + bytes > budget) {
      parts.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(json);
    currentBytes += bytes;
  }
  if (current.length > 0 || parts.length === 0) parts.push(current);

  const prefix = JSON.stringify(base).slice(0, -1);
  const comma = prefix.length > 1 ? ',' : '';
  return parts.map((jsons, i) =>
    `${prefix}${comma}"part":${i + 1},"parts":${parts.length},${JSON.stringify(key)}:[${jsons.join(',')}]}`);
}

/** The item's JSON, its strings cut shorter and shorter until it fits `budget` bytes. */
function fitJson(item: object, budget: number): string {
  let json = JSON.stringify(item);
  for (let limit = 4096; Buffer.byteLength(json) > budget && limit >= 16; limit = Math.floor(limit / 4)) {
    const cut: { [key: string]: unknown } = { truncated: true };
    for (const [k, v] of Object.entries(item)) cut[k] = typeof v === 'string' ? truncate(v, limit) : v;
    json = JSON.stringify(cut);
  }
  return json;
}
