/**
 * Privilege escalation through named resources of the app (PE4). A grant bound to named resources
 * is still a path to more privileges when the resource it names is the principal itself, or a role
 * or group stronger than the principal:
 *
 * - `iam:PassRole` on a named role that is more privileged than the passer, with a service that runs
 *   code with it (a pass-role row of `escalation.ts`), where `iam:PassedToService` allows that
 *   service and the role trusts it;
 * - `iam:AddUserToGroup` on a group that grants more than the user (or group) has;
 * - attaching or writing a policy, or removing or replacing the permissions boundary, of its own
 *   role, user or group (by reference, name, name prefix or path, `${aws:username}`), and a new
 *   default version of a managed policy attached to itself;
 * - `iam:UpdateAssumeRolePolicy` with `sts:AssumeRole` on a named stronger role;
 * - `sts:AssumeRole` on the CDK bootstrap deploy or CloudFormation execution roles (the latter has
 *   AdministratorAccess by default; the former deploys with it).
 *
 * Unbounded resources are PE1-PE3's; a role or group is matched by a name prefix or path only
 * through its literal name (a name CloudFormation generates is not known before deployment).
 */
import { describeLocations, StatementLocation } from './locate';
import { AppModel, IAM_TYPES, PRINCIPAL_TYPES, ResourceModel } from '../model/app-model';
import { DEFAULT_ASSIGNMENT } from '../model/intrinsics';
import type { NamedPolicy, ResolvedResource } from '../model/resolved-resource';
import { boundaryAllows, resourcesOverlap } from '../policy/boundary';
import { documentSetKey, EMPTY_DOCUMENT, isResourceTagScoped, PolicyDocument, Statement } from '../policy/document';
import { ESCALATION_ACTIONS, ESCALATION_ROWS, EscalationRow, PASS_ROLE, PassTargets, rowAcceptsPassTargets } from '../policy/escalation';
import { globMatch, hasWildcard } from '../policy/glob';
import {
  denyCoversResource, escalationActionsOf, escalationGrants, passedToServices, statementMatchesAction, unconditionalDenies,
} from '../policy/permissions';
import { Capabilities, capabilitiesBeyond, capabilitiesOf } from '../policy/privilege';
import { isUnboundedResource } from '../policy/resources';

/** One escalation through a named resource, with the message that explains it. */
export interface NamedEscalation {
  /** `Escalation::iam:PassRole@AdminRole`: the key action and the resource it goes through. */
  readonly finding: string;
  readonly message: string;
}

const ROLE = IAM_TYPES.role;
const USER = IAM_TYPES.user;
const GROUP = IAM_TYPES.group;
const MANAGED_POLICY = IAM_TYPES.managedPolicy;

/** The actions that matter on a named resource, with the type of resource they act on. */
const NAMED_ACTIONS: ReadonlyArray<readonly [string, string]> = [
  [PASS_ROLE, ROLE],
  ['iam:AttachRolePolicy', ROLE], ['iam:PutRolePolicy', ROLE],
  ['iam:DeleteRolePermissionsBoundary', ROLE], ['iam:PutRolePermissionsBoundary', ROLE],
  ['iam:UpdateAssumeRolePolicy', ROLE], ['sts:AssumeRole', ROLE],
  ['iam:AttachUserPolicy', USER], ['iam:PutUserPolicy', USER],
  ['iam:DeleteUserPermissionsBoundary', USER], ['iam:PutUserPermissionsBoundary', USER],
  ['iam:AttachGroupPolicy', GROUP], ['iam:PutGroupPolicy', GROUP], ['iam:AddUserToGroup', GROUP],
  ['iam:CreatePolicyVersion', MANAGED_POLICY], ['iam:SetDefaultPolicyVersion', MANAGED_POLICY],
];

