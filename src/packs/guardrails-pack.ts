import * as fs from 'fs';
import * as path from 'path';
import {
  CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation, Stack, Stage, Validations,
} from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { awsCdkLibOwner } from './aws-cdk-lib-grants';
import { AppModel, ResourceModel } from '../model/app-model';
import { loadCloudAssembly, loadSynthesizedStacks, SynthesizedStack } from '../model/load';
import { acknowledgmentCovers } from '../rules/acknowledgment-ids';
import { evaluateRules, RuleFinding } from '../rules/engine';
import { REQUIRE_BOUNDARIES_ID6 } from '../rules/identities';
import { ALL_RULES, GuardrailsRule, RULE_ID_PREFIX, RuleFamily } from '../rules/index';

/** Options of this library's packs. */
export interface IamGuardrailsPackProps extends NagPackProps {
  /**
   * Report every role and user without a permissions boundary (rule ID6), as the IAM guide's
   * "Use Permission Boundaries" asks. By default ID6 reports only principals for which a boundary
   * matters: those allowed every action (or NotAction), able to escalate their privileges, or able
   * to manage permissions on every resource.
   *
   * @default false
   */
  readonly requireBoundaries?: boolean;

  /**
   * Acknowledge, with this reason, every finding on IAM resources that aws-cdk-lib writes on its
   * own and the app cannot change: the roles CDK Pipelines generates, custom-resource provider
   * framework roles, singleton handlers (log retention, bucket notifications, auto-delete objects,
   * bucket deployment, AwsCustomResource's function role). Findings on roles the app grants to,
   * such as a Lambda function's role, are never covered.
   *
   * @default - findings on aws-cdk-lib's own grants are reported like any other, and their messages
   * say whose they are and how to acknowledge them
   */
  readonly acknowledgeAwsCdkLibGrants?: string;
}

/** The shortest reason accepted for a bulk acknowledgment: a few words a reviewer can check. */
const MIN_REASON_LENGTH = 10;

/**
 * The base of this library's cdk-nag packs.
 *
 * The pack runs after synthesis, as a validation plugin, over one model of the whole app built
 * from the templates CDK wrote (every stack of every Stage, nested stacks included): every value
 * is read as CloudFormation will deploy it, and each finding is reported once, however many
 * Stages the app has. Error-level findings fail `cdk synth`; warning-level findings are reported
 * with severity `warning`, printed by `cdk synth` and fatal only with `cdk synth --strict`.
 *
 * Every rule id starts with `IamBestPractices-`, whichever pack reports it, so an acknowledgment
 * keeps working when an app moves from a narrow pack to `IamBestPracticesChecks`:
 * `Validations.of(construct).acknowledge({ id: 'IamBestPractices-LP6[Action::iam:PassRole]', reason })`.
 */
export abstract class IamGuardrailsPack extends NagPack {
  /** The plugin name shown in the validation report (rule ids always start with `IamBestPractices-`). */
  public readonly name: string;
  private readonly scope?: IConstruct;
  private readonly rules: readonly GuardrailsRule[];
  private readonly verboseMessages: boolean;
  private readonly awsCdkLibReason?: string;

  /**
   * @param name the plugin name shown in the validation report
   * @param families the rule families this pack runs
   * @param scope the app the pack is registered on; used for acknowledgments on aws-cdk-lib
   * versions that do not give plugins the construct tree
   * @param props cdk-nag pack options
   */
  protected constructor(name: string, families: RuleFamily[], scope?: IConstruct, props?: IamGuardrailsPackProps) {
    super(scope, props);
    this.name = name;
    this.packName = RULE_ID_PREFIX;
    this.scope = scope;
    this.verboseMessages = props?.verbose ?? false;
    const reason = props?.acknowledgeAwsCdkLibGrants;
    if (reason !== undefined && reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(`${name}: acknowledgeAwsCdkLibGrants must be a reason a reviewer can check, at least ${MIN_REASON_LENGTH} characters `
        + `(got ${JSON.stringify(reason)})`);
    }
    this.awsCdkLibReason = reason?.trim();
    const selected = new Set(families);
    this.rules = ALL_RULES.filter(r => selected.has(r.family))
      .map(r => (props?.requireBoundaries && r.id === 'ID6' ? { ...r, ...REQUIRE_BOUNDARIES_ID6 } : r));
  }

