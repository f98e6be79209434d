/**
 * Whether a secret value, as written in a template (intrinsics kept), can be learned by someone who
 * can read the template, the stack's parameters or a plain SSM parameter: a console password must
 * have at least one part nobody can read that way.
 *
 * Secret parts: `{{resolve:secretsmanager:...}}` and `{{resolve:ssm-secure:...}}` dynamic
 * references, a `NoEcho` parameter without a `Default`, and a `Ref`/`Fn::GetAtt` of a resource
 * (a generated secret, a custom resource's attribute: not judged). Readable parts: literal text,
 * pseudo parameters (stack name, account id), a parameter without `NoEcho` (shown in the console
 * and by DescribeStacks), a `NoEcho` parameter's `Default` (in the template), an
 * `AWS::SSM::Parameter::Value<...>` parameter or `{{resolve:ssm:...}}` (a plain String parameter
 * anyone with ssm:GetParameter reads), a mapping, an export of another stack (ListExports).
 * `Fn::Sub`, `Fn::Join` and the like are secret when one of their parts is.
 */

/** A template parameter as far as secrecy goes. */
export interface SecretParameterSpec {
  readonly Type?: unknown;
  readonly Default?: unknown;
  readonly NoEcho?: unknown;
}

/** What the reading needs to know about the template. */
export interface SecretScope {
  /** A parameter of the template, or undefined when the name is not one. */
  readonly parameter: (name: string) => SecretParameterSpec | undefined;
  /** The branch `Fn::If` takes for a condition (true when unknown). */
  readonly condition?: (name: string) => boolean | undefined;
}

/** Why a readable part is readable, for the message and its fix. */
export type ReadableSourceKind = 'literal' | 'pseudo-parameter' | 'parameter-default' | 'parameter-echoed' | 'ssm-parameter-type'
| 'ssm-plain' | 'mapping' | 'export';

export interface ReadableSource {
  readonly kind: ReadableSourceKind;
  /** e.g. `parameter "InitialPassword"`, `AWS::StackName`. */
  readonly what: string;
}

export interface SecretReading {
  /** True when every part of the value can be read or guessed. */
  readonly readable: boolean;
  /** The readable parts (empty when none is). */
  readonly sources: readonly ReadableSource[];
}

/** Stands for a part nobody can read from the template. */
const SECRET_PART = '\uE000';
/**
 * Past this length a rendered part is summarized: `${X}${X}` nested doubles the text at each
 * level, and only the secret parts and dynamic references matter, not the text itself.
 */
