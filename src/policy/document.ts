/**
 * One normalized shape for every IAM policy document CloudFormation accepts: `Statement` as an
 * object or a list, string or list values, Action/NotAction, Resource/NotResource,
 * Principal/NotPrincipal and Condition. Input must already be evaluated (`src/model/intrinsics.ts`): intrinsics as placeholders.
 */

/** The principals a statement names, by kind. */
export interface PrincipalSet {
  /** `"Principal": "*"` or `{"AWS": "*"}`: everyone. */
  readonly wildcard: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

/** One condition test: operator, key and the values it compares against. */
export interface ConditionTest {
  /** As written, e.g. `StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`. */
  readonly operator: string;
  /** Lower-cased: condition keys are case-insensitive. */
  readonly key: string;
  readonly values: readonly string[];
}

export type Effect = 'Allow' | 'Deny';

/** A statement with every list normalized. Values keep their spelling (runs of `*` become one); compare actions case-insensitively. */
export interface Statement {
  /** Position in the document, for stable finding names. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principal?: PrincipalSet;
  readonly notPrincipal?: PrincipalSet;
  readonly conditions: readonly ConditionTest[];
}

export interface PolicyDocument {
  readonly statements: readonly Statement[];
}

export const EMPTY_DOCUMENT: PolicyDocument = { statements: [] };

const DOCUMENT_IDS = new WeakMap<PolicyDocument, number>();
let lastDocumentId = 0;

/** A number that stands for one document object (the model shares one object per content). */
export function documentId(doc: PolicyDocument): number {
  let id = DOCUMENT_IDS.get(doc);
  if (id === undefined) {
    id = ++lastDocumentId;
    DOCUMENT_IDS.set(doc, id);
  }
  return id;
}

/**
 * A cache key for a principal's documents and its boundary (undefined: none): principals that
 * hold the same policies share analyses keyed by it.
 */
export function documentSetKey(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): string {
  return `${grants.map(documentId).join(',')}|${boundary ? boundary.map(documentId).join(',') : '-'}`;
}

/** Normalizes a policy document; anything that is not a document yields no statements. */
export function normalizePolicyDocument(raw: unknown): PolicyDocument {
  let doc = raw;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return EMPTY_DOCUMENT;
    }
  }
  if (!isObject(doc)) return EMPTY_DOCUMENT;
  const rawStatements = field(doc, 'Statement');
  const list = Array.isArray(rawStatements) ? rawStatements : rawStatements === undefined ? [] : [rawStatements];
  const statements: Statement[] = [];
  list.forEach((s, index) => {
    if (isObject(s)) statements.push(normalizeStatement(s, index));
  });
  return { statements };
}

function normalizeStatement(s: { [key: string]: unknown }, index: number): Statement {
  const effectValue = field(s, 'Effect');
  // Only an explicit Deny denies; an unreadable effect is treated as Allow so no grant goes unseen.
  const effect: Effect = effectValue === 'Deny' ? 'Deny' : 'Allow';
  const sid = field(s, 'Sid');
  const action = field(s, 'Action');
  const notAction = field(s, 'NotAction');
  const resource = field(s, 'Resource');
  const notResource = field(s, 'NotResource');
  const principal = field(s, 'Principal');
  const notPrincipal = field(s, 'NotPrincipal');
  return {
    index,
    sid: typeof sid === 'string' ? sid : undefined,
    effect,
    actions: action === undefined ? undefined : patternList(action),
    notActions: notAction === undefined ? undefined : patternList(notAction),
    resources: resource === undefined ? undefined : patternList(resource),
    notResources: notResource === undefined ? undefined : patternList(notResource),
    principal: principal === undefined ? undefined : principalSet(principal),
    notPrincipal: notPrincipal === undefined ? undefined : principalSet(notPrincipal),
    conditions: conditionTests(field(s, 'Condition')),
  };
}

/**
 * Action or resource patterns: {@link stringList}, with each run of `*` written as one `*`, which
 * IAM reads the same. A Resource of 100,000 stars is then `*` to every analysis, instead of a
 * pattern each comparison walks in full.
 */
function patternList(value: unknown): string[] {
  const list = stringList(value);
  for (let i = 0; i < list.length; i++) if (list[i].includes('**')) list[i] = list[i].replace(/\*{2,}/g, '*');
  return list;
}

/** A string or list of strings; other scalars are stringified, objects become a placeholder. */
export function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'number' || typeof item === 'boolean') out.push(String(item));
    else if (item !== null && item !== undefined) out.push('<Unresolvable>');
  }
  return out;
}

function principalSet(value: unknown): PrincipalSet {
  if (typeof value === 'string') {
    return { wildcard: value === '*', aws: value === '*' ? [] : [value], service: [], federated: [], canonicalUser: [] };
  }
  if (!isObject(value)) return { wildcard: false, aws: ['<Unresolvable>'], service: [], federated: [], canonicalUser: [] };
  const aws: string[] = [];
  const service: string[] = [];
  const federated: string[] = [];
  const canonicalUser: string[] = [];
  let wildcard = false;
  for (const [kind, raw] of Object.entries(value)) {
    const values = stringList(raw);
    switch (kind.toLowerCase()) {
      case 'aws':
        for (const v of values) {
          if (v === '*') wildcard = true;
          else aws.push(v);
        }
        break;
      case 'service': service.push(...values); break;
      case 'federated': federated.push(...values); break;
      case 'canonicaluser': canonicalUser.push(...values); break;
      default: aws.push(...values);
    }
  }
  return { wildcard, aws, service, federated, canonicalUser };
}

function conditionTests(value: unknown): ConditionTest[] {
  if (!isObject(value)) return value === undefined ? [] : [{ operator: '<Unresolvable>', key: '<unresolvable>', values: [] }];
  const tests: ConditionTest[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block)) {
      tests.push({ operator, key: '<unresolvable>', values: stringList(block) });
      continue;
    }
    for (const [key, values] of Object.entries(block)) {
      tests.push({ operator, key: key.toLowerCase(), values: stringList(values) });
    }
  }
  return tests;
}

/**
 * A positive test that pins its key to specific values: not negated, not IfExists (which passes
 * when the key is absent), not ForAllValues (which passes on an empty set), and no wildcard-only value.
 */
export function isNarrowingTest(test: ConditionTest): boolean {
  const op = test.operator.toLowerCase();
  if (op.endsWith('ifexists') || op.startsWith('forallvalues:') || op.includes('not') || op === 'null') return false;
  // A value unknown before deployment (`<?Parameter:Name>`) may be `*`: it narrows nothing for sure.
  return test.values.length > 0 && test.values.every(v => v.length > 0 && !/^[*?]+$/.test(v) && !v.includes('<?'));
}

/**
 * Whether the statement only applies to resources carrying given tags (attribute-based access
 * control, e.g. CDK Pipelines' `iam:ResourceTag/aws-cdk:bootstrap-role`): like naming resources.
 */
export function isResourceTagScoped(statement: Statement): boolean {
  return statement.conditions.some(t => /^[a-z0-9-]+:resourcetag\//.test(t.key) && isNarrowingTest(t));
}

/** Reads a field by its exact name, or case-insensitively if absent (CloudFormation is strict, users are not). */
function field(obj: { [key: string]: unknown }, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

export function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
