/**
 * The guide's `aws iam update-account-password-policy` command, in one place, so that the password
 * policy we set (StrictPasswordPolicy) and the policy AWS Config checks for (IamComplianceRules)
 * can never drift apart.
 */
export const PASSWORD_POLICY_DEFAULTS = {
  minimumPasswordLength: 14,
  requireSymbols: true,
  requireNumbers: true,
  requireUppercaseCharacters: true,
  requireLowercaseCharacters: true,
  allowUsersToChangePassword: true,
  maxPasswordAgeDays: 90,
  passwordReusePrevention: 24,
  hardExpiry: true,
} as const;

/** CIS AWS Foundations 1.8 asks for at least 14 characters. */
export const CIS_MINIMUM_PASSWORD_LENGTH = 14;
/** CIS AWS Foundations 1.9 asks to prevent reuse of the last 24 passwords. */
export const CIS_PASSWORD_REUSE_PREVENTION = 24;

/** Access keys older than this many days should be rotated (CIS 1.14, Config ACCESS_KEYS_ROTATED). */
export const DEFAULT_MAX_ACCESS_KEY_AGE_DAYS = 90;
/** Credentials unused for this many days should be removed (Config IAM_USER_UNUSED_CREDENTIALS_CHECK). */
export const DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS = 90;
