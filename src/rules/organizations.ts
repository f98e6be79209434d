/**
 * Organization rules (OR): service control policies and resource control policies
 * (`AWS::Organizations::Policy`) that AWS Organizations rejects at deployment, or that do less
 * than they read because an action or a service they name is outside their reach.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResolvedResource } from './context';
import { describeLocations, StatementLocation } from './locate';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily, sanitizeFinding } from './rule';
import { NamedPolicy } from '../model/resolved-resource';
import { Statement } from '../policy/document';
import {
  actionsOutsideRcpServices, authorizationPolicySize, authorizationPolicyType, AuthorizationPolicyType, MAX_AUTHORIZATION_POLICY_CHARACTERS,
  ORGANIZATION_POLICY_TYPE, RCP_SERVICES, typeLabel, unknownActionsOf, unsupportedElements,
} from '../policy/organization-policies';

/** The SCP or RCP type of a resource, if it is one. */
function policyTypeOf(r: ResolvedResource): AuthorizationPolicyType | undefined {
  return r.type === ORGANIZATION_POLICY_TYPE ? authorizationPolicyType(r.properties.Type) : undefined;
}

/** The statements of the policy, located for messages. */
function where(r: ResolvedResource | undefined, statements: readonly Statement[]): string {
  if (!r) return '';
  const policy: NamedPolicy | undefined = r.ownPolicies()[0];
  if (!policy) return '';
  const locations: StatementLocation[] = statements.map(statement => ({ policy, statement }));
  return describeLocations(locations);
}

