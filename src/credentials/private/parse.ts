import { CredentialReportParseError, CsvRecord, parseCsv } from './csv';
import { decodeReportBytes } from './decode';
import { truncate } from './escape';
import { CredentialReportRow } from '../credential-report-types';

/** The `user` value of the root user's row. */
export const ROOT_ACCOUNT_USER = '<root_account>';

/**
 * Values the report writes where there is nothing to report: `N/A` (no such credential, or never
 * used), `not_supported` (the root user has no such attribute) and `no_information` (not tracked,
 * e.g. a password unused since IAM started recording use in October 2014).
 */
const ABSENT_VALUES = new Set(['n/a', 'not_supported', 'no_information', '']);

type ColumnKind = 'text' | 'boolean' | 'date';
type RowField = Exclude<keyof CredentialReportRow, 'lineNumber'>;

interface ColumnSpec {
  readonly column: string;
  readonly field: RowField;
  readonly kind: ColumnKind;
  /** Required columns are the ones the findings read; the others are parsed when present. */
  readonly required: boolean;
}

const COLUMNS: readonly ColumnSpec[] = [
  { column: 'user', field: 'user', kind: 'text', required: true },
  { column: 'arn', field: 'arn', kind: 'text', required: true },
  { column: 'user_creation_time', field: 'userCreationTime', kind: 'date', required: true },
  { column: 'password_enabled', field: 'passwordEnabled', kind: 'boolean', required: true },
  { column: 'password_last_used', field: 'passwordLastUsed', kind: 'date', required: true },
  { column: 'password_last_changed', field: 'passwordLastChanged', kind: 'date', required: true },
  { column: 'password_next_rotation', field: 'passwordNextRotation', kind: 'date', required: false },
  { column: 'mfa_active', field: 'mfaActive', kind: 'boolean', required: true },
  { column: 'access_key_1_active', field: 'accessKey1Active', kind: 'boolean', required: true },
  { column: 'access_key_1_last_rotated', field: 'accessKey1LastRotated', kind: 'date', required: true },
  { column: 'access_key_1_last_used_date', field: 'accessKey1LastUsedDate', kind: 'date', required: true },
  { column: 'access_key_1_last_used_region', field: 'accessKey1LastUsedRegion', kind: 'text', required: false },
  { column: 'access_key_1_last_used_service', field: 'accessKey1LastUsedService', kind: 'text', required: false },
  { column: 'access_key_2_active', field: 'accessKey2Active', kind: 'boolean', required: true },
  { column: 'access_key_2_last_rotated', field: 'accessKey2LastRotated', kind: 'date', required: true },
  { column: 'access_key_2_last_used_date', field: 'accessKey2LastUsedDate', kind: 'date', required: true },
  { column: 'access_key_2_last_used_region', field: 'accessKey2LastUsedRegion', kind: 'text', required: false },
  { column: 'access_key_2_last_used_service', field: 'accessKey2LastUsedService', kind: 'text', required: false },
  { column: 'cert_1_active', field: 'cert1Active', kind: 'boolean', required: false },
  { column: 'cert_1_last_rotated', field: 'cert1LastRotated', kind: 'date', required: false },
  { column: 'cert_2_active', field: 'cert2Active', kind: 'boolean', required: false },
  { column: 'cert_2_last_rotated', field: 'cert2LastRotated', kind: 'date', required: false },
];

/** The columns a report must have, in the order IAM writes them. */
export const REQUIRED_COLUMNS: readonly string[] = COLUMNS.filter(c => c.required).map(c => c.column);

// IAM writes e.g. 2014-10-01T19:22:30+00:00; accept any ISO 8601 date-time with an offset or Z.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A row that could not be read, and why. The rest of the report is still read. */
export interface MalformedRow {
  readonly line: number;
  /** The `user` field, when the row had enough fields to tell. */
  readonly user?: string;
  /** The `arn` field, when the row had enough fields to tell. */
  readonly arn?: string;
  readonly detail: string;
}

/** What a lenient read of a report gives: the rows it could read and the ones it could not. */
export interface ParsedReport {
  readonly rows: CredentialReportRow[];
  readonly malformed: MalformedRow[];
}

/**
 * For each row, the raw text of the flag columns (`password_enabled`, `mfa_active`,
 * `access_key_N_active`) that did not say true or false, so that a finding can quote it. Kept
 * beside the rows rather than in them: a row is a public struct, and this is a detail of
 * evaluation.
 */
const UNKNOWN_FLAG_VALUES = new WeakMap<CredentialReportRow, { [column: string]: string }>();

