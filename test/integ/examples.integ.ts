// The two example apps through the real aws-cdk CLI, as a pipeline would run them:
// examples/insecure-app must fail `cdk synth` and name every mistake by rule id;
// examples/secure-account (every construct of the library, under IamBestPracticesChecks and
// AwsSolutionsChecks) must synthesize, even with --strict (no unacknowledged warning either).
// examples/organization (OrganizationGuardrails, same packs) must too, and cfn-lint its StackSet's inner template.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
const outdirs: string[] = [];
const TIMEOUT = 600_000;

function synth(example: string, ...extra: string[]): { status: number | null; output: string; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `guardrails-${example}-`));
  outdirs.push(outdir);
  const result = spawnSync(cdk,
    ['synth', '--no-notices', ...extra, '--app', 'npx ts-node --transpile-only --prefer-ts-exts app.ts', '--output', outdir],
    {
      cwd: path.join(root, 'examples', example),
      encoding: 'utf-8',
      timeout: TIMEOUT,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', FORCE_COLOR: '0' },
    });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, outdir };
}

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('examples/insecure-app', () => {
  let run: ReturnType<typeof synth>;
  beforeAll(() => { run = synth('insecure-app'); }, TIMEOUT);

  test('fails cdk synth', () => {
    expect(run.status).not.toBe(0);
  });

  test.each([
    ['IamBestPractices-LP1[Action::*]', 'Allow * on the partner admin role'],
    ['IamBestPractices-LP2[Action::s3:*]', 's3:* on every resource for the CI user'],
    ['IamBestPractices-LP6[Action::iam:PassRole]', 'PassRole on every role'],
    ['IamBestPractices-PE2[Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction]', 'PassRole + Lambda escalation'],
    ['IamBestPractices-ID2[User::', 'a policy attached to a user'],
    ['IamBestPractices-ID3', 'a user in no group'],
    ['IamBestPractices-ID4', 'an access key'],
    ['IamBestPractices-ID5[LoginProfile::LiteralPassword]', 'a literal console password'],
    ['IamBestPractices-TR2[Principal::arn:<AWS::Partition>:iam::222222222222:root]', 'another account trusted without external id or MFA'],
    ['IamBestPractices-TR3[Principal::', 'GitHub OIDC trust without a sub condition'],
  ])('reports %s (%s)', (ruleId) => {
    expect(run.output).toContain(ruleId);
  });
});

describe('examples/secure-account', () => {
  let run: ReturnType<typeof synth>;
  beforeAll(() => { run = synth('secure-account', '--strict'); }, TIMEOUT);

  test('synthesizes with both packs, even with --strict', () => {
    expect({ status: run.status, output: run.status === 0 ? '' : run.output }).toEqual({ status: 0, output: '' });
    expect(run.output).not.toMatch(/IamBestPractices-|AwsSolutions-/);
    expect(fs.existsSync(path.join(run.outdir, 'SecureAccount.template.json'))).toBe(true);
  });

  test('its template has no cfn-lint errors', () => {
    // cfn-lint comes from the integration virtualenv (test/integ/setup-python.sh). Exit status is a
    // bit mask: 2 = errors, 4 = warnings, 8 = informational.
    const lint = spawnSync(path.join(root, '.venv-integ', 'bin', 'cfn-lint'),
      [path.join(run.outdir, 'SecureAccount.template.json')], { encoding: 'utf-8', timeout: TIMEOUT });
    expect(lint.error).toBeUndefined();
    const hasErrors = Math.floor((lint.status ?? 2) / 2) % 2 === 1;
    expect({ hasErrors, output: lint.stdout }).toEqual({ hasErrors: false, output: expect.any(String) });
  }, TIMEOUT);
});

describe('examples/organization', () => {
  let run: ReturnType<typeof synth>;
  beforeAll(() => { run = synth('organization', '--strict'); }, TIMEOUT);

  test('synthesizes with both packs, even with --strict', () => {
    expect({ status: run.status, output: run.status === 0 ? '' : run.output }).toEqual({ status: 0, output: '' });
    expect(run.output).not.toMatch(/IamBestPractices-|AwsSolutions-/);
    expect(fs.existsSync(path.join(run.outdir, 'Organization.template.json'))).toBe(true);
  });

  test('its template and the StackSet\'s inner template have no cfn-lint errors', () => {
    const outer = path.join(run.outdir, 'Organization.template.json');
    const template = JSON.parse(fs.readFileSync(outer, 'utf-8'));
    const stackSet = Object.values(template.Resources as { [id: string]: any }).find((r) => r.Type === 'AWS::CloudFormation::StackSet');
    const inner = path.join(run.outdir, 'BaselineStackSet.template.json');
    fs.writeFileSync(inner, stackSet.Properties.TemplateBody);
    for (const file of [outer, inner]) {
      const lint = spawnSync(path.join(root, '.venv-integ', 'bin', 'cfn-lint'), [file], { encoding: 'utf-8', timeout: TIMEOUT });
      expect(lint.error).toBeUndefined();
      const hasErrors = Math.floor((lint.status ?? 2) / 2) % 2 === 1;
      expect({ file, hasErrors, output: lint.stdout }).toEqual({ file, hasErrors: false, output: expect.any(String) });
    }
  }, TIMEOUT);
});
