/**
 * What a rule sees: one resource of the app model under one assignment of its conditions and
 * parameters, with what IAM links to it (a principal's policies, groups and boundary) read under
 * the same assignment.
 */
import {
  AppModel, asList, boundaryValue, IAM_TYPES, isRecord, managedPolicyValues, memoIn, PRINCIPAL_TYPES, Properties, ResourceModel, Target,
} from './app-model';
import { Assignment, assignmentKey } from './intrinsics';
import { normalizePolicyDocument, PolicyDocument } from '../policy/document';
import { awsManagedPolicy, AwsManagedPolicy } from '../policy/managed-policies';
import { ORGANIZATION_POLICY_TYPE } from '../policy/organization-policies';

/** One policy document that applies to a principal, with the name a reviewer knows it by. */
export interface NamedPolicy {
  /**
   * How a message names it: `inline policy "Name"` of a principal, `policy "Name"` (a policy
   * resource of the app, by its PolicyName/ManagedPolicyName or logical id), `AWS managed policy
   * "Name"`, prefixed with `group "G": ` when it reaches a user through a group.
   */
  readonly name: string;
  readonly document: PolicyDocument;
  /** The policy resource of the app that holds it (undefined for inline and AWS managed policies). */
  readonly resource?: ResourceModel;
  /** The AWS managed policy it is, if it is one. */
  readonly awsManaged?: AwsManagedPolicy;
}

/** An AWS managed policy ARN a principal names, as a grant or as its boundary. */
export interface AwsManagedPolicyReference {
  /** The property that names it: `ManagedPolicyArns`, `PermissionsBoundary`, `ManagedPolicies`, ... */
  readonly property: string;
  /** What follows `policy/` in the ARN, as written (path included). */
  readonly written: string;
  /** The AWS managed policy it names, or undefined when it names none. */
  readonly policy?: AwsManagedPolicy;
  /** Whether it is the principal's permissions boundary (a ceiling, not a grant). */
  readonly boundary: boolean;
}

export class ResolvedResource {
  private readonly key: string;
  private memos?: Map<string, unknown>;

  constructor(public readonly resource: ResourceModel, public readonly assignment: Assignment, public readonly label = '') {
    this.key = assignmentKey(assignment);
  }

  public get model(): AppModel {
    return this.resource.stack.app;
  }

  public get type(): string {
    return this.resource.type;
  }

  public get logicalId(): string {
    return this.resource.logicalId;
  }

  /** Properties as deployed under this assignment, intrinsics turned into placeholders. */
  public get properties(): Properties {
    return this.resource.propertiesUnder(this.assignment);
  }

  /** Properties as written in the template, intrinsics kept (for rules that read literal text). */
  public get raw(): Properties {
    return this.resource.raw;
  }

  /** The account of the resource's stack, when the stack has a concrete environment. */
  public get account(): string | undefined {
    const account = this.resource.stack.account;
    return account && /^\d{12}$/.test(account) ? account : undefined;
  }

  /**
   * Computes once per resource and assignment, shared by every rule. `compute` gets this view,
   * so that a hot caller can pass a function of its module instead of a closure made per call.
   */
  public memo<T>(key: string, compute: (resource: ResolvedResource) => T): T {
    this.memos ??= this.resource.memosUnder(this.key);
    return memoIn(this.memos, key, compute, this);
  }

  /**
   * A role's trust policy, normalized: one document per content (every Lambda role trusts
   * lambda.amazonaws.com), read once per role whichever rule asks first. Undefined for other types.
   */
  public trustPolicy(): PolicyDocument | undefined {
    return this.type === IAM_TYPES.role ? this.memo('trust-policy', readTrustPolicy) : undefined;
  }

  /** The normalized document of a policy resource (Policy, ManagedPolicy, *Policy). */
  public document(): PolicyDocument {
    return this.memo('document', readDocument);
  }

  /** The same resource model's view of another resource, under this assignment. */
  public view(resource: ResourceModel): ResolvedResource {
    return new ResolvedResource(resource, this.assignment, this.label);
  }

  /** What a value of this resource names (a reference, a name or an ARN of an IAM resource). */
  public target(value: unknown, type: string): Target {
    return this.model.target(this.resource.stack, value, type);
  }

  /** The groups of a user (targets outside the app included). */
  public groups(): readonly Target[] {
    return this.model.groupsOf(this.resource);
  }

  /** Every document that grants to a principal: inline, attached, managed by reference, its groups'. */
  public grants(): PolicyDocument[] {
    return this.memo('grants', () => this.policies().map(p => p.document));
  }

