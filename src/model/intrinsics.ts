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

import { isObject as isRecord } from '../policy/document';

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
/**
 * The longest string Fn::Join and Fn::Sub build. `${X}${X}` nested a few dozen times doubles a
 * string each level: past this (a template is at most 1 MB) the value is unknown, not computed.
 */
const MAX_STRING_LENGTH = 1_000_000;
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
    if (d > MAX_DEPTH || v === null || typeof v !== 'object') continue;
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
        // The template's names are parameters unless the variable map defines them: walk only the map.
        const template = Array.isArray(arg) ? arg[0] : arg;
        const variables = Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : undefined;
        if (typeof template === 'string') addSubParameters(template, scope, into, variables);
        for (const variable of Object.values(variables ?? {})) stack.push({ v: variable, d: d + 2 });
        continue;
      }
    }
    for (const key of keys) stack.push({ v: obj[key], d: d + 1 });
  }
  return into;
}

function addSubParameters(template: string, scope: TemplateScope, into: Map<string, Dimension>, variables?: { [key: string]: unknown }): void {
  for (const match of template.matchAll(/\$\{([^!}][^}]*)\}/g)) {
    if (!variables || !Object.prototype.hasOwnProperty.call(variables, match[1])) addParameter(match[1], scope, into);
  }
}

function addParameter(name: string, scope: TemplateScope, into: Map<string, Dimension>): void {
  const spec = own(scope.parameters, name);
  if (!isRecord(spec) || own(scope.parameterValues, name) !== undefined || !Array.isArray(spec.AllowedValues)) return;
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
  // What nearly every resource varies by: nothing. One list, shared (Variants are read only).
  if (dimensions.length === 0) return NO_VARIATION as Variant[];
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

/** The variants of a resource that varies by nothing: the default assignment, without a label. */
const NO_VARIATION: readonly Variant[] = Object.freeze([Object.freeze({ assignment: DEFAULT_ASSIGNMENT, label: '' })]);

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
      // Values without intrinsics (most of a policy document) are returned as they are: a copy
      // per resource and variant is garbage for the collector.
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const e = this.value(v[i], depth + 1);
        if (out === undefined && e === v[i]) continue;
        out ??= v.slice(0, i);
        if (e !== NO_VALUE) out.push(e);
      }
      return out ?? v;
    }
    const obj = v as { [key: string]: unknown };
    const keys = Object.keys(obj);
    if (keys.length === 1 && isIntrinsicKey(keys[0])) return this.intrinsic(keys[0], obj[keys[0]], depth + 1);
    let out: { [key: string]: unknown } | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const e = this.value(obj[key], depth + 1);
      if (out === undefined && e === obj[key]) continue;
      if (out === undefined) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]] = obj[keys[j]];
      }
      if (e !== NO_VALUE) out[key] = e;
    }
    return out ?? obj;
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
    const given = own(this.scope.parameterValues, name);
    if (given !== undefined) return given;
    const spec = own(this.scope.parameters, name);
    if (!isRecord(spec)) return `<${name}>`;
    const chosen = this.assignment.parameters.get(name);
    const type = typeof spec.Type === 'string' ? spec.Type : 'String';
    // An SSM parameter type's default is the parameter's name, not its value.
    if (type.startsWith('AWS::SSM::Parameter::')) return `<?Parameter:${name}>`;
    const raw = chosen ?? (Array.isArray(spec.AllowedValues) && spec.AllowedValues.length === 1 ? spec.AllowedValues[0] : spec.Default);
    // A default or allowed value is a literal: anything else (an intrinsic, a list) is not a value
    // CloudFormation accepts, and following it could loop (a default that refers to itself).
    if (raw === undefined || raw === null || typeof raw === 'object') {
      return type.startsWith('List<') || type === 'CommaDelimitedList' ? [`<?Parameter:${name}>`] : `<?Parameter:${name}>`;
    }
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
    return capped(parts.map(p => (typeof p === 'string' ? p : typeof p === 'number' || typeof p === 'boolean' ? String(p) : '<?Unresolvable>')).join(arg[0]));
  }

  private sub(arg: unknown, depth: number): string {
    let template: unknown = arg;
    let variables: { [key: string]: unknown } = {};
    if (Array.isArray(arg)) {
      template = arg[0];
      if (isRecord(arg[1])) variables = arg[1];
    }
    if (typeof template !== 'string') return '<?Fn::Sub>';
    // Each name is evaluated once however often it appears: `${X}${X}` nested must not be exponential.
    const values = new Map<string, string>();
    const valueOf = (name: string): string => {
      if (Object.prototype.hasOwnProperty.call(variables, name)) return this.text(variables[name], depth);
      if (/^Token\[[^\]]*\]$/.test(name)) return '<?Token>';
      const dot = name.indexOf('.');
      if (dot > 0 && !PSEUDO_PARAMETER.test(name)) {
        return this.text({ 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }, depth);
      }
      if (PSEUDO_PARAMETER.test(name) || /^[A-Za-z0-9]+$/.test(name)) return this.text({ Ref: name }, depth);
      return '${' + name + '}';
    };
    let length = 0;
    let tooLong = false;
    const out = template.replace(/\$\{(!?)([^}]*)\}/g, (_match, literal: string, name: string) => {
      // `${!Name}` is CloudFormation's escape for a literal `${Name}` (IAM policy variables).
      if (literal) return '${' + name + '}';
      if (tooLong) return '';
      let value = values.get(name);
      if (value === undefined) {
        value = valueOf(name);
        values.set(name, value);
      }
      length += value.length;
      tooLong = length > MAX_STRING_LENGTH;
      return value;
    });
    return tooLong ? '<?TooLong>' : capped(out);
  }

  private select(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || arg.length !== 2) return '<?Fn::Select>';
    const index = Number(this.value(arg[0], depth));
    const source = this.value(arg[1], depth);
    const list = Array.isArray(source) ? source : undefined;
    if (list && Number.isInteger(index) && index >= 0 && index < list.length) return list[index];
    // Selecting from a list CloudFormation computes (availability zones, a split ARN) gives one
    // specific value; from an unknown list, an unknown one.
    return typeof source === 'string' && !hasUnknown(source) ? `<Fn::Select:${index}:${source.replace(/[<>]/g, '')}>` : '<?Fn::Select>';
  }

  private split(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || typeof arg[0] !== 'string' || arg[0] === '') return '<?Fn::Split>';
    const source = this.value(arg[1], depth);
    if (typeof source !== 'string') return '<?Fn::Split>';
    return splitAroundPlaceholders(source, arg[0]);
  }

  private findInMap(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || arg.length < 3) return '<?Fn::FindInMap>';
    const [mapName, first, second] = [this.value(arg[0], depth), this.value(arg[1], depth), this.value(arg[2], depth)];
    // With the AWS::LanguageExtensions transform, a DefaultValue is used when a key is missing.
    const options = arg[3];
    const hasDefault = isRecord(options) && Object.prototype.hasOwnProperty.call(options, 'DefaultValue');
    const map = typeof mapName === 'string' ? own(this.scope.mappings, mapName) : undefined;
    if (!isRecord(map)) return hasDefault ? this.value(options.DefaultValue, depth) : '<?Fn::FindInMap>';
    const known = (key: unknown): key is string => typeof key === 'string' && !key.includes('<');
    const candidates: unknown[] = [];
    for (const [k1, level] of Object.entries(map)) {
      if (known(first) && k1 !== first) continue;
      if (!isRecord(level)) continue;
      for (const [k2, v] of Object.entries(level)) {
        if (known(second) && k2 !== second) continue;
        candidates.push(v);
      }
    }
    // A key known only at deploy time may be missing from the map: then the default is taken.
    if (hasDefault && (candidates.length === 0 || !known(first) || !known(second))) candidates.push(options.DefaultValue);
    if (candidates.length === 0) return '<?Fn::FindInMap>';
    const distinct = new Set(candidates.map(c => JSON.stringify(c)));
    if (distinct.size === 1) return this.value(candidates[0], depth);
    // The key is only known at deploy time (usually the region): the value is one of the
    // author's constants; it is unknown only if one of them is (or holds) a wildcard or an unknown.
    // (Read as written: evaluating every candidate of a map whose values refer to the map again
    // would be exponential.)
    const wild = candidates.some(c => holdsWildcard(c, depth));
    return wild ? `<?Fn::FindInMap:${mapName}>` : `<Fn::FindInMap:${mapName}>`;
  }

  private importValue(arg: unknown, depth: number): unknown {
    const name = this.value(arg, depth);
    if (typeof name !== 'string') return '<?ImportValue>';
    const imported = this.scope.importValue?.(name);
    return imported !== undefined ? imported : `<ImportValue:${name.replace(/[<>]/g, '')}>`;
  }
}