  /** Called by CDK after synthesis, with the templates of every stack the pack covers. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = (context as { appConstruct?: IConstruct }).appConstruct ?? this.scope;
    const listed = (context as { stackTemplates?: SynthesizedStack[] }).stackTemplates;
    const stacks = listed && listed.length > 0 ? listed : (context.templatePaths ?? []).map(templatePath => ({ templatePath }));
    return this.reportOn(new AppModel(loadSynthesizedStacks(stacks)), root);
  }

  /**
   * Validates the part of an app under `scope` directly (tests, or tools that hold the tree):
   * synthesizes the app again (`force`) and reports the findings on resources under `scope`.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const root = scope.node.root;
    if (!Stage.isStage(root)) throw new Error(`${this.name}: ${scope.node.path || 'the scope'} is not inside an App`);
    let directory: string;
    try {
      directory = root.synth({ force: true, errorOnDuplicateSynth: false }).directory;
    } catch (error) {
      // A validation plugin registered on the app (this pack, too) failed synthesis after the
      // templates were written: they are what this method reads.
      if (!/validation failed/i.test(String((error as Error).message)) || !fs.existsSync(path.join(root.outdir, 'manifest.json'))) throw error;
      directory = root.outdir;
    }
    const prefix = scope.node.path;
    return this.reportOn(new AppModel(loadCloudAssembly(directory)), root,
      f => prefix === '' || (f.constructPath ?? '').startsWith(`${prefix}/`) || f.constructPath === prefix);
  }

  /** Unused: the pack reads the synthesized model, not construct by construct. */
  protected checkResource(_node: CfnResource): void {}

  private reportOn(model: AppModel, root: IConstruct | undefined, include?: (r: PolicyViolatingResource) => boolean): PolicyValidationPluginReport {
    const constructs = new ConstructLocator(root);
    const violations: Array<PolicyViolation & { violatingResources: PolicyViolatingResource[] }> = [];
    // Severity -> rule id -> what the description adds to the message -> message -> violation:
    // findings are grouped by description without building it for each.
    const grouped = new Map<string, Map<string, Map<string, Map<string, PolicyViolation & { violatingResources: PolicyViolatingResource[] }>>>>();
    // Locating a resource's construct costs a walk of the tree; it is needed only to read
    // acknowledgments (and to filter by scope). Without it, CDK infers the construct path itself.
    const tree = scanTree(root);
    // Without them, only the construct path CDK wrote is followed (cheap), to tell whose grant it is.
    const locate = include !== undefined || tree.hasAcknowledgments;
    const registered = tree.registeredPacks;
    // One stat per template and report, not per finding.
    const templateVersions = new Map<string, number | undefined>();
    // Read once: cdk-nag's index exports it through a getter.
    const errorLevel = NagMessageLevel.ERROR;
    for (const finding of evaluateRules(model, this.rules)) {
      if (registered.has(this) && reportedByAnotherPack(finding, this, registered, templateVersions)) continue;
      const node = locate ? constructs.find(finding.resource) : constructs.findByPath(finding.resource);
      if (node && tree.hasAcknowledgments && this.isAcknowledgedAnyForm(node, finding.ruleId)) continue;
      const owner = node ? awsCdkLibOwner(node) : undefined;
      if (owner && this.awsCdkLibReason) continue;
      const resource: PolicyViolatingResource = {
        constructPath: node ? constructs.pathOf(node) : finding.resource.cdkPath,
        resourceLogicalId: finding.resource.logicalId,
        templatePath: finding.resource.stack.input.templatePath,
        locations: ['Properties'],
      };
      if (include && !include(resource)) continue;
      const severity = finding.level === errorLevel ? 'error' : 'warning';
      const note = owner && node ? awsCdkLibNote(owner, node, finding.ruleId) : '';
      const byRule = mapOf(mapOf(grouped, severity), finding.ruleId);
      const byMessage = mapOf(byRule, note);
      const existing = byMessage.get(finding.message);
      if (existing) {
        existing.violatingResources.push(resource);
      } else {
        const violation = { ruleName: finding.ruleId, description: this.describe(finding) + note, severity, violatingResources: [resource] };
        byMessage.set(finding.message, violation);
        violations.push(violation);
      }
    }
    return { success: violations.every(v => v.severity !== 'error'), violations };
  }

