import { parseArgs } from 'util';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
} from '../constructs/private/password-policy-defaults';
import { CredentialReport, CredentialReportFinding } from '../credentials/credential-report';
import { CredentialReportParseError } from '../credentials/private/csv';
import { DEFAULT_ROOT_USAGE_WINDOW_DAYS, MS_PER_DAY, evaluateRows, thresholdsInDays } from '../credentials/private/evaluate';

/** Exit codes, as documented in the usage text. */
export const EXIT_NO_FINDINGS = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INPUT_ERROR = 2;

/** Where the command reads and writes, so tests can run it in-process. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => Promise<string>;
  readonly readStdin: () => Promise<string>;
}

const PROGRAM = 'cdk-iam-guardrails credential-report';
const MAX_DAYS = 36500;

export const CREDENTIAL_REPORT_USAGE = `Usage: ${PROGRAM} <file> [options]

Reads an IAM credential report and prints what needs attention: users without
MFA, old access keys, unused credentials, root access keys and recent root use.

  <file>  the report: the CSV from
            aws iam get-credential-report --query Content --output text | base64 -d
          or that base64 text itself (detected). Use - to read standard input.

Options:
  --max-key-age <days>        active access keys older than this are findings
                              (default ${DEFAULT_MAX_ACCESS_KEY_AGE_DAYS})
  --max-unused <days>         passwords and active keys unused longer than this
                              are findings; never-used ones count from when
                              they were set (default ${DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS})
  --root-usage-window <days>  root use within this many days is a finding
                              (default ${DEFAULT_ROOT_USAGE_WINDOW_DAYS})
  --format table|json         output format (default table)
  --now <ISO 8601>            evaluate as of this time instead of now,
                              e.g. 2024-06-30 or 2024-06-30T12:00:00Z
  -h, --help                  show this help

Exit status: 0 no findings, 1 findings, 2 usage error or malformed report.
`;

class UsageError extends Error {}

/**
 * `credential-report <file> [options]`: returns the exit status instead of exiting, and writes
 * only through `io`.
 */
export async function runCredentialReportCommand(args: string[], io: CommandIo): Promise<number> {
  let options: CommandOptions;
  try {
    options = parseOptions(args);
  } catch (e) {
    if (!(e instanceof UsageError) && !isParseArgsError(e)) throw e;
    io.stderr(`${PROGRAM}: ${(e as Error).message}\nRun '${PROGRAM} --help' for usage.\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }
  if (options.help) {
    io.stdout(CREDENTIAL_REPORT_USAGE);
    return EXIT_NO_FINDINGS;
  }

  const source = options.file === '-' ? 'standard input' : options.file;
  let content: string;
  try {
    content = options.file === '-' ? await io.readStdin() : await io.readFile(options.file);
  } catch (e) {
    io.stderr(`${PROGRAM}: cannot read ${source}: ${(e as Error).message}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }

  let report: CredentialReport;
  try {
    report = CredentialReport.parse(content);
  } catch (e) {
    if (!(e instanceof CredentialReportParseError)) throw e;
    io.stderr(`${PROGRAM}: ${source}: ${e.message}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }

  const thresholds = thresholdsInDays(options.now, options.maxKeyAgeDays, options.maxUnusedDays, options.rootUsageWindowDays);
  const findings = evaluateRows(report.rows, thresholds);
  const summary = {
    now: options.now.toISOString(),
    thresholds: {
      maxAccessKeyAgeDays: thresholds.maxAccessKeyAgeMs / MS_PER_DAY,
      maxUnusedAgeDays: thresholds.maxUnusedAgeMs / MS_PER_DAY,
      rootUsageWindowDays: thresholds.rootUsageWindowMs / MS_PER_DAY,
    },
    rowsChecked: report.rows.length,
  };

  if (options.format === 'json') {
    io.stdout(JSON.stringify({ ...summary, findings: findings.map(toJson) }, undefined, 2) + '\n');
  } else {
    io.stdout(formatTable(findings, summary.rowsChecked, summary.now));
  }
  return findings.length > 0 ? EXIT_FINDINGS : EXIT_NO_FINDINGS;
}

interface CommandOptions {
  readonly help: boolean;
  readonly file: string;
  readonly maxKeyAgeDays: number;
  readonly maxUnusedDays: number;
  readonly rootUsageWindowDays: number;
  readonly format: 'table' | 'json';
  readonly now: Date;
}

function parseOptions(args: string[]): CommandOptions {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'max-key-age': { type: 'string' },
      'max-unused': { type: 'string' },
      'root-usage-window': { type: 'string' },
      'format': { type: 'string' },
      'now': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
  });
  const help = values.help === true;
  if (help) {
    return { help, file: '', maxKeyAgeDays: 0, maxUnusedDays: 0, rootUsageWindowDays: 0, format: 'table', now: new Date() };
  }
  if (positionals.length === 0) throw new UsageError('missing <file> (use - for standard input)');
  if (positionals.length > 1) throw new UsageError(`expected one <file>, got ${positionals.length}: ${positionals.join(' ')}`);

  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') {
    throw new UsageError(`--format must be table or json, got '${format}'`);
  }
  return {
    help,
    file: positionals[0],
    maxKeyAgeDays: days('--max-key-age', values['max-key-age'], DEFAULT_MAX_ACCESS_KEY_AGE_DAYS),
    maxUnusedDays: days('--max-unused', values['max-unused'], DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS),
    rootUsageWindowDays: days('--root-usage-window', values['root-usage-window'], DEFAULT_ROOT_USAGE_WINDOW_DAYS),
    format,
    now: instant(values.now),
  };
}

function days(flag: string, value: string | undefined, defaultDays: number): number {
  if (value === undefined) return defaultDays;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(parsed >= 1 && parsed <= MAX_DAYS)) {
    throw new UsageError(`${flag} must be a whole number of days from 1 to ${MAX_DAYS}, got '${value}'`);
  }
  return parsed;
}

function instant(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  const time = iso.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(`--now must be an ISO 8601 date or date-time such as 2024-06-30 or 2024-06-30T12:00:00Z, got '${value}'`);
  }
  return new Date(time);
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function toJson(finding: CredentialReportFinding) {
  return {
    type: finding.type,
    user: finding.user,
    arn: finding.arn,
    credential: finding.credential,
    detail: finding.detail,
    line: finding.lineNumber,
  };
}

const COLUMNS: ReadonlyArray<{ title: string; value: (f: CredentialReportFinding) => string }> = [
  { title: 'TYPE', value: f => f.type },
  { title: 'USER', value: f => f.user },
  { title: 'CREDENTIAL', value: f => f.credential },
  { title: 'LINE', value: f => String(f.lineNumber) },
  { title: 'DETAIL', value: f => f.detail },
];

function formatTable(findings: CredentialReportFinding[], rowsChecked: number, now: string): string {
  const checked = `${rowsChecked} ${rowsChecked === 1 ? 'user' : 'users'} checked as of ${now}`;
  if (findings.length === 0) return `No findings (${checked}).\n`;

  // A quoted CSV field may hold a line break; keep each finding on one line.
  const cells = findings.map(f => COLUMNS.map(c => c.value(f).replace(/[\r\n\t]+/g, ' ')));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map(row => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ') + '\n';
  const users = new Set(findings.map(f => f.arn)).size;
  return line(COLUMNS.map(c => c.title))
    + cells.map(line).join('')
    + `\n${findings.length} ${findings.length === 1 ? 'finding' : 'findings'} for ${users} ${users === 1 ? 'user' : 'users'} (${checked}).\n`;
}