const MAX_RENDERED_LENGTH = 10_000;
const SECRET_REFERENCE = /\{\{resolve:(?:secretsmanager|ssm-secure):/;
const PLAIN_SSM_REFERENCE = /\{\{resolve:ssm:[^{}]*\}\}/g;

/** Reads a value as written (intrinsics kept). */
export function readSecretValue(value: unknown, scope: SecretScope): SecretReading {
  const sources: ReadableSource[] = [];
  const text = new Reader(scope, sources).render(value, 0);
  const withoutPlainSsm = text.replace(PLAIN_SSM_REFERENCE, () => {
    sources.push({ kind: 'ssm-plain', what: 'a {{resolve:ssm:...}} reference (a plain String parameter)' });
    return '';
  });
  const secret = SECRET_REFERENCE.test(withoutPlainSsm) || withoutPlainSsm.includes(SECRET_PART);
  if (secret) return { readable: false, sources: [] };
  const distinct = new Map<string, ReadableSource>();
  for (const source of sources) if (!distinct.has(source.what)) distinct.set(source.what, source);
  return { readable: true, sources: [...distinct.values()] };
}

/** `Fn::If` chosen, down to a value that is not one. */
export function chooseBranch(value: unknown, scope: SecretScope, depth = 0): unknown {
  if (depth > 64 || !isRecord(value)) return value;
  const keys = Object.keys(value);
  const arg = value['Fn::If'];
  if (keys.length !== 1 || !Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return value;
  return chooseBranch((scope.condition?.(arg[0]) ?? true) ? arg[1] : arg[2], scope, depth + 1);
}

class Reader {
  constructor(private readonly scope: SecretScope, private readonly sources: ReadableSource[]) {}

  public render(value: unknown, depth: number): string {
    if (depth > 64) return SECRET_PART;
    if (typeof value === 'string') return this.literal(value);
    if (typeof value === 'number' || typeof value === 'boolean') return this.literal(String(value));
    if (Array.isArray(value)) return value.map(v => this.render(v, depth + 1)).join(',');
    if (!isRecord(value)) return '';
    const keys = Object.keys(value);
    if (keys.length !== 1) return SECRET_PART;
    const [key] = keys;
    const arg = value[key];
    switch (key) {
      case 'Ref': return typeof arg === 'string' ? this.ref(arg) : SECRET_PART;
      case 'Fn::Sub': return this.sub(arg, depth);
      case 'Fn::Join':
        if (!Array.isArray(arg) || !Array.isArray(arg[1])) return SECRET_PART;
        return bounded((arg[1] as unknown[]).map(v => this.render(v, depth + 1)).join(typeof arg[0] === 'string' ? arg[0] : ''));
      case 'Fn::If': {
        const chosen = chooseBranch(value, this.scope);
        return chosen === value ? SECRET_PART : this.render(chosen, depth + 1);
      }
      case 'Fn::Select':
        if (Array.isArray(arg) && typeof arg[0] === 'number' && Array.isArray(arg[1]) && arg[0] < arg[1].length) {
          return this.render(arg[1][arg[0]], depth + 1);
        }
        return this.render(arg, depth + 1);
      case 'Fn::Base64':
      case 'Fn::Split':
      case 'Fn::GetAZs':
      case 'Fn::Cidr':
        return this.render(arg, depth + 1);
      case 'Fn::FindInMap':
        this.sources.push({ kind: 'mapping', what: `mapping ${Array.isArray(arg) && typeof arg[0] === 'string' ? `"${arg[0]}"` : '(Fn::FindInMap)'}` });
        return 'mapped';
      case 'Fn::ImportValue':
        this.sources.push({ kind: 'export', what: 'an export of another stack (Fn::ImportValue)' });
        return 'exported';
      // Fn::GetAtt (a resource's attribute: a generated secret, a custom resource's output) and
      // anything unknown are not judged readable.
      default: return SECRET_PART;
    }
  }

  private literal(text: string): string {
    const withoutReferences = text.replace(/\{\{resolve:[^{}]*\}\}/g, '');
    if (withoutReferences.trim().length > 0) this.sources.push({ kind: 'literal', what: 'literal text' });
    return text;
  }

  private ref(name: string): string {
    if (name.startsWith('AWS::')) {
      if (name === 'AWS::NoValue') return '';
      this.sources.push({ kind: 'pseudo-parameter', what: name });
      return name;
    }
    const spec = this.scope.parameter(name);
    // A resource (a generated secret's Ref) or a name the template does not declare: not judged.
    if (!spec) return SECRET_PART;
    const type = typeof spec.Type === 'string' ? spec.Type : 'String';
    if (type.startsWith('AWS::SSM::Parameter::Value')) {
      this.sources.push({ kind: 'ssm-parameter-type', what: `parameter "${name}" (of type ${type}: a plain SSM parameter)` });
      return name;
    }
    const noEcho = spec.NoEcho === true || (typeof spec.NoEcho === 'string' && spec.NoEcho.toLowerCase() === 'true');
    if (!noEcho) {
      this.sources.push({ kind: 'parameter-echoed', what: `parameter "${name}" (not NoEcho)` });
      return name;
    }
    if (spec.Default !== undefined) {
      this.sources.push({ kind: 'parameter-default', what: `parameter "${name}" (NoEcho, but its Default is in the template)` });
      return name;
    }
    return SECRET_PART;
  }

  private sub(arg: unknown, depth: number): string {
    const template = Array.isArray(arg) ? arg[0] : arg;
    const variables = Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : {};
    if (typeof template !== 'string') return SECRET_PART;
    const parts: string[] = [];
    // Each name is read once however often it appears (`${X}${X}` nested must not be exponential).
    const rendered = new Map<string, string>();
    const valueOf = (name: string): string => {
      if (name.startsWith('!')) return this.literal(`\${${name.slice(1)}}`);
      if (Object.prototype.hasOwnProperty.call(variables, name)) return this.render(variables[name], depth + 1);
      if (name.includes('.') && !name.startsWith('AWS::')) return SECRET_PART; // ${Resource.Attribute}
      return this.ref(name);
    };
    let last = 0;
    for (const match of template.matchAll(/\$\{([^}]*)\}/g)) {
      parts.push(template.slice(last, match.index));
      last = match.index! + match[0].length;
      let value = rendered.get(match[1]);
      if (value === undefined) {
        value = valueOf(match[1]);
        rendered.set(match[1], value);
      }
      parts.push(value);
    }
    parts.push(template.slice(last));
    this.literal(parts.filter((_, i) => i % 2 === 0).join(''));
    return bounded(parts.join(''));
  }
}

/**
 * A long rendered text summarized to what the reading needs: a secret marker when it holds a
 * secret part, a secret reference or an unfinished dynamic reference (which cut text could
 * misread), otherwise a short readable stand-in.
 */
function bounded(text: string): string {
  if (text.length <= MAX_RENDERED_LENGTH) return text;
  // A marker inside a plain SSM reference is the parameter's name, not its value: drop those first.
  const withoutPlain = text.replace(PLAIN_SSM_REFERENCE, '');
  if (withoutPlain.includes(SECRET_PART) || withoutPlain.includes('{{resolve:')) return SECRET_PART;
  return withoutPlain.length < text.length ? 'long-readable-text{{resolve:ssm:...}}' : 'long-readable-text';
}

function isRecord(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
