// The pieces that keep the credential-report reading safe on any input: what bytes are, rows
// that cannot be read (the audit Lambda goes on past them), and text that is printed.
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { CredentialFindingType, CredentialKind } from '../../src/credentials/credential-report';
import { CredentialReportParseError } from '../../src/credentials/private/csv';
import { decodeReportBytes } from '../../src/credentials/private/decode';
import { escapeControlCharacters, terminalSafeJson, truncate } from '../../src/credentials/private/escape';
import { evaluateRows, thresholdsInDays } from '../../src/credentials/private/evaluate';
import { parseCredentialReport, parseCredentialReportLenient } from '../../src/credentials/private/parse';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'credential-reports');
const VALID = fs.readFileSync(path.join(FIXTURES, 'valid.csv'), 'utf8');
const [HEADER, ROOT_LINE, ALICE_LINE, BOB_LINE] = VALID.split('\n');
const NOW = new Date('2024-06-30T00:00:00Z');

function decodeError(bytes: Uint8Array): string {
  try {
    decodeReportBytes(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(CredentialReportParseError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('decodeReportBytes names what the bytes are, with the fix', () => {
  test('UTF-8, with or without a byte-order mark, multi-byte characters included', () => {
    expect(decodeReportBytes(Buffer.from('user,é,日本,🙂'))).toBe('user,é,日本,🙂');
    expect(decodeReportBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('user,arn')]))).toBe('user,arn');
    expect(decodeReportBytes(new Uint8Array())).toBe('');
  });

  test('gzip', () => {
    expect(decodeError(gzipSync(VALID))).toBe('the input is gzip-compressed (it starts with the gzip magic bytes 1f 8b); '
      + 'a credential report is UTF-8 CSV text: decompress it first, e.g. gunzip -c report.csv.gz > report.csv');
  });

  test('ZIP', () => {
    expect(decodeError(Buffer.from('PK\x03\x04rest', 'latin1'))).toMatch(/^the input is a ZIP archive .* unzip -p report.zip > report.csv$/);
  });

  test.each([
    ['little-endian with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')]), 'little-endian'],
    ['little-endian without a BOM', Buffer.from(VALID, 'utf16le'), 'little-endian'],
    ['big-endian with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(VALID, 'utf16le').swap16()]), 'big-endian'],
    ['big-endian without a BOM', Buffer.from(VALID, 'utf16le').swap16(), 'big-endian'],
  ])('UTF-16 %s', (_name, bytes, order) => {
    expect(decodeError(bytes)).toBe(`the input is UTF-16 (${order}) text, as Windows PowerShell's > and Out-File write by default; `
      + 'a credential report is UTF-8 CSV text: convert it, e.g. iconv -f UTF-16 -t UTF-8 report.csv > report-utf8.csv, '
      + 'or in PowerShell use Out-File -Encoding utf8 (or Set-Content) instead of >');
  });

  test('binary with NUL bytes', () => {
    expect(decodeError(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]))).toBe(
      'the input is binary data, not text (a NUL byte at offset 8); a credential report is UTF-8 CSV text, '
      + 'as printed by aws iam get-credential-report --query Content --output text | base64 -d > report.csv');
  });

  test.each([
    ['Latin-1 text', Buffer.from('user,caf\xe9', 'latin1'), 8],
    ['a truncated sequence at the end', Buffer.from([0x61, 0xe6, 0x97]), 1],
    ['an overlong encoding', Buffer.from([0x61, 0xc0, 0xaf]), 1],
    ['an encoded surrogate', Buffer.from([0x61, 0xed, 0xa0, 0x80]), 1],
    ['a stray continuation byte', Buffer.from([0x61, 0x62, 0x80]), 2],
  ])('not UTF-8: %s', (_name, bytes, offset) => {
    expect(decodeError(bytes)).toMatch(new RegExp(`^the input is not UTF-8 text \\(byte 0x[0-9a-f]{2} at offset ${offset} `));
  });
});

