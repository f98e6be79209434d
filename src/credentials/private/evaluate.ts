import { MalformedRow, ROOT_ACCOUNT_USER, unknownFlagValue } from './parse';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
} from '../../constructs/private/password-policy-defaults';
import {
  CredentialFindingType,
  CredentialKind,
  CredentialReportFinding,
  CredentialReportRow,
} from '../credential-report-types';

export const MS_PER_DAY = 24 * 60 * 60 * 1000;

/**
 * CIS 1.7 treats any root use as worth a look; 90 days matches the report review cycle the guide
 * and the other thresholds use, so a daily audit keeps reminding for one quarter after a use.
 */
export const DEFAULT_ROOT_USAGE_WINDOW_DAYS = 90;

/**
 * The thresholds in milliseconds. The public `CredentialReport.findings` takes `Duration`s; this
 * form lets the Lambda handler and the CLI evaluate without loading aws-cdk-lib.
 */
export interface Thresholds {
  readonly now: Date;
  readonly maxAccessKeyAgeMs: number;
  readonly maxUnusedAgeMs: number;
  readonly rootUsageWindowMs: number;
}

export function thresholdsInDays(
  now: Date,
  maxAccessKeyAgeDays = DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  maxUnusedAgeDays = DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
  rootUsageWindowDays = DEFAULT_ROOT_USAGE_WINDOW_DAYS,
): Thresholds {
  return {
    now,
    maxAccessKeyAgeMs: maxAccessKeyAgeDays * MS_PER_DAY,
    maxUnusedAgeMs: maxUnusedAgeDays * MS_PER_DAY,
    rootUsageWindowMs: rootUsageWindowDays * MS_PER_DAY,
  };
}

const ACCESS_KEYS = [
  { kind: CredentialKind.ACCESS_KEY_1, label: 'access key 1', column: 'access_key_1_active', active: 'accessKey1Active', rotated: 'accessKey1LastRotated', used: 'accessKey1LastUsedDate' },
  { kind: CredentialKind.ACCESS_KEY_2, label: 'access key 2', column: 'access_key_2_active', active: 'accessKey2Active', rotated: 'accessKey2LastRotated', used: 'accessKey2LastUsedDate' },
] as const;

/**
 * Ages are compared strictly: a key exactly `maxAccessKeyAge` old, or a credential last used
 * exactly `maxUnusedAge` ago, is still compliant; one millisecond more is a finding. Root use
 * exactly `rootUsageWindow` ago is still inside the window.
 *
 * Findings come in report order: a missing root row first (it is about the header's report),
 * then each row's, a malformed row's in its place.
 */
export function evaluateRows(
  rows: readonly CredentialReportRow[],
  thresholds: Thresholds,
  malformed: readonly MalformedRow[] = [],
): CredentialReportFinding[] {
  const findings: CredentialReportFinding[] = [];
  const hasRoot = rows.some(row => row.user === ROOT_ACCOUNT_USER) || malformed.some(row => row.user === ROOT_ACCOUNT_USER);
  if (!hasRoot) {
    findings.push({
      type: CredentialFindingType.ROOT_ACCOUNT_MISSING,
      user: ROOT_ACCOUNT_USER,
      arn: '',
      credential: CredentialKind.REPORT,
      detail: `the report has no ${ROOT_ACCOUNT_USER} row, which every report IAM generates has: it was edited or cut short, `
        + "and the root user's MFA, access keys and recent use were not checked",
      lineNumber: 1,
    });
  }

  let next = 0;
  const addMalformedBefore = (line: number) => {
    for (; next < malformed.length && malformed[next].line < line; next++) {
      const bad = malformed[next];
      findings.push({
        type: CredentialFindingType.MALFORMED_ROW,
        user: bad.user ?? '',
        arn: bad.arn ?? '',
        credential: CredentialKind.REPORT,
        detail: `this row could not be read, so none of its checks ran: ${bad.detail}`,
        lineNumber: bad.line,
      });
    }
  };
  for (const row of rows) {
    addMalformedBefore(row.lineNumber);
    const add = (type: CredentialFindingType, credential: CredentialKind, detail: string) =>
      findings.push({ type, user: row.user, arn: row.arn, credential, detail, lineNumber: row.lineNumber });
    if (row.user === ROOT_ACCOUNT_USER) {
      evaluateRoot(row, thresholds, add);
    } else {
      evaluateUser(row, thresholds, add);
    }
  }
  addMalformedBefore(Infinity);
  return findings;
}

type Add = (type: CredentialFindingType, credential: CredentialKind, detail: string) => void;

/**
 * A flag column that says neither true nor false: what the row says and what could not be
 * checked because of it.
 */
function reportUnknown(row: CredentialReportRow, add: Add, credential: CredentialKind, column: string, what: string, unchecked: string): void {
  const raw = unknownFlagValue(row, column);
  const shown = raw === undefined || raw.trim() === '' ? 'blank' : `'${raw.trim()}'`;
  add(CredentialFindingType.CREDENTIAL_STATUS_UNKNOWN, credential,
    `${what} unknown: ${column} is ${shown} instead of true or false, so ${unchecked} was not checked`);
}

