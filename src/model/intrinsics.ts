/**
 * Evaluates CloudFormation intrinsic functions the way CloudFormation will at deploy time, as far
 * as a template allows without an account: into plain JSON whose strings carry placeholders.
 *
 * - `<Name>`, `<Name.Attr>`, `<AWS::Partition>`: one specific thing the template refers to (a
 *   resource, an attribute, a pseudo parameter). A placeholder is never a wildcard.
 * - `<Name@Stack>`: the same, for a resource of another stack of the app (through `Fn::ImportValue`).
 * - `<?Why>`: a value nobody can know before deployment (a parameter without a default, a
 *   `Fn::Select` over an unknown list). It is neither `*` nor safe: rules that need a bound read it
 *   as unbounded where that is the conservative reading.
 *
 * `Fn::If` takes the branch an {@link Assignment} chooses; the caller enumerates assignments (see
 * `variantsOf`), so every branch is analysed. `AWS::NoValue` removes the field or list item.
 */

/** How a template's parameters, mappings and imports are read. */
export interface TemplateScope {
  readonly parameters: { readonly [name: string]: ParameterSpec };
  readonly mappings: { readonly [name: string]: unknown };
  /**
   * The value of an export of another stack of the app, already evaluated and qualified for use
   * here, or undefined when no stack of the app exports the name.
   */
  readonly importValue?: (exportName: string) => unknown;
  /** Values given to this (nested) stack's parameters by its parent, already evaluated. */
  readonly parameterValues?: { readonly [name: string]: unknown };
  /** `Fn::GetAtt` that the model can see through (e.g. CDK's CfnJson custom resource). */
  readonly getAtt?: (logicalId: string, attribute: string, assignment: Assignment) => unknown;
}

export interface ParameterSpec {
  readonly Type?: unknown;
  readonly Default?: unknown;
  readonly AllowedValues?: unknown;
}

/** The branch taken for each condition and the value taken for each enumerated parameter. */
export interface Assignment {
  readonly conditions: ReadonlyMap<string, boolean>;
  readonly parameters: ReadonlyMap<string, string>;
}

export const DEFAULT_ASSIGNMENT: Assignment = { conditions: new Map(), parameters: new Map() };

export const EMPTY_SCOPE: TemplateScope = { parameters: {}, mappings: {} };

/** Marks a value removed by `AWS::NoValue`; never returned from {@link evaluate}. */
const NO_VALUE = Symbol('AWS::NoValue');

const MAX_DEPTH = 64;
const PSEUDO_PARAMETER = /^AWS::/;

/** Evaluates a value under one assignment. Never throws; `AWS::NoValue` at the top gives undefined. */
export function evaluate(value: unknown, scope: TemplateScope, assignment: Assignment = DEFAULT_ASSIGNMENT): unknown {
  try {
    const out = new Evaluator(scope, assignment).value(value, 0);
    return out === NO_VALUE ? undefined : out;
  } catch {
    return '<?Unresolvable>';
  }
}

/** Whether a string holds a value unknown before deployment. */
export function hasUnknown(value: string): boolean {
  return value.includes('<?');
}

/** One way a template can vary: a condition (two branches) or a parameter with allowed values. */
export interface Dimension {
  readonly kind: 'condition' | 'parameter';
  readonly name: string;
  /** For parameters, the allowed values. */
  readonly values?: readonly string[];
}

/** The conditions of `Fn::If` and the enumerable parameters a value depends on. */
export function dimensionsOf(value: unknown, scope: TemplateScope, into = new Map<string, Dimension>()): Map<string, Dimension> {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (d > MAX_DEPTH || v === null || typeof v !== 'object') {
      if (typeof v === 'string' && v.includes('${')) addSubParameters(v, scope, into);
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ v: item, d: d + 1 });
      continue;
    }
    const obj = v as { [key: string]: unknown };
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const arg = obj[keys[0]];
      if (keys[0] === 'Fn::If' && Array.isArray(arg) && typeof arg[0] === 'string') {
        into.set(`condition:${arg[0]}`, { kind: 'condition', name: arg[0] });
      } else if (keys[0] === 'Ref' && typeof arg === 'string') {
        addParameter(arg, scope, into);
      } else if (keys[0] === 'Fn::Sub') {
        const template = Array.isArray(arg) ? arg[0] : arg;
        if (typeof template === 'string') addSubParameters(template, scope, into, Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : undefined);
      }
    }
    for (const key of keys) stack.push({ v: obj[key], d: d + 1 });
  }
  return into;
}