  /** The policies behind {@link grants}, named for messages, in the same order. */
  public policies(): NamedPolicy[] {
    return this.memo('policies', () => {
      const out: NamedPolicy[] = [];
      const seen = new Set<ResourceModel | AwsManagedPolicy>();
      const addOwn = (principal: ResolvedResource, prefix: string) => {
        for (const inline of principal.inlinePolicies()) out.push({ ...inline, name: `${prefix}${inline.name}` });
        const policies: Array<ResourceModel | AwsManagedPolicy> = [];
        for (const value of managedPolicyValues(principal.type, principal.properties)) {
          const target = principal.target(value, IAM_TYPES.managedPolicy);
          const policy = target.resource ?? awsManagedPolicyOf(target);
          if (policy) policies.push(policy);
        }
        policies.push(...this.model.attachedTo(principal.resource));
        for (const policy of policies) {
          if (seen.has(policy)) continue;
          seen.add(policy);
          if (policy instanceof ResourceModel) {
            const view = this.view(policy);
            out.push({ name: `${prefix}${policyName(view)}`, document: view.document(), resource: policy });
          } else {
            out.push({ name: `${prefix}AWS managed policy "${policy.name}"`, document: policy.document, awsManaged: policy });
          }
        }
      };
      addOwn(this, '');
      if (this.type === IAM_TYPES.user) {
        for (const group of this.groups()) if (group.resource) addOwn(this.view(group.resource), `group "${group.resource.logicalId}": `);
      }
      return out;
    });
  }

  /**
   * A principal's own inline policies: a role's, user's or group's Policies, a permission set's
   * InlinePolicy (an object or a JSON string).
   */
  public inlinePolicies(): NamedPolicy[] {
    if (!PRINCIPAL_TYPES.has(this.type)) return [];
    return this.memo('inline-policies', () => {
      if (this.type === IAM_TYPES.permissionSet) {
        const inline = this.properties.InlinePolicy;
        return inline === undefined ? [] : [{ name: 'inline policy "InlinePolicy"', document: sharedDocument(inline) }];
      }
      const out: NamedPolicy[] = [];
      asList(this.properties.Policies).forEach((inline, i) => {
        if (!isRecord(inline)) return;
        const name = typeof inline.PolicyName === 'string' ? inline.PolicyName : `#${i + 1}`;
        out.push({ name: `inline policy "${name}"`, document: sharedDocument(inline.PolicyDocument) });
      });
      return out;
    });
  }

  /**
   * The AWS managed policy ARNs a principal names (in ManagedPolicyArns, a permission set's
   * ManagedPolicies, or as its permissions boundary), each with the policy it names if any.
   * Reads the AWS managed policy data only when there is such an ARN.
   */
  public awsManagedPolicyReferences(): AwsManagedPolicyReference[] {
    if (!PRINCIPAL_TYPES.has(this.type)) return [];
    return this.memo('aws-managed-policy-references', () => {
      const props = this.properties;
      const isPermissionSet = this.type === IAM_TYPES.permissionSet;
      // Most principals name no AWS managed policy: answer them without building the candidates.
      const managed = isPermissionSet ? props.ManagedPolicies : props.ManagedPolicyArns;
      const namesAny = Array.isArray(managed) ? managed.some(namesAwsManagedPolicy) : namesAwsManagedPolicy(managed);
      if (!namesAny && !namesAwsManagedPolicy(boundaryValue(this.type, props))) return NO_REFERENCES;
      const candidates: Array<{ property: string; value: unknown; boundary: boolean }> = [
        ...asList(isPermissionSet ? props.ManagedPolicies : props.ManagedPolicyArns)
          .map(value => ({ property: isPermissionSet ? 'ManagedPolicies' : 'ManagedPolicyArns', value, boundary: false })),
        {
          property: isPermissionSet ? 'PermissionsBoundary.ManagedPolicyArn' : 'PermissionsBoundary',
          value: boundaryValue(this.type, props),
          boundary: true,
        },
      ];
      const out: AwsManagedPolicyReference[] = [];
      for (const { property, value, boundary } of candidates) {
        if (!namesAwsManagedPolicy(value)) continue;
        const written = this.target(value, IAM_TYPES.managedPolicy).awsManagedPolicy;
        // A name with a placeholder (`policy/<Name>`) is not known before deployment.
        if (written === undefined || written.includes('<')) continue;
        out.push({ property, written, policy: awsManagedPolicy(written), boundary });
      }
      return out;
    });
  }

  /**
   * The documents a message can point at for this resource: a principal's {@link policies}, or a
   * policy resource's own document.
   */
  public ownPolicies(): NamedPolicy[] {
    if (PRINCIPAL_TYPES.has(this.type)) return this.policies();
    // Every message on a policy asks: its name is written once.
    return this.memo('own-policies', ownPolicyOf);
  }

