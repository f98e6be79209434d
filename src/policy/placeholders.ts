/**
 * Turns CloudFormation values that contain intrinsics into plain JSON whose strings carry stable
 * placeholders (`<Bucket.Arn>`, `<AWS::Partition>`), so that the analysis can treat every policy
 * as text. A placeholder names one specific thing the template refers to: it is never a wildcard.
 *
 * The format follows what cdk-nag prints for granular findings, so acknowledgments look familiar.
 */

/** Matches one placeholder anywhere in a string. */
export const PLACEHOLDER_PATTERN = /<[^<>]*>/g;

/** Unresolved CDK tokens that slipped through (`${Token[TOKEN.12]}`, `#{Token[...]}`). */
const UNRESOLVED_TOKEN = /[$#]\{Token\[[^\]]*\]\}/g;

const PSEUDO_PARAMETER = /^AWS::/;

/** Whether a string contains at least one placeholder. */
export function hasPlaceholder(value: string): boolean {
  return value.includes('<') && /<[^<>]*>/.test(value);
}

/**
 * Converts a resolved CloudFormation value (the output of `Stack.resolve`) into plain JSON with
 * placeholders instead of intrinsic functions. Never throws: an unknown shape becomes a placeholder.
 */
export function withPlaceholders(value: unknown): unknown {
  try {
    return convert(value, 0);
  } catch {
    return '<Unresolvable>';
  }
}

/** Like `withPlaceholders`, for a value that is expected to be a string. */
export function placeholderString(value: unknown): string {
  const converted = withPlaceholders(value);
  if (typeof converted === 'string') return converted;
  if (typeof converted === 'number' || typeof converted === 'boolean') return String(converted);
  return '<Unresolvable>';
}

const MAX_DEPTH = 64;

function convert(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return '<Unresolvable>';
  if (typeof value === 'string') return value.includes('{Token[') ? value.replace(UNRESOLVED_TOKEN, '<Token>') : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(v => convert(v, depth + 1));
  const obj = value as { [key: string]: unknown };
  const keys = Object.keys(obj);
  if (keys.length === 1 && isIntrinsicKey(keys[0])) {
    return intrinsic(keys[0], obj[keys[0]], depth + 1);
  }
  const out: { [key: string]: unknown } = {};
  for (const key of keys) out[key] = convert(obj[key], depth + 1);
  return out;
}

function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

function intrinsic(name: string, arg: unknown, depth: number): string {
  switch (name) {
    case 'Ref':
      return typeof arg === 'string' ? `<${arg}>` : '<Ref>';
    case 'Fn::GetAtt':
      return getAtt(arg);
    case 'Fn::Join':
      return join(arg, depth);
    case 'Fn::Sub':
      return sub(arg, depth);
    case 'Fn::ImportValue': {
      const exportName = convert(arg, depth);
      return typeof exportName === 'string' ? `<ImportValue:${stripBrackets(exportName)}>` : '<ImportValue>';
    }
    case 'Fn::If':
      return Array.isArray(arg) && typeof arg[0] === 'string' ? `<If:${arg[0]}>` : '<If>';
    default:
      return `<${name}>`;
  }
}

function getAtt(arg: unknown): string {
  if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') return `<${arg[0]}.${arg[1]}>`;
  if (typeof arg === 'string') return `<${arg}>`;
  return '<Fn::GetAtt>';
}

function join(arg: unknown, depth: number): string {
  if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return '<Fn::Join>';
  const separator = arg[0];
  const parts = (arg[1] as unknown[]).map(part => {
    const converted = convert(part, depth);
    if (typeof converted === 'string') return converted;
    if (typeof converted === 'number' || typeof converted === 'boolean') return String(converted);
    return '<Fn::Join>';
  });
  return parts.join(separator);
}

function sub(arg: unknown, depth: number): string {
  let template: unknown = arg;
  let variables: { [key: string]: unknown } = {};
  if (Array.isArray(arg)) {
    template = arg[0];
    if (arg[1] && typeof arg[1] === 'object' && !Array.isArray(arg[1])) variables = arg[1] as { [key: string]: unknown };
  }
  if (typeof template !== 'string') return '<Fn::Sub>';
  return template.replace(/\$\{(!?)([^}]*)\}/g, (_match, literal: string, name: string) => {
    // `${!Name}` is CloudFormation's escape for a literal `${Name}` (IAM policy variables).
    if (literal) return '${' + name + '}';
    if (Object.prototype.hasOwnProperty.call(variables, name)) {
      const converted = convert(variables[name], depth);
      return typeof converted === 'string' ? converted : `<${name}>`;
    }
    return PSEUDO_PARAMETER.test(name) || /^[A-Za-z0-9]+(\.[A-Za-z0-9.]+)?$/.test(name) ? `<${name}>` : '${' + name + '}';
  });
}

function stripBrackets(value: string): string {
  return value.replace(/[<>]/g, '');
}
