import { createHash } from 'crypto';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import type { ResolvedResource } from './context';
import { BoundedStringCache } from '../policy/bounded-cache';

// Read once: cdk-nag's index exports its enums through getters, and every rule returns one per resource.
const COMPLIANT = NagRuleCompliance.COMPLIANT;
const NOT_APPLICABLE = NagRuleCompliance.NOT_APPLICABLE;

/** The longest finding (the part of a rule id in brackets) reported. */
export const MAX_FINDING_LENGTH = 200;

/** The prefix of every rule id, whichever pack reports it, so acknowledgments never depend on the pack. */
export const RULE_ID_PREFIX = 'IamBestPractices';

/**
 * A group of related rules. Packs are made of families.
 */
export enum RuleFamily {
  /** Wildcards, NotAction/NotResource, iam:PassRole, unknown actions, administrator managed policies (LP). */
  LEAST_PRIVILEGE = 'LEAST_PRIVILEGE',
  /** Combinations of actions that let a principal raise its own privileges (PE). */
  PRIVILEGE_ESCALATION = 'PRIVILEGE_ESCALATION',
  /** IAM users, groups, access keys, passwords and permissions boundaries (ID). */
  IDENTITIES = 'IDENTITIES',
  /** Who may assume a role: wildcards, other accounts, OIDC federation, services (TR). */
  TRUST = 'TRUST',
  /** AWS credentials written into code, configuration or user data (CR). */
  CREDENTIALS_IN_CODE = 'CREDENTIALS_IN_CODE',
  /** Service and resource control policies of AWS Organizations that fail to deploy or do less than they read (OR). */
  ORGANIZATIONS = 'ORGANIZATIONS',
}

/** One rule: an id, a level, a pure check over one resource, and a message per finding. */
export interface GuardrailsRule {
  /** The suffix of the rule id, e.g. `LP6` (reported as `IamBestPractices-LP6`). */
  readonly id: string;
  readonly family: RuleFamily;
  readonly level: NagMessageLevel;
  /** What the rule checks, one line (RULES.md). */
  readonly title: string;
  /** Why it matters and how to fix it in general. */
  readonly explanation: string;
  /**
   * The check, over one resource of the app model under one variant: granular findings, or a
   * compliance value for whole-resource rules. Pure: no constructs, no I/O.
   */
  readonly check: (resource: ResolvedResource) => NagRuleResult;
  /**
   * The message for one finding (or for the whole resource when `finding` is undefined). The
   * resource is the view under the first variant that produced the finding: messages name the
   * policy and statement that grant what they report (see `locate.ts`).
   */
  readonly describe: (finding: string | undefined, resource?: ResolvedResource) => string;
  /**
   * Whether the outcome on this principal may depend on which principal it is (its logical id, or
   * whether a policy it holds names the principal itself), beyond its definition and what the app
   * links to it. The engine runs every other rule once per set of identical principals (every role
   * holding the same managed policies and trust) and copies the findings to the rest; it asks this
   * of the first principal of each set, and runs the rule on each principal when it answers true.
   *
   * @default - the outcome depends only on the definition and the links
   */
  readonly readsIdentity?: (resource: ResolvedResource) => boolean;
}

/** Findings as a NagRuleResult: the list, or COMPLIANT / NOT_APPLICABLE when empty. */
export function findingsResult(findings: readonly string[], applicable: boolean): NagRuleResult {
  if (findings.length > 0) return [...new Set(findings)].map(sanitizeFinding);
  return applicable ? COMPLIANT : NOT_APPLICABLE;
}

/**
 * Makes a finding safe inside a rule id: CDK rejects ids with unbalanced brackets, and turns
 * spaces into dashes when it records acknowledgments, so both are normalized here.
 */
export function sanitizeFinding(finding: string): string {
  // Every rule's findings and every message's lookup of them pass here: most need no change, and
  // the same findings (`Action::iam:PassRole`) come back thousands of times in a large app.
  if (finding.length <= MAX_FINDING_LENGTH && !NEEDS_SANITIZING.test(finding)) return finding;
  return SANITIZED.getOrSet(finding, sanitizeUncached);
}

const NEEDS_SANITIZING = /[\s[\](){}]/;
const SANITIZED = new BoundedStringCache<string>(10_000);

function sanitizeUncached(finding: string): string {
  let out = finding.replace(/\s+/g, '-');
  if (out.length > MAX_FINDING_LENGTH) {
    // Ids are echoed in every message and acknowledgment: a 100,000-character action must not
    // make a 100,000-character id. The hash keeps distinct long findings distinct.
    out = `${out.slice(0, MAX_FINDING_LENGTH - 12)}...${createHash('sha256').update(out).digest('hex').slice(0, 8)}`;
  }
  const stack: string[] = [];
  const pairs: { [close: string]: string } = { ']': '[', ')': '(', '}': '{' };
  let balanced = true;
  for (const c of out) {
    if (c === '[' || c === '(' || c === '{') {stack.push(c);} else if (c in pairs) {
      if (stack.pop() !== pairs[c]) {
        balanced = false;
        break;
      }
    }
  }
  if (!balanced || stack.length > 0) out = out.replace(/[[\](){}]/g, '_');
  return out;
}

/** The part of a finding after `Kind::`. */
export function findingSubject(finding: string | undefined): string {
  if (!finding) return '';
  const i = finding.indexOf('::');
  return i >= 0 ? finding.slice(i + 2) : finding;
}
