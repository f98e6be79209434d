// aws-cdk-lib's built-in CloudFormation schema validation is not what these tests check, and costs more than the rules.
process.env.CDK_VALIDATION = 'false';

import { App, CfnResource, Stack, StackProps, Stage } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AppModel, ResourceModel } from '../../src/model/app-model';
import { loadCloudAssembly } from '../../src/model/load';
import { ResolvedResource } from '../../src/model/resolved-resource';

export const ACCOUNT = '111111111111';

export function newStack(props: StackProps = { env: { account: ACCOUNT, region: 'us-east-1' } }): Stack {
  return new Stack(new App(), 'Test', props);
}

/** The CfnResource of an L2 (its default child) or the resource itself. */
export function cfn(construct: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(construct)) return construct;
  const child = construct.node.defaultChild;
  if (!child || !CfnResource.isCfnResource(child)) throw new Error(`${construct.node.path} has no CfnResource`);
  return child;
}

/** The app model of the construct's app, synthesized as `cdk synth` would. */
export function modelOf(construct: IConstruct): AppModel {
  const root = construct.node.root;
  if (!Stage.isStage(root)) throw new Error('not in an App');
  return new AppModel(loadCloudAssembly(root.synth({ force: true, errorOnDuplicateSynth: false }).directory));
}

/** The model resource of a construct (or of its default child). */
export function modelResourceOf(construct: IConstruct, model = modelOf(construct)): ResourceModel {
  const node = cfn(construct);
  const stack = Stack.of(node);
  const logicalId = stack.resolve(node.logicalId) as string;
  const file = stack.templateFile;
  for (const s of model.stacks) {
    if (s.input.templatePath?.endsWith(`/${file}`)) {
      const resource = s.resources.get(logicalId);
      if (resource) return resource;
    }
  }
  throw new Error(`${node.node.path} (${logicalId}) is not in the synthesized templates`);
}

type Rule = (resource: ResolvedResource) => NagRuleResult;

/**
 * Runs a rule on a construct (or its default child) as the packs do: on the synthesized app,
 * under every variant of the resource's conditions, findings of every variant together.
 */
export function run(rule: Rule, construct: IConstruct): NagRuleResult {
  return runOnModel(rule, modelResourceOf(construct));
}

export function runOnModel(rule: Rule, resource: ResourceModel): NagRuleResult {
  const results = resource.variants().map(v => rule(new ResolvedResource(resource, v.assignment, v.label)));
  const findingsFound = results.filter(Array.isArray).flat() as string[];
  if (findingsFound.length > 0) return [...new Set(findingsFound)];
  if (results.includes(NagRuleCompliance.NON_COMPLIANT)) return NagRuleCompliance.NON_COMPLIANT;
  if (results.some(r => r === NagRuleCompliance.COMPLIANT || Array.isArray(r))) return NagRuleCompliance.COMPLIANT;
  return NagRuleCompliance.NOT_APPLICABLE;
}

/** Granular findings, or [] when compliant or not applicable. */
export function findings(rule: Rule, construct: IConstruct): string[] {
  const result = run(rule, construct);
  return Array.isArray(result) ? result : [];
}

export const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** A role's DefaultPolicy resource. */
export function defaultPolicyOf(construct: IConstruct): CfnResource {
  return cfn(construct.node.findChild('DefaultPolicy'));
}