function reportUnknownFlags(row: CredentialReportRow, add: Add, root: boolean): void {
  if (row.mfaActive === undefined) {
    reportUnknown(row, add, CredentialKind.MFA, 'mfa_active', 'MFA status', root ? 'root MFA' : 'MFA');
  }
  if (!root && row.passwordEnabled === undefined) {
    reportUnknown(row, add, CredentialKind.PASSWORD, 'password_enabled', 'console password status',
      'whether the console password is unused or lacks MFA');
  }
  for (const key of ACCESS_KEYS) {
    if (row[key.active] === undefined) {
      reportUnknown(row, add, key.kind, key.column, `${key.label} status`,
        root ? `whether the root user has ${key.label}` : `whether ${key.label} is old or unused`);
    }
  }
}

function evaluateRoot(row: CredentialReportRow, t: Thresholds, add: Add): void {
  reportUnknownFlags(row, add, true);
  if (row.mfaActive === false) {
    add(CredentialFindingType.ROOT_WITHOUT_MFA, CredentialKind.MFA, 'the root user has no MFA device');
  }
  for (const key of ACCESS_KEYS) {
    if (row[key.active] === true) {
      add(CredentialFindingType.ROOT_ACCESS_KEY_PRESENT, key.kind,
        `the root user has an active ${key.label}${since('created', row[key.rotated], t.now)}`);
    }
  }
  const windowDays = formatDays(t.rootUsageWindowMs);
  if (row.passwordLastUsed && ageMs(row.passwordLastUsed, t.now) <= t.rootUsageWindowMs) {
    add(CredentialFindingType.ROOT_USED_RECENTLY, CredentialKind.PASSWORD,
      `the root password was used${since('', row.passwordLastUsed, t.now)}, within the ${windowDays}-day window`);
  }
  for (const key of ACCESS_KEYS) {
    const used = row[key.used];
    if (used && ageMs(used, t.now) <= t.rootUsageWindowMs) {
      add(CredentialFindingType.ROOT_USED_RECENTLY, key.kind,
        `root ${key.label} was used${since('', used, t.now)}, within the ${windowDays}-day window`);
    }
  }
}

function evaluateUser(row: CredentialReportRow, t: Thresholds, add: Add): void {
  reportUnknownFlags(row, add, false);
  if (row.mfaActive === false) {
    if (row.passwordEnabled === true) {
      add(CredentialFindingType.CONSOLE_USER_WITHOUT_MFA, CredentialKind.MFA, 'console password enabled but no MFA device');
    } else {
      const password = row.passwordEnabled === false ? 'no console password' : 'console password status unknown';
      add(CredentialFindingType.USER_WITHOUT_MFA, CredentialKind.MFA, `no MFA device (${password})`);
    }
  }

  for (const key of ACCESS_KEYS) {
    const rotated = row[key.rotated];
    if (row[key.active] === true && rotated && ageMs(rotated, t.now) > t.maxAccessKeyAgeMs) {
      add(CredentialFindingType.ACCESS_KEY_NOT_ROTATED, key.kind,
        `active ${key.label}${since('created', rotated, t.now)}, more than the ${formatDays(t.maxAccessKeyAgeMs)}-day maximum`);
    }
  }

  if (row.passwordEnabled === true) {
    const reference = row.passwordLastUsed ?? row.passwordLastChanged ?? row.userCreationTime;
    if (reference && ageMs(reference, t.now) > t.maxUnusedAgeMs) {
      const what = row.passwordLastUsed ? since('last used', reference, t.now) : `${since(' never used; set', reference, t.now)}`;
      add(CredentialFindingType.UNUSED_CREDENTIAL, CredentialKind.PASSWORD,
        `console password${what}, more than the ${formatDays(t.maxUnusedAgeMs)}-day maximum`);
    }
  }
  for (const key of ACCESS_KEYS) {
    if (row[key.active] !== true) continue;
    const used = row[key.used];
    const reference = used ?? row[key.rotated] ?? row.userCreationTime;
    if (reference && ageMs(reference, t.now) > t.maxUnusedAgeMs) {
      const what = used ? since('last used', used, t.now) : since(' never used; created', reference, t.now);
      add(CredentialFindingType.UNUSED_CREDENTIAL, key.kind,
        `active ${key.label}${what}, more than the ${formatDays(t.maxUnusedAgeMs)}-day maximum`);
    }
  }
}

function ageMs(date: Date, now: Date): number {
  return now.getTime() - date.getTime();
}

/** " created 2024-01-02 (120 days ago)"; empty when the date is unknown. */
function since(verb: string, date: Date | undefined, now: Date): string {
  if (!date) return '';
  const days = Math.max(0, Math.floor(ageMs(date, now) / MS_PER_DAY));
  const prefix = verb ? (verb.startsWith(' ') ? verb : ` ${verb}`) : '';
  return `${prefix} ${date.toISOString().slice(0, 10)} (${days} ${days === 1 ? 'day' : 'days'} ago)`;
}

function formatDays(ms: number): string {
  const days = ms / MS_PER_DAY;
  return Number.isInteger(days) ? String(days) : days.toFixed(2);
}
