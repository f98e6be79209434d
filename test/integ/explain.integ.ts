// `cdk-iam-guardrails explain` end to end: examples/secure-account synthesized by the real aws-cdk
// CLI, then explained by the built command (lib/cli/main.js) in its three formats.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
const main = path.join(root, 'lib', 'cli', 'main.js');
const TIMEOUT = 600_000;
let outdir: string;

interface Principal {
  readonly name?: string;
  readonly kind: string;
  readonly boundary?: string;
  readonly constructPath?: string;
  readonly actions: ReadonlyArray<{
    readonly action: string; readonly service: string; readonly accessLevel: string; readonly resources: ReadonlyArray<{ readonly resource: string }>;
  }>;
  readonly deadGrants: ReadonlyArray<{ readonly action: string; readonly grantedBy: { readonly policy: string } }>;
  readonly escalationPaths: readonly unknown[];
}

function explain(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // The developer's JSON lists every PowerUserAccess action its boundary makes dead: megabytes.
  const run = spawnSync(process.execPath, [main, 'explain', outdir, ...args], { encoding: 'utf-8', timeout: TIMEOUT, maxBuffer: 512 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function principals(...args: string[]): Principal[] {
  const run = explain('--format', 'json', ...args);
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout).principals;
}

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-explain-'));
  const synth = spawnSync(cdk,
    ['synth', '--no-notices', '--quiet', '--app', 'npx ts-node --transpile-only --prefer-ts-exts app.ts', '--output', outdir],
    { cwd: path.join(root, 'examples', 'secure-account'), encoding: 'utf-8', timeout: TIMEOUT, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({ status: 0, stderr: '' });
}, TIMEOUT);

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('the developer gets the group\'s PowerUserAccess only inside the developer boundary', () => {
  const [developer] = principals('--principal', 'developer');
  expect(developer.kind).toBe('USER');
  expect(developer.boundary).toMatch(/^policy "/);
  const services = new Set(developer.actions.map(a => a.service));
  expect([...services].every(s => ['s3', 'dynamodb', 'logs', 'cloudwatch', 'iam'].includes(s))).toBe(true);
  // IAM only for the force-MFA self-service, on the developer's own user and MFA device (the boundary allows no more).
  const iamResources = developer.actions.filter(a => a.service === 'iam').flatMap(a => a.resources.map(r => r.resource));
  expect(iamResources.length).toBeGreaterThan(0);
  expect(iamResources.every(r => /:user\/\$\{aws:username\}$|:mfa\/(\*|\$\{aws:username\})$/.test(r))).toBe(true);
  expect(developer.actions.some(a => a.action === 'iam:CreateVirtualMFADevice')).toBe(true);
  expect(developer.actions.some(a => a.action === 'iam:AttachUserPolicy')).toBe(false);
  expect(services.has('s3')).toBe(true);
  expect(developer.actions.some(a => a.action === 'ec2:RunInstances')).toBe(false);
  expect(developer.deadGrants.some(d => d.action === 'ec2:RunInstances' && d.grantedBy.policy.startsWith('group "'))).toBe(true);
  expect(developer.escalationPaths).toEqual([]);
}, TIMEOUT);

test('SecurityAudit under the auditor\'s boundary: reads of the audited services, the rest dead', () => {
  const [auditor] = principals('--principal', '*AuditorRole*', '--service', 'ec2,cloudtrail');
  expect(auditor.actions.every(a => a.service === 'cloudtrail' && ['LIST', 'READ'].includes(a.accessLevel))).toBe(true);
  expect(auditor.actions.length).toBeGreaterThan(0);
  expect(auditor.deadGrants.some(d => d.action.startsWith('ec2:Describe'))).toBe(true);
  expect(principals('--principal', '*AuditorRole*', '--min-level', 'write')[0]?.actions ?? []).toEqual([]);
}, TIMEOUT);

test('table and Markdown name the app role\'s one grant', () => {
  const table = explain('--principal', '*AppRole*');
  expect(table.status).toBe(0);
  expect(table.stdout).toMatch(/^ {2}s3 +Read +s3:GetObject +arn:aws:s3:::my-bucket\/specific-path\/\*$/m);
  const markdown = explain('--principal', '*AppRole*', '--format', 'markdown');
  expect(markdown.stdout).toContain('| s3 | Read | s3:GetObject | arn:aws:s3:::my-bucket/specific-path/* |');
}, TIMEOUT);