  /**
   * The permissions boundary as documents: a managed policy of the app or an AWS managed policy
   * (a permission set's ManagedPolicyArn or CustomerManagedPolicyReference alike). Undefined when
   * there is none or it cannot be read (another app's policy, an unknown name): then nothing is
   * intersected.
   */
  public boundary(): PolicyDocument[] | undefined {
    if (!PRINCIPAL_TYPES.has(this.type)) return undefined;
    return this.memo('boundary', () => {
      const target = this.target(boundaryValue(this.type, this.properties), IAM_TYPES.managedPolicy);
      if (target.resource) return [this.view(target.resource).document()];
      const policy = awsManagedPolicyOf(target);
      return policy ? [policy.document] : undefined;
    });
  }

  /**
   * A role that only AWS services assume, none of which runs the account's own code or templates
   * with it (AWS Backup, AWS Batch's service role, EventBridge): the AWS managed `service-role/`
   * policies it holds are AWS's design for that service, and the service is not an attacker. A role
   * that Lambda, EC2, ECS tasks, CodeBuild, Glue, SageMaker, Step Functions, CloudFormation or SSM
   * assume runs code someone in the account writes, and is judged like any other.
   */
  public isOperatedByAwsService(): boolean {
    if (this.type !== IAM_TYPES.role) return false;
    return this.memo('operated-by-aws-service', () => {
      const trust = this.trustPolicy()!;
      const allows = trust.statements.filter(s => s.effect === 'Allow');
      if (allows.length === 0) return false;
      return allows.every(s => {
        const p = s.principal;
        if (!p || p.wildcard || p.aws.length > 0 || p.federated.length > 0 || p.canonicalUser.length > 0 || p.service.length === 0) return false;
        return p.service.every(service => typeof service === 'string' && !service.includes('<') && !runsAccountCode(service));
      });
    });
  }

  /**
   * The documents the escalation rules judge: {@link grants}, without the AWS managed service-role
   * policies of a role {@link isOperatedByAwsService} (AWSBatchServiceRole may pass roles to EC2:
   * only AWS Batch can use it).
   */
  public escalationGrants(): PolicyDocument[] {
    return this.memo('escalation-grants', () => (this.policies().some(p => isServiceRolePolicy(p.awsManaged)) && this.isOperatedByAwsService()
      ? this.policies().filter(p => !isServiceRolePolicy(p.awsManaged)).map(p => p.document)
      : this.grants()));
  }

  /**
   * A group whose members in the app all have a permissions boundary: what it grants is judged
   * on each member, capped by the member's boundary, rather than on the group alone (a group
   * cannot have a boundary of its own). A group with no member in the app is judged on its own.
   */
  public isJudgedThroughMembers(): boolean {
    if (this.type !== IAM_TYPES.group) return false;
    const members = this.model.membersOf(this.resource);
    return members.length > 0 && members.every(m => this.view(m).properties.PermissionsBoundary !== undefined);
  }

  /** Where a policy resource is attached: principals of the app and names outside it. */
  public policyTargets(): readonly Target[] {
    return this.model.targetsOf(this.resource);
  }

  /** A managed policy used only as a permissions boundary. */
  public isBoundaryOnly(): boolean {
    return this.model.isBoundaryOnly(this.resource);
  }

  /**
   * Targets of a policy resource that are not principals of this app (a role only imported by
   * name, a principal of another app): the policy is then also evaluated on its own.
   */
  public targetsOutsideApp(): string[] {
    return this.policyTargets().filter(t => !t.resource).map(t => t.text);
  }

  /** Whether the policy is attached to nothing this app can see (no target, not referenced). */
  public isEvaluatedAlone(): boolean {
    if (this.isBoundaryOnly()) return false;
    const targets = this.policyTargets();
    if (targets.length === 0) return !this.model.isReferencedAsManagedPolicy(this.resource);
    return targets.some(t => !t.resource);
  }
}

const NO_REFERENCES = Object.freeze([]) as unknown as AwsManagedPolicyReference[];

/** Only an ARN in the `aws` account's policy/ namespace names one (most values are references). */
function namesAwsManagedPolicy(value: unknown): value is string {
  return typeof value === 'string' && value.includes(':iam::aws:policy/');
}

/** The AWS managed policy a target names, if it is one (and its name is known before deployment). */
function awsManagedPolicyOf(target: Target): AwsManagedPolicy | undefined {
  const written = target.awsManagedPolicy;
  return written === undefined || written.includes('<') ? undefined : awsManagedPolicy(written);
}

