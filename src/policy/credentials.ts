/**
 * Recognizes AWS credentials in text: access key ids (`AKIA...`, `ASIA...`) and values shaped like
 * secret access keys (40 characters of base64 alphabet mixing upper case, lower case and digits,
 * which excludes hex digests such as git commit ids).
 */

const ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;
const SECRET_KEY_CANDIDATE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Access key ids found in the text. */
export function findAccessKeyIds(text: string): string[] {
  return text.match(ACCESS_KEY_ID) ?? [];
}

/** Whether a whole value looks like a secret access key. */
export function looksLikeSecretAccessKey(value: string): boolean {
  return /^[A-Za-z0-9/+]{40}$/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value);
}

/** Secret-access-key-shaped tokens found in the text. */
export function findSecretAccessKeys(text: string): string[] {
  return (text.match(SECRET_KEY_CANDIDATE) ?? []).filter(looksLikeSecretAccessKey);
}

/** A name that announces a secret access key (`AWS_SECRET_ACCESS_KEY`, `secretKey`). */
export function isSecretKeyName(name: string): boolean {
  return /secret[-_]?(access[-_]?)?key/i.test(name);
}

/** `AKIA************WXYZ`: enough to find the key, not enough to use it. */
export function maskCredential(value: string): string {
  return value.length <= 8 ? '****' : `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`;
}

/**
 * The text a resolved CloudFormation value will have at deploy time, as far as it is literal:
 * `Fn::Base64` and `Fn::Join` are applied, other intrinsics become `<...>`, and a literal that is
 * itself base64 is decoded too (user data is often written already encoded).
 */
export function literalText(value: unknown, depth = 0): string {
  if (depth > 64) return '';
  if (typeof value === 'string') return withDecodedBase64(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object') return '';
  if (Array.isArray(value)) return value.map(v => literalText(v, depth + 1)).join('\n');
  const obj = value as { [key: string]: unknown };
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key];
    if (key === 'Fn::Base64') return literalText(arg, depth + 1);
    if (key === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      return (arg[1] as unknown[]).map(v => literalText(v, depth + 1)).join(arg[0]);
    }
    if (key === 'Fn::Sub') return literalText(Array.isArray(arg) ? arg : [arg], depth + 1);
    if (key === 'Ref' || key.startsWith('Fn::')) return `<${key}>`;
  }
  return keys.map(k => literalText(obj[k], depth + 1)).join('\n');
}

function withDecodedBase64(value: string): string {
  const compact = value.replace(/\s+/g, '');
  if (compact.length < 16 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return value;
  const decoded = Buffer.from(compact, 'base64').toString('utf-8');
  // Only text that decodes to printable characters was base64 in the first place.
  // eslint-disable-next-line no-control-regex
  return /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(decoded) && !decoded.includes('\ufffd') ? `${value}\n${decoded}` : value;
}
