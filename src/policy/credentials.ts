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

// ---------------------------------------------------------------------------------------------
// Judging one value found in a template (an environment variable, a line of code, a JSON field).

/**
 * Where a value was found, as far as it helps tell a credential from a look-alike: the name it is
 * stored under (an environment variable, a JSON key), and whether it is free text (code, a script,
 * a file) in which a 40-character token may as well be an identifier or a digest.
 */
export interface ValueContext {
  readonly name?: string;
  readonly freeText: boolean;
}

/** `{{resolve:ssm:...}}`, `{{resolve:secretsmanager:...}}`: CloudFormation reads these at deploy time. */
const DYNAMIC_REFERENCE = /\{\{resolve:[^{}]*\}\}/g;
/**
 * A placeholder of an evaluated value (`<Bucket.Arn>`, `<AWS::AccountId>`, `<?Parameter:Key>`):
 * a reference, never literal text (a 40-character logical id in it is not a key).
 */
const MODEL_PLACEHOLDER = /<\??[A-Za-z][^<>\s]*>/g;
/** Words that announce a secret in the text just before a value (`aws_secret_access_key = ...`). */
const SECRET_WORD = /secret|credential/i;
/** How far before a secret-shaped token such a word counts as announcing it. */
const CONTEXT_WINDOW = 100;

/** The text with dynamic references and model placeholders blanked: what is literally written. */
export function literalPartsOf(text: string): string {
  if (!text.includes('{{') && !text.includes('<')) return text;
  return text.replace(DYNAMIC_REFERENCE, ' ').replace(MODEL_PLACEHOLDER, ' ');
}

/** Access key ids literally written in a value (not inside a reference). */
export function accessKeyIdsIn(text: string): string[] {
  return findAccessKeyIds(literalPartsOf(text));
}

/**
 * Secret access keys literally written in a value. A 40-character token alone is as likely an
 * identifier, so it counts when something says it is a key: an access key id in the same value,
 * a secret-looking name, the word "secret" (or "credential") shortly before it, or, outside free
 * text, the token being the whole value.
 */
export function secretAccessKeysIn(text: string, context: ValueContext): string[] {
  const literal = literalPartsOf(text);
  const tokens = findSecretAccessKeys(literal);
  if (tokens.length === 0) return [];
  if (findAccessKeyIds(literal).length > 0) return tokens;
  if (context.name !== undefined && SECRET_WORD.test(context.name) && !isReferenceName(context.name)) return tokens;
  if (!context.freeText && tokens.length === 1 && literal.trim() === tokens[0]) return tokens;
  return tokens.filter(token => announcedBefore(literal, token));
}

function announcedBefore(text: string, token: string): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    if (SECRET_WORD.test(text.slice(Math.max(0, at - CONTEXT_WINDOW), at))) return true;
  }
  return false;
}

/**
 * A name that holds a reference to a secret rather than the secret: `VENDOR_SECRET_KEY_PARAM`,
 * `SECRET_KEY_ARN`, `secretKeyParameterName`, `SecretId`, and Step Functions' `SecretKey.$` (a JSONPath).
 */
export function isReferenceName(name: string): boolean {
  if (name.endsWith('.$') || /(?:[-_.]id|Id|ID)$/.test(name)) return true;
  return /(?:param(?:eter)?(?:[-_]?name)?|arn|name|path|ref|ssm|file|uri|url|location)$/i.test(name);
}

/**
 * Whether a value is written literally rather than referring to one: not empty, no placeholder or
 * dynamic reference, not an ARN or a parameter path, not a Step Functions path or expression.
 */
export function isLiteralValue(value: string): boolean {
  const v = value.trim();
  if (v.length === 0 || v.includes('{{resolve:') || /<[^<>]*>/.test(v)) return false;
  if (v.startsWith('arn:') || v.startsWith('$.') || v.startsWith('$$.') || v.startsWith('{%')) return false;
  // An SSM parameter path (`/prod/vendor/secret-key`); a key that happens to start with `/` has
  // the shape of a key and is caught as such.
  return !/^\/[A-Za-z0-9_.\-/]+$/.test(v);
}

/**
 * A name that announces a secret access key, holding a literal value: a key whatever its shape
 * (`MY_SECRET_KEY: 'short-but-literal'`), unless the name says it holds a reference.
 */
export function isLiteralUnderSecretKeyName(name: string, value: string): boolean {
  return isSecretKeyName(name) && !isReferenceName(name) && isLiteralValue(value);
}

/**
 * The text of an evaluated value for scanning: strings (with literal base64 decoded), objects as
 * `key: value` lines so that a key announces its value, lists one item a line.
 */
export function scanText(value: unknown, depth = 0): string {
  if (depth > 64) return '';
  if (typeof value === 'string') return withDecodedBase64(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(v => scanText(v, depth + 1)).join('\n');
  if (value === null || typeof value !== 'object') return '';
  return Object.entries(value).map(([k, v]) => `${k}: ${scanText(v, depth + 1)}`).join('\n');
}

/** One leaf of a JSON value: its path (keys and list positions) and its text. */
export interface JsonLeaf {
  readonly path: readonly string[];
  readonly text: string;
}

/** The string, number and boolean leaves of a JSON value, depth-first, at most `limit`. */
export function jsonLeaves(value: unknown, limit = 10_000): JsonLeaf[] {
  const out: JsonLeaf[] = [];
  const walk = (v: unknown, path: string[]) => {
    if (out.length >= limit || path.length > 64) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out.push({ path, text: typeof v === 'string' ? withDecodedBase64(v) : String(v) });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, String(i)]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
    }
  };
  walk(value, []);
  return out;
}

/** A JSON object or list parsed from text, or undefined when the text is not one. */
export function parseJsonObject(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(t);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
