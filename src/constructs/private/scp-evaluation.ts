/**
 * Whether a Deny statement of a service control policy applies to one request: the question
 * AWS Organizations answers at request time, asked at synth time so that OrganizationGuardrails
 * can refuse an SCP that would lock out its own administration role.
 *
 * Pure functions over the normalized documents of `src/policy/document.ts`; the action and
 * resource matching are the library's (`statementMatchesAction`, `globMatch`). Conditions are
 * evaluated for the operators an SCP of this library uses and the common string, ARN, Bool and
 * Null operators; any other operator makes the answer `unknown`, which callers treat as "may deny".
 */
import { ConditionTest, Statement } from '../../policy/document';
import { globMatch } from '../../policy/glob';
import { statementMatchesAction } from '../../policy/permissions';

/** One request as the policy evaluation sees it. Context keys are case-insensitive. */
export interface ScpRequest {
  /** `service:Action`. */
  readonly action: string;
  /** The resource ARN the action acts on (`*` where the action has no resource). */
  readonly resource: string;
  /** `aws:PrincipalArn`: the role (not the session) or `arn:aws:iam::<account>:root`. */
  readonly principalArn: string;
  /** Other request context keys (e.g. `aws:RequestedRegion`); an absent key is absent from the request. */
  readonly context?: { readonly [key: string]: string | readonly string[] };
}

export type Applies = 'yes' | 'no' | 'unknown';

/** Whether a Deny statement applies to the request (action, resource and every condition). */
export function denyApplies(statement: Statement, request: ScpRequest): Applies {
  if (statement.effect !== 'Deny') return 'no';
  if (!statementMatchesAction(statement, request.action)) return 'no';
  if (!resourceMatches(statement, request.resource)) return 'no';
  let verdict: Applies = 'yes';
  for (const test of statement.conditions) {
    const result = conditionHolds(test, request);
    if (result === 'no') return 'no';
    if (result === 'unknown') verdict = 'unknown';
  }
  return verdict;
}

/** The Deny statements of a document that apply (or may apply) to the request. */
export function denyingStatements(statements: readonly Statement[], request: ScpRequest): { statement: Statement; applies: Applies }[] {
  const out: { statement: Statement; applies: Applies }[] = [];
  for (const statement of statements) {
    const applies = denyApplies(statement, request);
    if (applies !== 'no') out.push({ statement, applies });
  }
  return out;
}

function resourceMatches(statement: Statement, resource: string): boolean {
  if (statement.resources) return statement.resources.some((pattern) => globMatch(pattern, resource));
  if (statement.notResources) return !statement.notResources.some((pattern) => globMatch(pattern, resource));
  return false;
}

function contextValues(request: ScpRequest, key: string): readonly string[] | undefined {
  if (key === 'aws:principalarn') return [request.principalArn];
  for (const [name, value] of Object.entries(request.context ?? {})) {
    if (name.toLowerCase() === key) return typeof value === 'string' ? [value] : value;
  }
  return undefined;
}

type Comparison = (pattern: string, value: string) => boolean;

const COMPARISONS: { readonly [operator: string]: { compare: Comparison; negated: boolean } } = {
  stringequals: { compare: (p, v) => p === v, negated: false },
  stringnotequals: { compare: (p, v) => p === v, negated: true },
  stringequalsignorecase: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  stringnotequalsignorecase: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  stringlike: { compare: globMatch, negated: false },
  stringnotlike: { compare: globMatch, negated: true },
  arnequals: { compare: globMatch, negated: false },
  arnlike: { compare: globMatch, negated: false },
  arnnotequals: { compare: globMatch, negated: true },
  arnnotlike: { compare: globMatch, negated: true },
  bool: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
};

/**
 * IAM's rules: a positive operator on an absent key is false, a negated one true; `...IfExists`
 * is true on an absent key; `ForAnyValue:` needs one value to match, `ForAllValues:` every value
 * (and is true on an absent key); `Null: true` holds when the key is absent.
 */
export function conditionHolds(test: ConditionTest, request: ScpRequest): Applies {
  let operator = test.operator.toLowerCase();
  const values = contextValues(request, test.key);
  if (operator === 'null') {
    const wantsAbsent = test.values.map((v) => v.toLowerCase());
    if (wantsAbsent.length !== 1 || !['true', 'false'].includes(wantsAbsent[0])) return 'unknown';
    return (values === undefined) === (wantsAbsent[0] === 'true') ? 'yes' : 'no';
  }
  let quantifier: 'single' | 'any' | 'all' = 'single';
  if (operator.startsWith('foranyvalue:')) {
    quantifier = 'any';
    operator = operator.slice('foranyvalue:'.length);
  } else if (operator.startsWith('forallvalues:')) {
    quantifier = 'all';
    operator = operator.slice('forallvalues:'.length);
  }
  const ifExists = operator.endsWith('ifexists');
  if (ifExists) operator = operator.slice(0, -'ifexists'.length);
  const row = COMPARISONS[operator];
  if (!row) return 'unknown';

  if (values === undefined || values.length === 0) {
    if (ifExists || quantifier === 'all') return 'yes';
    if (quantifier === 'any') return 'no';
    return row.negated ? 'yes' : 'no';
  }
  // A negated operator holds when the value matches none of the patterns.
  const valueHolds = (value: string) => {
    const matched = test.values.some((pattern) => row.compare(pattern, value));
    return row.negated ? !matched : matched;
  };
  const holds = quantifier === 'all' ? values.every(valueHolds) : values.some(valueHolds);
  return holds ? 'yes' : 'no';
}
