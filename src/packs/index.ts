export { IamGuardrailsPack, IamGuardrailsPackProps } from './guardrails-pack';
export { IamBestPracticesChecks, IamLeastPrivilegeChecks, IamIdentityChecks, IamTrustChecks, IamOrganizationChecks } from './iam-best-practices';
export { RuleFamily } from '../rules/rule';