  private describe(finding: RuleFinding): string {
    const text = `${finding.ruleId}: ${finding.message}`;
    return this.verboseMessages ? `${text} ${finding.rule.explanation}` : text;
  }

  /**
   * Whether the id is acknowledged on the resource or an ancestor, in any of the forms users
   * write: bare, `annotation::`, namespaced by this pack's or the rules' plugin name, and with the
   * finding in parentheses (the form earlier releases printed for warnings).
   */
  private isAcknowledgedAnyForm(node: IConstruct, ruleId: string): boolean {
    for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
      for (const entry of current.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
        for (const key of Object.keys(entry.data as object)) if (acknowledgmentCovers(key, ruleId, this.name)) return true;
      }
    }
    return false;
  }
}

/** The map under a key of a map of maps, made on first use. */
function mapOf<K, V>(maps: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let map = maps.get(key);
  if (!map) {
    map = new Map();
    maps.set(key, map);
  }
  return map;
}

/** Whose grant it is, and the acknowledgment to paste. */
function awsCdkLibNote(owner: { construct: IConstruct; fqn: string }, node: IConstruct, ruleId: string): string {
  const who = owner.fqn.startsWith('aws-cdk-lib.') ? `${owner.fqn} (${owner.construct.node.path})` : `the aws-cdk-lib singleton ${owner.construct.node.path}`;
  return ` This is aws-cdk-lib's own grant: ${who} wrote ${node.node.path} and the app cannot change it. `
    + `If you accept it: Validations.of(<${owner.construct.node.path}>).acknowledge({ id: '${ruleId}', reason: '<why>' }), `
    + 'or every aws-cdk-lib grant at once with the pack prop acknowledgeAwsCdkLibGrants: \'<why>\'.';
}

/**
 * What the packs of this library reported, per template as written by the current synthesis: a
 * pack registered on the app and again on a Stage (or two packs sharing rule families) sees the
 * same stacks, and each finding must still be reported once.
 */
const reportedByTemplate = new Map<string, { version: number; reported: Map<string, IamGuardrailsPack> }>();

function reportedByAnotherPack(finding: RuleFinding, pack: IamGuardrailsPack, registered: ReadonlySet<IamGuardrailsPack>,
  versions: Map<string, number | undefined>): boolean {
  const file = finding.resource.stack.input.templatePath;
  if (!file) return false;
  if (!versions.has(file)) {
    try {
      versions.set(file, fs.statSync(file).mtimeMs);
    } catch {
      versions.set(file, undefined);
    }
  }
  const version = versions.get(file);
  if (version === undefined) return false;
  let entry = reportedByTemplate.get(file);
  if (!entry || entry.version !== version) {
    // Each synthesis writes new templates; only the current ones matter (long test runs make many).
    if (reportedByTemplate.size >= 10_000) reportedByTemplate.clear();
    entry = { version, reported: new Map() };
    reportedByTemplate.set(file, entry);
  }
  const key = `${finding.resource.logicalId}|${finding.ruleId}`;
  const reporter = entry.reported.get(key);
  if (reporter && reporter !== pack && registered.has(reporter)) return true;
  entry.reported.set(key, pack);
  return false;
}

/**
 * What one walk of the tree tells the report: whether any construct carries an acknowledgment
 * (then findings are located on their constructs to read it), and the packs of this library
 * registered as validation plugins on the app or any of its Stages: only they take part in one
 * synthesis, so only among them is a finding reported once (a tool that calls `validate` itself
 * always gets every finding). Plugins are read from the Stages' lists, which aws-cdk-lib keeps in
 * `_validationPlugins`; without them, nothing is deduplicated.
 */
