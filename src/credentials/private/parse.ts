import { CredentialReportParseError, parseCsv } from './csv';
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

/**
 * The CSV text of a report, or that text base64-encoded as `aws iam get-credential-report
 * --query Content --output text` prints it.
 */
export function parseCredentialReport(content: string): CredentialReportRow[] {
  const decoded = decodeBase64Report(content);
  try {
    return parseCsvReport(decoded ?? content);
  } catch (e) {
    if (decoded !== undefined && e instanceof CredentialReportParseError) {
      throw new CredentialReportParseError(e.detail, e.line, ' of the base64-decoded report');
    }
    throw e;
  }
}

/**
 * The decoded text when `content` is base64 (no commas, base64 alphabet only, whitespace and
 * line wrapping allowed), otherwise undefined. A CSV report always has commas in its header,
 * which the base64 alphabet lacks, so the two cannot be confused.
 */
function decodeBase64Report(content: string): string | undefined {
  const compact = content.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return undefined;
  }
  const text = Buffer.from(compact, 'base64').toString('utf8');
  if (text.includes('\uFFFD')) {
    throw new CredentialReportParseError('the input looks like base64 but does not decode to UTF-8 text');
  }
  return text;
}

function parseCsvReport(csv: string): CredentialReportRow[] {
  const text = csv.charCodeAt(0) === 0xfeff ? csv.slice(1) : csv;
  const records = parseCsv(text);
  if (records.length === 0) {
    throw new CredentialReportParseError('the report is empty (expected a header line starting with "user,arn,")');
  }

  const [header, ...body] = records;
  const columnIndex = new Map<string, number>();
  header.fields.forEach((name, index) => {
    const column = name.trim();
    if (columnIndex.has(column)) {
      throw new CredentialReportParseError(`column '${column}' appears twice in the header`, header.line);
    }
    columnIndex.set(column, index);
  });
  const missing = REQUIRED_COLUMNS.filter(column => !columnIndex.has(column));
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'column' : 'columns';
    throw new CredentialReportParseError(
      `missing required ${noun} ${missing.map(c => `'${c}'`).join(', ')} in the header`, header.line);
  }

  return body.map(record => {
    if (record.fields.length !== header.fields.length) {
      throw new CredentialReportParseError(
        `expected ${header.fields.length} fields like the header, found ${record.fields.length}`, record.line);
    }
    const row: { -readonly [K in keyof CredentialReportRow]?: CredentialReportRow[K] } = { lineNumber: record.line };
    for (const spec of COLUMNS) {
      const index = columnIndex.get(spec.column);
      if (index === undefined) continue;
      const value = convert(spec, record.fields[index], record.line);
      if (value !== undefined) (row as Record<string, unknown>)[spec.field] = value;
    }
    if (row.user === undefined) {
      throw new CredentialReportParseError("the 'user' field is empty", record.line);
    }
    if (row.arn === undefined) {
      throw new CredentialReportParseError("the 'arn' field is empty", record.line);
    }
    return row as CredentialReportRow;
  });
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
      throw new CredentialReportParseError(`column '${spec.column}' must be true or false, found '${value}'`, line);
    }
    case 'date': {
      const time = ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
      if (Number.isNaN(time)) {
        throw new CredentialReportParseError(
          `column '${spec.column}' must be an ISO 8601 date-time like 2014-10-01T19:22:30+00:00, found '${value}'`, line);
      }
      return new Date(time);
    }
  }
}
