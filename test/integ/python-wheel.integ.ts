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
    ['synth', '--strict', '--quiet', '--no-notices', '--app', `${python} app.py`, '--output', outdir],
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

test('the Python app synthesizes through the CLI under IamBestPracticesChecks and AwsSolutionsChecks, even with --strict', () => {
  expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({ status: 0, stderr: '' });
});

test('the wheel installed in the virtualenv is the one jsii-pacmak built here', () => {
  const show = spawnSync(python, ['-c', 'import cdk_iam_guardrails, os; print(os.path.dirname(cdk_iam_guardrails.__file__))'], { encoding: 'utf-8' });
  expect(show.status).toBe(0);
  expect(show.stdout.trim()).toContain(path.join('.venv-integ', 'lib'));
});

test('the password policy custom resource carries the guide defaults', () => {
  template.hasResourceProperties('Custom::StrictPasswordPolicy', {
    Policy: {
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 24,
      HardExpiry: true,
    },
    KeepStricterSettings: false,
    RemovalPolicy: 'retain',
  });
});

test('the group carries the force-MFA deny', () => {
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny',
        NotAction: Match.arrayWith(['sts:GetSessionToken']),
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      })]),
    },
  });
  template.hasResourceProperties('AWS::IAM::Group', { GroupName: 'Developers' });
});

test('roles and the developer carry a permissions boundary; roles have one-hour sessions', () => {
  template.hasResourceProperties('AWS::IAM::Role', {
    PermissionsBoundary: Match.anyValue(),
    MaxSessionDuration: 3600,
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
    },
  });
  template.hasResourceProperties('AWS::IAM::User', { UserName: 'developer', PermissionsBoundary: Match.anyValue() });
});

test('the trail is multi-region with log file validation, and the CIS alarms read it', () => {
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
  // 14 baseline alarms (all but root usage), the root-usage alarm, billing and the audit's failure alarm.
  template.resourceCountIs('AWS::Logs::MetricFilter', 15);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Statistic: 'Sum',
    Period: 300,
    Threshold: 1,
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  });
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: Match.objectLike({ detail: Match.objectLike({ userIdentity: { type: ['Root'] } }) }),
  });
});

test('the baseline parts are all there: analyzers, Config rules, billing alarm, one alert topic', () => {
  template.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 2);
  template.hasResourceProperties('AWS::Config::ConfigRule', {
    Source: { Owner: 'AWS', SourceIdentifier: 'IAM_PASSWORD_POLICY' },
    InputParameters: Match.objectLike({ MinimumPasswordLength: '14' }),
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Billing', Threshold: 200 });
  template.resourceCountIs('AWS::SNS::Topic', 1);
});

test('the credential-audit Lambda bundle ships inside the wheel and reaches the cloud assembly', () => {
  const fn = Object.values(template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('credential report') },
  }));
  expect(fn).toHaveLength(1);
  const assetPath = fn[0].Metadata['aws:asset:path'];
  const bundle = path.join(outdir, assetPath, 'index.js');
  expect(fs.existsSync(bundle)).toBe(true);
  expect(fs.readFileSync(bundle, 'utf-8')).toContain('GenerateCredentialReport');
});

test('the wheel installs the cdk-iam-guardrails command, which runs the credential-report CLI', () => {
  const run = spawnSync(path.join(root, '.venv-integ', 'bin', 'cdk-iam-guardrails'),
    ['credential-report', path.join(root, 'test', 'fixtures', 'credential-reports', 'valid.csv'),
      '--format', 'json', '--now', '2026-11-01T00:00:00Z'],
    { encoding: 'utf-8', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  expect(run.status).toBe(1);
  const output = JSON.parse(run.stdout);
  const findings: Array<{ type: string; user: string }> = Array.isArray(output) ? output : output.findings;
  expect(findings).toEqual(expect.arrayContaining([
    expect.objectContaining({ type: 'RootAccessKeyPresent', user: '<root_account>' }),
    expect.objectContaining({ type: 'ConsoleUserWithoutMfa', user: 'bob' }),
  ]));
});

test('CredentialReport.findings from Python: an aware datetime or none; a naive one is refused by jsii with a clear TypeError', () => {
  // jsii's Python runtime refuses a naive datetime before the call reaches the library (it cannot
  // tell which instant it means); the docstring of `now` says so and shows the fix.
  const script = [
    'import datetime, sys',
    'from cdk_iam_guardrails import CredentialReport',
    'report = CredentialReport.parse(open(sys.argv[1]).read())',
    'aware = report.findings(now=datetime.datetime(2024, 6, 30, tzinfo=datetime.timezone.utc))',
    'print(len(aware), aware[0].type.name, aware[0].line_number)',
    'print(len(report.findings()) >= len(aware))',
    'try:',
    '    report.findings(now=datetime.datetime(2024, 6, 30))',
    "    print('naive accepted')",
    'except TypeError as e:',
    "    print('TypeError:', e)",
  ].join('\n');
  const run = spawnSync(python, ['-c', script, path.join(root, 'test', 'fixtures', 'credential-reports', 'valid.csv')],
    { encoding: 'utf-8', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  const lines = run.stdout.trim().split('\n');
  expect({ first: lines[0], stderr: lines[0] === '11 ROOT_WITHOUT_MFA 2' ? '' : run.stderr }).toEqual({ first: '11 ROOT_WITHOUT_MFA 2', stderr: '' });
  expect(lines[1]).toBe('True');
  expect(lines[2]).toMatch(/^TypeError: Naive datetimes are not supported/);
});
