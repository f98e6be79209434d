import {
  Annotations, AspectPriority, Aspects, CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, Validations,
} from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AnalysisPass, runInPass, SynthesizedTemplates } from '../rules/context';
import { ALL_RULES, GuardrailsRule, RULE_ID_PREFIX, RuleFamily } from '../rules/index';

/**
 * The base of this library's cdk-nag packs.
 *
 * Error-level rules are reported as violations of the validation plugin, which fails `cdk synth`.
 * Warning-level rules must not fail a plain `cdk synth`, and a plugin report cannot say that, so
 * they are emitted before synthesis by an Aspect on the scope given to the constructor, as
 * acknowledgeable CDK warnings (printed by `cdk synth`, fatal only with `cdk synth --strict`).
 *
 * Every rule id starts with `IamBestPractices-`, whichever pack reports it, so an acknowledgment
 * keeps working when an app moves from a narrow pack to `IamBestPracticesChecks`:
 * `Validations.of(construct).acknowledge({ id: 'IamBestPractices-LP6[Action::iam:PassRole]', reason })`.
 */
export abstract class IamGuardrailsPack extends NagPack {
  /** The plugin name shown in the validation report (rule ids always start with `IamBestPractices-`). */
  public readonly name: string;
  private readonly scope?: IConstruct;
  private readonly errorRules: readonly GuardrailsRule[];
  private readonly warningRules: readonly GuardrailsRule[];
  private readonly verboseMessages: boolean;

  /**
   * @param name the plugin name shown in the validation report
   * @param families the rule families this pack runs
   * @param scope the app (or stage) the pack is registered on; needed for warnings and for
   * aws-cdk-lib versions that do not give plugins the construct tree
   * @param props cdk-nag pack options
   */
  protected constructor(name: string, families: RuleFamily[], scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.name = name;
    this.packName = RULE_ID_PREFIX;
    this.scope = scope;
    this.verboseMessages = props?.verbose ?? false;
    const selected = new Set(families);
    const rules = ALL_RULES.filter(r => selected.has(r.family));
    this.errorRules = rules.filter(r => r.level === NagMessageLevel.ERROR);
    this.warningRules = rules.filter(r => r.level !== NagMessageLevel.ERROR);
    if (scope && this.warningRules.length > 0) {
      // READONLY: runs after the aspects that change resources (e.g. PermissionsBoundary.of(stack)).
      Aspects.of(scope).add({ visit: node => this.visitForWarnings(node) }, { priority: AspectPriority.READONLY });
    }
  }

