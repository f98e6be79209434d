import { parseArgs } from 'util';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
} from '../constructs/private/password-policy-defaults';
import { CredentialReport, CredentialReportFinding } from '../credentials/credential-report';
import { CredentialReportParseError } from '../credentials/private/csv';
import { decodeReportBytes } from '../credentials/private/decode';
import { escapeControlCharacters, terminalSafeJson } from '../credentials/private/escape';
import { DEFAULT_ROOT_USAGE_WINDOW_DAYS, MS_PER_DAY, evaluateRows, thresholdsInDays } from '../credentials/private/evaluate';

/** Exit codes, as documented in the usage text. */
export const EXIT_NO_FINDINGS = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INPUT_ERROR = 2;

/**
 * Where the command reads and writes, so tests can run it in-process. Input is read as bytes, so
 * that gzip, UTF-16 and binary input can be told apart from text; a string is taken as text.
 */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => Promise<Uint8Array | string>;
  readonly readStdin: () => Promise<Uint8Array | string>;
}

/** The package's version, for --version. */
export function packageVersion(): string {
  // A literal path: tsc leaves it for Node to resolve from lib/cli/ at run time, and esbuild
  // (which bundles the CLI for the tests) inlines it. Both land on the package's own package.json.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

const PROGRAM = 'cdk-iam-guardrails credential-report';
const MAX_DAYS = 36500;

export const CREDENTIAL_REPORT_USAGE = `Usage: ${PROGRAM} <file> [options]

Reads an IAM credential report and prints what needs attention: users without
MFA, old access keys, unused credentials, root access keys and recent root use.

  <file>  the report: the CSV from
            aws iam get-credential-report --query Content --output text | base64 -d
          or that base64 text, or the JSON aws iam get-credential-report prints
          (all detected). Use - to read standard input. gzip, ZIP, UTF-16 and
          CR-only line ends are named with the command that converts them.

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
  -v, --version               print the version

Besides the checks above, a blank or N/A in mfa_active, password_enabled or
access_key_N_active is a finding (CredentialStatusUnknown), not a pass, and so
is a report without the <root_account> row every IAM report has
(RootAccountMissing).

Output: table (control characters and bidi overrides in the report are shown
as escapes such as \u001b, never sent to the terminal), or json with the
fields type, user, arn, credential, detail and lineNumber (the report line;
the same name as CredentialReportFinding.lineNumber in the library).

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
    io.stderr(`${PROGRAM}: ${escapeControlCharacters((e as Error).message)}\nRun '${PROGRAM} --help' for usage.\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }
  if (options.help) {
    io.stdout(CREDENTIAL_REPORT_USAGE);
    return EXIT_NO_FINDINGS;
  }
  if (options.version) {
    io.stdout(`${packageVersion()}\n`);
    return EXIT_NO_FINDINGS;
  }

  const source = escapeControlCharacters(options.file === '-' ? 'standard input' : options.file);
  let content: Uint8Array | string;
  try {
    content = options.file === '-' ? await io.readStdin() : await io.readFile(options.file);
  } catch (e) {
    io.stderr(`${PROGRAM}: cannot read ${source}: ${escapeControlCharacters((e as Error).message)}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }

  let report: CredentialReport;
  try {
    report = CredentialReport.parse(typeof content === 'string' ? content : decodeReportBytes(content));
  } catch (e) {
    if (!(e instanceof CredentialReportParseError)) throw e;
    // The message may quote the report (a column name, a value): escaped like the table.
    io.stderr(`${PROGRAM}: ${source}: ${escapeControlCharacters(e.message)}\n`);
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
    io.stdout(terminalSafeJson({ ...summary, findings: findings.map(toJson) }, 2) + '\n');
  } else {
    io.stdout(formatTable(findings, summary.rowsChecked, summary.now));
  }
  return findings.length > 0 ? EXIT_FINDINGS : EXIT_NO_FINDINGS;
}

interface CommandOptions {
  readonly help: boolean;
  readonly version: boolean;
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
      'version': { type: 'boolean', short: 'v' },
    },
  });
  const help = values.help === true;
  const version = values.version === true;
  if (help || version) {
    return { help, version, file: '', maxKeyAgeDays: 0, maxUnusedDays: 0, rootUsageWindowDays: 0, format: 'table', now: new Date() };
  }
  if (positionals.length === 0) throw new UsageError('missing <file> (use - for standard input)');
  if (positionals.length > 1) throw new UsageError(`expected one <file>, got ${positionals.length}: ${positionals.join(' ')}`);

  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') {
    throw new UsageError(`--format must be table or json, got '${format}'`);
  }
  return {
    help,
    version,
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

/**
 * One finding in the JSON output: the library's field names (`lineNumber` as in
 * `CredentialReportFinding`), values as in the report; `terminalSafeJson` escapes control and
 * bidi characters.
 */
function toJson(finding: CredentialReportFinding) {
  return {
    type: finding.type,
    user: finding.user,
    arn: finding.arn,
    credential: finding.credential,
    detail: finding.detail,
    lineNumber: finding.lineNumber,
  };
}

const COLUMNS: ReadonlyArray<{ title: string; value: (f: CredentialReportFinding) => string }> = [
  { title: 'TYPE', value: f => f.type },
  { title: 'USER', value: f => f.user },
  { title: 'CREDENTIAL', value: f => f.credential },
  { title: 'LINE', value: f => String(f.lineNumber) },
  { title: 'DETAIL', value: f => f.detail },
];

/**
 * An aligned table, one finding a line. Every cell is escaped (a user name or a quoted field may
 * hold line breaks, ANSI sequences or bidi overrides), and widths are found with a loop rather
 * than `Math.max(...cells)`, whose spread exceeds the call stack at about 120,000 findings.
 */
function formatTable(findings: CredentialReportFinding[], rowsChecked: number, now: string): string {
  const checked = `${rowsChecked} ${rowsChecked === 1 ? 'user' : 'users'} checked as of ${now}`;
  if (findings.length === 0) return `No findings (${checked}).\n`;

  const cells = findings.map(f => COLUMNS.map(c => escapeControlCharacters(c.value(f))));
  const widths = COLUMNS.map(c => c.title.length);
  for (const row of cells) {
    for (let i = 0; i < row.length; i++) {
      if (row[i].length > widths[i]) widths[i] = row[i].length;
    }
  }
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ') + '\n';
  const users = new Set(findings.map(f => `${f.user}\u0000${f.arn}`)).size;
  const out: string[] = [line(COLUMNS.map(c => c.title))];
  for (const row of cells) out.push(line(row));
  out.push(`\n${findings.length} ${findings.length === 1 ? 'finding' : 'findings'} for ${users} ${users === 1 ? 'user' : 'users'} (${checked}).\n`);
  return out.join('');
}
