import * as path from 'path';
import { CfnResource, Reference, Stack, Stage, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { plainResolver, PrincipalPermissions, principalsOf, ResourceResolver, resourceKey } from './principal-permissions';
import { TemplateOptions } from './types';
import { AppModel, qualify, StackModel } from '../model/app-model';
import { loadCloudAssembly } from '../model/load';

/**
 * The effective permissions of every IAM principal of a synthesized CDK app, stack, cloud assembly
 * or CloudFormation template: for each role, user, group and permission set, what it may do after
 * Denies and its permissions boundary, grouped by service and access level, with escalation paths,
 * dead grants, and `allows(action, resource)` decisions for unit tests.
 *
 * @example
 * const perms = EffectivePermissions.ofStack(stack);
 * const decision = perms.principalOf(role).allows('s3:DeleteObject', bucket.arnForObjects('*'));
 * // decision.allowed === false; decision.reason names the policy and statement
 */
export class EffectivePermissions {
  /**
   * Synthesizes the app (or Stage) and reads every stack of it, nested Stages and nested stacks included.
   *
   * @param app the App or Stage
   */
  public static ofApp(app: Stage): EffectivePermissions {
    return EffectivePermissions.synthesized(app);
  }

  /**
   * Synthesizes the stack's app and reads the stack (and its nested stacks); references to other
   * stacks of the app are resolved.
   *
   * @param stack the stack
   */
  public static ofStack(stack: Stack): EffectivePermissions {
    const root = stack.node.root;
    if (!Stage.isStage(root)) throw new Error(`EffectivePermissions.ofStack: ${stack.node.path} is not in an App`);
    const all = EffectivePermissions.synthesized(root);
    const own = all.model.stacks.find(s => sameFile(s.input.templatePath, templatePathOf(stack)));
    const included = new Set<StackModel>(own ? [own] : []);
    // Nested stacks, at any depth: their parent chain reaches the stack.
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of all.model.stacks) {
        const parent = s.input.parent ? all.model.stack(s.input.parent.name) : undefined;
        if (parent && included.has(parent) && !included.has(s)) {
          included.add(s);
          grew = true;
        }
      }
    }
    return new EffectivePermissions(all.model, all.resolver, s => included.has(s), all.paths);
  }

  /**
   * Reads a cloud assembly directory (`cdk.out`): every stack, nested Stages and nested stacks included.
   *
   * @param directory the assembly directory
   */
  public static fromCloudAssembly(directory: string): EffectivePermissions {
    return new EffectivePermissions(new AppModel(loadCloudAssembly(directory)), plainResolver);
  }

  /**
   * Reads one CloudFormation template (as parsed JSON): a CDK template, or any other.
   *
   * @param template the template, parsed
   * @param options the stack's name and environment
   */
  public static fromTemplate(template: any, options: TemplateOptions = {}): EffectivePermissions {
    const model = new AppModel([{ name: options.stackName ?? 'Template', template, account: options.account, region: options.region }]);
    return new EffectivePermissions(model, plainResolver);
  }

  private static synthesized(stage: Stage): EffectivePermissions {
    const assembly = stage.synth({ force: true, errorOnDuplicateSynth: false });
    const model = new AppModel(loadCloudAssembly(assembly.directory));
    return new EffectivePermissions(model, tokenResolver(model), () => true, constructPaths(stage));
  }

  private readonly model: AppModel;
  private readonly resolver: ResourceResolver;
  private readonly list: PrincipalPermissions[];

  private readonly paths: ReadonlyMap<string, string>;

  private constructor(model: AppModel, resolver: ResourceResolver, includes: (stack: StackModel) => boolean = () => true,
    paths: ReadonlyMap<string, string> = new Map()) {
    this.model = model;
    this.resolver = resolver;
    this.paths = paths;
    this.list = principalsOf(model, resolver, includes, paths);
  }

  /** Every principal, in template order. */
  public get principals(): PrincipalPermissions[] {
    return [...this.list];
  }

  /**
   * The principal a construct (an `iam.Role`, `iam.User`, `iam.Group`, a `CfnPermissionSet`, or their L1) synthesizes to.
   *
   * @param construct the role, user, group or permission set
   */
  public principalOf(construct: IConstruct): PrincipalPermissions {
    const node = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
    if (!node || !CfnResource.isCfnResource(node)) throw new Error(`EffectivePermissions.principalOf: ${construct.node.path} has no CloudFormation resource`);
    const stack = Stack.of(node);
    const logicalId = stack.resolve(node.logicalId) as string;
    const file = templatePathOf(stack);
    const found = this.list.find(p => p.logicalId === logicalId && sameFile(this.model.stack(p.stackName)?.input.templatePath, file));
    if (!found) throw new Error(`EffectivePermissions.principalOf: ${construct.node.path} (${logicalId}) is not a principal of the synthesized stacks read`);
    return found;
  }

  /**
   * The principal named by its logical id, `Stack/LogicalId`, construct path or physical name (RoleName, ...).
   *
   * @param name the logical id, display name, construct path or physical name
   */
  public principal(name: string): PrincipalPermissions {
    const found = this.tryPrincipal(name);
    if (!found) {
      const matches = this.matching(name);
      throw new Error(matches.length > 1
        ? `EffectivePermissions.principal: "${name}" names ${matches.length} principals (${matches.map(m => m.displayName).join(', ')}); use Stack/LogicalId`
        : `EffectivePermissions.principal: no principal "${name}" (principals: ${this.list.map(p => p.displayName).join(', ') || 'none'})`);
    }
    return found;
  }

  /**
   * The principal named by its logical id, `Stack/LogicalId`, construct path or physical name, if exactly one.
   *
   * @param name the logical id, display name, construct path or physical name
   */
  public tryPrincipal(name: string): PrincipalPermissions | undefined {
    const matches = this.matching(name);
    return matches.length === 1 ? matches[0] : undefined;
  }

  /**
   * The principals that may make a request (`allows(action, resource).allowed`).
   *
   * @param action e.g. `iam:PassRole`
   * @param resource an ARN, a token or a placeholder; without one, on some resource
   */
  public whoCan(action: string, resource?: string): PrincipalPermissions[] {
    return this.list.filter(p => p.allows(action, resource).allowed);
  }

  /** A plain JSON summary of every principal. */
  public toJson(): any {
    return { principals: this.list.map(p => p.toJson()) };
  }

  private matching(name: string): PrincipalPermissions[] {
    const exact = this.list.filter(p => p.displayName === name || p.constructPath === name);
    if (exact.length > 0) return exact;
    return this.list.filter(p => p.logicalId === name || p.physicalName === name || p.constructPath?.replace(/\/Resource$/, '') === name);
  }
}