function addSubParameters(template: string, scope: TemplateScope, into: Map<string, Dimension>, variables?: { [key: string]: unknown }): void {
  for (const match of template.matchAll(/\$\{([^!}][^}]*)\}/g)) {
    if (!variables || !(match[1] in variables)) addParameter(match[1], scope, into);
  }
}

function addParameter(name: string, scope: TemplateScope, into: Map<string, Dimension>): void {
  const spec = scope.parameters[name];
  if (!spec || scope.parameterValues?.[name] !== undefined || !Array.isArray(spec.AllowedValues)) return;
  const values = spec.AllowedValues.filter(v => typeof v === 'string' || typeof v === 'number').map(String);
  if (values.length > 1) into.set(`parameter:${name}`, { kind: 'parameter', name, values });
}

/** At most this many assignments are analysed per resource; beyond it, every branch still is, once. */
export const MAX_VARIANTS = 16;

/** One assignment to analyse, with what it chose, for messages. */
export interface Variant {
  readonly assignment: Assignment;
  /** e.g. `condition IsProd is false, parameter Env = dev`; empty when nothing varies. */
  readonly label: string;
}

/**
 * The assignments to analyse: every combination when there are few, otherwise a covering set in
 * which each branch of each dimension is taken at least once.
 */
export function variantsOf(dimensions: readonly Dimension[]): Variant[] {
  const choices = dimensions.map(d => (d.kind === 'condition' ? [true, false] : d.values ?? []) as Array<boolean | string>);
  const total = choices.reduce((n, c) => n * Math.max(1, c.length), 1);
  const picks: number[][] = [];
  if (total <= MAX_VARIANTS) {
    for (let i = 0; i < total; i++) {
      let rest = i;
      picks.push(choices.map(c => {
        const k = rest % c.length;
        rest = Math.floor(rest / c.length);
        return k;
      }));
    }
  } else {
    picks.push(choices.map(() => 0));
    choices.forEach((c, d) => {
      for (let k = 1; k < c.length; k++) picks.push(choices.map((_, j) => (j === d ? k : 0)));
    });
  }
  return picks.map(pick => {
    const conditions = new Map<string, boolean>();
    const parameters = new Map<string, string>();
    const label: string[] = [];
    dimensions.forEach((d, j) => {
      const chosen = choices[j][pick[j]];
      if (d.kind === 'condition') {
        conditions.set(d.name, chosen as boolean);
        label.push(`condition ${d.name} is ${chosen}`);
      } else {
        parameters.set(d.name, chosen as string);
        label.push(`parameter ${d.name} = ${chosen}`);
      }
    });
    return { assignment: { conditions, parameters }, label: label.join(', ') };
  });
}

/** A stable key of an assignment, for caches. */
export function assignmentKey(assignment: Assignment): string {
  if (assignment.conditions.size === 0 && assignment.parameters.size === 0) return '';
  const parts = [...assignment.conditions].map(([k, v]) => `c:${k}=${v}`).concat([...assignment.parameters].map(([k, v]) => `p:${k}=${v}`));
  return parts.sort().join('|');
}

class Evaluator {
  constructor(private readonly scope: TemplateScope, private readonly assignment: Assignment) {}

