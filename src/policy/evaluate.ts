/**
 * One request through a set of policies, as IAM decides it: an explicit Deny wins, then an Allow,
 * otherwise the request is implicitly denied. Where `boundary.ts` and `permissions.ts` judge whole
 * grants (any request they might allow), this judges one concrete request with its context, so
 * conditional statements (a Deny on `aws:ResourceTag/...`, an Allow on `${aws:username}`) can be
 * decided: the request says which keys it carries.
 *
 * Supported: Action/NotAction, Resource/NotResource with policy variables (`${aws:username}`; a
 * variable whose key the request lacks matches nothing, as in IAM), and the String, Arn, Bool and
 * Null condition operators with ForAnyValue/ForAllValues and IfExists. A test with another operator
 * is undecidable: it throws rather than guess.
 */
import { ConditionTest, PolicyDocument, Statement } from './document';
import { globMatch } from './glob';
import { statementMatchesAction } from './permissions';

/** A concrete request: one action on one resource, with the condition keys it carries. */
export interface PolicyRequest {
  /** One exact action, e.g. `lambda:UpdateFunctionCode`. */
  readonly action: string;
  /** The resource's ARN, or `*` for an action without resource-level permissions. */
  readonly resource: string;
  /** Condition keys of the request (any case) and their values; a key not listed is absent. */
  readonly context?: { readonly [key: string]: string | readonly string[] };
}

/** IAM's decision on a request. */
export type PolicyDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** The decision of a set of policies (e.g. the documents of a boundary) on one request. */
export function evaluateRequest(documents: readonly PolicyDocument[], request: PolicyRequest): PolicyDecision {
  const context = normalizeContext(request.context);
  let allowed = false;
  for (const doc of documents) {
    for (const statement of doc.statements) {
      if (!statementApplies(statement, request, context)) continue;
      if (statement.effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/** The statements of some documents that apply to a request (to explain a decision). */
export function statementsApplying(documents: readonly PolicyDocument[], request: PolicyRequest): Statement[] {
  const context = normalizeContext(request.context);
  return documents.flatMap(doc => doc.statements.filter(s => statementApplies(s, request, context)));
}

type Context = ReadonlyMap<string, readonly string[]>;

function normalizeContext(context: PolicyRequest['context']): Context {
  const out = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(context ?? {})) out.set(key.toLowerCase(), typeof value === 'string' ? [value] : [...value]);
  return out;
}

function statementApplies(statement: Statement, request: PolicyRequest, context: Context): boolean {
  const verdict = statementVerdict(statement, request, context);
  if (verdict === 'unknown') {
    const test = statement.conditions.find(t => conditionVerdict(t, context) === 'unknown')!;
    throw new Error(`evaluateRequest: condition operator ${test.operator} is not supported`);
  }
  return verdict === 'yes';
}

/** Whether a statement applies to a request: `unknown` when a condition's operator cannot be decided here. */
export type Verdict = 'yes' | 'no' | 'unknown';

/**
 * Whether one statement applies to a request (action, resource and every condition), without
 * guessing: a condition whose operator this module does not decide makes the answer `unknown`,
 * for callers that must treat it as "may apply" (a lockout check) rather than fail.
 */
export function statementApplication(statement: Statement, request: PolicyRequest): Verdict {
  return statementVerdict(statement, request, normalizeContext(request.context));
}

function statementVerdict(statement: Statement, request: PolicyRequest, context: Context): Verdict {
  if (!statementMatchesAction(statement, request.action)) return 'no';
  if (!resourceMatches(statement, request.resource, context)) return 'no';
  let verdict: Verdict = 'yes';
  for (const test of statement.conditions) {
    const holds = conditionVerdict(test, context);
    if (holds === 'no') return 'no';
    if (holds === 'unknown') verdict = 'unknown';
  }
  return verdict;
}

function resourceMatches(statement: Statement, resource: string, context: Context): boolean {
  const matches = (pattern: string) => {
    const substituted = substituteVariables(pattern, context);
    return substituted !== undefined && globMatch(substituted, resource);
  };
  if (statement.resources) return statement.resources.some(matches);
  if (statement.notResources) return !statement.notResources.some(matches);
  return false;
}

/** A pattern with its `${key}` variables replaced; undefined when the request lacks a key. */
function substituteVariables(pattern: string, context: Context): string | undefined {
  let missing = false;
  const out = pattern.replace(/\$\{([^}]+)\}/g, (_whole, key: string) => {
    if (key === '*' || key === '?' || key === '$') return key;
    const value = context.get(key.toLowerCase());
    if (!value || value.length !== 1) {
      missing = true;
      return '';
    }
    return value[0];
  });
  return missing ? undefined : out;
}

/**
 * IAM's rules for one condition test: a positive operator on an absent key is false, a negated one
 * true; `...IfExists` and `ForAllValues:` are true on an absent key, `ForAnyValue:` false;
 * `ForAnyValue:` needs one request value to satisfy the operator, `ForAllValues:` every one;
 * `Null: true` holds when the key is absent. An operator outside the String, Arn, Bool and Null
 * families is `unknown`.
 */
function conditionVerdict(test: ConditionTest, context: Context): Verdict {
  let operator = test.operator;
  let qualifier: 'any' | 'all' | undefined;
  if (/^ForAnyValue:/i.test(operator)) {
    qualifier = 'any';
    operator = operator.slice('ForAnyValue:'.length);
  } else if (/^ForAllValues:/i.test(operator)) {
    qualifier = 'all';
    operator = operator.slice('ForAllValues:'.length);
  }
  const ifExists = /IfExists$/i.test(operator);
  if (ifExists) operator = operator.slice(0, -'IfExists'.length);
  const base = operator.toLowerCase();
  const present = context.get(test.key);

  if (base === 'null') {
    const wanted = test.values.map(v => v.toLowerCase());
    if (wanted.length !== 1 || (wanted[0] !== 'true' && wanted[0] !== 'false')) return 'unknown';
    return (wanted[0] === 'true') === (present === undefined) ? 'yes' : 'no';
  }
  const compare = comparator(base);
  if (!compare) return 'unknown';
  const negated = base.includes('not');
  if (present === undefined || present.length === 0) {
    if (ifExists || qualifier === 'all') return 'yes';
    if (qualifier === 'any') return 'no';
    return negated ? 'yes' : 'no';
  }
  const values = test.values.map(v => substituteVariables(v, context)).filter((v): v is string => v !== undefined);
  // A negated operator holds for a request value that matches none of the test's values.
  const valueHolds = (actual: string) => values.some(v => compare(v, actual)) !== negated;
  const holds = qualifier === 'all' ? present.every(valueHolds) : present.some(valueHolds);
  return holds ? 'yes' : 'no';
}

/** How an operator compares a policy value with a request value (negation handled by the caller). */
function comparator(base: string): ((policy: string, actual: string) => boolean) | undefined {
  switch (base) {
    case 'stringequals':
    case 'stringnotequals':
      return (policy, actual) => policy === actual;
    case 'stringequalsignorecase':
    case 'stringnotequalsignorecase':
    case 'bool':
      return (policy, actual) => policy.toLowerCase() === actual.toLowerCase();
    case 'stringlike':
    case 'stringnotlike':
    // ArnEquals and ArnLike are the same test in IAM: both take wildcards in each ARN field.
    case 'arnequals':
    case 'arnnotequals':
    case 'arnlike':
    case 'arnnotlike':
      return (policy, actual) => globMatch(policy, actual);
    default:
      return undefined;
  }
}
