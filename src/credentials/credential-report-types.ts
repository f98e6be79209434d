/**
 * One line of an IAM credential report: one IAM user, or the account's root user.
 *
 * Column names follow
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html. The report
 * writes `N/A`, `not_supported` or `no_information` where a value does not exist or is not
 * known; those become `undefined` here, so "never used" and "not tracked" both read as absent.
 */
export interface CredentialReportRow {
  /**
   * Line of the CSV this row came from (the header is line 1), so that a finding or an error can
   * point at the report text a reviewer has in front of them.
   */
  readonly lineNumber: number;

  /**
   * Column `user`: the user's friendly name, or `<root_account>` for the root user.
   */
  readonly user: string;

  /**
   * Column `arn`: the user's ARN (for the root user, `arn:<partition>:iam::<account>:root`).
   */
  readonly arn: string;

  /**
   * Column `user_creation_time`: when the user was created.
   *
   * @default - not in the report (`N/A` or `not_supported`)
   */
  readonly userCreationTime?: Date;

  /**
   * Column `password_enabled`: whether the user has a console password.
   *
   * @default - not in the report (the root user's row says `not_supported`)
   */
  readonly passwordEnabled?: boolean;

  /**
   * Column `password_last_used`: when the password was last used to sign in to the console.
   *
   * @default - never used, not tracked (`no_information`), or no password (`N/A`)
   */
  readonly passwordLastUsed?: Date;

  /**
   * Column `password_last_changed`: when the password was last set.
   *
   * @default - no password, or `not_supported` (root user)
   */
  readonly passwordLastChanged?: Date;

  /**
   * Column `password_next_rotation`: when the password policy requires the next change.
   *
   * @default - no password, or the password policy does not expire passwords
   */
  readonly passwordNextRotation?: Date;

  /**
   * Column `mfa_active`: whether an MFA device is assigned to the user.
   *
   * @default - not in the report
   */
  readonly mfaActive?: boolean;

  /**
   * Column `access_key_1_active`: whether the first access key exists and is Active.
   *
   * @default - not in the report
   */
  readonly accessKey1Active?: boolean;

  /**
   * Column `access_key_1_last_rotated`: when the first access key was created or last changed.
   *
   * @default - the user has no first access key
   */
  readonly accessKey1LastRotated?: Date;

  /**
   * Column `access_key_1_last_used_date`: when the first access key last signed a request.
   *
   * @default - never used, or no such key
   */
  readonly accessKey1LastUsedDate?: Date;

  /**
   * Column `access_key_1_last_used_region`: the Region of that last request.
   *
   * @default - never used, no such key, or the column is absent
   */
  readonly accessKey1LastUsedRegion?: string;

  /**
   * Column `access_key_1_last_used_service`: the service namespace of that last request.
   *
   * @default - never used, no such key, or the column is absent
   */
  readonly accessKey1LastUsedService?: string;

  /**
   * Column `access_key_2_active`: whether the second access key exists and is Active.
   *
   * @default - not in the report
   */
  readonly accessKey2Active?: boolean;

  /**
   * Column `access_key_2_last_rotated`: when the second access key was created or last changed.
   *
   * @default - the user has no second access key
   */
  readonly accessKey2LastRotated?: Date;

  /**
   * Column `access_key_2_last_used_date`: when the second access key last signed a request.
   *
   * @default - never used, or no such key
   */
  readonly accessKey2LastUsedDate?: Date;

  /**
   * Column `access_key_2_last_used_region`: the Region of that last request.
   *
   * @default - never used, no such key, or the column is absent
   */
  readonly accessKey2LastUsedRegion?: string;

  /**
   * Column `access_key_2_last_used_service`: the service namespace of that last request.
   *
   * @default - never used, no such key, or the column is absent
   */
  readonly accessKey2LastUsedService?: string;

  /**
   * Column `cert_1_active`: whether the first X.509 signing certificate is Active.
   *
   * @default - not in the report
   */
  readonly cert1Active?: boolean;

  /**
   * Column `cert_1_last_rotated`: when the first signing certificate was created or last changed.
   *
   * @default - no such certificate, or the column is absent
   */
  readonly cert1LastRotated?: Date;

  /**
   * Column `cert_2_active`: whether the second X.509 signing certificate is Active.
   *
   * @default - not in the report
   */
  readonly cert2Active?: boolean;