/**
 * A resource written with tokens (`bucket.bucketArn`, `bucket.arnForObjects('*')`) as the model
 * writes it in the principal's stack: `<Bucket.Arn>/*`, qualified `<Bucket.Arn@Other>` when the
 * resource is another stack's (as an imported value reads there).
 */
function tokenResolver(model: AppModel): ResourceResolver {
  return (value, principalStack) => {
    if (!Token.isUnresolved(value)) return value;
    const reference = Tokenization.reverseString(value).tokens.find(t => Reference.isReference(t)) as Reference | undefined;
    const owner = reference ? Stack.of(reference.target) : undefined;
    const ownerModel = owner ? model.stacks.find(s => sameFile(s.input.templatePath, templatePathOf(owner))) : undefined;
    if (!owner || !ownerModel) return value;
    const evaluated = ownerModel.evaluate(owner.resolve(value));
    if (typeof evaluated !== 'string') return value;
    return ownerModel === principalStack ? evaluated : qualify(evaluated, ownerModel.name) as string;
  };
}

/** The construct path of every CloudFormation resource of a stage, by template file and logical id. */
function constructPaths(stage: Stage): Map<string, string> {
  const out = new Map<string, string>();
  for (const construct of stage.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    const stack = Stack.of(construct);
    out.set(resourceKey(templatePathOf(stack), stack.resolve(construct.logicalId) as string), construct.node.path);
  }
  return out;
}

function templatePathOf(stack: Stack): string {
  const stage = Stage.of(stack);
  return path.resolve(stage?.outdir ?? '.', stack.templateFile);
}

function sameFile(a: string | undefined, b: string): boolean {
  return a !== undefined && path.resolve(a) === path.resolve(b);
}