/** Self-modification actions, by the type of the principal's own resource they change. */
const POLICY_WRITES: { readonly [type: string]: readonly string[] } = {
  [ROLE]: ['iam:AttachRolePolicy', 'iam:PutRolePolicy'],
  [USER]: ['iam:AttachUserPolicy', 'iam:PutUserPolicy'],
  [GROUP]: ['iam:AttachGroupPolicy', 'iam:PutGroupPolicy'],
};
const BOUNDARY_WRITES: { readonly [type: string]: readonly string[] } = {
  [ROLE]: ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary'],
  [USER]: ['iam:DeleteUserPermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
};

/** The CDK bootstrap roles that deploy with administrator access (default qualifier or any). */
const CDK_ADMIN_ROLES: ReadonlyArray<readonly [string, string, string]> = [
  ['cdk-deploy-role', 'arn:*:iam::*:role/cdk-*-deploy-role-*',
    'the CDK bootstrap deploy role, which deploys any CloudFormation template with the execution role (AdministratorAccess by default)'],
  ['cdk-cfn-exec-role', 'arn:*:iam::*:role/cdk-*-cfn-exec-role-*',
    'the CDK bootstrap CloudFormation execution role, which has AdministratorAccess by default'],
];

/** A grant of a named action on named (bounded) resources. */
interface NamedGrant {
  readonly action: string;
  readonly type: string;
  readonly resources: readonly string[];
  readonly statement: Statement;
  readonly passTo: PassTargets;
}

const NAMED_GRANTS = new WeakMap<PolicyDocument, readonly NamedGrant[]>();

/** The named-action grants of a document, once per document object (most documents have none). */
function namedGrantsOf(doc: PolicyDocument): readonly NamedGrant[] {
  let grants = NAMED_GRANTS.get(doc);
  if (!grants) {
    const out: NamedGrant[] = [];
    for (const s of doc.statements) {
      if (s.effect !== 'Allow' || !s.resources || isResourceTagScoped(s)) continue;
      const bounded = s.resources.filter(r => !isUnboundedResource(r));
      if (bounded.length === 0) continue;
      for (const [action, type] of NAMED_ACTIONS) {
        if (statementMatchesAction(s, action)) out.push({ action, type, resources: bounded, statement: s, passTo: passedToServices(s) });
      }
    }
    grants = out;
    NAMED_GRANTS.set(doc, grants);
  }
  return grants;
}

/** The escalations of a principal through named resources, once per resource and variant. */
export function namedEscalationsOf(r: ResolvedResource): readonly NamedEscalation[] {
  if (!PRINCIPAL_TYPES.has(r.type) || r.isJudgedThroughMembers()) return [];
  return r.memo('named-escalation', () => analyze(r));
}

interface Candidate {
  readonly grant: NamedGrant;
  readonly policy: NamedPolicy;
  readonly resource: string;
}

/**
 * Whether a principal is granted a named action on a named resource: only then can its escalations
 * through named resources depend on which principal it is (a policy naming its own role).
 */
export function namesResources(r: ResolvedResource): boolean {
  return PRINCIPAL_TYPES.has(r.type) && !r.isJudgedThroughMembers() && r.policies().some(p => namedGrantsOf(p.document).length > 0);
}

function analyze(r: ResolvedResource): NamedEscalation[] {
  const policies = r.policies();
  const candidates: Candidate[] = [];
  for (const policy of policies) {
    for (const grant of namedGrantsOf(policy.document)) {
      for (const resource of grant.resources) candidates.push({ grant, policy, resource });
    }
  }
  if (candidates.length === 0) return [];
  const boundary = r.boundary();
  const denies = unconditionalDenies(boundary ? [...r.grants(), ...boundary] : r.grants());
  const allowed = (action: string, resource: string) =>
    !denies.some(d => statementMatchesAction(d, action) && denyCoversResource(d, resource)) && boundaryAllows(boundary, action, resource);
  const live = candidates.filter(c => allowed(c.grant.action, c.resource));
  if (live.length === 0) return [];

  const found = new Map<string, { message: () => string; locations: StatementLocation[] }>();
  const add = (finding: string, location: StatementLocation, message: (where: string) => string) => {
    const entry = found.get(finding);
    if (entry) {
      if (!entry.locations.some(l => l.statement === location.statement && l.policy.name === location.policy.name)) entry.locations.push(location);
      return;
    }
    const locations = [location];
    found.set(finding, { locations, message: () => message(describeLocations(locations)) });
  };

  const self = selfResources(r);
  const ownCapabilities = () => capabilitiesOfPrincipal(r);
  for (const c of live) {
    const { action, type } = c.grant;
    const location: StatementLocation = { policy: c.policy, statement: c.grant.statement };
    if (type === USER && POLICY_WRITES[USER].includes(action) && isOwnUserName(r, c.resource)) {
      add(`Escalation::${action}@${r.logicalId}`, location, where =>
        `Privilege escalation through ${r.type === USER ? 'itself' : 'its members'}: the principal is allowed ${action} on ${c.resource} (${where}), `
        + `which names ${r.type === USER ? 'the user itself' : 'each member of the group'} through \${aws:username}, so it can attach or write any policy, `
        + 'AdministratorAccess included, to itself. Fix: remove the action from the self-service statement (keep credential actions such as iam:CreateAccessKey there).');
      continue;
    }
    const targets = resolveTargets(r, c.resource, type);
    if (action === 'sts:AssumeRole' && targets.length === 0) checkCdkBootstrapRole(r, c, location, add);
    for (const target of new Set(targets)) {
      const isSelf = self.includes(target) || (r.type === GROUP && isMember(r.model, target, r.resource));
      const label = targetLabel(r, target);
      if (isSelf && POLICY_WRITES[target.type]?.includes(action)) {
        add(`Escalation::${action}@${label}`, location, where =>
          `Privilege escalation through its own ${kindOf(target)} ${label}: the principal is allowed ${action} on ${describeSelf(r, target, c.resource)} (${where}), `
          + `so it can grant itself any permission (e.g. attach AdministratorAccess). Fix: name only other ${kindOf(target)}s in Resource `
          + '(a name prefix or path that does not match its own name), or deny the action on its own ARN.');
      } else if (isSelf && BOUNDARY_WRITES[target.type]?.includes(action) && isBounded(target)) {
        add(`Escalation::${action}@${label}`, location, where =>
          `Privilege escalation through its own ${kindOf(target)} ${label}: the principal is allowed ${action} on itself (${where}), `
          + 'so it can remove or replace the permissions boundary that caps it. Fix: deny permissions-boundary changes on its own ARN.');
      } else if (type === MANAGED_POLICY && (action === 'iam:CreatePolicyVersion' || action === 'iam:SetDefaultPolicyVersion')
        && policies.some(p => p.resource === target)) {
        add(`Escalation::${action}@${label}`, location, where =>
          `Privilege escalation through the managed policy ${label}, which is attached to the principal: it is allowed ${action} on it (${where}), `
          + 'so it can make a version that grants anything the default. Fix: remove the policy from Resource, or deny the action on it.');
      } else if (!isSelf && action === 'iam:AddUserToGroup' && (r.type === USER || r.type === GROUP)) {
        const beyond = capabilitiesBeyond(capabilitiesOfPrincipal(r.view(target)), ownCapabilities());
        if (beyond.length === 0) continue;
        add(`Escalation::${action}@${label}`, location, where =>
          `Privilege escalation through the group ${label}: the principal is allowed iam:AddUserToGroup on it (${where}) and the group is more privileged: `
          + `${describeBeyond(beyond)}. A user can add itself and inherit that. Fix: limit iam:AddUserToGroup to groups that grant no more than this principal.`);
      } else if (!isSelf && action === PASS_ROLE) {
        checkPassRole(r, c, target, label, location, add, ownCapabilities);
      } else if (!isSelf && action === 'iam:UpdateAssumeRolePolicy' && canAssume(r, live, target)) {
        const beyond = capabilitiesBeyond(capabilitiesOfPrincipal(r.view(target)), ownCapabilities());
        if (beyond.length === 0) continue;
        add(`Escalation::${action}@${label}`, location, where =>
          `Privilege escalation through the role ${label}: the principal is allowed iam:UpdateAssumeRolePolicy (${where}) and sts:AssumeRole on it, `
          + `and the role is more privileged: ${describeBeyond(beyond)}. It can let itself in and assume it. Fix: remove iam:UpdateAssumeRolePolicy on that role.`);
      }
    }
  }
  return [...found].map(([finding, entry]) => ({ finding, message: entry.message() }));
}

type Add = (finding: string, location: StatementLocation, message: (where: string) => string) => void;

/** PassRole on a stronger named role, with a service row the principal completes. */
function checkPassRole(r: ResolvedResource, c: Candidate, target: ResourceModel, label: string, location: StatementLocation,
  add: Add, ownCapabilities: () => Capabilities): void {
  if (target.type !== ROLE) return;
  const trusted = trustedServices(r.view(target));
  const usable = ESCALATION_ROWS.filter(row => row.passedTo && rowAcceptsPassTargets(row, c.grant.passTo)
    && row.passedTo.some(service => trusted.some(t => t === '*' || globMatch(t, service))));
  if (usable.length === 0) return;
  const actions = actionsOnAnyResource(r);
  const rows = usable.filter(row => row.clauses.every(clause => clause.some(a => a === PASS_ROLE || actions.has(a.toLowerCase()))));
  if (rows.length === 0) return;
  const beyond = capabilitiesBeyond(capabilitiesOfPrincipal(r.view(target)), ownCapabilities());
  if (beyond.length === 0) return;
  const [first] = rows;
  const companions = companionsOf(first);
  add(`Escalation::${PASS_ROLE}@${label}`, location, where => {
    const parts: { actions: string[]; where: string }[] = [];
    for (const a of companions) {
      const at = whereAllowed(r, a);
      const last = parts[parts.length - 1];
      if (last && last.where === at) last.actions.push(a);
      else parts.push({ actions: [a], where: at });
    }
    const others = parts.map(p => `${p.actions.join(' + ')}${p.where}`).join(' and ');
    const more = rows.length > 1 ? ` (and ${rows.length - 1} other way${rows.length > 2 ? 's' : ''}: ${rows.slice(1, 4).map(x => x.how).join('; ')})` : '';
    const fix = c.grant.passTo === 'any'
      ? 'pass only roles no stronger than this principal, and add an iam:PassedToService condition'
      : `remove ${label} from the Resource of that statement, or the ${companions.join(' / ')} grant`;
    return `Privilege escalation through the role ${label}: the principal is allowed iam:PassRole on it (${where}) and ${others}, `
      + `so it can ${first.how}${more}. The role is more privileged: ${describeBeyond(beyond)}. Fix: ${fix}.`;
  });
}

/** The other clauses of a pass-role row, as the first alternative of each the principal holds. */
function companionsOf(row: EscalationRow): string[] {
  return row.clauses.filter(clause => !clause.includes(PASS_ROLE)).map(clause => clause[0]);
}

/** ` (policy "P" statement "S")` for the statements that allow an action, or nothing. */
function whereAllowed(r: ResolvedResource, action: string): string {
  const locations: StatementLocation[] = [];
  for (const policy of r.policies()) {
    for (const s of policy.document.statements) if (s.effect === 'Allow' && statementMatchesAction(s, action)) locations.push({ policy, statement: s });
  }
  const where = describeLocations(locations);
  return where ? ` (${where})` : '';
}

/** sts:AssumeRole on the CDK bootstrap roles that deploy with administrator access. */
function checkCdkBootstrapRole(r: ResolvedResource, c: Candidate, location: StatementLocation, add: Add): void {
  // Only pseudo parameters may be anything here: a reference names a resource of the app.
  const pattern = c.resource.replace(/<AWS::[A-Za-z]+>/g, '*');
  if (pattern.includes('<') || isPipelineRole(r)) return;
  for (const [label, shape, what] of CDK_ADMIN_ROLES) {
    if (!resourcesOverlap(pattern, shape)) continue;
    add(`Escalation::sts:AssumeRole@${label}`, location, where =>
      `Privilege escalation through ${what}: the principal is allowed sts:AssumeRole on ${c.resource} (${where}). `
      + 'Fix: assume only the file- and image-publishing roles; leave deploying to the CDK CLI or the pipeline\'s own role.');
  }
}

/** A role only CodePipeline can assume: a CDK pipeline's role, which exists to deploy. */
function isPipelineRole(r: ResolvedResource): boolean {
  if (r.type !== ROLE) return false;
  const services = trustedServices(r);
  const principals = trustPolicyOf(r).statements.filter(s => s.effect === 'Allow' && s.principal);
  return services.length > 0 && services.every(s => globMatch(s, 'codepipeline.amazonaws.com'))
    && principals.every(s => s.principal!.aws.length === 0 && !s.principal!.wildcard && s.principal!.federated.length === 0);
}

function canAssume(r: ResolvedResource, live: readonly Candidate[], target: ResourceModel): boolean {
  if (escalationGrants(r.grants(), r.boundary()).actions.has(ESCALATION_ACTIONS.indexOf('sts:assumerole'))) return true;
  return live.some(c => c.grant.action === 'sts:AssumeRole' && resolveTargets(r, c.resource, ROLE).includes(target));
}

function trustPolicyOf(r: ResolvedResource): PolicyDocument {
  return r.trustPolicy() ?? EMPTY_DOCUMENT;
}

/** The service principals a role's trust policy admits (`*` for everyone), placeholders as wildcards. */
function trustedServices(r: ResolvedResource): string[] {
  const out: string[] = [];
  for (const s of trustPolicyOf(r).statements) {
    if (s.effect !== 'Allow' || !s.principal) continue;
    if (s.principal.wildcard) out.push('*');
    for (const service of s.principal.service) out.push(service.replace(/<[^<>]*>/g, '*'));
  }
  return out;
}

/** Escalation actions (lower-cased) the principal is allowed on some resource, named or not. */
function actionsOnAnyResource(r: ResolvedResource): ReadonlySet<string> {
  return r.memo('escalation-actions-anywhere', () => {
    const boundary = r.boundary();
    const denies = unconditionalDenies(boundary ? [...r.grants(), ...boundary] : r.grants());
    const out = new Set<string>();
    for (const doc of r.grants()) {
      for (const s of doc.statements) {
        if (s.effect !== 'Allow') continue;
        const resources = s.resources ?? ['*'];
        for (const index of escalationActionsOf(s)) {
          const action = ESCALATION_ACTIONS[index];
          if (out.has(action)) continue;
          if (resources.some(res => !denies.some(d => statementMatchesAction(d, action) && denyCoversResource(d, res))
            && boundaryAllows(boundary, action, res))) out.add(action);
        }
        // "Action": "*" allows every companion action too.
        if (s.actions?.some(a => a === '*' || a === '*:*')) ESCALATION_ACTIONS.forEach(a => out.add(a));
      }
    }
    return out;
  });
}

/**
 * Whether a user resource names the principal itself through `${aws:username}` (only users have a
 * user name: for a group, each member; for a role the variable is absent and the statement names nothing).
 */
function isOwnUserName(r: ResolvedResource, resource: string): boolean {
  if (r.type !== USER && r.type !== GROUP) return false;
  const arn = IAM_ARN.exec(resource);
  return arn !== null && arn[2] === 'user' && /(^|\/)\$\{aws:username\}$/i.test(arn[3]);
}

/** The principal's own resources: itself and a user's groups (a group's members are checked apart). */
function selfResources(r: ResolvedResource): ResourceModel[] {
  const out = [r.resource];
  if (r.type === USER) for (const g of r.groups()) if (g.resource) out.push(g.resource);
  return out;
}

function isBounded(resource: ResourceModel): boolean {
  return resource.propertiesUnder(DEFAULT_ASSIGNMENT).PermissionsBoundary !== undefined;
}

/** Whether a user is a member of a group (a group principal's members act with its policies). */
function isMember(model: AppModel, user: ResourceModel, group: ResourceModel): boolean {
  return user.type === USER && model.groupsOf(user).some(t => t.resource === group);
}

function kindOf(resource: ResourceModel): string {
  return { [ROLE]: 'role', [USER]: 'user', [GROUP]: 'group', [MANAGED_POLICY]: 'managed policy' }[resource.type] ?? 'resource';
}

function describeSelf(r: ResolvedResource, target: ResourceModel, resource: string): string {
  if (target === r.resource) return resource.includes('${') ? `${resource} (itself)` : `${resource}, which names itself`;
  return r.type === GROUP ? `${resource}, which names its member ${target.logicalId}` : `${resource}, which names its group ${target.logicalId}`;
}

/** How a finding names a resource: its logical id, qualified by its stack when it is another stack's. */
function targetLabel(r: ResolvedResource, target: ResourceModel): string {
  return target.stack === r.resource.stack ? target.logicalId : `${target.stack.name}/${target.logicalId}`;
}

function describeBeyond(beyond: readonly [string, string][]): string {
  const shown = beyond.slice(0, 3).map(([, why]) => why);
  return `${shown.join('; ')}${beyond.length > 3 ? `; and ${beyond.length - 3} more` : ''} (this principal cannot)`;
}

// ---------------------------------------------------------------------------------------------
// Capabilities, shared by every principal with the same documents.

const CAPABILITIES = new Map<string, Capabilities>();
const MAX_CACHED_CAPABILITIES = 10_000;

/** The capabilities of a principal, once per resource and variant, shared by equal sets of documents. */
export function capabilitiesOfPrincipal(r: ResolvedResource): Capabilities {
  return r.memo('capabilities', () => {
    const grants = r.grants();
    const boundary = r.boundary();
    const key = documentSetKey(grants, boundary);
    let caps = CAPABILITIES.get(key);
    if (!caps) {
      if (CAPABILITIES.size >= MAX_CACHED_CAPABILITIES) CAPABILITIES.clear();
      caps = capabilitiesOf(grants, boundary);
      CAPABILITIES.set(key, caps);
    }
    return caps;
  });
}

// ---------------------------------------------------------------------------------------------
// What a resource string names among the app's IAM resources.

const IAM_ARN = /^arn:(?:<[^<>]*>|[^:]*):iam::(<[^<>]*>|[^:]*):([a-z-]+)\/(.*)$/;
const ARN_KIND: { readonly [kind: string]: string } = { role: ROLE, user: USER, group: GROUP, policy: MANAGED_POLICY };

/**
 * The resources of the app of `type` a statement's resource names: by reference, name or ARN
 * (`r.target`), by an ARN around a reference (`role/<Role>`, as `Fn::Sub` writes it), and by a name
 * prefix or path with wildcards matched against literal names. A group principal's `user/...`
 * resources are also checked against its members, who act with its policies.
 */
function resolveTargets(r: ResolvedResource, resource: string, type: string): ResourceModel[] {
  const direct = r.target(resource, type).resource;
  if (direct) return [direct];
  const arn = IAM_ARN.exec(resource);
  if (!arn || ARN_KIND[arn[2]] !== type) return [];
  const rest = arn[3];
  const name = rest.slice(rest.lastIndexOf('/') + 1);
  const ref = r.model.referenced(r.resource.stack, name);
  if (ref) return ref.resource.type === type && !ref.attribute ? [ref.resource] : [];
  if (!hasWildcard(rest) || rest.includes('<') || rest.includes('${')) return [];
  const account = /^\d{12}$/.test(arn[1]) ? arn[1] : undefined;
  const hits = nameIndexOf(r.model).match(type, rest, account);
  return hits;
}

/** Literal names (with path) of the app's IAM resources, sorted per type, for prefix lookups. */
class NameIndex {
  private readonly byType = new Map<string, { key: string; resource: ResourceModel }[]>();
  private readonly matches = new Map<string, ResourceModel[]>();

  constructor(model: AppModel) {
    for (const resource of model.resources()) {
      const property = NAME_PROPERTY[resource.type];
      if (!property) continue;
      const props = resource.propertiesUnder(DEFAULT_ASSIGNMENT);
      const name = props[property];
      const path = props.Path ?? '/';
      if (typeof name !== 'string' || name.includes('<') || typeof path !== 'string' || path.includes('<')) continue;
      const list = this.byType.get(resource.type) ?? [];
      list.push({ key: `${path.replace(/^\//, '')}${name}`.toLowerCase(), resource });
      this.byType.set(resource.type, list);
    }
    for (const list of this.byType.values()) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Resources of `type` whose path and name match `pattern`, in `account` when it is concrete. */
  public match(type: string, pattern: string, account?: string): ResourceModel[] {
    const memoKey = `${type}|${account ?? ''}|${pattern}`;
    let hits = this.matches.get(memoKey);
    if (!hits) {
      const list = this.byType.get(type) ?? [];
      const lower = pattern.toLowerCase();
      const wildcard = lower.search(/[*?]/);
      const prefix = wildcard < 0 ? lower : lower.slice(0, wildcard);
      hits = [];
      for (let i = lowerBound(list, prefix); i < list.length && list[i].key.startsWith(prefix); i++) {
        const { key, resource } = list[i];
        const stackAccount = resource.stack.account;
        if (account && stackAccount && /^\d{12}$/.test(stackAccount) && stackAccount !== account) continue;
        if (globMatch(lower, key)) hits.push(resource);
      }
      this.matches.set(memoKey, hits);
    }
    return hits;
  }
}

const NAME_PROPERTY: { readonly [type: string]: string } = {
  [ROLE]: 'RoleName', [USER]: 'UserName', [GROUP]: 'GroupName', [MANAGED_POLICY]: 'ManagedPolicyName',
};

function lowerBound(list: readonly { key: string }[], prefix: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (list[mid].key < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NAME_INDEXES = new WeakMap<AppModel, NameIndex>();

function nameIndexOf(model: AppModel): NameIndex {
  let index = NAME_INDEXES.get(model);
  if (!index) {
    index = new NameIndex(model);
    NAME_INDEXES.set(model, index);
  }
  return index;
}