/** A string built past {@link MAX_STRING_LENGTH} is not computed: it is unknown. */
function capped(text: string): string {
  return text.length > MAX_STRING_LENGTH ? '<?TooLong>' : text;
}

/**
 * Splits on a separator outside placeholders: placeholders may contain it (`<AWS::Partition>` and
 * ':'). A placeholder is one value; if CloudFormation splits inside it, the parts are specific
 * values that are not known here, so it stays whole.
 */
function splitAroundPlaceholders(source: string, separator: string): string[] {
  const parts: string[] = [''];
  const placeholder = /<[^<>]*>/g;
  let last = 0;
  const addText = (text: string) => {
    const pieces = text.split(separator);
    parts[parts.length - 1] += pieces[0];
    for (let i = 1; i < pieces.length; i++) parts.push(pieces[i]);
  };
  for (const match of source.matchAll(placeholder)) {
    addText(source.slice(last, match.index));
    parts[parts.length - 1] += match[0];
    last = match.index! + match[0].length;
  }
  addText(source.slice(last));
  return parts;
}

/** Whether a value, as written, holds a wildcard or an unknown anywhere. */
function holdsWildcard(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('*') || value.includes('?');
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  return Object.values(value).some(v => holdsWildcard(v, depth + 1));
}

/** A property of a record, never one inherited from Object.prototype (`constructor`, `__proto__`). */
function own(record: { readonly [key: string]: unknown } | undefined, key: string): unknown {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

