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
  if (!statementMatchesAction(statement, request.action)) return false;
  if (!resourceMatches(statement, request.resource, context)) return false;
  return statement.conditions.every(test => conditionHolds(test, context));
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

function conditionHolds(test: ConditionTest, context: Context): boolean {
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
    const wantAbsent = test.values.some(v => v.toLowerCase() === 'true');
    return wantAbsent === (present === undefined);
  }
  const compare = comparator(base);
  if (!compare) throw new Error(`evaluateRequest: condition operator ${test.operator} is not supported`);
  const negated = base.includes('not');
  if (present === undefined || present.length === 0) {
    // IAM: a missing key fails a positive test, passes a negated one, IfExists and ForAllValues.
    return ifExists || negated || qualifier === 'all';
  }
  const values = test.values.map(v => substituteVariables(v, context)).filter((v): v is string => v !== undefined);
  const matchesSome = (actual: string) => values.some(v => compare(v, actual));
  if (qualifier === 'all') return present.every(a => (negated ? !matchesSome(a) : matchesSome(a)));
  // Single-valued keys and ForAnyValue: some value of the request matches (for a negated
  // operator: none of the test's values matches).
  return negated ? present.every(a => !matchesSome(a)) : present.some(matchesSome);
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
