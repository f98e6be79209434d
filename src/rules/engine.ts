/**
 * Runs rules over an app model: every resource, under every variant of its conditions and
 * parameters, each finding once with the message a reader needs (which branch, which principal
 * outside the app, which value was unknown). Free of constructs, so packs, tests and tools that
 * read plain templates share it.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { GuardrailsRule, RULE_ID_PREFIX, RuleFamily } from './rule';
import { AppModel, memoIn, POLICY_TYPES, PRINCIPAL_TYPES, ResourceModel, Target } from '../model/app-model';
import { assignmentKey, DEFAULT_ASSIGNMENT } from '../model/intrinsics';
import { ResolvedResource, sameJson } from '../model/resolved-resource';

/** One finding of one rule on one resource. */
export interface RuleFinding {
  readonly rule: GuardrailsRule;
  readonly resource: ResourceModel;
  /** `IamBestPractices-LP6[Action::iam:PassRole]`, or the bare rule id for whole-resource findings. */
  readonly ruleId: string;
  /** The granular finding (`Action::iam:PassRole`), if any. */
  readonly finding?: string;
  readonly level: NagMessageLevel;
  readonly message: string;
}

// Read once: cdk-nag's index exports its enums through getters, and these are compared per rule and resource.
const NOT_APPLICABLE = NagRuleCompliance.NOT_APPLICABLE;
const NON_COMPLIANT = NagRuleCompliance.NON_COMPLIANT;

const POLICY_FAMILIES = new Set([RuleFamily.LEAST_PRIVILEGE, RuleFamily.PRIVILEGE_ESCALATION]);

/** How {@link evaluateRules} runs. */
export interface EvaluationOptions {
  /**
   * Evaluate the rules that do not read a principal's identity once per set of identical
   * principals, and copy their findings to the others. Off only to prove that sharing changes
   * nothing.
   *
   * @default true
   */
  readonly shareIdenticalPrincipals?: boolean;

  /**
   * Called for each principal whose outcome was copied from an identical one evaluated before it
   * (tests and benchmarks count them).
   *
   * @default - nothing is called
   */
  readonly onShared?: (principal: ResourceModel, evaluated: ResourceModel) => void;
}

/**
 * Runs the rules over every resource of the model, each finding in rule order per resource.
 *
 * Apps hold many principals that differ only by name: ten roles attached to the same managed
 * policy, users of one group, a Lambda role per function of the same kind. Principals of a stack
 * with the same definition (properties and metadata) and the same links in the app (attached
 * policies, groups, members) get the same outcome from every rule that does not read
 * {@link GuardrailsRule.readsIdentity}: those rules run once per such set.
 */
export function evaluateRules(model: AppModel, rules: readonly GuardrailsRule[], options: EvaluationOptions = {}): RuleFinding[] {
  const out: RuleFinding[] = [];
  const share = options.shareIdenticalPrincipals ?? true;
  const mayReadIdentity = rules.filter(r => r.readsIdentity !== undefined);
  const ruleOrder = new Map(rules.map((rule, i) => [rule, i]));
  const evaluated = new Map<object, SharedOutcome[]>();
  for (const resource of model.resources()) {
    if (!share || !PRINCIPAL_TYPES.has(resource.type)) {
      evaluateResourceInto(out, resource, rules);
      continue;
    }
    const start = out.length;
    const links = linksOf(resource);
    const candidates = evaluated.get(links.anchor) ?? [];
    let shared = candidates.find(c => sameLinks(c.links, links) && sameDefinition(c.resource, resource));
    if (shared) {
      options.onShared?.(resource, shared.resource);
      for (const finding of shared.findings) out.push({ ...finding, resource });
    } else {
      const perPrincipal = mayReadIdentity.filter(rule => readsIdentityOf(rule, resource));
      evaluateResourceInto(out, resource, perPrincipal.length === 0 ? rules : rules.filter(r => !perPrincipal.includes(r)));
      shared = { resource, links, findings: out.slice(start), perPrincipal };
      // The latest few per anchor: identical principals are usually written together, and
      // comparing each principal with every other of an anchor would be quadratic.
      candidates.unshift(shared);
      if (candidates.length > MAX_CANDIDATES) candidates.pop();
      evaluated.set(links.anchor, candidates);
    }
    if (shared.perPrincipal.length === 0) continue;
    const sharedEnd = out.length;
    evaluateResourceInto(out, resource, shared.perPrincipal);
    if (sharedEnd > start && out.length > sharedEnd) sortByRule(out, start, ruleOrder);
  }
  return out;
}

