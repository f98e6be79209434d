// An app of ordinary CDK grants, plus this library's own constructs, must produce zero error
// findings: a pack that cries wolf on grantReadWrite gets switched off.
import { App, Duration, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { AccountBaseline, BoundedRole, IamBestPracticesChecks, SecureGroup } from '../../src';
import { validationReportOf } from '../support/report';

const ENV = { account: '111111111111', region: 'us-east-1' };

function ordinaryGrants(stack: Stack): void {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true, autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
  const secret = new secretsmanager.Secret(stack, 'Secret');
  const logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });

  const worker = new lambda.Function(stack, 'Worker', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    tracing: lambda.Tracing.ACTIVE,
    timeout: Duration.seconds(30),
    environment: { TABLE: table.tableName, SECRET_ARN: secret.secretArn },
  });
  bucket.grantReadWrite(worker);
  table.grantReadWriteData(worker);
  queue.grantSendMessages(worker);
  queue.grantConsumeMessages(worker);
  topic.grantPublish(worker);
  key.grantEncryptDecrypt(worker);
  secret.grantRead(worker);
  logGroup.grantWrite(worker);
  // The LogRetention custom resource (what logRetention on a function creates).
  new logs.LogRetention(stack, 'WorkerLogRetention', { logGroupName: `/aws/lambda/${worker.functionName}`, retention: logs.RetentionDays.ONE_WEEK });

  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  worker.grantInvoke(caller);
  bucket.grantRead(caller, 'reports/*');
  table.grantReadData(caller);

  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue));
  new sfn.StateMachine(stack, 'Flow', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Step')) });
}

function cdkPipeline(stack: Stack): void {
  // Self-mutation assumes any role tagged as a CDK bootstrap role: scoped by resource tag.
  const pipeline = new pipelines.CodePipeline(stack, 'Pipeline', {
    synth: new pipelines.ShellStep('Synth', { input: pipelines.CodePipelineSource.gitHub('my-org/my-repo', 'main'), commands: ['npx cdk synth'] }),
  });
  const stage = new Stage(stack.node.scope!, 'Prod', { env: ENV });
  new s3.Bucket(new Stack(stage, 'App'), 'Data');
  pipeline.addStage(stage);
  pipeline.buildPipeline();
}

function libraryConstructs(stack: Stack): void {
  new AccountBaseline(stack, 'Baseline', { alertEmails: ['security@example.com'], billingThreshold: 100 });
  const group = new SecureGroup(stack, 'Developers');
  group.addUser(new iam.User(stack, 'Developer'));
  const role = new BoundedRole(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::my-bucket/path/*'] }));
}

describe.each([
  ['ordinary CDK grants', ordinaryGrants],
  ['a CDK pipeline', cdkPipeline],
  ['this library\'s constructs', libraryConstructs],
])('%s', (_name, build) => {
  const newApp = () => {
    const app = new App();
    build(new Stack(app, 'Ordinary', { env: ENV }));
    return app;
  };

  test('yield zero error findings', () => {
    const report = new IamBestPracticesChecks().validateScope(newApp());
    const errors = report.violations.filter(v => v.severity === 'error');
    expect(errors.map(v => `${v.ruleName} at ${v.violatingResources.map(r => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('synthesize with the pack registered', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
    let directory = '';
    expect(() => { directory = app.synth().directory; }).not.toThrow();
    const reported = validationReportOf(directory).filter(v => v.ruleName.startsWith('IamBestPractices-'));
    expect(reported.filter(v => v.severity === 'error')).toEqual([]);
    if (process.env.SHOW_WARNINGS) console.log(reported.map(w => `${w.ruleName} at ${w.constructPaths.join(', ')}`).join('\n'));
  });
});
