/**
 * Thrown for input that is not a readable credential report. `line` is the 1-based line of the
 * CSV text (the header is line 1), when the problem has one.
 */
export class CredentialReportParseError extends Error {
  /** The 1-based line of the CSV text (the header is line 1), when the problem has one. */
  public readonly line?: number;
  /** What is wrong, without the line prefix. */
  public readonly detail: string;

  constructor(detail: string, line?: number, where = '') {
    super(line === undefined ? `${detail}${where ? ` (${where.trim()})` : ''}` : `line ${line}${where}: ${detail}`);
    this.name = 'CredentialReportParseError';
    this.line = line;
    this.detail = detail;
  }
}

/** One CSV record and the line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * RFC 4180 CSV: comma-separated fields, optionally in double quotes; a quoted field may contain
 * commas, line breaks and doubled quotes. Records end with LF or CRLF. Blank lines are skipped.
 * Anything RFC 4180 does not allow is an error naming the line, rather than a guess.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let pos = 0;
  const length = text.length;

  while (pos < length) {
    const recordLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    let quoted = false;

    while (!endOfRecord) {
      let field = '';
      if (text[pos] === '"') {
        quoted = true;
        const openedOn = line;
        pos++;
        for (;;) {
          if (pos >= length) {
            throw new CredentialReportParseError(`unterminated quoted field (the quote opened on line ${openedOn})`, openedOn);
          }
          const ch = text[pos];
          if (ch === '"') {
            if (text[pos + 1] === '"') {
              field += '"';
              pos += 2;
              continue;
            }
            pos++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          pos++;
        }
        const next = text[pos];
        if (pos < length && next !== ',' && next !== '\n' && !(next === '\r' && text[pos + 1] === '\n')) {
          throw new CredentialReportParseError(`unexpected ${JSON.stringify(next)} after a closing quote (a quoted field must end at a comma or line end)`, line);
        }
      } else {
        const start = pos;
        while (pos < length && text[pos] !== ',' && text[pos] !== '\n' && !(text[pos] === '\r' && text[pos + 1] === '\n')) {
          if (text[pos] === '"') {
            throw new CredentialReportParseError('a double quote inside an unquoted field (quote the whole field and double the quote)', line);
          }
          pos++;
        }
        field = text.slice(start, pos);
      }
      fields.push(field);

      if (pos >= length) {
        endOfRecord = true;
      } else if (text[pos] === ',') {
        pos++;
      } else {
        pos += text[pos] === '\r' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
    }

    const blank = fields.length === 1 && fields[0] === '' && !quoted;
    if (!blank) records.push({ line: recordLine, fields });
  }
  return records;
}
