import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { runCli } from '../../src/cli/cli';
import { CommandIo } from '../../src/cli/credential-report-command';

interface Run { status: number; stdout: string; stderr: string }

async function diff(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { stdout: t => out.push(t), stderr: t => err.push(t), readFile: async p => fs.promises.readFile(p), readStdin: async () => '' };
  const status = await runCli(['diff', ...args], io);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

interface Change { readonly write?: boolean; readonly escalate?: boolean; readonly dropRead?: boolean; readonly acknowledge?: boolean }

/** The same app before and after a change, synthesized to its own cloud assembly. */
function assembly(change: Change): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Service', { env: { account: '111111111111', region: 'us-east-1' } });
  const bucket = new s3.Bucket(stack, 'Data');
  const worker = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  if (!change.dropRead) bucket.grantRead(worker);
  if (change.write) bucket.grantPut(worker);
  if (change.escalate) {
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    deployer.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], resources: ['*'] }));
    if (change.acknowledge) {
      for (const id of ['IamBestPractices-LP6[Action::iam:PassRole]', 'IamBestPractices-PE2[Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction]']) {
        Validations.of(deployer).acknowledge({ id, reason: 'The deployer creates the functions of this pipeline; reviewed in SEC-7.' });
      }
    }
  }
  app.synth();
  return outdir;
}

let base: string;
beforeAll(() => {
  base = assembly({});
});

describe('cdk-iam-guardrails diff', () => {
  test('no change: nothing gained or lost, exit 0', async () => {
    const run = await diff(base, assembly({}), '--format', 'markdown');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('No change to what any principal may do.');
  });

  test('a write grant: the actions gained on the bucket by service and access level; not gated by default, gated by --fail-on access', async () => {
    const after = assembly({ write: true });
    const run = await diff(base, after, '--format', 'markdown');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/#### Service\/Worker[0-9A-F]{8} \(role, changed\)/);
    expect(run.stdout).toMatch(/\| \+ \| s3 \| Write \| [^|]*s3:PutObject[,| ][^|]*\| `&lt;Data[0-9A-F]{8}.Arn&gt;\/\*` \|/);
    expect(run.stdout).not.toContain('| − |');
    expect((await diff(base, after, '--fail-on', 'access')).status).toBe(1);
  });

  test('access lost is listed with a minus', async () => {
    const after = assembly({ dropRead: true });
    const run = await diff(base, after, '--format', 'markdown');
    expect(run.stdout).toMatch(/\| − \| s3 \| Read \| [^|]+ \| `&lt;Data[0-9A-F]{8}.Arn&gt;\/\*` \|/);
    expect(run.stdout).not.toContain('| + |');
    expect(run.status).toBe(0);
    const worker = JSON.parse((await diff(base, after, '--format', 'json')).stdout).principals[0];
    expect(worker.lost.map((e: { action: string }) => e.action)).toContain('s3:GetObject');
    expect(worker.gained).toEqual([]);
  });

  test('a new role that can escalate: new findings and the new path come first, and the pipeline is gated', async () => {
    const run = await diff(base, assembly({ escalate: true }), '--format', 'markdown');
    expect(run.status).toBe(1);
    const findings = run.stdout.indexOf('### New findings');
    const escalations = run.stdout.indexOf('### New privilege-escalation paths');
    const access = run.stdout.indexOf('### Access gained and lost');
    expect(findings).toBeGreaterThan(0);
    expect(escalations).toBeGreaterThan(findings);
    expect(access).toBeGreaterThan(escalations);
    expect(run.stdout).toContain('`IamBestPractices-LP6[Action::iam:PassRole]`');
    expect(run.stdout).toMatch(/- \*\*Service\/Deployer[0-9A-F]{8}\*\*: iam:PassRole \+ lambda:CreateFunction \+ lambda:InvokeFunction/);
    expect(run.stdout).toMatch(/#### Service\/Deployer[0-9A-F]{8} \(role, added\)/);
    expect((await diff(base, assembly({ escalate: true }), '--fail-on', 'never')).status).toBe(0);
  });

  test('acknowledged findings are not new findings; the escalation path still gates', async () => {
    const after = assembly({ escalate: true, acknowledge: true });
    const json = JSON.parse((await diff(base, after, '--format', 'json')).stdout);
    expect(json.newFindings.map((f: { id: string }) => f.id)).not.toContain('IamBestPractices-LP6[Action::iam:PassRole]');
    expect((await diff(base, after, '--fail-on', 'findings')).status).toBe(0);
    expect((await diff(base, after, '--fail-on', 'escalation')).status).toBe(1);
  });

  test('two template files: principals matched by logical id; permissions management gained is gated', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-files-'));
    const template = (actions: string[]) => ({
      Resources: {
        Ops: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
        OpsPolicy: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyName: 'ops', Roles: [{ Ref: 'Ops' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:iam::111111111111:role/app-*' }] } },
        },
      },
    });
    fs.writeFileSync(path.join(dir, 'main.json'), JSON.stringify(template(['iam:GetRole'])));
    fs.writeFileSync(path.join(dir, 'branch.json'), JSON.stringify(template(['iam:GetRole', 'iam:PutRolePolicy'])));
    const run = await diff(path.join(dir, 'main.json'), path.join(dir, 'branch.json'));
    expect(run.stdout).toContain('Ops (role, changed)');
    expect(run.stdout).toContain('+ iam Permissions management: iam:PutRolePolicy on arn:aws:iam::111111111111:role/app-*');
    expect(run.status).toBe(1);
  });

  test('bad input: exit 2 with the reason', async () => {
    expect(await diff(base)).toMatchObject({ status: 2, stderr: expect.stringContaining('two inputs expected') });
    expect(await diff(base, '/nonexistent/cdk.out')).toMatchObject({ status: 2 });
    expect(await diff(base, base, '--fail-on', 'sometimes')).toMatchObject({ status: 2, stderr: expect.stringContaining("not 'sometimes'") });
  });
});
