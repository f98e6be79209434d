// Through the real aws-cdk CLI: error-level findings of IamBestPracticesChecks fail `cdk synth`,
// warning-level findings are printed but fail only `cdk synth --strict`, and an acknowledgment
// (bare or namespaced) lets synthesis pass. The app is test/integ/fixtures/cli-app/app.ts.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const fixture = path.join(__dirname, 'fixtures', 'cli-app');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
const outdirs: string[] = [];

interface Run { readonly status: number | null; readonly output: string; readonly outdir: string }

function synth(scenario: string, ...extra: string[]): Run {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `guardrails-cli-${scenario}-`));
  outdirs.push(outdir);
  const result = spawnSync(cdk,
    ['synth', '--no-notices', ...extra, '-c', `scenario=${scenario}`,
      '--app', 'npx ts-node --transpile-only --prefer-ts-exts app.ts', '--output', outdir],
    { cwd: fixture, encoding: 'utf-8', timeout: 300_000, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', FORCE_COLOR: '0' } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, outdir };
}

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

const TIMEOUT = 300_000;

test('an app without findings synthesizes (exit 0)', () => {
  const run = synth('clean');
  expect(run.status).toBe(0);
  expect(run.output).not.toContain('IamBestPractices-');
}, TIMEOUT);

describe('an error-level finding', () => {
  test('fails cdk synth and names the rule and the finding', () => {
    const run = synth('error');
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('IamBestPractices-LP1[Action::*]');
    expect(run.output).toContain('CliExitCodes/Admin/DefaultPolicy/Resource');
  }, TIMEOUT);

  test('passes once acknowledged by its bare id', () => {
    const run = synth('error-acknowledged');
    expect(run.status).toBe(0);
    expect(run.output).not.toContain('IamBestPractices-LP1');
  }, TIMEOUT);

  test('passes once acknowledged by the id CDK prints (namespaced by the plugin)', () => {
    expect(synth('error-acknowledged-namespaced').status).toBe(0);
  }, TIMEOUT);
});

describe('a warning-level finding', () => {
  test('is printed but does not fail a plain cdk synth', () => {
    const run = synth('warning');
    expect(run.status).toBe(0);
    expect(run.output).toContain('IamBestPractices-ID6');
    expect(run.output).toContain('CliExitCodes/Unbounded/Resource');
  }, TIMEOUT);

  test('fails cdk synth --strict', () => {
    const run = synth('warning', '--strict');
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('IamBestPractices-ID6');
  }, TIMEOUT);

  test('passes cdk synth --strict once acknowledged', () => {
    const run = synth('warning-acknowledged', '--strict');
    expect(run.status).toBe(0);
    expect(run.output).not.toContain('IamBestPractices-ID6');
  }, TIMEOUT);
});

describe('patterns from real apps that crashed, hung or blinded earlier releases', () => {
  let run: Run;
  let reported: string[];
  beforeAll(() => {
    const started = Date.now();
    run = synth('real-patterns');
    type Violation = { ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> };
    reported = (JSON.parse(fs.readFileSync(path.join(run.outdir, 'validation-report.json'), 'utf-8')) as {
      pluginReports: Array<{ pluginName: string; violations: Violation[] }>;
    }).pluginReports.filter(p => p.pluginName === 'IamBestPractices')
      .flatMap(p => p.violations.flatMap(v => v.violatingConstructs.map(c => `${v.severity} ${v.ruleName} @ ${c.constructPath}`)));
    expect(Date.now() - started).toBeLessThan(TIMEOUT);
  }, TIMEOUT);

  test('synthesis finishes and fails on the errors (the IRSA role used to exhaust the heap)', () => {
    expect(run.status).toBe(1);
    expect(run.output).not.toMatch(/heap out of memory|Rule threw/);
    expect(reported.filter(r => r.includes('/Irsa/'))).toEqual([]);
  });

  test('the wildcard pair is analysed (it used to hang) and s3:* on it is an error', () => {
    expect(reported).toContain('error IamBestPractices-LP2[Action::s3:*] @ CliExitCodes/WildcardPair/Resource');
  });

  test('Action * behind Fn::If is found, and the message names the condition', () => {
    expect(reported).toContain('error IamBestPractices-LP1[Action::*] @ CliExitCodes/Conditional');
    expect(run.output).toContain('Only when condition IsProd is true.');
  });

  test('a stack in a nested Stage is checked once, with its service trust warning', () => {
    expect(reported.filter(r => r.includes('Prod/Service/Api/'))).toEqual([
      'warning IamBestPractices-TR5[Principal::ecs-tasks.amazonaws.com] @ Prod/Service/Api/Task/Resource',
    ]);
  });
});
