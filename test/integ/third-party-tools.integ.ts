// Other people's tools on what the library deploys: the kitchen-sink app (every construct, with
// its defaults and with every optional feature on, and the stack of examples/secure-account:
// test/integ/fixtures/kitchen-sink/app.ts) is synthesized with every rule pack, and its templates go through
// cfn-lint and checkov (one run over the directory), versions pinned in test/integ/requirements.txt
// (checkov in test/integ/requirements-checkov.txt) and installed by test/integ/setup-python.sh.
//
// - cdk-nag's AwsSolutions, NIST 800-53 rev 5, HIPAA Security and PCI DSS 3.2.1 packs and our
//   IamBestPracticesChecks: synthesis succeeds, no finding unacknowledged, not even a warning;
// - cfn-lint: no error, no warning except the rules test/integ/cfn-lint.yaml ignores with a reason;
// - checkov (framework cloudformation): no failed check; every skip carries its reason.
//
// (examples/python is the same account as examples/secure-account through the Python bindings;
// synthesizing it through jsii costs a minute more and adds no template this test lacks.
// test/integ/examples.integ.ts runs examples/secure-account as its own app, through the cdk CLI.)
//
// Run: npx jest --coverage=false --testPathIgnorePatterns /node_modules/ \
//        --testMatch '<rootDir>/test/integ/third-party-tools.integ.ts'
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const VENV_BIN = path.join(ROOT, '.venv-integ', 'bin');
const TIMEOUT = 600_000;
jest.setTimeout(TIMEOUT);

const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-third-party-'));
const templates = path.join(workdir, 'templates');

interface Synth {
  readonly status: number | null;
  readonly output: string;
  readonly outdir: string;
}

/** Runs an app with ts-node, as `cdk synth` would (CDK_OUTDIR), and copies its templates. */
function synth(name: string, appFile: string): Synth {
  const outdir = path.join(workdir, name);
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--prefer-ts-exts', path.basename(appFile)], {
    cwd: path.dirname(appFile),
    encoding: 'utf-8',
    timeout: TIMEOUT,
    env: { ...process.env, CDK_OUTDIR: outdir, FORCE_COLOR: '0' },
  });
  fs.mkdirSync(templates, { recursive: true });
  for (const file of fs.existsSync(outdir) ? fs.readdirSync(outdir) : []) {
    if (file.endsWith('.template.json')) fs.copyFileSync(path.join(outdir, file), path.join(templates, `${name}-${file}`));
  }
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, outdir };
}

/** Rule ids in the error and warning annotations of a cloud assembly (what `cdk synth --strict` refuses). */
function annotations(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  const out: string[] = [];
  for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
    for (const [constructPath, entries] of Object.entries<any[]>(artifact.metadata ?? {})) {
      for (const entry of entries) {
        if (entry.type === 'aws:cdk:error' || entry.type === 'aws:cdk:warning') out.push(`${constructPath} ${entry.type}: ${String(entry.data).slice(0, 300)}`);
      }
    }
  }
  return out;
}

/** Violations the validation plugins (the rule packs) reported, by pack and rule. */
function violations(outdir: string): string[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  return (report.pluginReports ?? []).flatMap((plugin: any) => (plugin.violations ?? []).flatMap((v: any) =>
    (v.violatingConstructs ?? []).map((c: any) => `${plugin.pluginName} ${v.ruleName} ${c.constructPath}`)));
}

let kitchenSink: Synth;

beforeAll(() => {
  kitchenSink = synth('kitchen-sink', path.join(ROOT, 'test', 'integ', 'fixtures', 'kitchen-sink', 'app.ts'));
});

afterAll(() => {
  fs.rmSync(workdir, { recursive: true, force: true });
});

describe('rule packs at synth time', () => {
  test('the kitchen sink synthesizes with every pack: no unacknowledged finding, no warning', () => {
    expect({ status: kitchenSink.status, violations: violations(kitchenSink.outdir), output: kitchenSink.status === 0 ? '' : kitchenSink.output })
      .toEqual({ status: 0, violations: [], output: '' });
    expect(annotations(kitchenSink.outdir)).toEqual([]);
  });

  test('the kitchen sink has its four stacks and every construct', () => {
    const files = fs.readdirSync(templates).sort();
    expect(files).toEqual([
      'kitchen-sink-KitchenSinkAllFeatures.template.json',
      'kitchen-sink-KitchenSinkDefaults.template.json',
      'kitchen-sink-OrganizationExample.template.json',
      'kitchen-sink-SecureAccountExample.template.json',
    ]);
    const types = new Set(files.flatMap(f => Object.values<any>(JSON.parse(fs.readFileSync(path.join(templates, f), 'utf-8')).Resources).map(r => r.Type)));
    for (const type of [
      'AWS::CloudTrail::Trail', 'AWS::Config::ConfigurationRecorder', 'AWS::Config::ConfigRule', 'AWS::AccessAnalyzer::Analyzer',
      'AWS::CloudWatch::Alarm', 'AWS::Events::Rule', 'AWS::Lambda::Function', 'Custom::StrictPasswordPolicy', 'AWS::IAM::Group',
      'AWS::Organizations::Policy', 'AWS::CloudFormation::StackSet', 'AWS::Config::OrganizationConfigRule',
    ]) expect(types).toContain(type);
  });
});

describe('cfn-lint', () => {
  test('no error and no warning beyond the reasoned ignores of test/integ/cfn-lint.yaml', () => {
    const files = fs.readdirSync(templates).map(f => path.join(templates, f));
    const lint = spawnSync(path.join(VENV_BIN, 'cfn-lint'), ['--config-file', path.join(ROOT, 'test', 'integ', 'cfn-lint.yaml'), '--', ...files], {
      encoding: 'utf-8', timeout: TIMEOUT,
    });
    expect(lint.error).toBeUndefined();
    // Exit status is a bit mask: 2 = errors, 4 = warnings, 8 = informational.
    expect({ status: lint.status, output: lint.stdout.trim() }).toEqual({ status: 0, output: '' });
  });
});

describe('checkov', () => {
  let report: any;
  beforeAll(() => {
    const run = spawnSync(path.join(ROOT, '.venv-checkov', 'bin', 'checkov'),
      ['--directory', templates, '--framework', 'cloudformation', '--output', 'json', '--compact', '--skip-download'], {
        encoding: 'utf-8',
        timeout: TIMEOUT,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' },
      });
    expect(run.error).toBeUndefined();
    const parsed = JSON.parse(run.stdout);
    report = Array.isArray(parsed) ? parsed.find(r => r.check_type === 'cloudformation') : parsed;
  });

  test('checked every resource of every template', () => {
    expect(report.summary.resource_count).toBeGreaterThan(100);
    expect(report.summary.passed).toBeGreaterThan(100);
  });

  test('no failed check', () => {
    const failed = report.results.failed_checks.map((f: any) => `${f.check_id} ${f.resource} (${path.basename(f.file_path)})`);
    expect(failed).toEqual([]);
  });

  test('every skip says why', () => {
    const unexplained = report.results.skipped_checks
      .filter((s: any) => !(s.check_result?.suppress_comment ?? '').trim() || s.check_result.suppress_comment === 'No comment provided')
      .map((s: any) => `${s.check_id} ${s.resource}`);
    expect(unexplained).toEqual([]);
    expect(report.results.skipped_checks.length).toBeGreaterThan(0);
  });
});