function scanTree(root: IConstruct | undefined): { hasAcknowledgments: boolean; registeredPacks: ReadonlySet<IamGuardrailsPack> } {
  const registeredPacks = new Set<IamGuardrailsPack>();
  let hasAcknowledgments = false;
  // A walk of its own rather than findAll: no list of every construct of a large app. The classes
  // are read once: aws-cdk-lib's index exports them through getters.
  const stageClass = Stage;
  const acknowledgedKey = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
  const visit = (construct: IConstruct): void => {
    const node = construct.node;
    if (!hasAcknowledgments) {
      for (const entry of node.metadata) {
        if (entry.type === acknowledgedKey) {
          hasAcknowledgments = true;
          break;
        }
      }
    }
    if (stageClass.isStage(construct)) {
      const plugins = (construct as unknown as { _validationPlugins?: unknown[] })._validationPlugins ?? [];
      for (const plugin of plugins) if (plugin instanceof IamGuardrailsPack) registeredPacks.add(plugin);
    }
    for (const child of node.children) visit(child);
  };
  if (root) visit(root);
  return { hasAcknowledgments, registeredPacks };
}

/**
 * Finds the construct of a model resource: by the construct path CDK wrote into the template
 * when path metadata is on, otherwise by template file and logical id (an index built on first use).
 */
class ConstructLocator {
  private byTemplate?: Map<string, CfnResource>;
  /** The construct paths of constructs found by path, known without walking up their scopes. */
  private readonly paths = new WeakMap<IConstruct, string>();
  /** Read once: aws-cdk-lib's index exports its classes through getters. */
  private readonly cfnResource = CfnResource;

  constructor(private readonly root?: IConstruct) {}

  /** A construct's path (`node.path`). */
  public pathOf(construct: IConstruct): string {
    return this.paths.get(construct) ?? construct.node.path;
  }


  /** The construct at the path CDK recorded in the template, if path metadata is on. */
  public findByPath(resource: ResourceModel): CfnResource | undefined {
    const cdkPath = resource.cdkPath;
    const found = this.root && cdkPath ? this.byPath(cdkPath) : undefined;
    if (found) return found;
    const owner = stackSetOf(resource);
    return owner ? this.findByPath(owner) : undefined;
  }

  public find(resource: ResourceModel): CfnResource | undefined {
    if (!this.root) return undefined;
    const cdkPath = resource.cdkPath;
    if (cdkPath) {
      const found = this.byPath(cdkPath);
      if (found) return found;
    }
    // A resource of a StackSet's template that no construct of the app wrote: its StackSet's
    // construct answers for it (and carries its acknowledgments). Its logical id may repeat one of
    // the declaring stack's, so the template index must not be asked.
    const owner = stackSetOf(resource);
    if (owner) return this.find(owner);
    const file = resource.stack.input.templatePath;
    return file ? this.index().get(`${path.basename(file)}|${resource.logicalId}`) : undefined;
  }

  private byPath(constructPath: string): CfnResource | undefined {
    const rootPath = this.root!.node.path;
    const relative = rootPath && constructPath.startsWith(`${rootPath}/`) ? constructPath.slice(rootPath.length + 1) : constructPath;
    let current: IConstruct | undefined = this.root;
    for (const id of relative.split('/')) {
      current = current?.node.tryFindChild(id);
      if (!current) return undefined;
    }
    if (!current || !this.cfnResource.isCfnResource(current)) return undefined;
    // node.path joins the ids from the root down, as followed here (the root of an app has none).
    this.paths.set(current, rootPath ? `${rootPath}/${relative}` : relative);
    return current;
  }

  private index(): Map<string, CfnResource> {
    if (!this.byTemplate) {
      this.byTemplate = new Map();
      for (const construct of this.root!.node.findAll()) {
        if (!CfnResource.isCfnResource(construct)) continue;
        const stack = Stack.of(construct);
        const logicalId = stack.resolve(construct.logicalId);
        if (typeof logicalId === 'string') this.byTemplate.set(`${stack.templateFile}|${logicalId}`, construct);
      }
    }
    return this.byTemplate;
  }
}

/** The `AWS::CloudFormation::StackSet` whose template holds a resource, if it is in one. */
function stackSetOf(resource: ResourceModel): ResourceModel | undefined {
  const stackSet = resource.stack.input.stackSet;
  return stackSet ? resource.stack.app.stack(stackSet.name)?.resources.get(stackSet.logicalId) : undefined;
}