  public value(v: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH) return '<?TooDeep>';
    if (typeof v === 'string') return v.includes('{Token[') ? v.replace(/[$#]\{Token\[[^\]]*\]\}/g, '<?Token>') : v;
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        const e = this.value(item, depth + 1);
        if (e !== NO_VALUE) out.push(e);
      }
      return out;
    }
    const obj = v as { [key: string]: unknown };
    const keys = Object.keys(obj);
    if (keys.length === 1 && isIntrinsicKey(keys[0])) return this.intrinsic(keys[0], obj[keys[0]], depth + 1);
    const out: { [key: string]: unknown } = {};
    for (const key of keys) {
      const e = this.value(obj[key], depth + 1);
      if (e !== NO_VALUE) out[key] = e;
    }
    return out;
  }

  private intrinsic(name: string, arg: unknown, depth: number): unknown {
    switch (name) {
      case 'Ref': return typeof arg === 'string' ? this.ref(arg, depth) : '<?Ref>';
      case 'Fn::GetAtt': return this.getAtt(arg);
      case 'Fn::Join': return this.join(arg, depth);
      case 'Fn::Sub': return this.sub(arg, depth);
      case 'Fn::If': return this.if(arg, depth);
      case 'Fn::Select': return this.select(arg, depth);
      case 'Fn::Split': return this.split(arg, depth);
      case 'Fn::FindInMap': return this.findInMap(arg, depth);
      case 'Fn::ImportValue': return this.importValue(arg, depth);
      case 'Fn::Base64': return this.value(arg, depth);
      case 'Fn::GetAZs': return '<Fn::GetAZs>';
      case 'Condition': return typeof arg === 'string' ? `<Condition:${arg}>` : '<?Condition>';
      default: return `<${name}>`;
    }
  }

  private ref(name: string, depth: number): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (PSEUDO_PARAMETER.test(name)) return `<${name}>`;
    const given = this.scope.parameterValues?.[name];
    if (given !== undefined) return given;
    const spec = this.scope.parameters[name];
    if (!spec) return `<${name}>`;
    const chosen = this.assignment.parameters.get(name);
    const type = typeof spec.Type === 'string' ? spec.Type : 'String';
    // An SSM parameter type's default is the parameter's name, not its value.
    if (type.startsWith('AWS::SSM::Parameter::')) return `<?Parameter:${name}>`;
    const raw = chosen ?? (Array.isArray(spec.AllowedValues) && spec.AllowedValues.length === 1 ? spec.AllowedValues[0] : spec.Default);
    if (raw === undefined || raw === null) return type.startsWith('List<') || type === 'CommaDelimitedList' ? [`<?Parameter:${name}>`] : `<?Parameter:${name}>`;
    const text = this.value(raw, depth);
    if ((type.startsWith('List<') || type === 'CommaDelimitedList') && typeof text === 'string') return text.split(',').map(s => s.trim());
    return typeof text === 'number' || typeof text === 'boolean' ? String(text) : text;
  }

  private getAtt(arg: unknown): unknown {
    let logicalId: unknown;
    let attribute: unknown;
    if (Array.isArray(arg)) [logicalId, attribute] = arg;
    else if (typeof arg === 'string' && arg.includes('.')) [logicalId, attribute] = [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)];
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') return '<?Fn::GetAtt>';
    const seen = this.scope.getAtt?.(logicalId, attribute, this.assignment);
    return seen !== undefined ? seen : `<${logicalId}.${attribute}>`;
  }

  private if(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return '<?Fn::If>';
    const branch = this.assignment.conditions.get(arg[0]) ?? true;
    return this.value(branch ? arg[1] : arg[2], depth);
  }

  private text(part: unknown, depth: number): string {
    const e = this.value(part, depth);
    if (typeof e === 'string') return e;
    if (typeof e === 'number' || typeof e === 'boolean') return String(e);
    if (e === NO_VALUE) return '';
    return '<?Unresolvable>';
  }

  private list(v: unknown, depth: number): unknown[] | undefined {
    const e = this.value(v, depth);
    return Array.isArray(e) ? e : undefined;
  }

  private join(arg: unknown, depth: number): string {
    if (!Array.isArray(arg) || typeof arg[0] !== 'string') return '<?Fn::Join>';
    const parts = this.list(arg[1], depth);
    if (!parts) return '<?Fn::Join>';
    return parts.map(p => (typeof p === 'string' ? p : typeof p === 'number' || typeof p === 'boolean' ? String(p) : '<?Unresolvable>')).join(arg[0]);
  }

  private sub(arg: unknown, depth: number): string {
    let template: unknown = arg;
    let variables: { [key: string]: unknown } = {};
    if (Array.isArray(arg)) {
      template = arg[0];
      if (isRecord(arg[1])) variables = arg[1];
    }
    if (typeof template !== 'string') return '<?Fn::Sub>';
    return template.replace(/\$\{(!?)([^}]*)\}/g, (_match, literal: string, name: string) => {
      // `${!Name}` is CloudFormation's escape for a literal `${Name}` (IAM policy variables).
      if (literal) return '${' + name + '}';
      if (Object.prototype.hasOwnProperty.call(variables, name)) return this.text(variables[name], depth);
      const dot = name.indexOf('.');
      if (dot > 0 && !PSEUDO_PARAMETER.test(name)) {
        return this.text({ 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }, depth);
      }
      if (PSEUDO_PARAMETER.test(name) || /^[A-Za-z0-9]+$/.test(name)) return this.text({ Ref: name }, depth);
      return '${' + name + '}';
    });
  }

  private select(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || arg.length !== 2) return '<?Fn::Select>';
    const index = Number(this.value(arg[0], depth));
    const list = this.list(arg[1], depth);
    if (list && Number.isInteger(index) && index >= 0 && index < list.length) return list[index];
    const source = this.value(arg[1], depth);
    // Selecting from a list CloudFormation computes (availability zones, a split ARN) gives one
    // specific value; from an unknown list, an unknown one.
    return typeof source === 'string' && !hasUnknown(source) ? `<Fn::Select:${index}:${source.replace(/[<>]/g, '')}>` : '<?Fn::Select>';
  }

  private split(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || typeof arg[0] !== 'string' || arg[0] === '') return '<?Fn::Split>';
    const source = this.value(arg[1], depth);
    if (typeof source !== 'string') return '<?Fn::Split>';
    // Placeholders may contain the separator (`<AWS::Partition>`): split around them.
    const masked: string[] = [];
    const text = source.replace(/<[^<>]*>/g, m => `\u0000${masked.push(m) - 1}\u0000`);
    if (text.includes(arg[0]) || masked.length === 0) {
      return text.split(arg[0]).map(part => part.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => masked[Number(i)]));
    }
    // A placeholder that CloudFormation will split: the parts are specific but not known here.
    return [source];
  }

  private findInMap(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || arg.length < 3) return '<?Fn::FindInMap>';
    const [mapName, first, second] = [this.value(arg[0], depth), this.value(arg[1], depth), this.value(arg[2], depth)];
    const map = typeof mapName === 'string' ? this.scope.mappings[mapName] : undefined;
    if (!isRecord(map)) return arg.length > 3 ? this.value((arg[3] as { DefaultValue?: unknown })?.DefaultValue, depth) : '<?Fn::FindInMap>';
    const candidates: unknown[] = [];
    for (const [k1, level] of Object.entries(map)) {
      if (typeof first === 'string' && !first.includes('<') && k1 !== first) continue;
      if (!isRecord(level)) continue;
      for (const [k2, v] of Object.entries(level)) {
        if (typeof second === 'string' && !second.includes('<') && k2 !== second) continue;
        candidates.push(v);
      }
    }
    if (candidates.length === 0) return '<?Fn::FindInMap>';
    const distinct = new Set(candidates.map(c => JSON.stringify(c)));
    if (distinct.size === 1) return this.value(candidates[0], depth);
    // The key is only known at deploy time (usually the region): the value is one of the
    // author's constants; it is unknown only if one of them is a wildcard.
    const wild = candidates.some(c => typeof c === 'string' && (c.includes('*') || c.includes('?')));
    return wild ? `<?Fn::FindInMap:${mapName}>` : `<Fn::FindInMap:${mapName}>`;
  }

  private importValue(arg: unknown, depth: number): unknown {
    const name = this.value(arg, depth);
    if (typeof name !== 'string') return '<?ImportValue>';
    const imported = this.scope.importValue?.(name);
    return imported !== undefined ? imported : `<ImportValue:${name.replace(/[<>]/g, '')}>`;
  }
}

function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

function isRecord(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
