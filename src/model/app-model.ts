/**
 * One model of a whole CDK app as CloudFormation will deploy it: every stack of every Stage
 * (nested Stages and nested stacks included), read from the templates CDK wrote, with intrinsics
 * evaluated and IAM resources linked across stacks. Rules read resources only through it, so what
 * they see does not depend on how a construct rendered its tokens before synthesis.
 *
 * Free of constructs: it is built from templates and can be used on any CloudFormation template.
 */
import {
  Assignment, assignmentKey, DEFAULT_ASSIGNMENT, Dimension, dimensionsOf, evaluate, ParameterSpec, TemplateScope, Variant, variantsOf,
} from './intrinsics';
import { isObject } from '../policy/document';

export type Properties = { readonly [key: string]: unknown };

/** One template of the app. */
export interface StackTemplateInput {
  /** A short unique name (the stack's artifact id), used to qualify references from other stacks. */
  readonly name: string;
  readonly template: unknown;
  /** Where the template was read from. */
  readonly templatePath?: string;
  /** The stack's construct path, when known. */
  readonly constructPath?: string;
  readonly account?: string;
  readonly region?: string;
  /** For a nested stack: its parent's name and the `AWS::CloudFormation::Stack` resource. */
  readonly parent?: { readonly name: string; readonly logicalId: string };
  /**
   * For the template of a StackSet: the stack that declares the `AWS::CloudFormation::StackSet`,
   * its logical id, and where the template came from (`TemplateBody`, or the file its TemplateURL
   * names). Such a template is deployed into other accounts: its names and imports never resolve
   * to resources of the app, nor theirs to it.
   */
  readonly stackSet?: { readonly name: string; readonly logicalId: string; readonly source: string };
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
  instanceProfile: 'AWS::IAM::InstanceProfile',
  /**
   * An IAM Identity Center permission set: a principal in its own right, since Identity Center
   * provisions a role with its policies and boundary in every account it is assigned to.
   */
  permissionSet: 'AWS::SSO::PermissionSet',
} as const;

/** Resources that hold permissions: policies attach to them and they may have a boundary. */
export const PRINCIPAL_TYPES: ReadonlySet<string> = new Set([IAM_TYPES.role, IAM_TYPES.user, IAM_TYPES.group, IAM_TYPES.permissionSet]);
export const POLICY_TYPES: ReadonlySet<string> = new Set([
  IAM_TYPES.policy, IAM_TYPES.managedPolicy, IAM_TYPES.rolePolicy, IAM_TYPES.userPolicy, IAM_TYPES.groupPolicy,
]);

const NAME_PROPERTY: { readonly [type: string]: string } = {
  [IAM_TYPES.role]: 'RoleName',
  [IAM_TYPES.user]: 'UserName',
  [IAM_TYPES.group]: 'GroupName',
  [IAM_TYPES.managedPolicy]: 'ManagedPolicyName',
  [IAM_TYPES.instanceProfile]: 'InstanceProfileName',
};

/** The IAM resource type an ARN's resource part names (`role/...`, `policy/...`). */
const ARN_RESOURCE_TYPE: { readonly [prefix: string]: string } = {
  'role': IAM_TYPES.role,
  'user': IAM_TYPES.user,
  'group': IAM_TYPES.group,
  'policy': IAM_TYPES.managedPolicy,
  'instance-profile': IAM_TYPES.instanceProfile,
};

