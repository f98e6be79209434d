/**
 * Which rule families each pack runs, by its plugin name: the packs (on a CDK app) and the
 * `scan` command (on templates) take them from here, so a pack means the same in both.
 */
import { RuleFamily } from '../rules/rule';

export const PACK_FAMILIES: { readonly [pluginName: string]: readonly RuleFamily[] } = {
  IamBestPractices: [
    RuleFamily.LEAST_PRIVILEGE, RuleFamily.PRIVILEGE_ESCALATION, RuleFamily.IDENTITIES, RuleFamily.TRUST, RuleFamily.CREDENTIALS_IN_CODE,
    RuleFamily.ORGANIZATIONS,
  ],
  IamLeastPrivilege: [RuleFamily.LEAST_PRIVILEGE, RuleFamily.PRIVILEGE_ESCALATION],
  IamIdentity: [RuleFamily.IDENTITIES, RuleFamily.CREDENTIALS_IN_CODE],
  IamTrust: [RuleFamily.TRUST],
  IamOrganization: [RuleFamily.ORGANIZATIONS],
};
