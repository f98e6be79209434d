// What one principal may effectively do: the jsii class over the pure analysis (src/policy/effective.ts).
// Free of aws-cdk-lib, so that the CLI can use it on a cloud assembly without loading the CDK.
import * as path from 'path';
import {
  AccessLevel, ActionPermission, DeadGrant, DecisionKind, DeniedGrant, EscalationPath, PermissionDecision, PolicyStatementReference,
  PrincipalKind, ResourcePermission, ServiceAccess,
} from './types';
import { AppModel, boundaryValue, IAM_TYPES, PRINCIPAL_TYPES, StackModel } from '../model/app-model';
import { policyName, ResolvedResource } from '../model/resolved-resource';
import {
  ACCESS_LEVEL_ORDER, Decision, decide, EffectiveAccessLevel, effectivePermissions, EffectivePermissionSet, PrincipalPolicies, SourcePolicy,
  StatementRef,
} from '../policy/effective';

const KIND_OF_TYPE: { readonly [type: string]: PrincipalKind } = {
  [IAM_TYPES.role]: PrincipalKind.ROLE,
  [IAM_TYPES.user]: PrincipalKind.USER,
  [IAM_TYPES.group]: PrincipalKind.GROUP,
  [IAM_TYPES.permissionSet]: PrincipalKind.PERMISSION_SET,
};

const LEVEL: { readonly [level: string]: AccessLevel } = {
  'List': AccessLevel.LIST,
  'Read': AccessLevel.READ,
  'Write': AccessLevel.WRITE,
  'Permissions management': AccessLevel.PERMISSIONS_MANAGEMENT,
  'Tagging': AccessLevel.TAGGING,
  'Unknown': AccessLevel.UNKNOWN,
};

/** The access levels from the least to the most powerful. */
const LEVEL_ORDER: readonly AccessLevel[] = ACCESS_LEVEL_ORDER.map(l => LEVEL[l]);

const DECISION: { readonly [kind: string]: DecisionKind } = {
  'allowed': DecisionKind.ALLOWED,
  'explicit-deny': DecisionKind.EXPLICIT_DENY,
  'implicit-deny': DecisionKind.IMPLICIT_DENY,
  'boundary': DecisionKind.BOUNDARY,
};

/** Evaluates a resource written by the caller (a token, or a string) for one principal's stack. */
export type ResourceResolver = (value: string, principalStack: StackModel) => string;

/**
 * What one IAM principal of a synthesized app (a role, user, group or IAM Identity Center
 * permission set) is effectively allowed to do, from its identity policies: its own, its groups'
 * (for a user), and AWS managed policies it names, after explicit Denies and its permissions
 * boundary. Resource policies, SCPs and session policies are not part of it.
 *
 * Obtained from `EffectivePermissions`.
 */
export class PrincipalPermissions {
  /** @internal */
  public static _of(resource: ResolvedResource, resolveResource: ResourceResolver, constructPath?: string): PrincipalPermissions {
    return new PrincipalPermissions(resource, resolveResource, constructPath);
  }

  /** The principal's logical id in its template. */
  public readonly logicalId: string;
  /** The name of its stack (the artifact id, `Stage-Stack` in a Stage). */
  public readonly stackName: string;
  /** `Stack/LogicalId`. */
  public readonly displayName: string;
  public readonly kind: PrincipalKind;
  /**
   * The construct path CDK recorded.
   * @default - the template has no path metadata
   */
  public readonly constructPath?: string;
  /**
   * Its literal name (RoleName, UserName, GroupName, a permission set's Name).
   * @default - CloudFormation generates the name
   */
  public readonly physicalName?: string;
  /**
   * The permissions boundary's name (`policy "Name"`, `AWS managed policy "Name"`).
   * @default - no boundary, or one this analysis cannot read (another app's policy)
   */
  public readonly boundary?: string;
  /** The names of the identity policies that apply, a user's groups' policies prefixed `group "G": `. */
  public readonly policies: string[];
  /** For a user: the logical ids of its groups in the app; for a group: of its members in the app. */
  public readonly relatedPrincipals: string[];

  private readonly input: PrincipalPolicies;
  private readonly stackModel: StackModel;
  private readonly resolveResource: ResourceResolver;
  private computed?: EffectivePermissionSet;
  private actionList?: ActionPermission[];