/** A reference placeholder: `<Id>`, `<Id.Attr>`, `<Id@Stack>`, `<Id.Attr@Stack>`. */
const REFERENCE = /^<([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?(?:@([^<>@]+))?>$/;
const PLAIN_REFERENCE = /^<[A-Za-z0-9]+>$/;

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A JSON object (not a list, not null). */
export const isRecord = isObject;

/** What a principal, policy or boundary value points at. */
export interface Target {
  /** The resource of the app it names, if any. */
  readonly resource?: ResourceModel;
  /** How it was written, for messages when it names nothing in the app. */
  readonly text: string;
  /**
   * An AWS managed policy (`arn:aws:iam::aws:policy/...`, any partition): what follows `policy/`
   * as written, path included (`service-role/AWSLambdaBasicExecutionRole`).
   */
  readonly awsManagedPolicy?: string;
}

export class StackModel implements TemplateScope {
  public readonly resources = new Map<string, ResourceModel>();
  public readonly parameters: { readonly [name: string]: ParameterSpec };
  public readonly mappings: { readonly [name: string]: unknown };
  public parameterValues?: { [name: string]: unknown };
  public readonly outputs: { readonly [name: string]: unknown };
  /** Whether the template declares conditions or parameters with several allowed values. */
  public readonly mayVary: boolean;
  /** CfnJson values being read, to stop at a value that refers to itself. */
  private readonly readingJson = new Set<string>();

  constructor(public readonly app: AppModel, public readonly input: StackTemplateInput) {
    const template = isRecord(input.template) ? input.template : {};
    this.parameters = isRecord(template.Parameters) ? template.Parameters as { [name: string]: ParameterSpec } : {};
    this.mappings = isRecord(template.Mappings) ? template.Mappings : {};
    this.outputs = isRecord(template.Outputs) ? template.Outputs : {};
    this.mayVary = (isRecord(template.Conditions) && Object.keys(template.Conditions).length > 0)
      || Object.values(this.parameters).some(p => isRecord(p) && Array.isArray(p.AllowedValues) && p.AllowedValues.length > 1);
    const resources = isRecord(template.Resources) ? template.Resources : {};
    for (const logicalId of Object.keys(resources)) {
      const resource = resources[logicalId];
      if (isRecord(resource) && typeof resource.Type === 'string') this.resources.set(logicalId, new ResourceModel(this, logicalId, resource));
    }
  }

  public get name(): string {
    return this.input.name;
  }

  public get account(): string | undefined {
    return this.input.account;
  }

  // A StackSet's template imports in the accounts it is deployed to: nothing the app exports.
  public importValue = (exportName: string): unknown => (this.input.stackSet ? undefined : this.app.exportedValue(exportName));

  public getAtt = (logicalId: string, attribute: string, assignment: Assignment): unknown => {
    const resource = this.resources.get(logicalId);
    // CDK's CfnJson renders a JSON value (e.g. IRSA trust conditions keyed by the OIDC issuer) as
    // a custom resource attribute: read it from the resource's own Value.
    if (resource?.type !== 'Custom::AWSCDKCfnJson' || attribute !== 'Value') return undefined;
    const key = `${logicalId}#${assignmentKey(assignment)}`;
    // A Value that refers to itself (directly or through another CfnJson) cannot deploy: leave it a reference.
    if (this.readingJson.has(key)) return undefined;
    this.readingJson.add(key);
    try {
      const value = resource.propertiesUnder(assignment).Value;
      if (typeof value !== 'string') return value;
      try {
        // Parsed text is not depth-limited like evaluated values: bound it the same way.
        return limitDepth(JSON.parse(value), 0);
      } catch {
        return value;
      }
    } finally {
      this.readingJson.delete(key);
    }
  };

  /** Evaluates a value of this template under an assignment. */
  public evaluate(value: unknown, assignment: Assignment = DEFAULT_ASSIGNMENT): unknown {
    return evaluate(value, this, assignment);
  }
}

export class ResourceModel {
  public readonly type: string;
  public readonly raw: Properties;
  public readonly metadata: Properties;
  // Made on first use, the default assignment's apart: most resources are read under it alone.
  private defaultProperties?: Properties;
  private evaluated?: Map<string, Properties>;
  private memos?: Map<string, unknown>;
  private defaultMemos?: Map<string, unknown>;
  private memosByAssignment?: Map<string, Map<string, unknown>>;
  private variantList?: readonly Variant[];
  private ownDimensionList?: ReadonlyMap<string, Dimension>;

  constructor(public readonly stack: StackModel, public readonly logicalId: string, definition: { [key: string]: unknown }) {
    this.type = definition.Type as string;
    this.raw = isRecord(definition.Properties) ? definition.Properties : {};
    this.metadata = isRecord(definition.Metadata) ? definition.Metadata : {};
  }

  /** The construct path CDK recorded in the template, when path metadata is on. */
  public get cdkPath(): string | undefined {
    const p = this.metadata['aws:cdk:path'];
    return typeof p === 'string' ? p : undefined;
  }

  /** `Stack/LogicalId`, for messages. */
  public get displayName(): string {
    return `${this.stack.name}/${this.logicalId}`;
  }

  public propertiesUnder(assignment: Assignment): Properties {
    const key = assignmentKey(assignment);
    if (key === '' && this.defaultProperties) return this.defaultProperties;
    let props = key === '' ? undefined : this.evaluated?.get(key);
    if (!props) {
      const e = this.stack.evaluate(this.raw, assignment);
      props = isRecord(e) ? e : {};
      if (key === '') this.defaultProperties = props;
      else (this.evaluated ??= new Map()).set(key, props);
    }
    return props;
  }

  /**
   * Some properties under an assignment, the others left out: what linking reads (a policy's
   * Roles, a principal's ManagedPolicyArns) without evaluating whole policy documents of
   * resources no rule may read again (principals identical to one already evaluated).
   */
  public propertiesNamed(names: readonly string[], assignment: Assignment): Properties {
    const key = assignmentKey(assignment);
    const whole = key === '' ? this.defaultProperties : this.evaluated?.get(key);
    if (whole) return whole;
    if (this.propertiesAreOneIntrinsic()) return this.propertiesUnder(assignment);
    const out: { [name: string]: unknown } = {};
    for (const name of names) {
      if (!Object.prototype.hasOwnProperty.call(this.raw, name)) continue;
      const value = this.stack.evaluate(this.raw[name], assignment);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  /** One property under the default assignment (see {@link propertiesNamed}). */
  public propertyByDefault(name: string): unknown {
    if (this.defaultProperties) return this.defaultProperties[name];
    if (this.propertiesAreOneIntrinsic()) return this.propertiesUnder(DEFAULT_ASSIGNMENT)[name];
    return Object.prototype.hasOwnProperty.call(this.raw, name) ? this.stack.evaluate(this.raw[name], DEFAULT_ASSIGNMENT) : undefined;
  }

  /** Properties given as one intrinsic (an Fn::If around all of them): they are evaluated whole, never one by one. */
  private propertiesAreOneIntrinsic(): boolean {
    for (const name in this.raw) if (name === 'Ref' || name.startsWith('Fn::')) return true;
    return false;
  }

  /** Computes `compute()` once per key for this resource (analyses shared by every rule). */
  public memo<T>(key: string, compute: (resource: ResourceModel) => T): T {
    this.memos ??= new Map();
    return memoIn(this.memos, key, compute, this);
  }

  /**
   * The memo table of this resource under one assignment (by its key): views of the resource
   * under the same assignment share it, without building a combined key on every lookup.
   */
  public memosUnder(assignmentKeyOf: string): Map<string, unknown> {
    if (assignmentKeyOf === '') return (this.defaultMemos ??= new Map());
    this.memosByAssignment ??= new Map();
    let table = this.memosByAssignment.get(assignmentKeyOf);
    if (!table) {
      table = new Map();
      this.memosByAssignment.set(assignmentKeyOf, table);
    }
    return table;
  }

  /** The conditions and enumerable parameters the resource's own properties depend on. */
  public ownDimensions(): ReadonlyMap<string, Dimension> {
    // Fn::If needs a declared condition, and only a parameter with several allowed values is
    // enumerated: a template with neither (most CDK templates) varies by nothing.
    this.ownDimensionList ??= this.stack.mayVary ? dimensionsOf(this.raw, this.stack) : NO_DIMENSIONS;
    return this.ownDimensionList;
  }

  /** The assignments under which rules read this resource. */
  public variants(): readonly Variant[] {
    if (!this.variantList) {
      // In an app whose templates declare neither conditions nor enumerable parameters (most CDK
      // apps), nothing varies, whatever is linked to the resource.
      if (!this.stack.app.mayVary) return (this.variantList = variantsOf([]));
      const dims = new Map(this.ownDimensions());
      for (const linked of this.stack.app.linkedResources(this)) for (const [k, d] of linked.ownDimensions()) dims.set(k, d);
      this.variantList = variantsOf([...dims.values()]);
    }
    return this.variantList;
  }
}

/**
 * `compute(argument)` once per key of a memo table (a stored `undefined` counts as computed). The
 * argument lets hot callers pass a function of their module rather than a new closure per call.
 */
export function memoIn<T, A>(table: Map<string, unknown>, key: string, compute: (argument: A) => T, argument: A): T {
  const known = table.get(key);
  if (known !== undefined || table.has(key)) return known as T;
  const value = compute(argument);
  table.set(key, value);
  return value;
}

const NO_RESOURCES: readonly ResourceModel[] = Object.freeze([]);

const NO_DIMENSION_VARIANTS = variantsOf([]);
// Shared by every resource of a template that varies by nothing; read, never written.
const NO_DIMENSIONS: ReadonlyMap<string, Dimension> = new Map();

/** A policy's properties that attach it to principals, and the principals' types. */
const ATTACHMENT_PROPERTIES: ReadonlyArray<readonly [string, string]> = [['Roles', IAM_TYPES.role], ['Users', IAM_TYPES.user], ['Groups', IAM_TYPES.group]];

/** The properties that link IAM resources to one another (see `AppModel.link`, `managedPolicyValues`, `boundaryValue`). */
const LINK_PROPERTIES = [
  'Roles', 'Users', 'Groups', 'RoleName', 'UserName', 'GroupName', 'ManagedPolicyArns', 'PermissionsBoundary', 'ManagedPolicies',
  'CustomerManagedPolicyReferences',
];

/** The whole app. */
export class AppModel {
  public readonly stacks: StackModel[] = [];
  private readonly exportsByName = new Map<string, { stack: StackModel; value: unknown }>();
  private readonly exportCache = new Map<string, unknown>();
  private readonly evaluatingExports = new Set<string>();
  private readonly byName = new Map<string, ResourceModel[]>();
  private readonly attached = new Map<ResourceModel, ResourceModel[]>();
  private readonly policyTargetList = new Map<ResourceModel, Target[]>();
  private readonly policyTargetTexts = new Map<ResourceModel, Map<ResourceModel | undefined, string | Set<string>>>();
  private readonly groupsOfUser = new Map<ResourceModel, Target[]>();
  private readonly usersOfGroup = new Map<ResourceModel, ResourceModel[]>();
  private readonly boundaryRefs = new Set<ResourceModel>();
  private readonly managedPolicyArnRefs = new Set<ResourceModel>();
  private readonly stacksByName = new Map<string, StackModel>();
  /** Whether any template declares conditions or parameters with several allowed values. */
  public readonly mayVary: boolean;

  constructor(inputs: readonly StackTemplateInput[]) {
    for (const input of inputs) {
      if (this.stacksByName.has(input.name)) continue;
      const stack = new StackModel(this, input);
      this.stacks.push(stack);
      this.stacksByName.set(input.name, stack);
    }
    this.mayVary = this.stacks.some(s => s.mayVary);
    for (const stack of this.stacks) this.indexExports(stack);
    for (const stack of this.stacks) this.wireNestedParameters(stack);
    for (const resource of this.resources()) this.indexName(resource);
    for (const resource of this.resources()) this.link(resource);
  }

  public *resources(): IterableIterator<ResourceModel> {
    for (const stack of this.stacks) yield* stack.resources.values();
  }

  public stack(name: string): StackModel | undefined {
    return this.stacksByName.get(name);
  }

  /** The value exported under a name by a stack of the app, qualified for use in another stack. */
  public exportedValue(name: string): unknown {
    if (this.exportCache.has(name)) return this.exportCache.get(name);
    const exported = this.exportsByName.get(name);
    if (!exported || this.evaluatingExports.has(name)) return undefined;
    this.evaluatingExports.add(name);
    try {
      const value = qualify(exported.stack.evaluate(exported.value), exported.stack.name);
      this.exportCache.set(name, value);
      return value;
    } finally {
      this.evaluatingExports.delete(name);
    }
  }

  /** Resolves a reference placeholder written in `from` to a resource of the app. */
  public referenced(from: StackModel, value: unknown): { resource: ResourceModel; attribute?: string } | undefined {
    // Most values are not placeholders, and most placeholders are a plain `<LogicalId>` of the same
    // stack: both are answered without the regular expression.
    if (typeof value !== 'string' || value.charCodeAt(0) !== 60 /* < */) return undefined;
    if (PLAIN_REFERENCE.test(value)) {
      const resource = from.resources.get(value.slice(1, -1));
      return resource ? { resource } : undefined;
    }
    const match = REFERENCE.exec(value);
    if (!match) return undefined;
    const stack = match[3] ? this.stacksByName.get(match[3]) : from;
    const resource = stack?.resources.get(match[1]);
    return resource ? { resource, attribute: match[2] } : undefined;
  }

  /**
   * What a value naming an IAM resource points at: a reference, a literal name, or an ARN of a
   * resource of the given type anywhere in the app.
   */
  public target(from: StackModel, value: unknown, type: string): Target {
    const text = typeof value === 'string' ? value : textOf(value);
    const ref = this.referenced(from, value);
    if (ref) return ref.resource.type === type ? { resource: ref.resource, text } : { text };
    if (typeof value !== 'string' || value.includes('<?')) return { text };
    let name = value;
    let nameType = type;
    let account: string | undefined;
    const arn = /^arn:(?:<[^<>]*>|[^:]*):iam::(<[^<>]*>|[^:]*):([a-z-]+)\/(.*)$/.exec(value);
    if (arn) {
      if (arn[1] === 'aws' && arn[2] === 'policy') return { text, awsManagedPolicy: arn[3] };
      nameType = ARN_RESOURCE_TYPE[arn[2]] ?? '';
      name = arn[3].slice(arn[3].lastIndexOf('/') + 1);
      if (/^\d{12}$/.test(arn[1])) account = arn[1];
    } else if (value.includes(':') || value.includes('/')) {
      return { text };
    }
    if (nameType !== type) return { text };
    const hits = this.byName.get(`${type}|${name.toLowerCase()}`) ?? [];
    const hit = closestByName(hits, from, account);
    return hit ? { resource: hit, text } : { text };
  }

  /** Policy resources attached to a principal (by their Roles/Users/Groups or *Name). */
  public attachedTo(principal: ResourceModel): readonly ResourceModel[] {
    return this.attached.get(principal) ?? NO_RESOURCES;
  }

  /** Where a policy resource is attached, including targets outside the app. */
  public targetsOf(policy: ResourceModel): readonly Target[] {
    return this.policyTargetList.get(policy) ?? [];
  }

  /** A user's groups (from its Groups and from UserToGroupAddition resources). */
  public groupsOf(user: ResourceModel): readonly Target[] {
    return this.groupsOfUser.get(user) ?? [];
  }

  /** The users of the app in a group (members added outside the app are not known). */
  public membersOf(group: ResourceModel): readonly ResourceModel[] {
    return this.usersOfGroup.get(group) ?? [];
  }

  /** A managed policy only used as a permissions boundary: a ceiling, not a grant. */
  public isBoundaryOnly(policy: ResourceModel): boolean {
    if (policy.type !== IAM_TYPES.managedPolicy || !this.boundaryRefs.has(policy) || this.managedPolicyArnRefs.has(policy)) return false;
    return (this.policyTargetList.get(policy) ?? []).length === 0;
  }

  /** Whether some principal of the app names the managed policy in its ManagedPolicyArns. */
  public isReferencedAsManagedPolicy(policy: ResourceModel): boolean {
    return this.managedPolicyArnRefs.has(policy);
  }

  /** Resources whose values matter when analysing this one (a principal's policies and boundary). */
  public linkedResources(resource: ResourceModel): ResourceModel[] {
    if (!PRINCIPAL_TYPES.has(resource.type)) return [];
    const out = new Set<ResourceModel>(this.attachedTo(resource));
    const p = resource.propertiesUnder(DEFAULT_ASSIGNMENT);
    for (const value of [...managedPolicyValues(resource.type, p), boundaryValue(resource.type, p)]) {
      const t = this.target(resource.stack, value, IAM_TYPES.managedPolicy);
      if (t.resource) out.add(t.resource);
    }
    return [...out];
  }

  private indexExports(stack: StackModel): void {
    for (const output of Object.values(stack.outputs)) {
      if (!isRecord(output) || !isRecord(output.Export)) continue;
      const name = stack.evaluate(output.Export.Name);
      if (typeof name === 'string' && !name.includes('<')) this.exportsByName.set(name, { stack, value: output.Value });
    }
  }

  /** A nested stack's parameters take the values its parent passes (qualified to the parent). */
  private wireNestedParameters(stack: StackModel): void {
    if (stack.input.stackSet) return this.wireStackSetParameters(stack, stack.input.stackSet);
    const parent = stack.input.parent ? this.stacksByName.get(stack.input.parent.name) : undefined;
    const resource = parent?.resources.get(stack.input.parent!.logicalId);
    if (!parent || !resource) return;
    const passed = parent.evaluate(resource.raw.Parameters);
    if (!isRecord(passed)) return;
    stack.parameterValues = {};
    for (const [name, value] of Object.entries(passed)) stack.parameterValues[name] = qualify(value, parent.name);
  }

  /** A StackSet's template takes the `Parameters` list (ParameterKey, ParameterValue) of the StackSet. */
  private wireStackSetParameters(stack: StackModel, stackSet: { readonly name: string; readonly logicalId: string }): void {
    const parent = this.stacksByName.get(stackSet.name);
    const resource = parent?.resources.get(stackSet.logicalId);
    if (!parent || !resource) return;
    const passed = parent.evaluate(resource.raw.Parameters);
    if (!Array.isArray(passed)) return;
    stack.parameterValues = {};
    for (const entry of passed) {
      if (isRecord(entry) && typeof entry.ParameterKey === 'string' && entry.ParameterValue !== undefined) {
        stack.parameterValues[entry.ParameterKey] = qualify(entry.ParameterValue, parent.name);
      }
    }
  }

  private indexName(resource: ResourceModel): void {
    const property = NAME_PROPERTY[resource.type];
    if (!property) return;
    const name = resource.propertyByDefault(property);
    if (typeof name !== 'string' || name.includes('<')) return;
    const key = `${resource.type}|${name.toLowerCase()}`;
    this.byName.set(key, [...this.byName.get(key) ?? [], resource]);
  }

  private link(resource: ResourceModel): void {
    const type = resource.type;
    if (!POLICY_TYPES.has(type) && !PRINCIPAL_TYPES.has(type) && type !== IAM_TYPES.userToGroup) return;
    // Links hold under every branch: a policy attached on one branch is attached.
    const dimensions = resource.ownDimensions();
    for (const { assignment } of dimensions.size === 0 ? NO_DIMENSION_VARIANTS : variantsOf([...dimensions.values()])) {
      const p = resource.propertiesNamed(LINK_PROPERTIES, assignment);
      const from = resource.stack;
      switch (type) {
        case IAM_TYPES.policy:
        case IAM_TYPES.managedPolicy:
          for (const [key, principalType] of ATTACHMENT_PROPERTIES) {
            for (const v of asList(p[key])) this.attach(resource, this.target(from, v, principalType));
          }
          break;
        case IAM_TYPES.rolePolicy:
          this.attach(resource, this.target(from, p.RoleName, IAM_TYPES.role));
          break;
        case IAM_TYPES.userPolicy:
          this.attach(resource, this.target(from, p.UserName, IAM_TYPES.user));
          break;
        case IAM_TYPES.groupPolicy:
          this.attach(resource, this.target(from, p.GroupName, IAM_TYPES.group));
          break;
        case IAM_TYPES.userToGroup: {
          const group = this.target(from, p.GroupName, IAM_TYPES.group);
          for (const u of asList(p.Users)) {
            const user = this.target(from, u, IAM_TYPES.user).resource;
            if (user) this.addGroup(user, group);
          }
          break;
        }
        case IAM_TYPES.user:
          for (const g of asList(p.Groups)) this.addGroup(resource, this.target(from, g, IAM_TYPES.group));
          break;
        default:
          break;
      }
      if (PRINCIPAL_TYPES.has(type)) {
        const boundary = this.target(from, boundaryValue(type, p), IAM_TYPES.managedPolicy).resource;
        if (boundary) this.boundaryRefs.add(boundary);
        for (const value of managedPolicyValues(type, p)) {
          const policy = this.target(from, value, IAM_TYPES.managedPolicy).resource;
          if (policy) this.managedPolicyArnRefs.add(policy);
        }
      }
    }
  }

  private attach(policy: ResourceModel, target: Target): void {
    // A policy may be attached to thousands of roles: targets are told apart by the texts naming
    // each (usually one), not by comparing each with every other.
    let seen = this.policyTargetTexts.get(policy);
    if (!seen) {
      seen = new Map();
      this.policyTargetTexts.set(policy, seen);
      this.policyTargetList.set(policy, []);
    }
    const texts = seen.get(target.resource);
    if (texts === undefined || (typeof texts === 'string' ? texts !== target.text : !texts.has(target.text))) {
      if (texts === undefined) seen.set(target.resource, target.text);
      else if (typeof texts === 'string') seen.set(target.resource, new Set([texts, target.text]));
      else texts.add(target.text);
      this.policyTargetList.get(policy)!.push(target);
    }
    if (!target.resource) return;
    // A principal holds a few policies: a list, in the order they are attached, without duplicates.
    const policies = this.attached.get(target.resource);
    if (!policies) this.attached.set(target.resource, [policy]);
    else if (!policies.includes(policy)) policies.push(policy);
  }

  private addGroup(user: ResourceModel, group: Target): void {
    const list = this.groupsOfUser.get(user) ?? [];
    if (!list.some(t => t.text === group.text && t.resource === group.resource)) list.push(group);
    this.groupsOfUser.set(user, list);
    if (group.resource) {
      const members = this.usersOfGroup.get(group.resource) ?? [];
      if (!members.includes(user)) members.push(user);
      this.usersOfGroup.set(group.resource, members);
    }
  }
}

/**
 * The values by which a principal names the managed policies it holds: ARNs in ManagedPolicyArns
 * (roles, users, groups); for a permission set, AWS managed policy ARNs in ManagedPolicies and
 * customer managed policies by name in CustomerManagedPolicyReferences.
 */
export function managedPolicyValues(type: string, properties: Properties): unknown[] {
  if (type !== IAM_TYPES.permissionSet) return asList(properties.ManagedPolicyArns);
  return [
    ...asList(properties.ManagedPolicies),
    ...asList(properties.CustomerManagedPolicyReferences).map(customerManagedPolicyName),
  ];
}

/**
 * The value naming a principal's permissions boundary: its PermissionsBoundary (an ARN); for a
 * permission set, the ManagedPolicyArn or the CustomerManagedPolicyReference's name inside it.
 */
export function boundaryValue(type: string, properties: Properties): unknown {
  const boundary = properties.PermissionsBoundary;
  if (type !== IAM_TYPES.permissionSet) return boundary;
  if (!isRecord(boundary)) return undefined;
  return boundary.ManagedPolicyArn ?? customerManagedPolicyName(boundary.CustomerManagedPolicyReference);
}

/**
 * The name of a customer managed policy a permission set refers to: Identity Center looks it up
 * by name (and path) in each account it provisions to, so the app's managed policy of that name.
 */
function customerManagedPolicyName(reference: unknown): unknown {
  return isRecord(reference) ? reference.Name : undefined;
}

/**
 * Of the resources of the app with a name, the one a name written in `from` means: names are
 * unique per account, so an app whose Stages deploy to several accounts may hold one per Stage.
 * The same stack's, else the same Stage's (assembly directory), else the same account's; none
 * when that leaves several. An ARN with a concrete account never names another account's.
 */
function closestByName(hits: readonly ResourceModel[], from: StackModel, arnAccount?: string): ResourceModel | undefined {
  const concrete = (account: string | undefined) => (account && /^\d{12}$/.test(account) ? account : undefined);
  // A StackSet's template is deployed into other accounts: names resolve within it, and only there.
  let candidates = hits.filter(h => (h.stack.input.stackSet || from.input.stackSet ? h.stack === from : true));
  if (arnAccount) candidates = candidates.filter(h => (concrete(h.stack.account) ?? arnAccount) === arnAccount);
  if (candidates.length <= 1) return candidates[0];
  const dirOf = (stack: StackModel) => stack.input.templatePath?.replace(/[\\/][^\\/]*$/, '');
  const narrowings: Array<(h: ResourceModel) => boolean> = [
    h => h.stack === from,
    h => dirOf(h.stack) !== undefined && dirOf(h.stack) === dirOf(from),
    h => concrete(h.stack.account) !== undefined && concrete(h.stack.account) === concrete(arnAccount ?? from.account),
  ];
  for (const narrowing of narrowings) {
    const narrowed = candidates.filter(narrowing);
    if (narrowed.length === 1) return narrowed[0];
  }
  return undefined;
}

const MAX_JSON_DEPTH = 64;

/** A copy of parsed JSON with what lies deeper than evaluated values may be replaced by `<?TooDeep>`. */
function limitDepth(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_JSON_DEPTH) return '<?TooDeep>';
  if (Array.isArray(value)) return value.map(v => limitDepth(v, depth + 1));
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(value)) {
    // defineProperty: a `__proto__` key stays a key.
    Object.defineProperty(out, k, { value: limitDepth(v, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** How a non-string value was written, for messages; never throws. */
function textOf(value: unknown): string {
  // What most principals' missing boundary is: nothing (JSON.stringify's undefined).
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '<?Unresolvable>';
  }
}

const UNQUALIFIED = /<(?![?]|AWS::|Fn::|ImportValue:|Condition:)([A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)>/g;

/** Qualifies a stack's own references (`<Role>` -> `<Role@Stack>`) for use in another stack. */
export function qualify(value: unknown, stackName: string): unknown {
  if (typeof value === 'string') return value.replace(UNQUALIFIED, (_m, ref: string) => `<${ref}@${stackName}>`);
  if (Array.isArray(value)) return value.map(v => qualify(v, stackName));
  if (isRecord(value)) {
    const out: { [key: string]: unknown } = {};
    for (const [k, v] of Object.entries(value)) out[k] = qualify(v, stackName);
    return out;
  }
  return value;
}
