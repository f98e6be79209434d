/**
 * What a rule sees: one resource of the app model under one assignment of its conditions and
 * parameters, with what IAM links to it (a principal's policies, groups and boundary) read under
 * the same assignment.
 */
import { AppModel, asList, IAM_TYPES, isRecord, PRINCIPAL_TYPES, Properties, ResourceModel, Target } from './app-model';
import { Assignment, assignmentKey } from './intrinsics';
import { normalizePolicyDocument, PolicyDocument } from '../policy/document';

/** One policy document that applies to a principal, with the name a reviewer knows it by. */
export interface NamedPolicy {
  /**
   * How a message names it: `inline policy "Name"` of a principal, `policy "Name"` (a policy
   * resource of the app, by its PolicyName/ManagedPolicyName or logical id), `AWS managed policy
   * "Name"`, prefixed with `group "G": ` when it reaches a user through a group.
   */
  readonly name: string;
  readonly document: PolicyDocument;
  /** The policy resource of the app that holds it (undefined for inline policies of a principal). */
  readonly resource?: ResourceModel;
}

export class ResolvedResource {
  private readonly key: string;

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

  /** Computes once per resource and assignment, shared by every rule. */
  public memo<T>(key: string, compute: () => T): T {
    return this.resource.memo(`${key}#${this.key}`, compute);
  }

  /** The normalized document of a policy resource (Policy, ManagedPolicy, *Policy). */
  public document(): PolicyDocument {
    return this.memo('document', () => sharedDocument(this.properties.PolicyDocument));
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
      const seen = new Set<ResourceModel>();
      const addOwn = (principal: ResolvedResource, prefix: string) => {
        asList(principal.properties.Policies).forEach((inline, i) => {
          if (!isRecord(inline)) return;
          const name = typeof inline.PolicyName === 'string' ? inline.PolicyName : `#${i + 1}`;
          out.push({ name: `${prefix}inline policy "${name}"`, document: sharedDocument(inline.PolicyDocument) });
        });
        const policies = [
          ...asList(principal.properties.ManagedPolicyArns).map(arn => principal.target(arn, IAM_TYPES.managedPolicy).resource),
          ...this.model.attachedTo(principal.resource),
        ];
        for (const policy of policies) {
          if (!policy || seen.has(policy)) continue;
          seen.add(policy);
          out.push({ name: `${prefix}${policyName(this.view(policy))}`, document: this.view(policy).document(), resource: policy });
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
   * The documents a message can point at for this resource: a principal's {@link policies}, or a
   * policy resource's own document.
   */
  public ownPolicies(): NamedPolicy[] {
    if (PRINCIPAL_TYPES.has(this.type)) return this.policies();
    if (this.properties.PolicyDocument === undefined) return [];
    return [{ name: policyName(this), document: this.document(), resource: this.resource }];
  }

  /**
   * The permissions boundary as documents, or undefined when there is none or it is not in the
   * app (an AWS managed policy, another app's): then nothing is intersected.
   */
  public boundary(): PolicyDocument[] | undefined {
    if (!PRINCIPAL_TYPES.has(this.type)) return undefined;
    const policy = this.target(this.properties.PermissionsBoundary, IAM_TYPES.managedPolicy).resource;
    return policy ? [this.view(policy).document()] : undefined;
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

/** `policy "Name"`: its PolicyName or ManagedPolicyName when literal, else its logical id. */
export function policyName(policy: ResolvedResource): string {
  const props = policy.properties;
  const name = [props.PolicyName, props.ManagedPolicyName].find(n => typeof n === 'string' && !n.includes('<'));
  return `policy "${typeof name === 'string' ? name : policy.logicalId}"`;
}

const DOCUMENTS = new Map<string, PolicyDocument>();
const MAX_CACHED_DOCUMENTS = 10_000;

/**
 * The normalized document of an evaluated policy, one object per content: apps repeat the same
 * grants many times (every role CDK grants the same bucket gets the same statements), and the
 * analyses memoize by document object.
 */
export function sharedDocument(raw: unknown): PolicyDocument {
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
  return doc;
}

/** Every resource of the model under each of its variants. */
export function* resolvedResources(model: AppModel): IterableIterator<ResolvedResource> {
  for (const resource of model.resources()) {
    for (const variant of resource.variants()) yield new ResolvedResource(resource, variant.assignment, variant.label);
  }
}
