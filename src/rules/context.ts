/**
 * What rules know about a resource beyond its own properties: its resolved CloudFormation
 * properties (with placeholders for intrinsics) and an index of the IAM resources of its stack,
 * so that a role's permissions include the AWS::IAM::Policy and ManagedPolicy resources attached
 * to it. Everything is computed at most once per analysis pass: a pack starts a pass for each run
 * over the tree, and a rule called on its own gets a fresh one, so a later change to the app is
 * never hidden by a stale cache.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { normalizePolicyDocument, PolicyDocument, isObject } from '../policy/document';
import { withPlaceholders } from '../policy/placeholders';

export type Properties = { readonly [key: string]: unknown };

/**
 * The templates CDK already wrote, when a pack runs as a validation plugin after synthesis:
 * reading a resource's resolved properties from them costs a JSON parse per stack instead of
 * resolving every resource again.
 */
export class SynthesizedTemplates {
  private readonly pathsByStack = new Map<string, string>();
  private readonly pathsByFile = new Map<string, string>();
  private readonly parsed = new Map<string, { [logicalId: string]: { Type?: string; Properties?: unknown } } | undefined>();

  constructor(stackTemplates: ReadonlyArray<{ stackConstructPath: string; templatePath: string }>, templatePaths: readonly string[]) {
    for (const t of stackTemplates) this.pathsByStack.set(t.stackConstructPath, t.templatePath);
    for (const p of templatePaths) this.pathsByFile.set(path.basename(p), p);
  }

  /** The resource as synthesized, or undefined when its template is not among the synthesized ones. */
  public resourceOf(node: CfnResource): Rendered | undefined {
    const stack = Stack.of(node);
    const file = this.pathsByStack.get(stack.node.path) ?? this.pathsByFile.get(stack.templateFile);
    if (!file) return undefined;
    let resources = this.parsed.get(file);
    if (!this.parsed.has(file)) {
      try {
        resources = JSON.parse(fs.readFileSync(file, 'utf-8')).Resources;
      } catch {
        resources = undefined;
      }
      this.parsed.set(file, resources);
    }
    const logicalId = stack.resolve(node.logicalId);
    const resource = typeof logicalId === 'string' ? resources?.[logicalId] : undefined;
    if (!resource || resource.Type !== node.cfnResourceType) return undefined;
    return fromRaw(logicalId, resource.Properties);
  }
}

/** Caches for one run over the construct tree. */
export class AnalysisPass {
  private readonly memos = new WeakMap<object, Map<string, unknown>>();

  /**
   * @param templates where to read resolved properties from, when the app is already synthesized
   * @param beforeSynthesis the pass runs before synthesis (the warning aspect): identity policy
   *   documents are read from their `iam.PolicyDocument` objects instead of being resolved, because
   *   resolving every policy a second time (synthesis resolves them again) costs more than all the
   *   analysis. Tokens in them become `<Token>` placeholders, which count as bounded resources,
   *   just as the resolved references would.
   */
  constructor(public readonly templates?: SynthesizedTemplates, public readonly beforeSynthesis = false) {}

  /** Computes `compute()` once per pass for this owner and key. */
  public memo<T>(owner: object, key: string, compute: () => T): T {
    let byKey = this.memos.get(owner);
    if (!byKey) {
      byKey = new Map();
      this.memos.set(owner, byKey);
    }
    if (byKey.has(key)) return byKey.get(key) as T;
    const value = compute();
    byKey.set(key, value);
    return value;
  }
}

let currentPass: AnalysisPass | undefined;

/** Runs `fn` with `pass` as the current analysis pass. */
export function runInPass<T>(pass: AnalysisPass, fn: () => T): T {
  const previous = currentPass;
  currentPass = pass;
  try {
    return fn();
  } finally {
    currentPass = previous;
  }
}

/** Runs `fn` in the current pass, or in a fresh one when no pack is running. */
export function inPass<T>(fn: (pass: AnalysisPass) => T): T {
  if (currentPass) return fn(currentPass);
  return runInPass(new AnalysisPass(), () => fn(currentPass!));
}