/** OR1: the policy document is larger than Organizations accepts. */
export function organizationPolicyTooLarge(r: ResolvedResource): NagRuleResult {
  const type = policyTypeOf(r);
  if (!type) return NagRuleCompliance.NOT_APPLICABLE;
  const size = authorizationPolicySize(r.properties.Content);
  return size !== undefined && size > MAX_AUTHORIZATION_POLICY_CHARACTERS ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

function describeTooLarge(_finding: string | undefined, r?: ResolvedResource): string {
  const type = r ? policyTypeOf(r) : undefined;
  const label = type ? typeLabel(type) : 'organization policy';
  const content = r?.properties.Content;
  const size = authorizationPolicySize(content);
  const counted = typeof content === 'string' ? 'as written' : 'even as compact JSON';
  return `The ${label} is ${size ?? 'more than'} characters ${counted}, above the ${MAX_AUTHORIZATION_POLICY_CHARACTERS.toLocaleString('en-US')} `
    + 'AWS Organizations accepts (white space counts): the deployment fails. Fix: split it into several policies (at most 5 per target), '
    + 'remove white space outside quoted strings, or merge statements with the same Effect and Condition.';
}

/** OR2: a statement uses an element the policy type does not support. */
export function unsupportedOrganizationPolicyElement(r: ResolvedResource): NagRuleResult {
  const type = policyTypeOf(r);
  if (!type) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(unsupportedElements(r.document(), type).map(u => `Element::${u.element}`), true);
}

function describeUnsupportedElement(finding: string | undefined, r?: ResolvedResource): string {
  const type = r ? policyTypeOf(r) : undefined;
  const element = findingSubject(finding);
  const hits = r && type ? unsupportedElements(r.document(), type).filter(u => sanitizeFinding(`Element::${u.element}`) === finding) : [];
  const reason = hits[0]?.reason ?? 'the policy type does not support it';
  const located = where(r, hits.map(h => h.statement));
  return `${element} in ${located || 'a statement'} of the ${type ? typeLabel(type) : 'organization policy'}: ${reason}. `
    + 'AWS Organizations rejects the policy and the deployment fails. Fix: '
    + (type === 'RESOURCE_CONTROL_POLICY'
      ? 'write RCP statements as Deny with "Principal": "*", Action (not NotAction), and conditions such as aws:PrincipalOrgID to exempt callers.'
      : 'remove the element; exempt principals with a condition on aws:PrincipalArn (ArnNotLike) instead.');
}

/** OR3: an action the policy names does not exist, so the statement denies (or exempts) nothing for it. */
export function unknownActionInOrganizationPolicy(r: ResolvedResource): NagRuleResult {
  if (!policyTypeOf(r)) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(unknownActionsOf(r.document()).map(u => `Action::${u.action}`), true);
}

function describeUnknownAction(finding: string | undefined, r?: ResolvedResource): string {
  const type = r ? policyTypeOf(r) : undefined;
  const hits = r ? unknownActionsOf(r.document()).filter(u => sanitizeFinding(`Action::${u.action}`) === finding) : [];
  const located = where(r, hits.map(h => h.statement));
  const effect = hits.some(h => h.element === 'NotAction')
    ? 'a NotAction entry that matches nothing exempts nothing, so the statement covers more than intended'
    : hits.some(h => h.statement.effect === 'Deny') ? 'the Deny does not deny it' : 'the statement does not cover it';
  return `${findingSubject(finding)} in ${located || 'a statement'} of the ${type ? typeLabel(type) : 'organization policy'} is not an IAM action `
    + `(unknown service prefix or action name, checked against the AWS service authorization reference): ${effect}, in every account it is attached to. `
    + 'Fix: correct the spelling; see the Service Authorization Reference for the service.';
}

/** OR4: an RCP statement names actions of services RCPs do not apply to. */
export function rcpOnUnsupportedService(r: ResolvedResource): NagRuleResult {
  if (policyTypeOf(r) !== 'RESOURCE_CONTROL_POLICY') return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(actionsOutsideRcpServices(r.document()).flatMap(x => x.services.map(service => `Service::${service}`)), true);
}

function describeRcpService(finding: string | undefined, r?: ResolvedResource): string {
  const service = findingSubject(finding);
  const hits = r ? actionsOutsideRcpServices(r.document()).filter(x => x.services.some(s => sanitizeFinding(`Service::${s}`) === finding)) : [];
  const located = where(r, hits.map(h => h.statement));
  return `The RCP names ${service} actions in ${located || 'a statement'}, but RCPs apply only to the resources of ${RCP_SERVICES.join(', ')} `
    + `(AWS Organizations, list of services that support RCPs): the ${service} part has no effect. Fix: guard ${service} with an SCP or `
    + 'the resource\'s own policy, or check whether AWS has added the service to the RCP list since.';
}

const FAMILY = RuleFamily.ORGANIZATIONS;

export const ORGANIZATION_RULES: readonly GuardrailsRule[] = [
  {
    id: 'OR1',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A service or resource control policy is larger than the 5,120 characters AWS Organizations accepts.',
    explanation: 'AWS Organizations counts every character of an SCP or RCP document, white space included, and rejects larger ones: '
      + 'the deployment fails and the guardrail is not in place.',
    check: organizationPolicyTooLarge,
    describe: describeTooLarge,
  },
  {
    id: 'OR2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A statement of a service or resource control policy uses an element its policy type does not support.',
    explanation: 'SCPs take no Principal or NotPrincipal; RCPs only deny, name every principal ("*"), and take no NotAction or '
      + 'NotPrincipal. AWS Organizations rejects such a policy at deployment.',
    check: unsupportedOrganizationPolicyElement,
    describe: describeUnsupportedElement,
  },
  {
    id: 'OR3',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A service or resource control policy names an action that does not exist.',
    explanation: 'A misspelt action in a Deny denies nothing, and in a NotAction exempts nothing: the guardrail of every account it '
      + 'is attached to is not what it reads, and nothing reports it.',
    check: unknownActionInOrganizationPolicy,
    describe: describeUnknownAction,
  },
  {
    id: 'OR4',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'A resource control policy names actions of a service RCPs do not apply to.',
    explanation: 'RCPs cap what the resources of a few services accept (S3, STS, KMS, SQS, Secrets Manager and, since 2025, ECR, '
      + 'OpenSearch Serverless, Cognito identity pools, CloudWatch Logs, DynamoDB); for any other service the statement has no effect.',
    check: rcpOnUnsupportedService,
    describe: describeRcpService,
  },
];
