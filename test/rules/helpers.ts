import { App, CfnResource, Stack, StackProps } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';

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

/** Runs a rule on a construct (or its default child). */
export function run(rule: (node: CfnResource) => NagRuleResult, construct: IConstruct): NagRuleResult {
  return rule(cfn(construct));
}

/** Granular findings, or [] when compliant or not applicable. */
export function findings(rule: (node: CfnResource) => NagRuleResult, construct: IConstruct): string[] {
  const result = run(rule, construct);
  return Array.isArray(result) ? result : [];
}

export const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** A role's DefaultPolicy resource. */
export function defaultPolicyOf(construct: IConstruct): CfnResource {
  return cfn(construct.node.findChild('DefaultPolicy'));
}