  private constructor(resource: ResolvedResource, resolveResource: ResourceResolver, constructPath?: string) {
    const model = resource.resource;
    this.stackModel = model.stack;
    this.resolveResource = resolveResource;
    this.logicalId = model.logicalId;
    this.stackName = model.stack.name;
    this.displayName = model.displayName;
    this.kind = KIND_OF_TYPE[model.type];
    this.constructPath = model.cdkPath ?? constructPath;
    const name = resource.properties[model.type === IAM_TYPES.permissionSet ? 'Name' : nameProperty(model.type)];
    this.physicalName = typeof name === 'string' && !name.includes('<') ? name : undefined;
    const named = resource.policies();
    const boundaryDocs = resource.boundary();
    const boundary: SourcePolicy | undefined = boundaryDocs && boundaryDocs.length > 0
      ? { name: boundaryNameOf(resource), document: { statements: boundaryDocs.flatMap(d => d.statements) } }
      : undefined;
    this.boundary = boundary?.name;
    this.policies = named.map(p => p.name);
    this.relatedPrincipals = model.type === IAM_TYPES.user
      ? resource.groups().map(g => g.resource?.logicalId ?? g.text)
      : model.type === IAM_TYPES.group ? resource.model.membersOf(model).map(m => m.logicalId) : [];
    const account = resource.account;
    const region = model.stack.input.region;
    this.input = {
      policies: named.map(p => ({ name: p.name, document: p.document })),
      boundary,
      escalationGrants: resource.escalationGrants(),
      account,
      region: region && !region.includes('${') && !region.includes('unknown') ? region : undefined,
    };
  }

  /** Every action it is allowed, by service, access level (most powerful first) and action. */
  public get actions(): ActionPermission[] {
    this.actionList ??= this.analysis().actions.map(a => ({
      action: a.action,
      service: a.service,
      accessLevel: LEVEL[a.accessLevel],
      unbounded: a.unbounded,
      conditional: a.conditional,
      resources: a.resources.map((r): ResourcePermission => ({
        resource: r.resource,
        exceptions: [...r.except],
        unbounded: r.unbounded,
        conditional: r.conditional,
        grantedBy: r.grantedBy.map(toReference),
        limitedBy: r.limitedBy.map(toReference),
      })),
    }));
    return [...this.actionList];
  }

  /** The allowed actions grouped by service and access level. */
  public get services(): ServiceAccess[] {
    const groups = new Map<string, { service: string; level: EffectiveAccessLevel; actions: string[]; unbounded: string[] }>();
    for (const a of this.analysis().actions) {
      const key = `${a.service}|${a.accessLevel}`;
      const group = groups.get(key) ?? { service: a.service, level: a.accessLevel, actions: [], unbounded: [] };
      group.actions.push(a.action);
      if (a.unbounded) group.unbounded.push(a.action);
      groups.set(key, group);
    }
    return [...groups.values()].map(g => ({ service: g.service, accessLevel: LEVEL[g.level], actions: g.actions, unboundedActions: g.unbounded }));
  }

  /** Grants of its identity policies that its permissions boundary never allows. */
  public get deadGrants(): DeadGrant[] {
    return this.analysis().dead.map(d => ({
      action: d.action, accessLevel: LEVEL[d.accessLevel], resource: d.resource, grantedBy: toReference(d.grantedBy), boundary: d.boundary,
    }));
  }

  /** Grants an explicit Deny without conditions removes entirely. */
  public get deniedGrants(): DeniedGrant[] {
    return this.analysis().denied.map(d => ({
      action: d.action, resource: d.resource, grantedBy: toReference(d.grantedBy), deniedBy: toReference(d.deniedBy),
    }));
  }

  /** The known privilege-escalation paths its effective permissions allow (on unbounded resources). */
  public get escalationPaths(): EscalationPath[] {
    return this.analysis().escalations.map(e => ({
      category: e.row.category,
      description: e.row.how,
      actions: [...e.actions],
      passedTo: e.row.passedTo ? [...e.row.passedTo] : undefined,
    }));
  }

