// The pull-request review commands end to end, with the built CLI (lib/cli/main.js) on apps the
// real aws-cdk CLI synthesized: `scan` of examples/secure-account (table, JSON, SARIF validated
// against the SARIF 2.1.0 schema), and `diff` between it and a changed copy
// (test/integ/fixtures/review-change).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import '@microsoft/jest-sarif';

const root = path.resolve(__dirname, '..', '..');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
const main = path.join(root, 'lib', 'cli', 'main.js');
const TIMEOUT = 600_000;
let base: string;
let changed: string;

function synth(dir: string, outdir: string): void {
  const run = spawnSync(cdk, ['synth', '--no-notices', '--quiet', '--app', 'npx ts-node --transpile-only --prefer-ts-exts app.ts', '--output', outdir],
    { cwd: dir, encoding: 'utf-8', timeout: TIMEOUT, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [main, ...args], { encoding: 'utf-8', timeout: TIMEOUT, maxBuffer: 256 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-review-'));
  base = path.join(tmp, 'base');
  changed = path.join(tmp, 'changed');
  synth(path.join(root, 'examples', 'secure-account'), base);
  synth(path.join(root, 'test', 'integ', 'fixtures', 'review-change'), changed);
}, 2 * TIMEOUT);

interface Finding { id: string; level: string; acknowledged?: { id: string; reason: string } }

describe('scan', () => {
  test('the example passes: no open finding, every acknowledgment listed with its reason', () => {
    const run = cli('scan', base, '--format', 'json', '--fail-on', 'warning');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const findings: Finding[] = JSON.parse(run.stdout).findings;
    expect(findings.filter(f => !f.acknowledged)).toEqual([]);
    const waived = findings.filter(f => f.acknowledged);
    expect(waived.map(f => f.id)).toContain('IamBestPractices-LP15[Policy::SecurityAudit]');
    for (const f of waived) expect(f.acknowledged!.reason.length).toBeGreaterThan(20);
  }, TIMEOUT);

  test('SARIF for code scanning: valid SARIF 2.1.0, acknowledged findings suppressed with the reason', () => {
    const log = JSON.parse(cli('scan', base, '--format', 'sarif').stdout);
    expect(log).toBeValidSarifLog();
    const results = log.runs[0].results as Array<{ suppressions?: Array<{ justification: string }> }>;
    expect(results.length).toBeGreaterThan(0);
    expect(results.every(r => r.suppressions?.[0].justification.startsWith('Acknowledged as '))).toBe(true);
  }, TIMEOUT);

  test('the changed app fails the scan with the new errors named', () => {
    const run = cli('scan', changed);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^ERROR IamBestPractices-LP6\[Action::iam:PassRole\]$/m);
  }, TIMEOUT);
});

describe('diff', () => {
  test('the change in a pull-request comment: the new escalation path and findings first, then the app role\'s new write', () => {
    const run = cli('diff', base, changed, '--format', 'markdown');
    expect(run.status).toBe(1);
    expect(run.stdout.indexOf('### New findings')).toBeLessThan(run.stdout.indexOf('### New privilege-escalation paths'));
    expect(run.stdout).toMatch(/- \*\*SecureAccount\/Deployer[0-9A-F]{8}\*\*: iam:PassRole \+ lambda:CreateFunction \+ lambda:InvokeFunction/);
    expect(run.stdout).toMatch(/#### SecureAccount\/AppRole[0-9A-F]{8} \(role, changed\)[\s\S]*?\| \+ \| s3 \| Write \| s3:PutObject \| `arn:aws:s3:::my-bucket\/specific-path\/\*` \|/);
  }, TIMEOUT);

  test('an unchanged app: nothing to report, exit 0', () => {
    const run = cli('diff', base, base);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^0 new findings \(0 errors\), 0 new escalation paths/);
  }, TIMEOUT);
});
