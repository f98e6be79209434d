import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import '@microsoft/jest-sarif';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { runCli } from '../../src/cli/cli';
import { CommandIo } from '../../src/cli/credential-report-command';
import { IamBestPracticesChecks } from '../../src/packs';

const PASS_ROLE = 'IamBestPractices-LP6[Action::iam:PassRole]';
const ALL_ACTIONS = 'IamBestPractices-LP1[Action::*]';
const REASON = 'The deployer passes the roles of this pipeline only; ticket SEC-42.';

interface Run { status: number; stdout: string; stderr: string }

async function scan(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    stdout: t => out.push(t),
    stderr: t => err.push(t),
    readFile: async p => fs.promises.readFile(p),
    readStdin: async () => '',
  };
  const status = await runCli(['scan', ...args], io);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

/** An app with an error (Action "*"), an acknowledged finding (PassRole on "*") and a clean role. */
function buildApp(outdir: string): App {
  const app = new App({ outdir, stackTraces: true });
  const stack = new Stack(app, 'Deploy', { env: { account: '111111111111', region: 'us-east-1' } });
  const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
  deployer.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
  Validations.of(deployer).acknowledge({ id: PASS_ROLE, reason: REASON });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  admin.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
  new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
    .addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }));
  return app;
}

let workDir: string;
let assembly: string;
let app: App;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
  assembly = path.join(workDir, 'cdk.out');
  app = buildApp(assembly);
  app.synth();
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

interface JsonFinding { id: string; level: string; logicalId: string; constructPath?: string; acknowledged?: { id: string; reason: string } }

