// The Python wheel, for real: the app in examples/python runs in a virtualenv that has only the
// wheel jsii-pacmak built plus aws-cdk-lib and cdk-nag from the Python registry, synthesized by the
// real CDK CLI. `npx projen integ` prepares the virtualenv (test/integ/setup-python.sh).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';

const root = path.resolve(__dirname, '..', '..');
const python = path.join(root, '.venv-integ', 'bin', 'python');
const exampleDir = path.join(root, 'examples', 'python');

let outdir: string;
let synth: ReturnType<typeof spawnSync>;
let template: Template;

beforeAll(() => {
  expect(fs.existsSync(python)).toBe(true);
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-py-'));
  synth = spawnSync(path.join(root, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '--app', `${python} app.py`, '--output', outdir],
    {
      cwd: exampleDir,
      encoding: 'utf-8',
      env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', CDK_DISABLE_VERSION_CHECK: '1' },
      timeout: 600_000,
    });
  if (synth.status === 0) {
    template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, 'SecureAccountPy.template.json'), 'utf-8')));
  }
}, 660_000);

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('the Python app synthesizes through the CLI with AwsSolutionsChecks registered', () => {
  expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({ status: 0, stderr: '' });
});

test('the wheel installed in the virtualenv is the one jsii-pacmak built here', () => {
  const show = spawnSync(python, ['-c', 'import cdk_iam_guardrails, os; print(os.path.dirname(cdk_iam_guardrails.__file__))'], { encoding: 'utf-8' });
  expect(show.status).toBe(0);
  expect(show.stdout.trim()).toContain(path.join('.venv-integ', 'lib'));
});

test('the password policy custom resource carries the guide defaults', () => {
  template.hasResourceProperties('Custom::StrictPasswordPolicy', {
    Create: Match.stringLikeRegexp('"action":"UpdateAccountPasswordPolicy".*"MinimumPasswordLength":14'),
  });
});

test('the group carries the force-MFA deny', () => {
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny',
        NotAction: Match.arrayWith(['sts:GetSessionToken']),
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      })]),
    },
    Groups: Match.anyValue(),
  });
});

test('the role has a permissions boundary and a one-hour session', () => {
  template.hasResourceProperties('AWS::IAM::Role', {
    PermissionsBoundary: Match.anyValue(),
    MaxSessionDuration: 3600,
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
    },
  });
});

test('the trail is multi-region with log file validation and the root-usage alarm reads it', () => {
  template.hasResourceProperties('AWS::CloudTrail::Trail', {
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    EnableLogFileValidation: true,
    KMSKeyId: Match.anyValue(),
    CloudWatchLogsLogGroupArn: Match.anyValue(),
  });
  template.hasResourceProperties('AWS::Logs::MetricFilter', {
    FilterPattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  });
});