/** The raw text of `column` in `row` when that flag column said neither true nor false. */
export function unknownFlagValue(row: CredentialReportRow, column: string): string | undefined {
  return UNKNOWN_FLAG_VALUES.get(row)?.[column];
}

/** The flag columns whose absence is not a pass: a blank or N/A there is reported, not skipped. */
export const FLAG_COLUMNS = new Set(['password_enabled', 'mfa_active', 'access_key_1_active', 'access_key_2_active']);

/**
 * The CSV text of a report, or that text base64-encoded as `aws iam get-credential-report
 * --query Content --output text` prints it, or the JSON `aws iam get-credential-report` prints
 * (its `Content` is decoded). Throws on the first malformed row.
 */
export function parseCredentialReport(content: string): CredentialReportRow[] {
  return parseReport(content, false).rows;
}

/**
 * Like `parseCredentialReport`, but a malformed row is returned in `malformed` and reading goes
 * on with the next one. Input that is not a report at all (empty, not text, a broken header)
 * still throws: there is nothing to read past.
 */
export function parseCredentialReportLenient(content: string): ParsedReport {
  return parseReport(content, true);
}

function parseReport(content: string, lenient: boolean): ParsedReport {
  const { text, where } = unwrap(content);
  try {
    return parseCsvReport(text, lenient);
  } catch (e) {
    if (where && e instanceof CredentialReportParseError) {
      throw new CredentialReportParseError(e.detail, e.line, ` of ${where}`);
    }
    throw e;
  }
}

/**
 * The CSV text inside `content`, and how it was wrapped (for messages), after checking that the
 * text is a plausible CSV: no NUL characters and not CR-only line ends.
 */
function unwrap(content: string): { text: string; where?: string } {
  const input = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  let text = input;
  let where: string | undefined;
  const trimmed = input.trimStart();
  if (trimmed.startsWith('{')) {
    text = contentOfGetCredentialReportJson(trimmed);
    where = 'the Content of the get-credential-report JSON';
  } else {
    const textOutput = /^([A-Za-z0-9+/]+={0,2})\t[^\n]*\btext\/csv\s*$/.exec(trimmed);
    const base64 = textOutput ? textOutput[1] : base64Payload(input);
    if (base64 !== undefined) {
      where = textOutput ? 'the Content of the get-credential-report text output' : 'the base64-decoded report';
      text = decodeReportBytes(Buffer.from(base64, 'base64'), 'the input looks like base64, but the decoded input');
    }
  }
  checkPlainText(text, where);
  return { text, where };
}

/**
 * `aws iam get-credential-report` without `--query Content --output text` prints
 * `{"Content": "<base64>", "ReportFormat": "text/csv", "GeneratedTime": "..."}`: decode Content.
 */
function contentOfGetCredentialReportJson(json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new CredentialReportParseError(
      `the input starts with '{' but is not valid JSON (${(e as Error).message}); expected the CSV of a credential report, `
      + 'or the JSON that aws iam get-credential-report prints');
  }
  const body = value as { Content?: unknown; ReportFormat?: unknown };
  if (typeof body !== 'object' || body === null || typeof body.Content !== 'string') {
    throw new CredentialReportParseError(
      'the input is JSON without a "Content" string, so it is not what aws iam get-credential-report prints; '
      + 'get the report with aws iam get-credential-report --query Content --output text | base64 -d > report.csv');
  }
  if (body.ReportFormat !== undefined && body.ReportFormat !== 'text/csv') {
    throw new CredentialReportParseError(`the get-credential-report JSON has ReportFormat ${truncate(JSON.stringify(body.ReportFormat), 40)}; only text/csv is supported`);
  }
  const base64 = base64Payload(body.Content);
  if (base64 === undefined) {
    throw new CredentialReportParseError(
      'the "Content" of the get-credential-report JSON is not base64; get the report with '
      + 'aws iam get-credential-report --query Content --output text | base64 -d > report.csv');
  }
  return decodeReportBytes(Buffer.from(base64, 'base64'), 'the base64-decoded "Content" of the get-credential-report JSON');
}

/**
 * The base64 text without whitespace when `content` is base64 (no commas, base64 alphabet only,
 * whitespace and line wrapping allowed), otherwise undefined. A CSV report always has commas in
 * its header, which the base64 alphabet lacks, so the two cannot be confused.
 */
function base64Payload(content: string): string | undefined {
  const compact = content.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return undefined;
  }
  return compact;
}

