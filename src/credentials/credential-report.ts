// Type-only: this file is bundled into the audit Lambda and the CLI, which must not load aws-cdk-lib.
import type { Duration } from 'aws-cdk-lib';
import { CredentialReportFinding, CredentialReportRow } from './credential-report-types';
import { DEFAULT_ROOT_USAGE_WINDOW_DAYS, MS_PER_DAY, evaluateRows } from './private/evaluate';
import { ROOT_ACCOUNT_USER, parseCredentialReport } from './private/parse';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
} from '../constructs/private/password-policy-defaults';

export * from './credential-report-types';

/**
 * Thresholds and the reference time for `CredentialReport.findings`.
 */
export interface CredentialReportFindingsOptions {
  /**
   * The time to evaluate ages against. Give it so that the same report always gives the same
   * findings (tests, re-runs, a report downloaded yesterday).
   *
   * From Python, pass a timezone-aware `datetime`, e.g. `datetime.now(timezone.utc)` or
   * `datetime(2024, 6, 30, tzinfo=timezone.utc)`. jsii refuses a naive `datetime` (one without
   * `tzinfo`) with `TypeError: Naive datetimes are not supported` before this library sees it,
   * because a naive time does not say which instant it means: make it aware with
   * `.replace(tzinfo=timezone.utc)` if it is UTC, or `.astimezone()` if it is local time. Or
   * leave `now` out to evaluate as of the current time.
   *
   * @default - the current time
   */
  readonly now?: Date;

  /**
   * An active access key older than this (since `access_key_N_last_rotated`) is a finding.
   *
   * @default Duration.days(90) - CIS 1.14 and Config rule ACCESS_KEYS_ROTATED
   */
  readonly maxAccessKeyAge?: Duration;

  /**
   * A console password or active access key not used for longer than this is a finding. A
   * credential never used counts from when it was set (`password_last_changed`,
   * `access_key_N_last_rotated`, or else `user_creation_time`).
   *
   * @default Duration.days(90) - Config rule IAM_USER_UNUSED_CREDENTIALS_CHECK (CIS v1.4 asks 45)
   */
  readonly maxUnusedAge?: Duration;

  /**
   * Root password or access-key use within this window before `now` is a finding.
   *
   * @default Duration.days(90) - CIS 1.7 treats any recent root use as a finding; 90 days keeps a
   * daily audit reporting it for one review cycle
   */
  readonly rootUsageWindow?: Duration;
}

/**
 * An IAM credential report, parsed: the CSV that `aws iam get-credential-report --query Content
 * --output text | base64 -d` prints, the base64 text itself, or the JSON that
 * `aws iam get-credential-report` prints (its `Content` is decoded).
 *
 * Unknown columns are ignored (IAM adds columns over time); a missing column that the findings
 * need, a row with the wrong number of fields, broken quoting or a value of the wrong type is an
 * error that names the line.
 */
export class CredentialReport {
  /**
   * The `user` value of the root user's row.
   */
  public static readonly ROOT_ACCOUNT_USER = ROOT_ACCOUNT_USER;

  /**
   * Parses a credential report: CSV, base64 (detected: a CSV header always has commas, which
   * base64 never has) or the get-credential-report JSON. Throws with the line number on
   * malformed input, and with what the input is instead and how to fix it for text with NUL
   * characters (UTF-16 or binary read as text), CR-only line ends, or JSON that is not the
   * get-credential-report output.
   *
   * @param content the report text
   */
  public static parse(content: string): CredentialReport {
    return new CredentialReport(parseCredentialReport(content));
  }

  /**
   * Every row in report order, the root user's included.
   */
  public readonly rows: CredentialReportRow[];

  private constructor(rows: CredentialReportRow[]) {
    this.rows = rows;
  }

  /**
   * The root user's row.
   *
   * @returns undefined when the report has no `<root_account>` row
   */
  public get rootAccount(): CredentialReportRow | undefined {
    return this.rows.find(row => row.user === ROOT_ACCOUNT_USER);
  }

  /**
   * The IAM users' rows, without the root user's.
   */
  public get users(): CredentialReportRow[] {
    return this.rows.filter(row => row.user !== ROOT_ACCOUNT_USER);
  }

  /**
   * Evaluates the report: the root user without MFA, with access keys, or used recently; IAM users
   * without MFA (those with a console password separately, as Security Hub IAM.5 / CIS 1.10 ask,
   * and the others, as Config rule IAM_USER_MFA_ENABLED asks); active access keys older than
   * `maxAccessKeyAge`; passwords and active keys unused for longer than `maxUnusedAge`.
   *
   * An unknown is not a pass: a blank or `N/A` where `mfa_active`, `password_enabled` or
   * `access_key_N_active` should say true or false is a `CredentialStatusUnknown` finding, and a
   * report without the `<root_account>` row every IAM report has is a `RootAccountMissing` one.
   *
   * Findings come in report order. Ages are compared strictly: a key exactly `maxAccessKeyAge` old
   * is still compliant.
   */
  public findings(options: CredentialReportFindingsOptions = {}): CredentialReportFinding[] {
    const now = options.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new Error(`CredentialReport.findings: now must be a valid Date (from Python, a timezone-aware datetime), got ${String(now)}`);
    }
    return evaluateRows(this.rows, {
      now,
      maxAccessKeyAgeMs: toMilliseconds('maxAccessKeyAge', options.maxAccessKeyAge, DEFAULT_MAX_ACCESS_KEY_AGE_DAYS),
      maxUnusedAgeMs: toMilliseconds('maxUnusedAge', options.maxUnusedAge, DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS),
      rootUsageWindowMs: toMilliseconds('rootUsageWindow', options.rootUsageWindow, DEFAULT_ROOT_USAGE_WINDOW_DAYS),
    });
  }
}

function toMilliseconds(name: string, duration: Duration | undefined, defaultDays: number): number {
  if (duration === undefined) return defaultDays * MS_PER_DAY;
  if (duration.isUnresolved()) {
    throw new Error(`CredentialReport.findings: ${name} must be a concrete duration, not a deploy-time token`);
  }
  const ms = duration.toMilliseconds({ integral: false });
  if (!(ms > 0)) {
    throw new Error(`CredentialReport.findings: ${name} must be longer than zero, got ${duration.toHumanString()}`);
  }
  return ms;
}
