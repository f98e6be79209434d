import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { Duration, Lazy } from 'aws-cdk-lib';
import {
  CredentialFindingType,
  CredentialKind,
  CredentialReport,
  CredentialReportFinding,
} from '../../src/credentials/credential-report';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'credential-reports');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const NOW = new Date('2024-06-30T00:00:00Z');

const HEADER = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,'
  + 'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,'
  + 'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,'
  + 'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

interface RowValues {
  user?: string;
  created?: string;
  passwordEnabled?: string;
  passwordLastUsed?: string;
  passwordLastChanged?: string;
  mfa?: string;
  key1Active?: string;
  key1Rotated?: string;
  key1Used?: string;
  key2Active?: string;
  key2Rotated?: string;
  key2Used?: string;
}

/** One report line; every credential absent unless given. */
function row(v: RowValues): string {
  const user = v.user ?? 'someone';
  const arn = user === '<root_account>' ? 'arn:aws:iam::123456789012:root' : `arn:aws:iam::123456789012:user/${user}`;
  return [
    user, arn, v.created ?? '2020-01-01T00:00:00+00:00',
    v.passwordEnabled ?? 'false', v.passwordLastUsed ?? 'N/A', v.passwordLastChanged ?? 'N/A', 'N/A',
    v.mfa ?? 'true',
    v.key1Active ?? 'false', v.key1Rotated ?? 'N/A', v.key1Used ?? 'N/A', 'N/A', 'N/A',
    v.key2Active ?? 'false', v.key2Rotated ?? 'N/A', v.key2Used ?? 'N/A', 'N/A', 'N/A',
    'false', 'N/A', 'false', 'N/A',
  ].join(',');
}

const ROOT = '<root_account>';
/** A root user with MFA, no keys and no recent use: no findings of its own. */
const QUIET_ROOT: RowValues = { user: ROOT, passwordEnabled: 'not_supported', passwordLastChanged: 'not_supported', mfa: 'true' };

/** A report of these rows, with a quiet root row first unless they have their own. */
function report(...rows: RowValues[]): CredentialReport {
  const all = rows.some(r => r.user === ROOT) ? rows : [QUIET_ROOT, ...rows];
  return CredentialReport.parse([HEADER, ...all.map(row)].join('\n') + '\n');
}

/** "<days> days before NOW" as the report writes it, plus extra milliseconds. */
function daysAgo(days: number, extraMs = 0): string {
  return new Date(NOW.getTime() - days * 86_400_000 - extraMs).toISOString().replace('.000Z', '+00:00').replace(/\.(\d+)Z$/, '.$1+00:00');
}

const summary = (findings: CredentialReportFinding[]) => findings.map(f => `${f.type} ${f.user} ${f.credential}`);