/** AWS services that run code or templates written in the account with the role they assume. */
const RUNS_ACCOUNT_CODE = new Set([
  'lambda', 'edgelambda', 'ec2', 'ecs-tasks', 'codebuild', 'glue', 'sagemaker', 'states', 'cloudformation', 'ssm',
  'tasks.apprunner', 'build.apprunner', 'elasticmapreduce', 'datapipeline', 'pipes', 'scheduler', 'bedrock',
]);

function runsAccountCode(servicePrincipal: string): boolean {
  const name = servicePrincipal.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, '').replace(/\.<aws::urlsuffix>$/, '');
  return RUNS_ACCOUNT_CODE.has(name);
}

/** An AWS managed policy AWS writes for a service to use (`service-role/`, `aws-service-role/`). */
export function isServiceRolePolicy(policy: AwsManagedPolicy | undefined): boolean {
  return policy !== undefined && /^(aws-)?service-role\//.test(policy.path);
}

/** The policy document a policy resource holds: an organization policy's Content, any other's PolicyDocument. */
function documentProperty(r: ResolvedResource): unknown {
  return r.type === ORGANIZATION_POLICY_TYPE ? r.properties.Content : r.properties.PolicyDocument;
}

function ownPolicyOf(r: ResolvedResource): NamedPolicy[] {
  return documentProperty(r) === undefined ? [] : [{ name: policyName(r), document: r.document(), resource: r.resource }];
}

function readTrustPolicy(r: ResolvedResource): PolicyDocument {
  return sharedDocument(r.properties.AssumeRolePolicyDocument);
}

function readDocument(r: ResolvedResource): PolicyDocument {
  return sharedDocument(documentProperty(r));
}

/** `policy "Name"`: its PolicyName, ManagedPolicyName or (organization policies) Name when literal, else its logical id. */
export function policyName(policy: ResolvedResource): string {
  const props = policy.properties;
  const literal = (n: unknown): n is string => typeof n === 'string' && !n.includes('<');
  const written = [props.PolicyName, props.ManagedPolicyName, policy.type === ORGANIZATION_POLICY_TYPE ? props.Name : undefined].find(literal);
  return `policy "${written ?? policy.logicalId}"`;
}

const DOCUMENTS = new Map<string, PolicyDocument>();
const MAX_CACHED_DOCUMENTS = 10_000;

/**
 * The normalized document of an evaluated policy, one object per content: apps repeat the same
 * grants many times (every role CDK grants the same bucket gets the same statements), and the
 * analyses memoize by document object.
 */
export function sharedDocument(raw: unknown): PolicyDocument {
  // First the documents read last: several rules read the same evaluated value (a role's trust
  // policy), roles follow one another with the same trust policy and grants, and comparing two
  // documents costs less than writing and hashing one.
  for (const recent of RECENT_DOCUMENTS) {
    if (sameJson(raw, recent.raw, 0)) return recent.doc;
  }
  let key: string;
  try {
    key = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? '';
  } catch {
    return normalizePolicyDocument(raw);
  }
  let doc = DOCUMENTS.get(key);
  if (!doc) {
    if (DOCUMENTS.size >= MAX_CACHED_DOCUMENTS) DOCUMENTS.clear();
    doc = normalizePolicyDocument(raw);
    DOCUMENTS.set(key, doc);
  }
  if (typeof raw === 'object' && raw !== null) {
    RECENT_DOCUMENTS.unshift({ raw, doc });
    if (RECENT_DOCUMENTS.length > MAX_RECENT_DOCUMENTS) RECENT_DOCUMENTS.pop();
  }
  return doc;
}

const RECENT_DOCUMENTS: Array<{ readonly raw: object; readonly doc: PolicyDocument }> = [];
const MAX_RECENT_DOCUMENTS = 4;

/**
 * Whether two JSON values are equal: the same keys (in any order, which no policy grammar gives a
 * meaning) with equal values. Anything but plain JSON (or too deep) counts as different, and is
 * keyed by its text. Counts keys with `for...in` instead of `Object.keys`: this runs for every
 * role's every document, and the arrays were a tenth of what validation allocated.
 */
export function sameJson(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return typeof a !== 'number' || Number.isFinite(a);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > 64) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const objA = a as { [key: string]: unknown };
  const objB = b as { [key: string]: unknown };
  let count = 0;
  for (const key in objA) {
    if (!Object.prototype.hasOwnProperty.call(objB, key) || !sameJson(objA[key], objB[key], depth + 1)) return false;
    count++;
  }
  for (const _ in objB) count--;
  return count === 0;
}

/** Every resource of the model under each of its variants. */
export function* resolvedResources(model: AppModel): IterableIterator<ResolvedResource> {
  for (const resource of model.resources()) {
    for (const variant of resource.variants()) yield new ResolvedResource(resource, variant.assignment, variant.label);
  }
}