describe('lenient reading: a malformed row is set aside and the rest is read', () => {
  test('a short row, a bad value and a broken quote in the middle of the report', () => {
    const csv = [
      HEADER,
      ROOT_LINE,
      'eve,arn:aws:iam::123456789012:user/eve,2023-01-01T00:00:00+00:00', // line 3: too few fields
      ALICE_LINE, // line 4
      BOB_LINE.replace(',false,', ',maybe,'), // line 5: a flag that is not one
      'mallory,"arn"x,2023', // line 6: text after a closing quote
      BOB_LINE, // line 7
    ].join('\n') + '\n';
    const parsed = parseCredentialReportLenient(csv);
    expect(parsed.rows.map(r => [r.user, r.lineNumber])).toEqual([['<root_account>', 2], ['alice', 4], ['bob', 7]]);
    expect(parsed.malformed).toEqual([
      { line: 3, user: 'eve', arn: 'arn:aws:iam::123456789012:user/eve', detail: "expected 22 fields like the header, found 3 (the row begins 'eve,arn:aws:iam::123456789012:user/eve,2023-01-01T00:00:00+00:00')" },
      { line: 5, user: 'bob', arn: 'arn:aws:iam::123456789012:user/bob', detail: expect.stringMatching(/^column '\w+' must be true or false, found 'maybe'$/) },
      { line: 6, detail: expect.stringMatching(/^unexpected "x" after a closing quote/) },
    ]);
    // The strict reading (CredentialReport.parse, the CLI) throws instead; CSV syntax is checked first.
    expect(() => parseCredentialReport(csv)).toThrow('line 6: unexpected "x" after a closing quote');
  });

  test('an unterminated quote costs its own line only', () => {
    const csv = [HEADER, ROOT_LINE, 'x,"open,and never closed', ALICE_LINE, BOB_LINE].join('\n');
    const parsed = parseCredentialReportLenient(csv);
    expect(parsed.rows.map(r => r.user)).toEqual(['<root_account>', 'alice', 'bob']);
    expect(parsed.malformed).toEqual([{ line: 3, detail: 'unterminated quoted field (the quote opened on line 3)' }]);
  });

  test('a report that is not one still throws: broken or missing header, empty input', () => {
    expect(() => parseCredentialReportLenient('"user,arn\nx,y\n')).toThrow(/unterminated quoted field/);
    expect(() => parseCredentialReportLenient('a,b\n1,2\n')).toThrow(/missing required columns/);
    expect(() => parseCredentialReportLenient('')).toThrow(/the report is empty/);
  });

  test('malformed rows become MalformedRow findings in report order; a malformed root row is not also "missing"', () => {
    const csv = [HEADER, ROOT_LINE.replace(',false,', ',sometimes,'), ALICE_LINE, 'eve,only-two', BOB_LINE].join('\n');
    const parsed = parseCredentialReportLenient(csv);
    const findings = evaluateRows(parsed.rows, thresholdsInDays(NOW), parsed.malformed);
    expect(findings.map(f => `${f.lineNumber} ${f.type} ${f.user}`)).toEqual([
      '2 MalformedRow <root_account>',
      '4 MalformedRow eve',
      '5 ConsoleUserWithoutMfa bob',
    ]);
    expect(findings[1]).toEqual({
      type: CredentialFindingType.MALFORMED_ROW,
      user: 'eve',
      arn: '', // 'only-two' is not an ARN: with fields missing, the columns may have shifted
      credential: CredentialKind.REPORT,
      detail: "this row could not be read, so none of its checks ran: expected 22 fields like the header, found 2 (the row begins 'eve,only-two')",
      lineNumber: 4,
    });
  });
});

describe('escapeControlCharacters', () => {
  test.each([
    ['ANSI colour and title sequences', 'bob\x1b[31mRED\x1b]0;pwned\x07', 'bob\\u001b[31mRED\\u001b]0;pwned\\u0007'],
    ['line breaks and tabs', 'a\nb\r\nc\td', 'a\\nb\\r\\nc\\td'],
    ['DEL and C1 controls (U+009B is a one-character CSI)', 'x\x7fy\u009b2Jz\u0085', 'x\\u007fy\\u009b2Jz\\u0085'],
    ['bidi overrides and isolates', 'admin\u202egpj.exe\u2066\u2069\u200f\u061c', 'admin\\u202egpj.exe\\u2066\\u2069\\u200f\\u061c'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['a backslash is kept (messages carry commands such as tr)', "tr '\\r' '\\n'", "tr '\\r' '\\n'"],
    ['NUL', 'a\0b', 'a\\u0000b'],
  ])('%s', (_name, input, expected) => {
    expect(escapeControlCharacters(input)).toBe(expected);
  });

  test('printable text is unchanged: punctuation, accents, CJK, emoji, zero-width joiners in emoji', () => {
    const text = 'ops,admin+=.@_- élan 日本語 👩‍💻 <root_account>';
    expect(escapeControlCharacters(text)).toBe(text);
  });

  test('terminalSafeJson: still JSON, same value, no raw DEL, C1 or bidi characters', () => {
    const value = { user: 'a\u001b[31m\u007f\u009b\u202e\u2066\u2028é日🙂' };
    const json = terminalSafeJson(value, 2);
    expect(JSON.parse(json)).toEqual(value);
    expect(json).toContain('a\\u001b[31m\\u007f\\u009b\\u202e\\u2066\\u2028é日🙂');
  });

  test('truncate keeps short text and says how much it cut', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 2)).toBe('ab... (4 more characters)');
  });
});