/** Text a CSV parser would misread: NUL characters (UTF-16 or binary) and CR-only line ends. */
function checkPlainText(text: string, where: string | undefined): void {
  const of = where ? ` (${where})` : '';
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new CredentialReportParseError(
      `the input${of} contains NUL characters (the first at character ${nul}): it is UTF-16 text read as UTF-8, or binary data; `
      + 'a credential report is UTF-8 CSV text (convert UTF-16 with iconv -f UTF-16 -t UTF-8)');
  }
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  if (cr >= 0 && (lf < 0 || cr < lf) && text[cr + 1] !== '\n') {
    throw new CredentialReportParseError(
      `the lines of the input${of} end with a carriage return alone (CR, classic Mac OS line ends), so the whole report reads as one line; `
      + "convert them to LF, e.g. tr '\\r' '\\n' < report.csv > report-lf.csv", 1);
  }
}

function parseCsvReport(text: string, lenient: boolean): ParsedReport {
  const malformed: MalformedRow[] = [];
  const records = parseCsv(text, lenient ? e => malformed.push({ line: e.line ?? 0, detail: e.detail }) : undefined);
  if (records.length === 0) {
    throw new CredentialReportParseError('the report is empty (expected a header line starting with "user,arn,")');
  }

  const [header, ...body] = records;
  const columnIndex = new Map<string, number>();
  header.fields.forEach((name, index) => {
    const column = name.trim();
    if (columnIndex.has(column)) {
      throw new CredentialReportParseError(`column '${truncate(column, 80)}' appears twice in the header`, header.line);
    }
    columnIndex.set(column, index);
  });
  const missing = REQUIRED_COLUMNS.filter(column => !columnIndex.has(column));
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'column' : 'columns';
    throw new CredentialReportParseError(
      `missing required ${noun} ${missing.map(c => `'${c}'`).join(', ')} in the header`, header.line);
  }

  const rows: CredentialReportRow[] = [];
  for (const record of body) {
    try {
      rows.push(parseRow(record, header.fields.length, columnIndex));
    } catch (e) {
      if (!lenient || !(e instanceof CredentialReportParseError)) throw e;
      const field = (column: string) => {
        const value = record.fields[columnIndex.get(column)!]?.trim();
        return value ? truncate(value, 200) : undefined;
      };
      // With the wrong number of fields the columns may have shifted: say how the row begins, and
      // give an ARN only if the field looks like one.
      const shifted = record.fields.length !== header.fields.length;
      const arn = field('arn');
      malformed.push({
        line: record.line,
        user: field('user'),
        arn: arn?.startsWith('arn:') ? arn : undefined,
        detail: shifted ? `${e.detail} (the row begins '${truncate(record.fields.join(','), 100)}')` : e.detail,
      });
    }
  }
  malformed.sort((a, b) => a.line - b.line);
  return { rows, malformed };
}

function parseRow(record: CsvRecord, fieldCount: number, columnIndex: Map<string, number>): CredentialReportRow {
  if (record.fields.length !== fieldCount) {
    throw new CredentialReportParseError(
      `expected ${fieldCount} fields like the header, found ${record.fields.length}`, record.line);
  }
  const row: { -readonly [K in keyof CredentialReportRow]?: CredentialReportRow[K] } = { lineNumber: record.line };
  const unknownFlags: { [column: string]: string } = {};
  for (const spec of COLUMNS) {
    const index = columnIndex.get(spec.column);
    if (index === undefined) continue;
    const raw = record.fields[index];
    const value = convert(spec, raw, record.line);
    if (value !== undefined) {
      (row as Record<string, unknown>)[spec.field] = value;
    } else if (FLAG_COLUMNS.has(spec.column)) {
      unknownFlags[spec.column] = raw;
    }
  }
  if (row.user === undefined) {
    throw new CredentialReportParseError("the 'user' field is empty", record.line);
  }
  if (row.arn === undefined) {
    throw new CredentialReportParseError("the 'arn' field is empty", record.line);
  }
  const complete = row as CredentialReportRow;
  if (Object.keys(unknownFlags).length > 0) UNKNOWN_FLAG_VALUES.set(complete, unknownFlags);
  return complete;
}

function convert(spec: ColumnSpec, raw: string, line: number): string | boolean | Date | undefined {
  const value = raw.trim();
  if (ABSENT_VALUES.has(value.toLowerCase())) return undefined;
  switch (spec.kind) {
    case 'text':
      return value;
    case 'boolean': {
      const lower = value.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new CredentialReportParseError(`column '${spec.column}' must be true or false, found '${truncate(value, 80)}'`, line);
    }
    case 'date': {
      const time = ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
      if (Number.isNaN(time)) {
        throw new CredentialReportParseError(
          `column '${spec.column}' must be an ISO 8601 date-time like 2014-10-01T19:22:30+00:00, found '${truncate(value, 80)}'`, line);
      }
      return new Date(time);
    }
  }
}
