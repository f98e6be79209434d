/**
 * Whether a Deny statement of a service control policy applies to one request: the question
 * AWS Organizations answers at request time, asked at synth time so that OrganizationGuardrails
 * can refuse an SCP that would lock out its own administration role. The request is decided by
 * the library's one evaluator (`src/policy/evaluate.ts`); an operator it cannot decide makes the
 * answer `unknown`, which callers treat as "may deny".
 */
import { Statement } from '../../policy/document';
import { statementApplication, Verdict } from '../../policy/evaluate';

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

export type Applies = Verdict;

/** Whether a Deny statement applies to the request (action, resource and every condition). */
export function denyApplies(statement: Statement, request: ScpRequest): Applies {
  if (statement.effect !== 'Deny') return 'no';
  return statementApplication(statement, {
    action: request.action,
    resource: request.resource,
    context: { ...request.context, 'aws:PrincipalArn': request.principalArn },
  });
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