  /**
   * Column `cert_2_last_rotated`: when the second signing certificate was created or last changed.
   *
   * @default - no such certificate, or the column is absent
   */
  readonly cert2LastRotated?: Date;
}

/**
 * What a credential-report finding is about. Each value is also the CloudWatch metric name
 * `CredentialReportAudit` publishes its count under.
 */
export enum CredentialFindingType {
  /**
   * The root user has no MFA device (Config rule ROOT_ACCOUNT_MFA_ENABLED, CIS 1.5).
   */
  ROOT_WITHOUT_MFA = 'RootWithoutMfa',

  /**
   * The root user has an active access key (Config rule IAM_ROOT_ACCESS_KEY_CHECK, CIS 1.4).
   */
  ROOT_ACCESS_KEY_PRESENT = 'RootAccessKeyPresent',

  /**
   * The root user's password or an access key was used within the root-usage window (CIS 1.7:
   * the root user is not for daily tasks).
   */
  ROOT_USED_RECENTLY = 'RootUsedRecently',

  /**
   * An IAM user with a console password has no MFA device (Config rule
   * MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS, CIS 1.10).
   */
  CONSOLE_USER_WITHOUT_MFA = 'ConsoleUserWithoutMfa',

  /**
   * An IAM user without a console password has no MFA device either (the rest of Config rule
   * IAM_USER_MFA_ENABLED and the checklist's "all users have MFA"). A separate type because a
   * programmatic-only user is often better replaced by a role than given MFA.
   */
  USER_WITHOUT_MFA = 'UserWithoutMfa',

  /**
   * An active access key is older than the maximum key age (Config rule ACCESS_KEYS_ROTATED,
   * CIS 1.14).
   */
  ACCESS_KEY_NOT_ROTATED = 'AccessKeyNotRotated',

  /**
   * A console password or an active access key has not been used for longer than the maximum
   * unused age; a credential never used counts from when it was set (Config rule
   * IAM_USER_UNUSED_CREDENTIALS_CHECK, CIS 1.12).
   */
  UNUSED_CREDENTIAL = 'UnusedCredential',

  /**
   * A flag column the other checks depend on (`mfa_active`, `password_enabled`,
   * `access_key_1_active`, `access_key_2_active`) is blank or says `N/A`, `not_supported` or
   * `no_information` instead of true or false, so the checks that read it cannot tell. Reported
   * rather than read as "no MFA device needed" or "no key": an unknown is not a pass. The root
   * user's `password_enabled` (always `not_supported`) is exempt.
   */
  CREDENTIAL_STATUS_UNKNOWN = 'CredentialStatusUnknown',

  /**
   * A row of the report could not be read (wrong number of fields, broken quoting, a value of
   * the wrong type). Reported, and the other rows are still checked. Only the lenient reading the
   * audit Lambda uses produces it: `CredentialReport.parse` throws instead.
   */
  MALFORMED_ROW = 'MalformedRow',

  /**
   * The report has no `<root_account>` row. Every report IAM generates has one, so the report
   * was edited or cut short, and the root user's checks did not run.
   */
  ROOT_ACCOUNT_MISSING = 'RootAccountMissing',
}

/**
 * The credential a finding is about.
 */
export enum CredentialKind {
  /** The console password. */
  PASSWORD = 'password',
  /** The first access key (`access_key_1_*` columns). */
  ACCESS_KEY_1 = 'access_key_1',
  /** The second access key (`access_key_2_*` columns). */
  ACCESS_KEY_2 = 'access_key_2',
  /** The MFA device (`mfa_active` column). */
  MFA = 'mfa',
  /** The report itself: a row that could not be read, or the missing root user's row. */
  REPORT = 'report',
}

/**
 * One problem found in a credential report.
 */
export interface CredentialReportFinding {
  /**
   * What kind of problem this is.
   */
  readonly type: CredentialFindingType;

  /**
   * The user's friendly name, or `<root_account>`.
   */
  readonly user: string;

  /**
   * The user's ARN, as in the report.
   */
  readonly arn: string;

  /**
   * The credential the finding is about.
   */
  readonly credential: CredentialKind;

  /**
   * A one-line explanation with the dates and ages involved.
   */
  readonly detail: string;

  /**
   * The report line the finding comes from (the header is line 1). A finding about the whole
   * report (`RootAccountMissing`) points at the header.
   *
   * The CLI's JSON output calls this field `lineNumber` too; in Python it is `line_number`.
   */
  readonly lineNumber: number;
}
