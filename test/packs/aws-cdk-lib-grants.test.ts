import { App, RemovalPolicy, Stack, pipelines } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IamBestPracticesChecks } from '../../src';
import { awsCdkLibOwner } from '../../src/packs/aws-cdk-lib-grants';

const ENV = { account: '111111111111', region: 'us-east-1' };

// One app with aws-cdk-lib's own IAM (CDK Pipelines, a singleton handler, an S3 auto-delete provider)
// next to roles the app writes or grants to.
const app = new App();
const stack = new Stack(app, 'Own', { env: ENV });
new s3.Bucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
const fn = new lambda.Function(stack, 'Fn', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => {}'),
  logRetention: logs.RetentionDays.ONE_WEEK,
});
fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
new pipelines.CodePipeline(stack, 'Pipeline', {
  synth: new pipelines.ShellStep('Synth', { input: pipelines.CodePipelineSource.gitHub('owner/repo', 'main'), commands: ['npx cdk synth'] }),
});
const violations = new IamBestPracticesChecks().validateScope(app).violations;
const pathsOf = (v: { violatingResources: { constructPath?: string }[] }) => v.violatingResources.map(r => r.constructPath ?? '');

describe('aws-cdk-lib\'s own grants', () => {
  test('who owns what: pipelines and singletons are aws-cdk-lib\'s, a function\'s role is the app\'s', () => {
    const find = (p: string) => app.node.findAll().find(c => c.node.path === p)!;
    expect(awsCdkLibOwner(find('Own/Pipeline/Pipeline/Role/Resource'))?.fqn).toBe('aws-cdk-lib.pipelines.CodePipeline');
    expect(awsCdkLibOwner(find('Own/Pipeline/CodeBuildActionRole/Resource'))?.construct.node.path).toBe('Own/Pipeline');
    const retention = app.node.findAll().find(c => /^Own\/LogRetention[0-9a-f]{32}\/ServiceRole\/DefaultPolicy\/Resource$/.test(c.node.path))!;
    expect(awsCdkLibOwner(retention)?.construct.node.id).toMatch(/^LogRetention/);
    expect(awsCdkLibOwner(find('Own/Custom::S3AutoDeleteObjectsCustomResourceProvider/Role'))).toBeDefined();
    expect(awsCdkLibOwner(find('Own/Fn/ServiceRole/Resource'))).toBeUndefined();
    expect(awsCdkLibOwner(find('Own/Fn/ServiceRole/DefaultPolicy/Resource'))).toBeUndefined();
  });

  test('findings on them are reported with whose they are and the acknowledgment to paste', () => {
    const pipelineRole = violations.find(v => pathsOf(v).includes('Own/Pipeline/Pipeline/Role/Resource'));
    expect(pipelineRole?.description).toContain('This is aws-cdk-lib\'s own grant: aws-cdk-lib.pipelines.CodePipeline (Own/Pipeline)');
    expect(pipelineRole?.description).toContain(`acknowledge({ id: '${pipelineRole?.ruleName}', reason: '<why>' })`);
    const appGrant = violations.find(v => pathsOf(v).includes('Own/Fn/ServiceRole/DefaultPolicy/Resource'));
    expect(appGrant?.ruleName).toBe('IamBestPractices-LP10[Action::sqs:SendMessage]');
    expect(appGrant?.description).not.toContain('aws-cdk-lib\'s own grant');
  });

  test('acknowledgeAwsCdkLibGrants acknowledges exactly those, never the app\'s own', () => {
    const bulk = new IamBestPracticesChecks(undefined, { acknowledgeAwsCdkLibGrants: 'aws-cdk-lib internals reviewed for release 2.x' })
      .validateScope(app).violations;
    const owned = violations.filter(v => v.description.includes('aws-cdk-lib\'s own grant'));
    expect(owned.length).toBeGreaterThan(0);
    expect(bulk.length).toBe(violations.length - owned.length);
    expect(bulk.some(v => v.description.includes('aws-cdk-lib\'s own grant'))).toBe(false);
    expect(bulk.map(v => v.ruleName)).toContain('IamBestPractices-LP10[Action::sqs:SendMessage]');
  });

  test('a bulk acknowledgment needs a reason', () => {
    expect(() => new IamBestPracticesChecks(undefined, { acknowledgeAwsCdkLibGrants: ' ok ' }))
      .toThrow(/IamBestPractices: acknowledgeAwsCdkLibGrants must be a reason a reviewer can check, at least 10 characters \(got " ok "\)/);
  });
});

test('a CodePipeline action\'s role is aws-cdk-lib\'s: the pipeline makes it in a scope of its own', () => {
  const a = new App();
  const s = new Stack(a, 'Actions', { env: ENV });
  const source = new codepipeline.Artifact();
  const pipeline = new codepipeline.Pipeline(s, 'Pipeline');
  const bucket = new s3.Bucket(s, 'Source', { versioned: true });
  pipeline.addStage({ stageName: 'Source', actions: [new actions.S3SourceAction({ actionName: 'Get', bucket, bucketKey: 'app.zip', output: source })] });
  pipeline.addStage({ stageName: 'Approve', actions: [new actions.ManualApprovalAction({ actionName: 'Ok' })] });
  const actionRole = a.node.findAll().find(c => /^Actions\/Pipeline\/Source\/Get\/CodePipelineActionRole\/Resource$/.test(c.node.path))!;
  expect(awsCdkLibOwner(actionRole)?.fqn).toBe('aws-cdk-lib.aws_codepipeline.Pipeline');
  expect(awsCdkLibOwner(a.node.findAll().find(c => c.node.path === 'Actions/Pipeline/Role/Resource')!)).toBeUndefined();
});