  /**
   * Called by CDK after synthesis. Older aws-cdk-lib versions (before `appConstruct` was added to
   * the context) are served with the scope given to the constructor.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = (context as { appConstruct?: IConstruct }).appConstruct ?? this.scope;
    if (!root) {
      throw new Error(`${this.name}: this aws-cdk-lib version does not give validation plugins the construct tree; `
        + `construct the pack with the app: new ${this.constructor.name}(app)`);
    }
    const templates = new SynthesizedTemplates(
      (context as { stackTemplates?: Array<{ stackConstructPath: string; templatePath: string }> }).stackTemplates ?? [],
      context.templatePaths ?? []);
    return runInPass(new AnalysisPass(templates), () => super.validateScope(root));
  }

  /** Validates a construct tree directly (tests, or tools that walk the tree themselves). */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return runInPass(new AnalysisPass(), () => super.validateScope(scope));
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of this.errorRules) this.report(rule, node);
  }

  private report(rule: GuardrailsRule, node: CfnResource): void {
    const base = { ruleSuffixOverride: rule.id, explanation: rule.explanation, level: rule.level, node };
    let result: NagRuleResult;
    try {
      result = rule.check(node);
    } catch (error) {
      // Let cdk-nag report it as "rule threw", acknowledgeable by the bare rule id.
      this.applyRule({ ...base, info: rule.describe(undefined), rule: () => { throw error; } });
      return;
    }
    if (result === NagRuleCompliance.NON_COMPLIANT) {
      const id = this.ruleId(rule);
      if (!this.isAcknowledgedAnyForm(node, id)) {
        this.applyRule({ ...base, info: `${id}: ${rule.describe(undefined)}`, rule: () => NagRuleCompliance.NON_COMPLIANT });
      }
    } else if (Array.isArray(result)) {
      for (const finding of result) {
        const id = this.ruleId(rule, finding);
        if (this.isAcknowledgedAnyForm(node, id)) continue;
        this.applyRule({ ...base, info: `${id}: ${rule.describe(finding)}`, rule: () => [finding] });
      }
    }
  }

  private visitForWarnings(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    // A pass per resource: its properties are read when its own turn comes, after the aspects
    // that change it (a boundary applied to the stack reaches each role just before this).
    runInPass(new AnalysisPass(undefined, true), () => {
      for (const rule of this.warningRules) this.warn(rule, node);
    });
  }

  private warn(rule: GuardrailsRule, node: CfnResource): void {
    let result: NagRuleResult;
    try {
      result = rule.check(node);
    } catch (error) {
      this.emitWarning(node, this.ruleId(rule), `${rule.describe(undefined)} (The rule could not evaluate this resource: ${(error as Error).message})`, rule);
      return;
    }
    if (result === NagRuleCompliance.NON_COMPLIANT) {
      this.emitWarning(node, this.ruleId(rule), rule.describe(undefined), rule);
    } else if (Array.isArray(result)) {
      for (const finding of result) this.emitWarning(node, this.ruleId(rule, finding), rule.describe(finding), rule);
    }
  }

  private emitWarning(node: CfnResource, id: string, message: string, rule: GuardrailsRule): void {
    if (this.isAcknowledgedAnyForm(node, id)) return;
    const text = this.verboseMessages ? `${id}: ${message} ${rule.explanation}` : `${id}: ${message}`;
    // The stack trace CDK would record points into this file, not at the user's code, and capturing
    // it (with source maps under ts-node) costs more than the analysis: leave it out.
    const previous = process.env.CDK_DISABLE_STACK_TRACE;
    process.env.CDK_DISABLE_STACK_TRACE = '1';
    try {
      const validations = Validations.of(node) as Partial<Validations>;
      if (typeof validations.addWarning === 'function') validations.addWarning(annotationIdOf(id), text);
      else Annotations.of(node).addWarningV2(annotationIdOf(id), text);
    } finally {
      if (previous === undefined) delete process.env.CDK_DISABLE_STACK_TRACE;
      else process.env.CDK_DISABLE_STACK_TRACE = previous;
    }
  }

  private ruleId(rule: GuardrailsRule, finding?: string): string {
    return finding === undefined ? `${RULE_ID_PREFIX}-${rule.id}` : `${RULE_ID_PREFIX}-${rule.id}[${finding}]`;
  }

  /**
   * Whether the id is acknowledged on the resource or an ancestor, in any of the forms users
   * write: bare, `annotation::`, or namespaced by this pack's or the rules' plugin name. (cdk-nag
   * itself only recognizes the bare form, and CDK applies the namespaced one only after synthesis.)
   */
  private isAcknowledgedAnyForm(node: IConstruct, ruleId: string): boolean {
    const prefixes = ['annotation::', `${this.name.toLowerCase()}::`, `${RULE_ID_PREFIX.toLowerCase()}::`];
    for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
      for (const entry of current.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
        for (const key of Object.keys(entry.data as object)) {
          const lower = key.toLowerCase();
          const prefix = prefixes.find(p => lower.startsWith(p));
          const id = prefix ? key.slice(prefix.length) : key;
          if (id === ruleId || id === ruleId.replace(/ /g, '-') || id === annotationIdOf(ruleId)) return true;
        }
      }
    }
    return false;
  }
}

/**
 * The id a warning carries as a CDK annotation. The CDK CLI reads it back from the message with
 * `/\[ack: ([^\]]+)\]/`, which stops at the first `]`: a granular id in brackets would be printed
 * cut short in the "Acknowledge with" hint. Warnings therefore carry the finding in parentheses,
 * `IamBestPractices-LP10(Action::iam:CreateUser)`; both spellings acknowledge it.
 */
export function annotationIdOf(ruleId: string): string {
  const open = ruleId.indexOf('[');
  return open < 0 || !ruleId.endsWith(']') ? ruleId : `${ruleId.slice(0, open)}(${ruleId.slice(open + 1, -1)})`;
}