const MAX_CANDIDATES = 8;

/** The findings of the first principal of a set of identical ones, and the rules each must run itself. */
interface SharedOutcome {
  readonly resource: ResourceModel;
  readonly links: Links;
  readonly findings: readonly RuleFinding[];
  readonly perPrincipal: readonly GuardrailsRule[];
}

/** Whether a rule's outcome on the principal may depend on its identity, under any variant (true if the question throws). */
function readsIdentityOf(rule: GuardrailsRule, resource: ResourceModel): boolean {
  try {
    return resource.variants().some(v => rule.readsIdentity!(new ResolvedResource(resource, v.assignment, v.label)));
  } catch {
    return true;
  }
}

/**
 * What two identical principals share besides their definition: the stack (parameters,
 * conditions, account), the type, and what the app links to them (attached policies, groups,
 * members). Compared by identity, without building a key per principal.
 */
interface Links {
  /** What principals are first grouped by: the first attached policy, group or member, else the stack. */
  readonly anchor: object;
  readonly stack: object;
  readonly type: string;
  readonly attached: readonly ResourceModel[];
  readonly groups: readonly Target[];
  readonly members: readonly ResourceModel[];
}

function linksOf(resource: ResourceModel): Links {
  const app = resource.stack.app;
  const attached = app.attachedTo(resource);
  const groups = app.groupsOf(resource);
  const members = app.membersOf(resource);
  const anchor = attached[0] ?? groups[0]?.resource ?? members[0] ?? resource.stack;
  return { anchor, stack: resource.stack, type: resource.type, attached, groups, members };
}

function sameLinks(a: Links, b: Links): boolean {
  return a.stack === b.stack && a.type === b.type && sameItems(a.attached, b.attached) && sameItems(a.members, b.members)
    && a.groups.length === b.groups.length && a.groups.every((g, i) => g.resource === b.groups[i].resource && g.text === b.groups[i].text);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The same properties, and the same metadata (cfn-init) but the construct path. */
function sameDefinition(a: ResourceModel, b: ResourceModel): boolean {
  if (!sameJson(a.raw, b.raw)) return false;
  let count = 0;
  for (const key in a.metadata) {
    if (key === CDK_PATH) continue;
    if (!Object.prototype.hasOwnProperty.call(b.metadata, key) || !sameJson(a.metadata[key], b.metadata[key])) return false;
    count++;
  }
  for (const key in b.metadata) if (key !== CDK_PATH) count--;
  return count === 0;
}

const CDK_PATH = 'aws:cdk:path';

/** Puts the findings from `start` on in rule order, keeping the order of each rule's findings. */
function sortByRule(out: RuleFinding[], start: number, ruleOrder: ReadonlyMap<GuardrailsRule, number>): void {
  const sorted = out.slice(start).sort((a, b) => ruleOrder.get(a.rule)! - ruleOrder.get(b.rule)!);
  for (let i = 0; i < sorted.length; i++) out[start + i] = sorted[i];
}

/** What a rule threw, in place of its result. */
class Failure {
  constructor(public readonly error: string) {}
}

type Outcome = NagRuleResult | Failure;

/** Runs the rules over one resource, under each of its variants. */
export function evaluateResource(resource: ResourceModel, rules: readonly GuardrailsRule[]): RuleFinding[] {
  const out: RuleFinding[] = [];
  evaluateResourceInto(out, resource, rules);
  return out;
}

// The default assignment's outcomes of the resource being evaluated: one array for every resource
// (evaluation is synchronous and never nested), not one per resource of a 10,000-resource app.
let probeBuffer: Outcome[] = [];

function evaluateResourceInto(out: RuleFinding[], resource: ResourceModel, rules: readonly GuardrailsRule[]): void {
  // Most resources of an app are not IAM: ask every rule once, under the default assignment,
  // before looking for the conditions and parameters the resource varies by.
  const byDefault = new ResolvedResource(resource, DEFAULT_ASSIGNMENT);
  if (probeBuffer.length < rules.length) probeBuffer = new Array(rules.length);
  const probe = probeBuffer;
  let applicable = false;
  for (let i = 0; i < rules.length; i++) {
    probe[i] = checkSafely(rules[i], byDefault);
    if (probe[i] !== NOT_APPLICABLE) applicable = true;
  }
  if (!applicable) return;
  const variants = resource.variants();
  const reuseProbe = variants.length === 1 && assignmentKey(variants[0].assignment) === '';
  const views = reuseProbe ? [byDefault] : variants.map(v => new ResolvedResource(resource, v.assignment, v.label));
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    // Under the default assignment alone, the probe is the answer.
    if (reuseProbe) {
      if (isReported(probe[i])) reportOutcome(out, rule, resource, probe[i], byDefault, variants[0].label);
      continue;
    }
    // Finding -> the labels of the variants it appears in, and the first view that produced it.
    const seen = new Map<string | undefined, { labels: string[]; view: ResolvedResource }>();
    let failure: string | undefined;
    for (let v = 0; v < variants.length; v++) {
      const view = views[v];
      const outcome = reuseProbe ? probe[i] : checkSafely(rule, view);
      const label = variants[v].label;
      if (outcome instanceof Failure) failure ??= outcome.error;
      else if (outcome === NON_COMPLIANT) add(seen, undefined, label, view);
      else if (Array.isArray(outcome)) for (const finding of outcome) add(seen, finding, label, view);
    }
    if (failure !== undefined) {
      out.push({
        rule,
        resource,
        ruleId: ruleIdOf(rule),
        level: rule.level,
        message: `${rule.title} The rule could not evaluate this resource: ${failure}`,
      });
    }
    for (const [finding, { labels, view }] of seen) out.push(findingOf(rule, resource, finding, view, labels, variants.length));
  }
}