function parseError(content: string): string {
  try {
    CredentialReport.parse(content);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a parse error');
}

describe('CredentialReport.parse', () => {
  const valid = CredentialReport.parse(fixture('valid.csv'));

  test('reads every row of the sample report, root first', () => {
    expect(valid.rows.map(r => r.user)).toEqual(['<root_account>', 'alice', 'bob', 'ci-deploy', 'carol', 'dave', 'ops,admin']);
    expect(valid.rootAccount?.arn).toBe('arn:aws:iam::123456789012:root');
    expect(valid.users.map(r => r.user)).not.toContain('<root_account>');
    expect(valid.users).toHaveLength(6);
  });

  test('types every column, with N/A, not_supported and no_information as undefined', () => {
    const root = valid.rootAccount!;
    expect(root.passwordEnabled).toBeUndefined(); // not_supported
    expect(root.passwordLastChanged).toBeUndefined(); // not_supported
    expect(root.passwordLastUsed).toEqual(new Date('2024-06-25T08:15:00Z'));
    expect(root.mfaActive).toBe(false);
    expect(root.accessKey1Active).toBe(true);
    expect(root.accessKey1LastRotated).toEqual(new Date('2020-01-15T09:00:00Z'));
    expect(root.accessKey1LastUsedRegion).toBe('us-east-1');
    expect(root.accessKey1LastUsedService).toBe('s3');
    expect(root.accessKey2LastRotated).toBeUndefined(); // N/A
    expect(root.lineNumber).toBe(2);

    const alice = valid.rows[1];
    expect(alice).toEqual({
      lineNumber: 3,
      user: 'alice',
      arn: 'arn:aws:iam::123456789012:user/alice',
      userCreationTime: new Date('2023-01-10T08:00:00Z'),
      passwordEnabled: true,
      passwordLastUsed: new Date('2024-06-28T17:45:00Z'),
      passwordLastChanged: new Date('2024-04-01T09:00:00Z'),
      passwordNextRotation: new Date('2024-06-30T09:00:00Z'),
      mfaActive: true,
      accessKey1Active: false,
      accessKey2Active: false,
      cert1Active: false,
      cert2Active: false,
    });

    const dave = valid.rows[5];
    expect(dave.passwordLastUsed).toBeUndefined(); // no_information
    expect(dave.accessKey2Active).toBe(true);
  });

  test('reads quoted fields: commas, doubled quotes and line breaks inside quotes', () => {
    const ops = valid.rows[6];
    expect(ops.user).toBe('ops,admin');
    expect(ops.cert1Active).toBe(true);
    expect(ops.cert1LastRotated).toEqual(new Date('2024-05-05T05:05:05Z'));

    const tricky = CredentialReport.parse(`${HEADER}\n${row({ user: 'placeholder' }).replace('placeholder', '"say ""hi"",\nthere"')}\n${row({ user: 'next' })}\n`);
    expect(tricky.rows.map(r => r.user)).toEqual(['say "hi",\nthere', 'next']);
    // The quoted line break moves the next record to line 4.
    expect(tricky.rows[1].lineNumber).toBe(4);
  });

  test('accepts CRLF line ends, a byte-order mark, blank lines and no final newline', () => {
    const crlf = '\uFEFF' + [HEADER, row({ user: 'a' }), '', row({ user: 'b' })].join('\r\n');
    const parsed = CredentialReport.parse(crlf);
    expect(parsed.rows.map(r => [r.user, r.lineNumber])).toEqual([['a', 2], ['b', 4]]);
    expect(parsed.rows[1].cert2Active).toBe(false);
  });

  test('detects base64 input (the raw get-credential-report Content) and decodes it', () => {
    const fromBase64 = CredentialReport.parse(fixture('valid.base64'));
    expect(fromBase64.rows).toEqual(valid.rows);
    // Wrapped base64 (as `base64` prints by default) is accepted too.
    const wrapped = Buffer.from(fixture('valid.csv')).toString('base64').replace(/(.{76})/g, '$1\n');
    expect(CredentialReport.parse(wrapped).rows).toEqual(valid.rows);
  });

  test('a header-only report has no rows, and its missing root row is a finding (every IAM report has one)', () => {
    const empty = CredentialReport.parse(HEADER + '\n');
    expect(empty.rows).toEqual([]);
    expect(empty.rootAccount).toBeUndefined();
    expect(empty.findings({ now: NOW })).toEqual([{
      type: CredentialFindingType.ROOT_ACCOUNT_MISSING,
      user: '<root_account>',
      arn: '',
      credential: CredentialKind.REPORT,
      detail: expect.stringMatching(/^the report has no <root_account> row, which every report IAM generates has: it was edited or cut short/),
      lineNumber: 1,
    }]);
  });

  test('a report of users without the root row: the missing root row is reported first, then the users', () => {
    const csv = fixture('valid.csv').split('\n').filter(l => !l.startsWith('<root_account>')).join('\n');
    expect(summary(CredentialReport.parse(csv).findings({ now: NOW })).slice(0, 2)).toEqual([
      'RootAccountMissing <root_account> report',
      'ConsoleUserWithoutMfa bob mfa',
    ]);
  });

  test('the JSON of aws iam get-credential-report (without --query Content) is decoded', () => {
    const json = JSON.stringify({ Content: fixture('valid.base64').trim(), ReportFormat: 'text/csv', GeneratedTime: '2024-06-30T00:00:00+00:00' }, undefined, 4);
    expect(CredentialReport.parse(json).rows).toEqual(valid.rows);
    // The text output (Content, GeneratedTime and ReportFormat separated by tabs) too.
    const text = `${fixture('valid.base64').trim()}\t2024-06-30T00:00:00+00:00\ttext/csv\n`;
    expect(CredentialReport.parse(text).rows).toEqual(valid.rows);
  });

  test('ignores unknown columns, wherever they are', () => {
    const header = HEADER.replace('mfa_active,', 'mfa_active,some_future_column,') + ',another_new_one';
    const line = row({ user: 'x', mfa: 'false' }).split(',');
    line.splice(8, 0, 'whatever');
    line.push('"quoted, ignored"');
    const parsed = CredentialReport.parse(`${header}\n${line.join(',')}\n`);
    expect(parsed.rows[0].user).toBe('x');
    expect(parsed.rows[0].mfaActive).toBe(false);
    expect(parsed.rows[0].accessKey1Active).toBe(false);
    expect(Object.keys(parsed.rows[0])).not.toContain('some_future_column');
  });

  test('optional columns may be missing', () => {
    const keep = HEADER.split(',').filter(c => !c.startsWith('cert_') && !c.endsWith('_region') && !c.endsWith('_service') && c !== 'password_next_rotation');
    const csv = `${keep.join(',')}\nx,arn:aws:iam::1:user/x,2020-01-01T00:00:00Z,false,N/A,N/A,true,false,N/A,N/A,false,N/A,N/A\n`;
    const parsed = CredentialReport.parse(csv);
    expect(parsed.rows[0]).toEqual({
      lineNumber: 2,
      user: 'x',
      arn: 'arn:aws:iam::1:user/x',
      userCreationTime: new Date('2020-01-01T00:00:00Z'),
      passwordEnabled: false,
      mfaActive: true,
      accessKey1Active: false,
      accessKey2Active: false,
    });
  });

  describe('malformed input names the line', () => {
    test('sample: unterminated quote', () => {
      expect(parseError(fixture('malformed-quote.csv'))).toBe('line 4: unterminated quoted field (the quote opened on line 4)');
    });

    test('sample: a row with a field missing', () => {
      expect(parseError(fixture('malformed-field-count.csv'))).toBe('line 3: expected 22 fields like the header, found 21');
    });

    test('sample: a value that is not a date', () => {
      expect(parseError(fixture('malformed-date.csv'))).toBe(
        "line 3: column 'password_last_used' must be an ISO 8601 date-time like 2014-10-01T19:22:30+00:00, found 'last tuesday'");
    });

    test('sample: a missing required column is named', () => {
      expect(parseError(fixture('missing-column.csv'))).toBe("line 1: missing required column 'mfa_active' in the header");
    });

    test('several missing columns are all named', () => {
      expect(parseError('user,arn,mfa_active\nx,y,true\n')).toBe(
        "line 1: missing required columns 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', "
        + "'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_2_active', "
        + "'access_key_2_last_rotated', 'access_key_2_last_used_date' in the header");
    });

    test('too many fields', () => {
      expect(parseError(`${HEADER}\n${row({})}\n${row({})},extra\n`)).toBe('line 3: expected 22 fields like the header, found 23');
    });

    test('a quote inside an unquoted field', () => {
      expect(parseError(`${HEADER}\n${row({ user: 'ab"c' })}\n`)).toMatch(/^line 2: a double quote inside an unquoted field/);
    });

    test('text after a closing quote', () => {
      expect(parseError(`${HEADER}\n${row({ user: '"abc"d' })}\n`)).toMatch(/^line 2: unexpected "d" after a closing quote/);
    });

    test('an unterminated quote reports where it opened, not where the text ends', () => {
      expect(parseError(`${HEADER}\n${row({})}\n"open,\n\n\nstill open`)).toMatch(/^line 3: unterminated quoted field/);
    });

    test('a boolean that is not true or false', () => {
      expect(parseError(`${HEADER}\n${row({})}\n${row({ mfa: 'yes' })}\n`)).toBe("line 3: column 'mfa_active' must be true or false, found 'yes'");
    });

    test('a date without a time zone', () => {
      expect(parseError(`${HEADER}\n${row({ created: '2024-01-01 10:00' })}\n`)).toMatch(/^line 2: column 'user_creation_time' must be an ISO 8601/);
    });

    test('an impossible date', () => {
      expect(parseError(`${HEADER}\n${row({ key1Rotated: '2024-13-45T10:00:00Z' })}\n`)).toMatch(/^line 2: column 'access_key_1_last_rotated'/);
    });

    test('an empty user name', () => {
      expect(parseError(`${HEADER}\n${row({ user: '' })}\n`)).toBe("line 2: the 'user' field is empty");
    });

    test('a duplicated column', () => {
      expect(parseError(`${HEADER},mfa_active\n`)).toBe("line 1: column 'mfa_active' appears twice in the header");
    });

    test('empty input', () => {
      expect(parseError('')).toBe('the report is empty (expected a header line starting with "user,arn,")');
      expect(parseError('\n\n')).toMatch(/^the report is empty/);
    });

    test('base64 that decodes to a malformed report says so', () => {
      const encoded = Buffer.from(fixture('malformed-field-count.csv')).toString('base64');
      expect(parseError(encoded)).toBe('line 3 of the base64-decoded report: expected 22 fields like the header, found 21');
    });

    test('base64 that does not decode to text', () => {
      expect(parseError(Buffer.from([0x75, 0x73, 0xc3, 0x28, 0x80, 0x81]).toString('base64'))).toBe(
        'the input looks like base64, but the decoded input is not UTF-8 text (byte 0xc3 at offset 2 cannot start or continue '
        + 'a UTF-8 character); a credential report is UTF-8 CSV text: if it was saved in another encoding, convert it, '
        + 'e.g. iconv -f LATIN1 -t UTF-8, or get it again with aws iam get-credential-report --query Content --output text | base64 -d > report.csv');
    });

    test('base64 of a gzip file names gzip', () => {
      const gzipped = gzipSync(fixture('valid.csv'));
      expect(parseError(gzipped.toString('base64'))).toMatch(/^the input looks like base64, but the decoded input is gzip-compressed .*gunzip -c/);
    });

    test('JSON that is not the get-credential-report output', () => {
      expect(parseError('{"Users": []}')).toBe('the input is JSON without a "Content" string, so it is not what aws iam get-credential-report prints; '
        + 'get the report with aws iam get-credential-report --query Content --output text | base64 -d > report.csv');
      expect(parseError('{"Content": "not base64!"}')).toMatch(/^the "Content" of the get-credential-report JSON is not base64/);
      expect(parseError('{"Content": "dXNlcg==", "ReportFormat": "text/xml"}')).toMatch(/ReportFormat "text\/xml"; only text\/csv is supported/);
      expect(parseError('{ "Content": ')).toMatch(/^the input starts with '\{' but is not valid JSON/);
    });

    test('a malformed row inside the get-credential-report JSON names where it is', () => {
      const encoded = Buffer.from(fixture('malformed-field-count.csv')).toString('base64');
      expect(parseError(JSON.stringify({ Content: encoded }))).toBe(
        'line 3 of the Content of the get-credential-report JSON: expected 22 fields like the header, found 21');
    });

    test('CR-only line ends are named, with the fix', () => {
      expect(parseError(fixture('valid.csv').replace(/\n/g, '\r'))).toBe(
        'line 1: the lines of the input end with a carriage return alone (CR, classic Mac OS line ends), so the whole report '
        + "reads as one line; convert them to LF, e.g. tr '\\r' '\\n' < report.csv > report-lf.csv");
    });

    test('NUL characters (UTF-16 read as UTF-8, or binary) are named', () => {
      const utf16AsText = Buffer.from(fixture('valid.csv'), 'utf16le').toString('latin1');
      expect(parseError(utf16AsText)).toMatch(/^the input contains NUL characters \(the first at character 1\): it is UTF-16 text read as UTF-8, or binary data/);
    });

    test('a huge bad value is cut short in the message', () => {
      const message = parseError(`${HEADER}\n${row({ user: '<root_account>', mfa: 'x'.repeat(100_000) })}\n`);
      expect(message.length).toBeLessThan(300);
      expect(message).toMatch(/found 'x{80}\.\.\. \(99920 more characters\)'$/);
    });

    test('a single word that is neither CSV nor base64', () => {
      expect(parseError('hello world')).toMatch(/^line 1: missing required columns 'user', 'arn'/);
    });
  });
});

describe('CredentialReport.findings', () => {
  test('the sample report: one finding per problem, in report order', () => {
    const findings = CredentialReport.parse(fixture('valid.csv')).findings({ now: NOW });
    expect(summary(findings)).toEqual([
      'RootWithoutMfa <root_account> mfa',
      'RootAccessKeyPresent <root_account> access_key_1',
      'RootUsedRecently <root_account> password',
      'RootUsedRecently <root_account> access_key_1',
      'ConsoleUserWithoutMfa bob mfa',
      'UserWithoutMfa ci-deploy mfa',
      'AccessKeyNotRotated ci-deploy access_key_1',
      'UnusedCredential carol password',
      'AccessKeyNotRotated dave access_key_2',
      'UnusedCredential dave password',
      'UnusedCredential dave access_key_2',
    ]);
    expect(findings[6]).toEqual({
      type: CredentialFindingType.ACCESS_KEY_NOT_ROTATED,
      user: 'ci-deploy',
      arn: 'arn:aws:iam::123456789012:user/service/ci-deploy',
      credential: CredentialKind.ACCESS_KEY_1,
      detail: 'active access key 1 created 2023-11-01 (241 days ago), more than the 90-day maximum',
      lineNumber: 5,
    });
    expect(findings[9].detail).toBe('console password never used; set 2024-02-01 (150 days ago), more than the 90-day maximum');
  });

  test('the clean sample has none (a key exactly 90 days old included)', () => {
    expect(CredentialReport.parse(fixture('clean.csv')).findings({ now: NOW })).toEqual([]);
  });

  describe('MFA', () => {
    test('root user without MFA', () => {
      const findings = report({ user: '<root_account>', passwordEnabled: 'not_supported', mfa: 'false' }).findings({ now: NOW });
      expect(findings).toEqual([expect.objectContaining({
        type: CredentialFindingType.ROOT_WITHOUT_MFA, credential: CredentialKind.MFA, detail: 'the root user has no MFA device',
      })]);
    });

    test('console user without MFA (IAM.5), programmatic user without MFA (IAM_USER_MFA_ENABLED), and users with MFA', () => {
      const findings = report(
        { user: 'console', passwordEnabled: 'true', passwordLastUsed: daysAgo(1), passwordLastChanged: daysAgo(10), mfa: 'false' },
        { user: 'api', mfa: 'false' },
        { user: 'console-mfa', passwordEnabled: 'true', passwordLastUsed: daysAgo(1), passwordLastChanged: daysAgo(10), mfa: 'true' },
        { user: 'nothing', mfa: 'true' },
      ).findings({ now: NOW });
      expect(summary(findings)).toEqual(['ConsoleUserWithoutMfa console mfa', 'UserWithoutMfa api mfa']);
    });
  });

  describe('access key age', () => {
    test('active keys older than the maximum, either slot; exactly the maximum is compliant', () => {
      const findings = report(
        { user: 'old1', key1Active: 'true', key1Rotated: daysAgo(90, 1), key1Used: daysAgo(0) },
        { user: 'old2', key2Active: 'true', key2Rotated: daysAgo(400), key2Used: daysAgo(1) },
        { user: 'exact', key1Active: 'true', key1Rotated: daysAgo(90), key1Used: daysAgo(0) },
        { user: 'inactive', key1Active: 'false', key1Rotated: daysAgo(400), key1Used: daysAgo(300) },
      ).findings({ now: NOW });
      expect(summary(findings)).toEqual(['AccessKeyNotRotated old1 access_key_1', 'AccessKeyNotRotated old2 access_key_2']);
      expect(findings[0].detail).toBe('active access key 1 created 2024-03-31 (90 days ago), more than the 90-day maximum');
    });

    test('maxAccessKeyAge changes the boundary', () => {
      const r = report({ user: 'k', key1Active: 'true', key1Rotated: daysAgo(31), key1Used: daysAgo(0) });
      expect(r.findings({ now: NOW, maxAccessKeyAge: Duration.days(30) }).map(f => f.type)).toEqual([CredentialFindingType.ACCESS_KEY_NOT_ROTATED]);
      expect(r.findings({ now: NOW, maxAccessKeyAge: Duration.days(31) })).toEqual([]);
      expect(r.findings({ now: NOW, maxAccessKeyAge: Duration.hours(31 * 24 - 1) })[0].detail).toMatch(/more than the 30\.96-day maximum$/);
    });
  });

  describe('unused credentials', () => {
    test('a password last used longer ago than the maximum; exactly the maximum is compliant', () => {
      const findings = report(
        { user: 'stale', passwordEnabled: 'true', passwordLastUsed: daysAgo(90, 1), passwordLastChanged: daysAgo(200) },
        { user: 'edge', passwordEnabled: 'true', passwordLastUsed: daysAgo(90), passwordLastChanged: daysAgo(200) },
      ).findings({ now: NOW });
      expect(summary(findings)).toEqual(['UnusedCredential stale password']);
      expect(findings[0].detail).toBe('console password last used 2024-03-31 (90 days ago), more than the 90-day maximum');
    });

    test('a never-used password counts from when it was set, else from user creation', () => {
      const findings = report(
        { user: 'set-long-ago', passwordEnabled: 'true', passwordLastUsed: 'no_information', passwordLastChanged: daysAgo(91) },
        { user: 'set-recently', created: daysAgo(1000), passwordEnabled: 'true', passwordLastUsed: 'N/A', passwordLastChanged: daysAgo(5) },
        { user: 'no-dates', created: daysAgo(120), passwordEnabled: 'true', passwordLastUsed: 'N/A', passwordLastChanged: 'N/A' },
      ).findings({ now: NOW });
      expect(summary(findings)).toEqual(['UnusedCredential set-long-ago password', 'UnusedCredential no-dates password']);
      expect(findings[1].detail).toBe('console password never used; set 2024-03-02 (120 days ago), more than the 90-day maximum');
    });

    test('active keys unused or never used; inactive keys and disabled passwords are not findings', () => {
      const findings = report(
        { user: 'used-long-ago', key1Active: 'true', key1Rotated: daysAgo(30), key1Used: daysAgo(91) },
        { user: 'never-used-new', key2Active: 'true', key2Rotated: daysAgo(30) },
        { user: 'never-used-old', key2Active: 'true', key2Rotated: daysAgo(91), key1Active: 'false', key1Rotated: daysAgo(500) },
        { user: 'disabled-password', passwordEnabled: 'false', passwordLastUsed: daysAgo(300) },
      ).findings({ now: NOW, maxAccessKeyAge: Duration.days(365) });
      expect(summary(findings)).toEqual(['UnusedCredential used-long-ago access_key_1', 'UnusedCredential never-used-old access_key_2']);
      expect(findings[1].detail).toBe('active access key 2 never used; created 2024-03-31 (91 days ago), more than the 90-day maximum');
    });

    test('maxUnusedAge changes the boundary (CIS v1.4 asks 45 days)', () => {
      const r = report({ user: 'u', passwordEnabled: 'true', passwordLastUsed: daysAgo(50), passwordLastChanged: daysAgo(60) });
      expect(r.findings({ now: NOW })).toEqual([]);
      expect(summary(r.findings({ now: NOW, maxUnusedAge: Duration.days(45) }))).toEqual(['UnusedCredential u password']);
    });
  });

  describe('root user', () => {
    const root = { user: '<root_account>', passwordEnabled: 'not_supported', passwordLastChanged: 'not_supported' };

    test('active root access keys in either slot; inactive ones are not findings', () => {
      const findings = report({ ...root, key1Active: 'true', key1Rotated: daysAgo(10), key2Active: 'true', key2Rotated: daysAgo(2000) })
        .findings({ now: NOW });
      expect(summary(findings)).toEqual(['RootAccessKeyPresent <root_account> access_key_1', 'RootAccessKeyPresent <root_account> access_key_2']);
      expect(report({ ...root, key1Active: 'false' }).findings({ now: NOW })).toEqual([]);
    });

    test('root keys are not also reported as old or unused user keys', () => {
      const findings = report({ ...root, key1Active: 'true', key1Rotated: daysAgo(2000) }).findings({ now: NOW });
      expect(findings.map(f => f.type)).toEqual([CredentialFindingType.ROOT_ACCESS_KEY_PRESENT]);
    });

    test('root password or key used within the window (inclusive), not before', () => {
      const findings = report({ ...root, passwordLastUsed: daysAgo(90), key1Used: daysAgo(3), key2Used: daysAgo(90, 1) })
        .findings({ now: NOW });
      expect(summary(findings)).toEqual(['RootUsedRecently <root_account> password', 'RootUsedRecently <root_account> access_key_1']);
      expect(findings[0].detail).toBe('the root password was used 2024-04-01 (90 days ago), within the 90-day window');
    });

    test('rootUsageWindow changes the window', () => {
      const r = report({ ...root, passwordLastUsed: daysAgo(8) });
      expect(r.findings({ now: NOW, rootUsageWindow: Duration.days(7) })).toEqual([]);
      expect(r.findings({ now: NOW, rootUsageWindow: Duration.days(8) })).toHaveLength(1);
    });

    test('a root user that never signed in is fine', () => {
      expect(report({ ...root, passwordLastUsed: 'no_information' }).findings({ now: NOW })).toEqual([]);
    });
  });

  test('dates after `now` are not ages (clock skew) and read as 0 days ago', () => {
    const findings = report(
      { user: '<root_account>', passwordLastUsed: daysAgo(-1) },
      { user: 'future', key1Active: 'true', key1Rotated: daysAgo(-5), key1Used: daysAgo(-1) },
    ).findings({ now: NOW });
    expect(summary(findings)).toEqual(['RootUsedRecently <root_account> password']);
    expect(findings[0].detail).toMatch(/\(0 days ago\)/);
  });

  describe('an unknown flag is a finding, not a pass', () => {
    test.each([
      ['mfa_active blank', { mfa: '' }, 'mfa', 'MFA status unknown: mfa_active is blank instead of true or false, so MFA was not checked'],
      ['mfa_active N/A', { mfa: 'N/A' }, 'mfa', "MFA status unknown: mfa_active is 'N/A' instead of true or false, so MFA was not checked"],
      ['password_enabled blank', { passwordEnabled: ' ' }, 'password',
        'console password status unknown: password_enabled is blank instead of true or false, so whether the console password is unused or lacks MFA was not checked'],
      ['access_key_1_active no_information', { key1Active: 'no_information', key1Rotated: '2020-01-01T00:00:00Z' }, 'access_key_1',
        "access key 1 status unknown: access_key_1_active is 'no_information' instead of true or false, so whether access key 1 is old or unused was not checked"],
      ['access_key_2_active not_supported', { key2Active: 'not_supported' }, 'access_key_2',
        "access key 2 status unknown: access_key_2_active is 'not_supported' instead of true or false, so whether access key 2 is old or unused was not checked"],
    ])('%s', (_name, values, credential, detail) => {
      const findings = report({ user: 'u', ...values }).findings({ now: NOW });
      expect(findings).toEqual([{
        type: CredentialFindingType.CREDENTIAL_STATUS_UNKNOWN,
        user: 'u',
        arn: 'arn:aws:iam::123456789012:user/u',
        credential,
        detail,
        lineNumber: 3,
      }]);
    });

    test('no MFA and an unknown password status: both said, and the MFA finding does not claim there is no password', () => {
      const findings = report({ user: 'u', mfa: 'false', passwordEnabled: '' }).findings({ now: NOW });
      expect(findings.map(f => `${f.type}: ${f.detail}`)).toEqual([
        expect.stringMatching(/^CredentialStatusUnknown: console password status unknown/),
        'UserWithoutMfa: no MFA device (console password status unknown)',
      ]);
    });

    test('the root user: unknown MFA and key status are findings; its password_enabled (always not_supported) is not', () => {
      const findings = report({ user: ROOT, passwordEnabled: 'not_supported', mfa: '', key1Active: 'N/A' }).findings({ now: NOW });
      expect(findings.map(f => `${f.type} ${f.credential}`)).toEqual(['CredentialStatusUnknown mfa', 'CredentialStatusUnknown access_key_1']);
      expect(findings[1].detail).toBe(
        "access key 1 status unknown: access_key_1_active is 'N/A' instead of true or false, so whether the root user has access key 1 was not checked");
      expect(report({ ...QUIET_ROOT }).findings({ now: NOW })).toEqual([]);
    });

    test('a value that is not a flag at all is still a parse error', () => {
      expect(parseError(`${HEADER}\n${row({ mfa: 'yes' })}\n`)).toBe("line 2: column 'mfa_active' must be true or false, found 'yes'");
    });
  });

  describe('bad options', () => {
    const r = report({});
    test.each([
      ['maxAccessKeyAge', { maxAccessKeyAge: Duration.days(0) }, /maxAccessKeyAge must be longer than zero, got 0 days/],
      ['maxUnusedAge', { maxUnusedAge: Duration.seconds(0) }, /maxUnusedAge must be longer than zero/],
      ['rootUsageWindow', { rootUsageWindow: Duration.days(Lazy.number({ produce: () => 3 })) }, /rootUsageWindow must be a concrete duration, not a deploy-time token/],
    ])('%s', (_name, options, message) => {
      expect(() => r.findings({ now: NOW, ...options })).toThrow(message);
    });

    test('an invalid now', () => {
      expect(() => r.findings({ now: new Date('not a date') })).toThrow(
        /now must be a valid Date \(from Python, a timezone-aware datetime\), got Invalid Date/);
    });

    test('without now (or without options), the current time', () => {
      const k = report({ user: 'k', key1Active: 'true', key1Rotated: new Date(Date.now() - 91 * 86_400_000).toISOString(), key1Used: new Date().toISOString() });
      expect(summary(k.findings())).toEqual(['AccessKeyNotRotated k access_key_1']);
      expect(summary(k.findings({ maxAccessKeyAge: Duration.days(92) }))).toEqual([]);
    });
  });
});
