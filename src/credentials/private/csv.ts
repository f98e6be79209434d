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
 *
 * Without `onError` the first error is thrown. With it, each broken record is passed to `onError`
 * and reading goes on at the next line (a broken header is still thrown) (for an unterminated quote: the line after the one the
 * quote opened on), so that one damaged row does not hide the rest of the report.
 */
export function parseCsv(text: string, onError?: (error: CredentialReportParseError) => void): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let pos = 0;
  const length = text.length;
  const isLineEnd = (at: number) => text[at] === '\n' || (text[at] === '\r' && text[at + 1] === '\n');

  /** Past the end of the line `from` is on, counting that line. */
  const skipLine = (from: number) => {
    const newline = text.indexOf('\n', from);
    pos = newline < 0 ? length : newline + 1;
    line++;
  };

  while (pos < length) {
    const recordLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    let quoted = false;
    let quoteOpenedAt = -1;
    let quoteOpenedOn = line;

    try {
      while (!endOfRecord) {
        let field = '';
        if (text[pos] === '"') {
          quoted = true;
          quoteOpenedAt = pos;
          quoteOpenedOn = line;
          pos++;
          for (;;) {
            if (pos >= length) {
              throw new CredentialReportParseError(`unterminated quoted field (the quote opened on line ${quoteOpenedOn})`, quoteOpenedOn);
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
          if (pos < length && next !== ',' && !isLineEnd(pos)) {
            throw new CredentialReportParseError(`unexpected ${JSON.stringify(next)} after a closing quote (a quoted field must end at a comma or line end)`, line);
          }
        } else {
          const start = pos;
          while (pos < length && text[pos] !== ',' && !isLineEnd(pos)) {
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
    } catch (e) {
      // A broken header leaves nothing to read the rows by: that is always an error.
      if (!onError || !(e instanceof CredentialReportParseError) || records.length === 0) throw e;
      onError(e);
      if (pos >= length && quoteOpenedAt >= 0) {
        // An unterminated quote swallowed the rest of the text: go on after the line it opened on.
        line = quoteOpenedOn;
        skipLine(quoteOpenedAt);
      } else {
        skipLine(pos);
      }
      continue;
    }

    const blank = fields.length === 1 && fields[0] === '' && !quoted;
    if (!blank) records.push({ line: recordLine, fields });
  }
  return records;
}