/** The findings of a resource that varies by nothing: one outcome, without labels to collect. */
function reportOutcome(out: RuleFinding[], rule: GuardrailsRule, resource: ResourceModel, outcome: Outcome, view: ResolvedResource,
  label: string): void {
  if (outcome instanceof Failure) {
    out.push({
      rule,
      resource,
      ruleId: ruleIdOf(rule),
      level: rule.level,
      message: `${rule.title} The rule could not evaluate this resource: ${outcome.error}`,
    });
    return;
  }
  const findings: ReadonlyArray<string | undefined> = Array.isArray(outcome) ? outcome : [undefined];
  // Each finding once, as it first appears.
  const seen = findings.length > 1 ? new Set<string | undefined>() : undefined;
  for (const finding of findings) {
    if (seen) {
      if (seen.has(finding)) continue;
      seen.add(finding);
    }
    out.push(findingOf(rule, resource, finding, view, [label], 1));
  }
}

const RULE_IDS = new Map<string, string>();

/**
 * `IamBestPractices-<id>`, one string per rule id: a whole-resource finding (ID6 on thousands of
 * roles) is then keyed and grouped by a string whose hash is already known.
 */
function ruleIdOf(rule: GuardrailsRule): string {
  let ruleId = RULE_IDS.get(rule.id);
  if (ruleId === undefined) {
    ruleId = `${RULE_ID_PREFIX}-${rule.id}`;
    RULE_IDS.set(rule.id, ruleId);
  }
  return ruleId;
}

/** Whether an outcome reports something: a finding, a non-compliant resource, or a failure. */
function isReported(outcome: Outcome): boolean {
  return outcome instanceof Failure || outcome === NON_COMPLIANT || Array.isArray(outcome);
}

/** One finding with its message: the rule's, then the notes on branches, unknown values and principals outside the app. */
function findingOf(rule: GuardrailsRule, resource: ResourceModel, finding: string | undefined, view: ResolvedResource,
  labels: string[], variantCount: number): RuleFinding {
  return {
    rule,
    resource,
    finding,
    level: rule.level,
    ruleId: finding === undefined ? ruleIdOf(rule) : `${ruleIdOf(rule)}[${finding}]`,
    message: [...whereDeployed(resource), describeSafely(rule, finding, view), ...notesOn(rule, resource, finding, labels, variantCount)].join(' '),
  };
}

