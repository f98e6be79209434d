import { ADMINISTRATOR_ACCESS_RULES } from './administrator-access';
import { BOUNDARY_RULES } from './boundaries';
import { CREDENTIALS_IN_CODE_RULES } from './credentials-in-code';
import { IDENTITY_RULES } from './identities';
import { LEAST_PRIVILEGE_RULES } from './least-privilege';
import { ORGANIZATION_RULES } from './organizations';
import { PRIVILEGE_ESCALATION_RULES } from './privilege-escalation';
import { GuardrailsRule } from './rule';
import { TRUST_RULES } from './trust';

export { RuleFamily, RULE_ID_PREFIX } from './rule';
export type { GuardrailsRule } from './rule';

/** Every rule, in the order RULES.md lists them. */
export const ALL_RULES: readonly GuardrailsRule[] = [
  ...LEAST_PRIVILEGE_RULES,
  ...ADMINISTRATOR_ACCESS_RULES,
  ...PRIVILEGE_ESCALATION_RULES,
  ...IDENTITY_RULES,
  ...TRUST_RULES,
  ...CREDENTIALS_IN_CODE_RULES,
  ...BOUNDARY_RULES,
  ...ORGANIZATION_RULES,
];