describe('scan of a cloud assembly', () => {
  test('the same findings as the pack in synth, acknowledged ones listed with their reason', async () => {
    const run = await scan(assembly, '--format', 'json');
    expect(run.status).toBe(1);
    const findings: JsonFinding[] = JSON.parse(run.stdout).findings;
    const open = findings.filter(f => !f.acknowledged).map(f => `${f.constructPath} ${f.id}`).sort();
    const fromPack = new IamBestPracticesChecks().validateScope(app).violations
      .flatMap(v => v.violatingResources.map(r => `${r.constructPath}/Resource ${v.ruleName}`.replace('/Resource/Resource', '/Resource'))).sort();
    expect(open).toEqual(fromPack);
    expect(open.some(f => f.endsWith(ALL_ACTIONS))).toBe(true);
    const acknowledged = findings.find(f => f.id === PASS_ROLE);
    expect(acknowledged?.acknowledged).toEqual({ id: PASS_ROLE, reason: REASON });
  });

  test('table: errors first-class, the acknowledgment and its reason shown; exit 0 with --fail-on never', async () => {
    const run = await scan(assembly);
    expect(run.stdout).toContain(`ERROR ${ALL_ACTIONS}`);
    expect(run.stdout).toContain(`ACKNOWLEDGED ERROR ${PASS_ROLE}`);
    expect(run.stdout).toContain(`acknowledged: ${REASON}`);
    expect(run.stdout).toMatch(/\d+ errors?, \d+ warnings?, 1 acknowledged\n$/);
    expect((await scan(assembly, '--fail-on', 'never')).status).toBe(0);
  });

  test('--pack narrows the rules: the trust pack finds nothing here', async () => {
    const run = await scan(assembly, '--pack', 'IamTrust', '--format', 'json');
    expect(JSON.parse(run.stdout).findings.filter((f: JsonFinding) => !f.id.includes('-TR'))).toEqual([]);
  });

  test('SARIF 2.1.0, valid against the schema: rules with help links, template locations, suppressions with the reason', async () => {
    const run = await scan(assembly, '--format', 'sarif');
    const log = JSON.parse(run.stdout);
    expect(log).toBeValidSarifLog();
    const results = log.runs[0].results;
    const admin = results.find((r: { message: { text: string } }) => r.message.text.startsWith(ALL_ACTIONS));
    expect(admin.ruleId).toBe('IamBestPractices-LP1');
    expect(admin.level).toBe('error');
    expect(admin.suppressions).toBeUndefined();
    type Located = { physicalLocation?: { artifactLocation: { uri: string } } };
    const locations = [...admin.locations, ...admin.relatedLocations ?? []].map((l: Located) => l.physicalLocation?.artifactLocation.uri);
    expect(locations.some((u: string | undefined) => u?.endsWith('Deploy.template.json'))).toBe(true);
    expect(admin.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(/^Deploy\/Admin\/DefaultPolicy\/Resource$/);
    const passRole = results.find((r: { message: { text: string } }) => r.message.text.startsWith(PASS_ROLE));
    expect(passRole.suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(passRole.suppressions[0].justification).toContain(REASON);
    const rule = log.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'IamBestPractices-LP1');
    expect(rule.helpUri).toBe('https://github.com/cdk-iam-guardrails/cdk-iam-guardrails/blob/main/RULES.md#least-privilege-lp');
    expect(rule.properties['security-severity']).toBe('8.0');
  });

  test('the template line of the resource is the region of its location', async () => {
    const log = JSON.parse((await scan(assembly, '--format', 'sarif')).stdout);
    const admin = log.runs[0].results.find((r: { message: { text: string } }) => r.message.text.startsWith(ALL_ACTIONS));
    const template = [...admin.locations, ...admin.relatedLocations ?? []].find((l: { physicalLocation?: { artifactLocation: { uri: string } } }) =>
      l.physicalLocation?.artifactLocation.uri.endsWith('.template.json')).physicalLocation;
    const lines = fs.readFileSync(path.join(assembly, 'Deploy.template.json'), 'utf-8').split('\n');
    expect(lines[template.region.startLine - 1]).toMatch(/^\s*"AdminDefaultPolicy[0-9A-F]{8}": \{/);
  });

  test('JUnit: one failing test case per open finding, acknowledged ones skipped with the reason', async () => {
    const run = await scan(assembly, '--format', 'junit');
    expect(run.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="cdk-iam-guardrails" tests="\d+" failures="\d+">/);
    expect(run.stdout).toContain(`<skipped message="acknowledged: ${REASON}"/>`);
    expect(run.stdout).toContain('<failure type="error" message="IamBestPractices-LP1[Action::*]">');
  });
});

describe('scan of templates nobody synthesized', () => {
  const SAM = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: !Sub 'lambda.\${AWS::URLSuffix}' }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              Effect: Allow
              Action: IAM:PassRole
              Resource: !Join ['', ['arn:aws:iam::', !Ref 'AWS::AccountId', ':role/*']]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: print('hi')
      Role: !GetAtt FnRole.Arn
`;

  test('a directory: YAML with short tags found among other files, mixed-case actions judged the IAM way', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-dir-'));
    fs.mkdirSync(path.join(dir, 'templates'));
    fs.writeFileSync(path.join(dir, 'templates', 'app.yaml'), SAM);
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x"}');
    fs.writeFileSync(path.join(dir, 'notes.yml'), 'just: [a, list]');
    const run = await scan(dir, '--format', 'json');
    const ids = JSON.parse(run.stdout).findings.map((f: JsonFinding) => `${f.logicalId} ${f.id}`);
    expect(ids).toContain('FnRole IamBestPractices-LP6[Action::iam:PassRole]');
    expect(run.status).toBe(1);
  });

  test('templates in a directory are independent: a name in one does not reach a role in another', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-apart-'));
    const trust = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({
      Resources: { Shared: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'shared', AssumeRolePolicyDocument: trust } } },
    }));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify({
      Resources: {
        Grant: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { Roles: ['shared'], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:*'], Resource: '*' }] } },
        },
      },
    }));
    const findings = JSON.parse((await scan(dir, '--format', 'json')).stdout).findings as Array<JsonFinding & { message: string }>;
    expect(findings.filter(f => f.logicalId === 'Shared' && f.id.includes('-PE'))).toEqual([]);
    expect(findings.find(f => f.logicalId === 'Grant' && f.id.includes('-PE2'))?.message).toContain('outside this app');
  });

  test('a single JSON template file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scan-file-')), 'hand.json');
    fs.writeFileSync(file, JSON.stringify({
      Resources: { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } } } },
    }));
    const run = await scan(file, '--format', 'json');
    expect(JSON.parse(run.stdout).findings.map((f: JsonFinding) => f.id)).toContain(ALL_ACTIONS);
  });

  test('the table never sends control characters from a template to the terminal', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scan-esc-')), 'evil.json');
    fs.writeFileSync(file, JSON.stringify({
      Resources: { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: { Effect: 'Allow', Action: 's3:Get\u001b[31mObject', Resource: '*' } } } } },
    }));
    const run = await scan(file);
    expect(run.stdout).toContain('s3:Get\\u001b');
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout.split('\n')[0]).toMatch(/^ERROR IamBestPractices-LP7/);
  });

  test('bad input is a clear error with exit status 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-bad-'));
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'Resources: [unclosed');
    expect(await scan(path.join(dir, 'missing.json'))).toMatchObject({ status: 2, stderr: expect.stringContaining('no such file or directory') });
    expect(await scan(broken)).toMatchObject({ status: 2, stderr: expect.stringContaining('not valid YAML') });
    fs.writeFileSync(path.join(dir, 'other.json'), '{"a": 1}');
    expect(await scan(path.join(dir, 'other.json'))).toMatchObject({ status: 2, stderr: expect.stringContaining('no Resources section') });
    fs.rmSync(broken);
    expect(await scan(dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('no CloudFormation template found') });
    expect(await scan(dir, '--format', 'xml')).toMatchObject({ status: 2, stderr: expect.stringContaining('--format must be one of table, json, sarif, junit') });
    expect(await scan()).toMatchObject({ status: 2 });
  });
});