  /**
   * Whether the principal may make a request, and why. Actions compare case-insensitively with the
   * policies' wildcards; a pattern (`s3:Delete*`) is allowed when any action it stands for is.
   * The resource may be an ARN, a token (`bucket.bucketArn`, `bucket.arnForObjects('*')`) or a
   * placeholder (`<Bucket.Arn>`); with wildcards, allowed when a grant reaches some of it.
   *
   * @param action e.g. `s3:GetObject`
   * @param resource the resource requested; without one, whether the action is allowed on some resource
   */
  public allows(action: string, resource?: string): PermissionDecision {
    const written = resource === undefined ? undefined : this.resolveResource(resource, this.stackModel);
    return toDecision(decide(this.input, action, written));
  }

  /**
   * The allowed actions at an access level or above (List < Read < Tagging < Write < Permissions management).
   *
   * @param minLevel the least powerful level to include
   */
  public actionsAtLeast(minLevel: AccessLevel): ActionPermission[] {
    const min = LEVEL_ORDER.indexOf(minLevel);
    return this.actions.filter(a => LEVEL_ORDER.indexOf(a.accessLevel) >= min);
  }

  /** A plain JSON summary (what `cdk-iam-guardrails explain --format json` prints). */
  public toJson(): any {
    return {
      principal: this.displayName,
      kind: this.kind,
      logicalId: this.logicalId,
      stack: this.stackName,
      constructPath: this.constructPath,
      name: this.physicalName,
      boundary: this.boundary,
      policies: this.policies,
      relatedPrincipals: this.relatedPrincipals,
      actions: this.actions,
      deadGrants: this.deadGrants,
      deniedGrants: this.deniedGrants,
      escalationPaths: this.escalationPaths,
    };
  }

  private analysis(): EffectivePermissionSet {
    this.computed ??= effectivePermissions(this.input);
    return this.computed;
  }
}

function nameProperty(type: string): string {
  switch (type) {
    case IAM_TYPES.role: return 'RoleName';
    case IAM_TYPES.user: return 'UserName';
    default: return 'GroupName';
  }
}

function boundaryNameOf(resource: ResolvedResource): string {
  const target = resource.target(boundaryValue(resource.type, resource.properties), IAM_TYPES.managedPolicy);
  if (target.resource) return policyName(resource.view(target.resource));
  if (target.awsManagedPolicy) return `AWS managed policy "${target.awsManagedPolicy.slice(target.awsManagedPolicy.lastIndexOf('/') + 1)}"`;
  return `policy ${target.text}`;
}

function toReference(ref: StatementRef): PolicyStatementReference {
  return { policy: ref.policy, statement: ref.label, sid: ref.sid, index: ref.index, conditional: ref.conditional };
}

function toDecision(d: Decision): PermissionDecision {
  return {
    allowed: d.allowed,
    decision: DECISION[d.kind],
    action: d.action,
    matchedAction: d.matchedAction,
    resource: d.resource,
    allowedBy: d.allowedBy.map(toReference),
    deniedBy: d.deniedBy.map(toReference),
    boundaryAllowedBy: d.boundaryAllowedBy.map(toReference),
    conditionalDenies: d.conditionalDenies.map(toReference),
    boundary: d.boundary,
    conditional: d.conditional,
    reason: d.reason,
  };
}

export const plainResolver: ResourceResolver = value => value;

/**
 * Every principal of a model (of the stacks `includes` keeps), each read under its first variant
 * (the template's defaults); construct paths from `paths` when the templates carry no path metadata.
 */
export function principalsOf(model: AppModel, resolver: ResourceResolver = plainResolver, includes: (stack: StackModel) => boolean = () => true,
  paths: ReadonlyMap<string, string> = new Map()): PrincipalPermissions[] {
  const out: PrincipalPermissions[] = [];
  for (const resource of model.resources()) {
    if (!PRINCIPAL_TYPES.has(resource.type) || !includes(resource.stack)) continue;
    const variant = resource.variants()[0];
    const constructPath = paths.get(resourceKey(resource.stack.input.templatePath, resource.logicalId));
    out.push(PrincipalPermissions._of(new ResolvedResource(resource, variant.assignment, variant.label), resolver, constructPath));
  }
  return out;
}

/** The key of a resource in a map of construct paths: its template file and logical id. */
export function resourceKey(templatePath: string | undefined, logicalId: string): string {
  return `${templatePath ? path.resolve(templatePath) : ''}|${logicalId}`;
}