interface Rendered {
  readonly logicalId: string;
  /** With placeholders for intrinsics. */
  readonly properties: Properties;
  /** As resolved, intrinsics kept: for rules that read literal text through `Fn::Base64` or `Fn::Join`. */
  readonly raw: Properties;
}

/** The resource's logical id and properties, resolved, intrinsics turned into placeholders. */
function rendered(node: CfnResource): Rendered {
  return inPass(pass => pass.memo(node, 'rendered', () => pass.templates?.resourceOf(node) ?? render(node, pass.beforeSynthesis)));
}

function fromRaw(logicalId: string, rawProperties: unknown): Rendered {
  const raw = rawProperties ?? {};
  const properties = withPlaceholders(raw);
  return { logicalId, properties: isObject(properties) ? properties : {}, raw: isObject(raw) ? raw : {} };
}

function render(node: CfnResource, unresolvedPolicyDocument: boolean): Rendered {
  try {
    const stack = Stack.of(node);
    // _toCloudFormation applies property overrides (escape hatches) exactly as synthesis does.
    const documents = unresolvedPolicyDocument ? detachL2PolicyDocuments(node) : [];
    let template: CloudFormationFragment;
    try {
      template = stack.resolve((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as CloudFormationFragment;
    } finally {
      for (const { property, document } of documents) (node as unknown as L1Documents)[property] = document;
    }
    const [logicalId, resource] = Object.entries(template?.Resources ?? {})[0] ?? [];
    let properties = resource?.Properties;
    if (documents.length > 0 && isObject(properties)) {
      properties = { ...properties };
      for (const { key, document } of documents) (properties as { [key: string]: unknown })[key] = document.toJSON();
    }
    return fromRaw(logicalId ?? node.node.id, properties);
  } catch {
    return { logicalId: node.node.id, properties: {}, raw: {} };
  }
}

type CloudFormationFragment = { Resources?: { [id: string]: { Properties?: unknown } } };

// The L1 properties that hold an `iam.PolicyDocument` when an L2 (Policy, ManagedPolicy, Role) made the resource.
const L1_DOCUMENT_PROPERTIES = [
  { property: 'policyDocument', key: 'PolicyDocument' },
  { property: 'assumeRolePolicyDocument', key: 'AssumeRolePolicyDocument' },
] as const;
type L1Documents = { [property: string]: unknown };

/**
 * Takes the `iam.PolicyDocument`s off the L1 for the time of one resolve (the caller puts them
 * back), so that only the small rest of the resource is resolved; the documents are read with
 * `toJSON()`, which keeps tokens as `${Token[...]}` strings.
 */
function detachL2PolicyDocuments(node: CfnResource): Array<{ property: string; key: string; document: iam.PolicyDocument }> {
  const l1 = node as unknown as L1Documents;
  const detached = [];
  for (const { property, key } of L1_DOCUMENT_PROPERTIES) {
    const document = l1[property];
    if (document instanceof iam.PolicyDocument) {
      detached.push({ property, key, document });
      l1[property] = {};
    }
  }
  return detached;
}

export function propertiesOf(node: CfnResource): Properties {
  return rendered(node).properties;
}

export function rawPropertiesOf(node: CfnResource): Properties {
  return rendered(node).raw;
}

export function logicalIdOf(node: CfnResource): string {
  return rendered(node).logicalId;
}

/** `<LogicalId>` (a Ref after placeholder conversion) to `LogicalId`. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^<([A-Za-z0-9]+)>$/.exec(value);
  return match ? match[1] : undefined;
}

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export const IAM_TYPES = {
  role: 'AWS::IAM::Role',
  user: 'AWS::IAM::User',
  group: 'AWS::IAM::Group',
  policy: 'AWS::IAM::Policy',
  managedPolicy: 'AWS::IAM::ManagedPolicy',
  rolePolicy: 'AWS::IAM::RolePolicy',
  userPolicy: 'AWS::IAM::UserPolicy',
  groupPolicy: 'AWS::IAM::GroupPolicy',
  userToGroup: 'AWS::IAM::UserToGroupAddition',
} as const;

const INDEXED_TYPES = new Set<string>(Object.values(IAM_TYPES));
const PRINCIPAL_TYPES = new Set<string>([IAM_TYPES.role, IAM_TYPES.user, IAM_TYPES.group]);

export interface IamEntity {
  readonly node: CfnResource;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Properties;
}

/** The IAM resources of one stack and how they refer to each other. */
export class StackIamIndex {
  public readonly entities = new Map<string, IamEntity>();
  /** Principal logical id -> policy resources attached to it (Policy, ManagedPolicy, *Policy). */
  private readonly attached = new Map<string, IamEntity[]>();
  /** User logical id -> groups (logical ids, or names when the group is not in the stack). */
  private readonly groupsOfUser = new Map<string, Set<string>>();
  /** Managed policies referenced as a permissions boundary. */
  private readonly boundaryRefs = new Set<string>();
  /** Managed policies referenced from some principal's ManagedPolicyArns. */
  private readonly managedPolicyArnRefs = new Set<string>();

  constructor(stack: Stack) {
    for (const construct of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(construct) || !INDEXED_TYPES.has(construct.cfnResourceType)) continue;
      if (Stack.of(construct) !== stack) continue;
      const { logicalId, properties } = rendered(construct);
      this.entities.set(logicalId, { node: construct, logicalId, type: construct.cfnResourceType, properties });
    }
    for (const entity of this.entities.values()) this.link(entity);
  }

  public entityOf(node: CfnResource): IamEntity | undefined {
    const entity = this.entities.get(logicalIdOf(node));
    return entity?.node === node ? entity : undefined;
  }

  /** Policy resources attached to a principal. */
  public attachedTo(principalLogicalId: string): readonly IamEntity[] {
    return this.attached.get(principalLogicalId) ?? [];
  }

  /** Groups of a user: from its Groups property and from UserToGroupAddition resources. */
  public groupsOf(userLogicalId: string): ReadonlySet<string> {
    return this.groupsOfUser.get(userLogicalId) ?? new Set();
  }

  /** A managed policy only used as a permissions boundary in this stack: a ceiling, not a grant. */
  public isBoundaryOnly(entity: IamEntity): boolean {
    if (entity.type !== IAM_TYPES.managedPolicy || !this.boundaryRefs.has(entity.logicalId)) return false;
    if (this.managedPolicyArnRefs.has(entity.logicalId)) return false;
    return ['Roles', 'Users', 'Groups'].every(k => asList(entity.properties[k]).length === 0);
  }

  /**
   * Whether a policy resource is attached to a principal this index cannot see (a name, an import,
   * another stack), or to none at all: it is then evaluated on its own.
   */
  public hasUnseenTargets(entity: IamEntity): boolean {
    const targets = ['Roles', 'Users', 'Groups'].flatMap(k => asList(entity.properties[k]));
    for (const key of ['RoleName', 'UserName', 'GroupName']) {
      if (entity.type !== IAM_TYPES.managedPolicy && entity.type !== IAM_TYPES.policy && entity.properties[key] !== undefined) {
        targets.push(entity.properties[key]);
      }
    }
    const referencedByPrincipal = this.managedPolicyArnRefs.has(entity.logicalId);
    if (targets.length === 0) return !referencedByPrincipal;
    return targets.some(t => !this.isPrincipal(referencedLogicalId(t)));
  }

  /** The entity a Ref names, if it is a role, user or group of this stack. */
  public isPrincipal(logicalId: string | undefined): boolean {
    const entity = logicalId ? this.entities.get(logicalId) : undefined;
    return entity !== undefined && PRINCIPAL_TYPES.has(entity.type);
  }

  /** Every document that grants to a principal (inline, attached, managed by reference, groups'). */
  public grantsOf(principal: IamEntity): PolicyDocument[] {
    const docs: PolicyDocument[] = [];
    const seen = new Set<string>();
    const addPrincipalOwn = (p: IamEntity) => {
      for (const inline of asList(p.properties.Policies)) {
        if (isObject(inline)) docs.push(normalizePolicyDocument(inline.PolicyDocument));
      }
      for (const arn of asList(p.properties.ManagedPolicyArns)) {
        const ref = referencedLogicalId(arn);
        const policy = ref ? this.entities.get(ref) : undefined;
        if (policy && policy.type === IAM_TYPES.managedPolicy && !seen.has(policy.logicalId)) {
          seen.add(policy.logicalId);
          docs.push(documentOf(policy));
        }
      }
      for (const policy of this.attachedTo(p.logicalId)) {
        if (seen.has(policy.logicalId)) continue;
        seen.add(policy.logicalId);
        docs.push(documentOf(policy));
      }
    };
    addPrincipalOwn(principal);
    if (principal.type === IAM_TYPES.user) {
      for (const group of this.groupsOf(principal.logicalId)) {
        const entity = this.entities.get(group);
        if (entity?.type === IAM_TYPES.group) addPrincipalOwn(entity);
      }
    }
    return docs;
  }

  /**
   * The permissions boundary of a principal as documents, or undefined when it has none or it is
   * not visible here (an AWS managed policy or another stack's): then nothing is intersected.
   */
  public boundaryOf(principal: IamEntity): PolicyDocument[] | undefined {
    const ref = referencedLogicalId(principal.properties.PermissionsBoundary);
    const policy = ref ? this.entities.get(ref) : undefined;
    return policy?.type === IAM_TYPES.managedPolicy ? [documentOf(policy)] : undefined;
  }

  private link(entity: IamEntity): void {
    const p = entity.properties;
    switch (entity.type) {
      case IAM_TYPES.policy:
      case IAM_TYPES.managedPolicy:
        for (const key of ['Roles', 'Users', 'Groups']) {
          for (const target of asList(p[key])) this.attach(referencedLogicalId(target), entity);
        }
        break;
      case IAM_TYPES.rolePolicy:
        this.attach(referencedLogicalId(p.RoleName), entity);
        break;
      case IAM_TYPES.userPolicy:
        this.attach(referencedLogicalId(p.UserName), entity);
        break;
      case IAM_TYPES.groupPolicy:
        this.attach(referencedLogicalId(p.GroupName), entity);
        break;
      case IAM_TYPES.userToGroup: {
        const group = referencedLogicalId(p.GroupName) ?? String(p.GroupName);
        for (const user of asList(p.Users)) {
          const userId = referencedLogicalId(user);
          if (userId) this.addGroup(userId, group);
        }
        break;
      }
      case IAM_TYPES.user:
        for (const group of asList(p.Groups)) this.addGroup(entity.logicalId, referencedLogicalId(group) ?? String(group));
        break;
      default:
        break;
    }
    if (PRINCIPAL_TYPES.has(entity.type)) {
      const boundary = referencedLogicalId(p.PermissionsBoundary);
      if (boundary) this.boundaryRefs.add(boundary);
      for (const arn of asList(p.ManagedPolicyArns)) {
        const ref = referencedLogicalId(arn);
        if (ref) this.managedPolicyArnRefs.add(ref);
      }
    }
  }

  private attach(principal: string | undefined, policy: IamEntity): void {
    if (!principal) return;
    const list = this.attached.get(principal) ?? [];
    list.push(policy);
    this.attached.set(principal, list);
  }

  private addGroup(user: string, group: string): void {
    const set = this.groupsOfUser.get(user) ?? new Set<string>();
    set.add(group);
    this.groupsOfUser.set(user, set);
  }
}

/** The IAM index of the node's stack, built once per pass. */
export function stackIndexOf(node: IConstruct): StackIamIndex {
  const stack = Stack.of(node);
  return inPass(pass => pass.memo(stack, 'iam-index', () => new StackIamIndex(stack)));
}

/** The normalized policy document of a policy resource (Policy, ManagedPolicy, *Policy). */
export function documentOf(entity: IamEntity): PolicyDocument {
  return inPass(pass => pass.memo(entity.node, 'document', () => normalizePolicyDocument(entity.properties.PolicyDocument)));
}

/** Memoizes a per-node computation for the current pass. */
export function memoFor<T>(node: object, key: string, compute: () => T): T {
  return inPass(pass => pass.memo(node, key, compute));
}
