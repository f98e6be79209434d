process.env.CDK_VALIDATION = 'false';

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { runCli } from '../../src/cli/cli';
import { CommandIo } from '../../src/cli/credential-report-command';
import { runExplainCommand } from '../../src/cli/explain-command';
import { BoundedRole } from '../../src/constructs/bounded-role';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: string[], terminal = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: t => { stdout += t; },
    stderr: t => { stderr += t; },
    readFile: async file => fs.promises.readFile(file, 'utf-8'),
    readStdin: async () => '',
  };
  const status = terminal
    ? await runExplainCommand(args.slice(1), io, true)
    : await runCli(args, io);
  return { status, stdout, stderr };
}

let workDir: string;
let assembly: string;
let templateFile: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-test-'));
  const app = new App({ outdir: path.join(workDir, 'cdk.out') });
  const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'us-east-1' } });
  const worker = new BoundedRole(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new sqs.Queue(stack, 'Jobs').grantSendMessages(worker);
  new s3.Bucket(stack, 'Data').grantReadWrite(worker);
  const admin = new iam.Role(stack, 'Admin', { roleName: 'shop-admin', assumedBy: new iam.AccountRootPrincipal() });
  admin.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], resources: ['*'] }));
  assembly = app.synth().directory;
  templateFile = path.join(assembly, 'Shop.template.json');
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

test('table (default): each principal, its boundary, actions by service and level, dead grants, escalation paths', async () => {
  const run = await cli(['explain', assembly]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^role Shop\/Worker[0-9A-F]{8}$/m);
  expect(run.stdout).toMatch(/^ {2}boundary: policy "/m);
  expect(run.stdout).toMatch(/^ {2}SERVICE +ACCESS LEVEL +ACTIONS +RESOURCES$/m);
  expect(run.stdout).toMatch(/^ {2}s3 +Write +s3:Abort.*<Data[0-9A-F]{8}\.Arn>/m);
  expect(run.stdout).toMatch(/dead under the boundary \(3\):\n {4}sqs:SendMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl on <Jobs[0-9A-F]{8}\.Arn> \(policy "WorkerDefaultPolicy[0-9A-F]{8}" statement #1\)/);
  expect(run.stdout).toMatch(/^role Shop\/Admin[0-9A-F]{8} \(name shop-admin\)$/m);
  expect(run.stdout).toContain('    - create a Lambda function with a stronger role and invoke it (iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction)');
  expect(run.stdout).toMatch(/^ {2}iam +Write +iam:PassRole +\* \(unbounded\)$/m);
});

test('filters: --principal by physical name or wildcard, --service, --min-level write', async () => {
  const admin = await cli(['explain', assembly, '--principal', 'shop-admin', '--format', 'json']);
  const json = JSON.parse(admin.stdout);
  expect(json.principals.map((p: { name?: string }) => p.name)).toEqual(['shop-admin']);
  expect(json.principals[0].services).toEqual([
    { service: 'iam', accessLevel: 'WRITE', actions: ['iam:PassRole'], unboundedActions: ['iam:PassRole'] },
    { service: 'lambda', accessLevel: 'WRITE', actions: ['lambda:CreateFunction', 'lambda:InvokeFunction'], unboundedActions: ['lambda:CreateFunction', 'lambda:InvokeFunction'] },
  ]);
  const writes = JSON.parse((await cli(['explain', assembly, '--principal', 'Shop/Worker*', '--service', 's3', '--min-level', 'write', '--format', 'json'])).stdout);
  expect(writes.principals).toHaveLength(1);
  const levels = new Set(writes.principals[0].actions.map((a: { accessLevel: string }) => a.accessLevel));
  expect([...levels]).toEqual(['WRITE']);
  expect(writes.principals[0].actions.map((a: { action: string }) => a.action)).toContain('s3:DeleteObject');
  expect(writes.principals[0].actions.some((a: { service: string }) => a.service !== 's3')).toBe(false);
  // The sqs grants are dead, but not of the service asked for.
  expect(writes.principals[0].deadGrants).toEqual([]);
  const nothing = await cli(['explain', assembly, '--service', 'dynamodb']);
  expect(nothing.stdout).toContain('No principal to show.');
});

test('markdown for a pull-request comment', async () => {
  const run = await cli(['explain', templateFile, '--format', 'markdown', '--principal', 'Shop/Worker*']);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^## Effective IAM permissions\n\n### role Shop\/Worker[0-9A-F]{8}\n/);
  expect(run.stdout).toContain('| Service | Access level | Actions | Resources |');
  expect(run.stdout).toMatch(/\| s3 \| \*\*Write\*\* \| s3:Abort/);
  expect(run.stdout).toMatch(/&lt;Data[0-9A-F]{8}\.Arn&gt;/);
  expect(run.stdout).toContain('**Dead under the boundary** (3):');
});

test('progress on a terminal goes to standard error, and is cleared', async () => {
  const run = await cli(['explain', assembly], true);
  expect(run.stderr).toMatch(/\r.*1\/\d+ principals/);
  expect(run.stderr.endsWith('\r\u001b[K')).toBe(true);
});

test('usage errors and unreadable input exit 2', async () => {
  expect((await cli(['explain'])).status).toBe(2);
  expect((await cli(['explain', assembly, '--format', 'xml'])).stderr).toContain('--format must be table, markdown or json');
  expect((await cli(['explain', assembly, '--min-level', 'admin'])).stderr).toContain('--min-level must be one of list, read, tagging, write, permissions-management');
  expect((await cli(['explain', path.join(workDir, 'missing')])).status).toBe(2);
  expect((await cli(['explain', workDir])).stderr).toContain('not a cloud assembly');
  expect((await cli(['explain', assembly, '--principal', 'Nobody'])).stderr).toContain("no principal matches 'Nobody'");
  expect((await cli(['explain', '--help'])).stdout).toContain('Usage: cdk-iam-guardrails explain');
  expect((await cli(['--help'])).stdout).toContain('explain <cdk.out | file>');
});