/** For a resource of a StackSet's template: which StackSet deploys it, from where, before the rest of the message. */
function whereDeployed(resource: ResourceModel): string[] {
  const stackSet = resource.stack.input.stackSet;
  if (!stackSet) return [];
  return [`In the template of StackSet ${stackSet.logicalId} (stack ${stackSet.name}, ${stackSet.source}), `
    + `deployed to every account and Region it targets, resource ${resource.logicalId}:`];
}

/** A rule's result, or the first line of what it threw: a rule that throws never stops the others. */
function checkSafely(rule: GuardrailsRule, resource: ResolvedResource): Outcome {
  try {
    return rule.check(resource);
  } catch (error) {
    return new Failure(firstLine(error));
  }
}

/** What a reader needs beyond the rule's message: the branch, an unknown value, a principal outside the app. */
function notesOn(rule: GuardrailsRule, resource: ResourceModel, finding: string | undefined, labels: string[], variantCount: number): string[] {
  const notes: string[] = [];
  if (labels.length < variantCount) notes.push(`Only when ${labels.filter(l => l).join('; or when ')}.`);
  const unknowns = finding?.includes('<?') ? [] : unknownValuesOf(resource);
  if (finding?.includes('<?') || unknowns.length > 0) {
    const which = unknowns.length > 0 ? ` (${unknowns.slice(0, 3).join(', ')}${unknowns.length > 3 ? ', ...' : ''})` : '';
    notes.push(`It depends on a value not known before deployment${which}, such as a parameter without a default: `
      + 'that value is read as unbounded.');
  }
  if (POLICY_TYPES.has(resource.type) && POLICY_FAMILIES.has(rule.family)) {
    // ResolvedResource.targetsOutsideApp, without a view per finding.
    const outside = resource.stack.app.targetsOf(resource).filter(t => !t.resource).map(t => t.text);
    if (outside.length > 0) {
      notes.push(`The policy is attached to ${outside.join(', ')}, outside this app: `
        + 'it is evaluated on its own, without that principal\'s other permissions.');
    }
  }
  return notes;
}

/** The values of a resource nobody knows before deployment (`<?Parameter:Name>`), at most a few. */
function unknownValuesOf(resource: ResourceModel): readonly string[] {
  // In the default assignment's table, which the rules' views of the resource made already.
  return memoIn(resource.memosUnder(assignmentKey(DEFAULT_ASSIGNMENT)), 'engine:unknown-values', findUnknownValues, resource);
}

const NO_UNKNOWN_VALUES: readonly string[] = Object.freeze([]);

function findUnknownValues(resource: ResourceModel): readonly string[] {
  const found = new Set<string>();
  const pending: unknown[] = [resource.propertiesUnder(DEFAULT_ASSIGNMENT)];
  while (pending.length > 0 && found.size < 10) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('<?')) for (const match of value.matchAll(/<\?[^<>]*>/g)) found.add(match[0]);
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) pending.push((value as { [key: string]: unknown })[key]);
    }
  }
  return found.size === 0 ? NO_UNKNOWN_VALUES : [...found];
}

function add(seen: Map<string | undefined, { labels: string[]; view: ResolvedResource }>, finding: string | undefined,
  label: string, view: ResolvedResource): void {
  const entry = seen.get(finding);
  if (entry) entry.labels.push(label);
  else seen.set(finding, { labels: [label], view });
}

/** A rule's message; if locating the finding throws, the message without the location. */
function describeSafely(rule: GuardrailsRule, finding: string | undefined, view: ResolvedResource): string {
  try {
    return rule.describe(finding, view);
  } catch {
    return rule.describe(finding);
  }
}

/** The first line of an exception, never blank, never longer than a line of a report. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const line = text.split('\n').find(l => l.trim().length > 0)?.trim() ?? (error instanceof Error ? error.name : 'unknown error');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
