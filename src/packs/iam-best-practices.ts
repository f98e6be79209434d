import { IConstruct } from 'constructs';
import { IamGuardrailsPack, IamGuardrailsPackProps } from './guardrails-pack';
import { PACK_FAMILIES } from './pack-families';

/**
 * Every rule of this library: least privilege, privilege escalation, identities, trust and
 * credentials in code. Error-level findings fail `cdk synth`; warnings are printed and fail only
 * `cdk synth --strict`.
 *
 * @example
 * const app = new App();
 * Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
 */
export class IamBestPracticesChecks extends IamGuardrailsPack {
  /**
   * @param scope the app the pack is registered on; its acknowledgments are read when aws-cdk-lib does not give plugins the construct tree
   * @param props pack options: verbose messages, requireBoundaries, acknowledgeAwsCdkLibGrants
   */
  constructor(scope?: IConstruct, props?: IamGuardrailsPackProps) {
    super('IamBestPractices', [...PACK_FAMILIES.IamBestPractices], scope, props);
  }
}

/**
 * Least privilege and privilege escalation only (rules LP and PE): for adopting the checks step by step.
 */
export class IamLeastPrivilegeChecks extends IamGuardrailsPack {
  /**
   * @param scope the app the pack is registered on; its acknowledgments are read when aws-cdk-lib does not give plugins the construct tree
   * @param props pack options: verbose messages, requireBoundaries, acknowledgeAwsCdkLibGrants
   */
  constructor(scope?: IConstruct, props?: IamGuardrailsPackProps) {
    super('IamLeastPrivilege', [...PACK_FAMILIES.IamLeastPrivilege], scope, props);
  }
}

/**
 * IAM users, access keys, passwords, permissions boundaries and credentials in code (rules ID and CR).
 */
export class IamIdentityChecks extends IamGuardrailsPack {
  /**
   * @param scope the app the pack is registered on; its acknowledgments are read when aws-cdk-lib does not give plugins the construct tree
   * @param props pack options: verbose messages, requireBoundaries, acknowledgeAwsCdkLibGrants
   */
  constructor(scope?: IConstruct, props?: IamGuardrailsPackProps) {
    super('IamIdentity', [...PACK_FAMILIES.IamIdentity], scope, props);
  }
}

/**
 * Role trust policies and NotPrincipal in resource policies (rules TR).
 */
export class IamTrustChecks extends IamGuardrailsPack {
  /**
   * @param scope the app the pack is registered on; its acknowledgments are read when aws-cdk-lib does not give plugins the construct tree
   * @param props pack options: verbose messages, requireBoundaries, acknowledgeAwsCdkLibGrants
   */
  constructor(scope?: IConstruct, props?: IamGuardrailsPackProps) {
    super('IamTrust', [...PACK_FAMILIES.IamTrust], scope, props);
  }
}

/**
 * Service control policies and resource control policies of AWS Organizations (rules OR): what
 * Organizations rejects at deployment, and what does less than it reads.
 */
export class IamOrganizationChecks extends IamGuardrailsPack {
  /**
   * @param scope the app the pack is registered on; its acknowledgments are read when aws-cdk-lib does not give plugins the construct tree
   * @param props pack options: verbose messages, requireBoundaries, acknowledgeAwsCdkLibGrants
   */
  constructor(scope?: IConstruct, props?: IamGuardrailsPackProps) {
    super('IamOrganization', [...PACK_FAMILIES.IamOrganization], scope, props);
  }
}
