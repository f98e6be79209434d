import { CfnParameter, CfnResource, SecretValue, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { COMPLIANT, findings, modelResourceOf, newStack, NON_COMPLIANT, NOT_APPLICABLE, run } from './helpers';
import { ResolvedResource } from '../../src/model/resolved-resource';
import {
  accessKeyIdInCode, CREDENTIALS_IN_CODE_RULES, instanceWithoutProfile, secretAccessKeyInCode,
} from '../../src/rules/credentials-in-code';
import { GuardrailsRule, MAX_FINDING_LENGTH } from '../../src/rules/rule';

// AWS's documented example credentials.
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const fn = (stack: Stack, environment: { [key: string]: string }) =>
  new lambda.Function(stack, `Fn${stack.node.children.length}`, { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('x'), environment });

/** The rule's message for the first finding on a construct, as the pack would print it. */
function message(check: (r: ResolvedResource) => unknown, rule: GuardrailsRule, construct: IConstruct): string {
  const resource = modelResourceOf(construct);
  const view = new ResolvedResource(resource, resource.variants()[0].assignment);
  const result = check(view);
  if (!Array.isArray(result)) throw new Error(`no finding: ${String(result)}`);
  return rule.describe(result[0] as string, view);
}

function instance(stack: Stack, commands: string[]) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
  const userData = ec2.UserData.forLinux();
  userData.addCommands(...commands);
  return new ec2.Instance(stack, 'Instance', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), userData,
  });
}

describe('CR1 access key ids / CR2 secret access keys', () => {
  test('in Lambda environment variables', () => {
    // Lambda reserves AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, so code smuggles keys under other names.
    const f = fn(newStack(), { MY_ACCESS_KEY_ID: KEY_ID, MY_SECRET_ACCESS_KEY: SECRET, TABLE: 'orders' });
    expect(findings(accessKeyIdInCode, f)).toEqual(['AccessKeyId::Environment.MY_ACCESS_KEY_ID']);
    expect(findings(secretAccessKeyInCode, f)).toEqual(['SecretAccessKey::Environment.MY_SECRET_ACCESS_KEY']);
  });

  test('a secret-key-shaped value under any name; a literal under a secret-key name', () => {
    const f = fn(newStack(), { CONFIG: SECRET, MY_SECRET_KEY: 'short-but-literal' });
    expect(findings(secretAccessKeyInCode, f)).toEqual(['SecretAccessKey::Environment.CONFIG', 'SecretAccessKey::Environment.MY_SECRET_KEY']);
  });

  test('in ECS container environments', () => {
    const stack = newStack();
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx'), environment: { KEY: KEY_ID, SECRET } });
    expect(findings(accessKeyIdInCode, task)).toEqual(['AccessKeyId::app.Environment.KEY']);
    expect(findings(secretAccessKeyInCode, task)).toEqual(['SecretAccessKey::app.Environment.SECRET']);
  });

  test('in EC2 user data (Fn::Base64 of commands) and in literal base64 user data', () => {
    const stack = newStack();
    const i = instance(stack, [`aws configure set aws_access_key_id ${KEY_ID}`, `aws configure set aws_secret_access_key ${SECRET}`]);
    expect(findings(accessKeyIdInCode, i)).toEqual(['AccessKeyId::UserData']);
    expect(findings(secretAccessKeyInCode, i)).toEqual(['SecretAccessKey::UserData']);
    const raw = new ec2.CfnInstance(stack, 'Raw', { imageId: 'ami-123', userData: Buffer.from(`#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${KEY_ID}\n`).toString('base64') });
    expect(findings(accessKeyIdInCode, raw)).toEqual(['AccessKeyId::UserData']);
  });

  test('in launch templates', () => {
    const stack = newStack();
    const userData = ec2.UserData.forLinux();
    userData.addCommands(`export AWS_ACCESS_KEY_ID=${KEY_ID}`);
    const lt = new ec2.LaunchTemplate(stack, 'LT', { userData });
    expect(findings(accessKeyIdInCode, lt)).toEqual(['AccessKeyId::LaunchTemplateData.UserData']);
  });

  test('in plaintext SSM parameters', () => {
    const stack = newStack();
    const p = new ssm.StringParameter(stack, 'P', { stringValue: `${KEY_ID}:${SECRET}` });
    expect(findings(accessKeyIdInCode, p)).toEqual(['AccessKeyId::Value']);
    expect(findings(secretAccessKeyInCode, p)).toEqual(['SecretAccessKey::Value']);
  });

  test('compliant: ordinary values, references, secrets read at run time, hex digests', () => {
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'S');
    const param = new CfnParameter(stack, 'Key');
    const f = fn(stack, {
      TABLE: 'orders',
      SECRET_ARN: secret.secretArn,
      VENDOR_SECRET_ACCESS_KEY: param.valueAsString,
      COMMIT: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    });
    expect(run(accessKeyIdInCode, f)).toBe(COMPLIANT);
    expect(run(secretAccessKeyInCode, f)).toBe(COMPLIANT);
    expect(run(accessKeyIdInCode, new ssm.StringParameter(stack, 'Plain', { stringValue: 'hello' }))).toBe(COMPLIANT);
  });

  test('not applicable to other resources', () => {
    expect(run(accessKeyIdInCode, new s3.Bucket(newStack(), 'B'))).toBe(NOT_APPLICABLE);
    expect(run(secretAccessKeyInCode, new iam.Role(newStack(), 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toBe(NOT_APPLICABLE);
  });
});

describe('CR1/CR2 in inline Lambda code (Code.ZipFile)', () => {
  const inline = (code: string, stack = newStack()) =>
    new lambda.Function(stack, `Fn${stack.node.children.length}`, { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline(code) });

  test('a key pair in the code', () => {
    const f = inline(`const client = new S3Client({ credentials: { accessKeyId: '${KEY_ID}', secretAccessKey: '${SECRET}' } });`);
    expect(findings(accessKeyIdInCode, f)).toEqual(['AccessKeyId::Code.ZipFile']);
    expect(findings(secretAccessKeyInCode, f)).toEqual(['SecretAccessKey::Code.ZipFile']);
  });

  test('a secret key announced by a word before it, without its key id', () => {
    expect(findings(secretAccessKeyInCode, inline(`AWS_SECRET = "${SECRET}"`))).toEqual(['SecretAccessKey::Code.ZipFile']);
  });

  test('a key id built with Fn::Join is found once evaluated', () => {
    const stack = newStack();
    const f = new lambda.CfnFunction(stack, 'Raw', {
      role: 'arn:aws:iam::111111111111:role/r',
      runtime: 'python3.12',
      handler: 'index.handler',
      code: { zipFile: { 'Fn::Join': ['', ["KEY = 'AKIA", 'IOSFODNN7EXAMPLE', "'"]] } as unknown as string },
    });
    expect(findings(accessKeyIdInCode, f)).toEqual(['AccessKeyId::Code.ZipFile']);
  });

  test('a 40-character identifier in code is not a secret key; ordinary inline code is compliant', () => {
    const identifier = 'ProcessIncomingOrderEventsForRegion2Nowx';
    expect(identifier).toHaveLength(40);
    const f = inline(`exports.${identifier} = async () => ({ statusCode: 200 });`);
    expect(run(secretAccessKeyInCode, f)).toBe(COMPLIANT);
    expect(run(accessKeyIdInCode, f)).toBe(COMPLIANT);
  });
});

describe('CR1/CR2 in CodeBuild projects', () => {
  const project = (environmentVariables: { [name: string]: codebuild.BuildEnvironmentVariable }, buildSpec?: object) =>
    new codebuild.Project(newStack(), 'P', {
      buildSpec: codebuild.BuildSpec.fromObject(buildSpec ?? { version: '0.2', phases: { build: { commands: ['npm test'] } } }),
      environmentVariables,
    });

  test('PLAINTEXT variables (the default type)', () => {
    const p = project({ AWS_KEY: { value: KEY_ID }, AWS_SECRET: { value: SECRET, type: codebuild.BuildEnvironmentVariableType.PLAINTEXT } });
    expect(findings(accessKeyIdInCode, p)).toEqual(['AccessKeyId::Environment.EnvironmentVariables.AWS_KEY']);
    expect(findings(secretAccessKeyInCode, p)).toEqual(['SecretAccessKey::Environment.EnvironmentVariables.AWS_SECRET']);
  });

  test('PARAMETER_STORE and SECRETS_MANAGER values are names of secrets, not secrets', () => {
    const p = project({
      AWS_SECRET_ACCESS_KEY: { value: '/ci/aws-secret-key', type: codebuild.BuildEnvironmentVariableType.PARAMETER_STORE },
      VENDOR_SECRET_KEY: { value: 'ci/vendor:secretKey', type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER },
      SECRET_KEY_PARAM: { value: '/ci/vendor/secret-key' },
    });
    expect(run(accessKeyIdInCode, p)).toBe(COMPLIANT);
    expect(run(secretAccessKeyInCode, p)).toBe(COMPLIANT);
  });

  test('a key in the inline buildspec; base64 of a key in a variable', () => {
    const p = project({ BLOB: { value: Buffer.from(`aws_access_key_id=${KEY_ID}`).toString('base64') } },
      { version: '0.2', env: { variables: { AWS_SECRET_ACCESS_KEY: SECRET } }, phases: { build: { commands: ['aws s3 ls'] } } });
    expect(findings(accessKeyIdInCode, p)).toEqual(['AccessKeyId::Environment.EnvironmentVariables.BLOB']);
    expect(findings(secretAccessKeyInCode, p)).toEqual(['SecretAccessKey::Source.BuildSpec']);
  });
});

describe('CR1/CR2 in AWS::CloudFormation::Init and ::Authentication metadata', () => {
  const vpcOf = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
  const initInstance = (init: ec2.CloudFormationInit, stack = newStack()) => new ec2.Instance(stack, 'I', {
    vpc: vpcOf(stack), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), init,
  });

  test('a credentials file and a command environment', () => {
    const i = initInstance(ec2.CloudFormationInit.fromElements(
      ec2.InitFile.fromString('/etc/creds', `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`),
      ec2.InitCommand.shellCommand('aws s3 sync s3://bucket /srv', { key: '01_sync', env: { AWS_SECRET_ACCESS_KEY: SECRET } }),
    ));
    expect(findings(accessKeyIdInCode, i)).toEqual(['AccessKeyId::Metadata.AWS::CloudFormation::Init.config.files./etc/creds']);
    expect(findings(secretAccessKeyInCode, i)).toEqual([
      'SecretAccessKey::Metadata.AWS::CloudFormation::Init.config.files./etc/creds',
      'SecretAccessKey::Metadata.AWS::CloudFormation::Init.config.commands.01_sync.env.AWS_SECRET_ACCESS_KEY',
    ]);
  });

  test('on any resource, and in cfn-init authentication', () => {
    const stack = newStack();
    const handle = new CfnResource(stack, 'Handle', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    handle.addMetadata('AWS::CloudFormation::Init', { config: { commands: { '01_login': { command: `aws configure set aws_access_key_id ${KEY_ID}` } } } });
    handle.addMetadata('AWS::CloudFormation::Authentication', { S3Creds: { type: 'S3', accessKeyId: KEY_ID, secretKey: 'literal-but-short' } });
    expect(findings(accessKeyIdInCode, handle)).toEqual([
      'AccessKeyId::Metadata.AWS::CloudFormation::Init.config.commands.01_login',
      'AccessKeyId::Metadata.AWS::CloudFormation::Authentication.S3Creds.accessKeyId',
    ]);
    expect(findings(secretAccessKeyInCode, handle)).toEqual(['SecretAccessKey::Metadata.AWS::CloudFormation::Authentication.S3Creds.secretKey']);
  });

  test('finding ids stay within the cap and bracket-safe, however long or odd the file path', () => {
    const stack = newStack();
    const handle = new CfnResource(stack, 'Handle', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    const longPath = `/srv/[prod/${'deep/'.repeat(60)}creds`;
    handle.addMetadata('AWS::CloudFormation::Init', { config: { files: { [longPath]: { content: `aws_access_key_id=${KEY_ID}` } } } });
    const [finding, ...rest] = findings(accessKeyIdInCode, handle);
    expect(rest).toEqual([]);
    expect(finding.length).toBeLessThanOrEqual(MAX_FINDING_LENGTH);
    expect(finding).toMatch(/^AccessKeyId::Metadata\.AWS::CloudFormation::Init\.config\.files\.\/srv\/_prod\/deep\//);
    expect(finding).not.toMatch(/[[\]\s]/);
  });

  test('ordinary cfn-init (files, packages, S3 downloads with the instance role) is compliant', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Assets');
    const i = initInstance(ec2.CloudFormationInit.fromElements(
      ec2.InitPackage.yum('nginx'),
      ec2.InitFile.fromString('/etc/app.conf', 'listen 80;\n'),
      ec2.InitFile.fromS3Object('/srv/app.zip', bucket, 'app.zip'),
      ec2.InitCommand.shellCommand('systemctl start nginx', { env: { SECRET_KEY_PARAM: '/app/secret-key', SECRET_ARN: bucket.bucketArn } }),
    ), stack);
    expect(run(accessKeyIdInCode, i)).toBe(COMPLIANT);
    expect(run(secretAccessKeyInCode, i)).toBe(COMPLIANT);
  });
});

describe('CR1/CR2 in Secrets Manager secrets', () => {
  test('a literal key pair in SecretString, plain JSON or built by secretObjectValue', () => {
    const stack = newStack();
    const plain = new secretsmanager.Secret(stack, 'Plain', {
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ accessKeyId: KEY_ID, secretAccessKey: SECRET })),
    });
    expect(findings(accessKeyIdInCode, plain)).toEqual(['AccessKeyId::SecretString.accessKeyId']);
    expect(findings(secretAccessKeyInCode, plain)).toEqual(['SecretAccessKey::SecretString.secretAccessKey']);
    const param = new CfnParameter(stack, 'Region', { default: 'us-east-1' });
    const object = new secretsmanager.Secret(stack, 'Object', {
      secretObjectValue: { region: SecretValue.unsafePlainText(param.valueAsString), key: SecretValue.unsafePlainText(KEY_ID) },
    });
    expect(findings(accessKeyIdInCode, object)).toEqual(['AccessKeyId::SecretString.key']);
  });

  test('a literal in the template of a generated secret; a non-JSON SecretString', () => {
    const stack = newStack();
    const generated = new secretsmanager.Secret(stack, 'G', {
      generateSecretString: { secretStringTemplate: JSON.stringify({ user: KEY_ID }), generateStringKey: 'password' },
    });
    expect(findings(accessKeyIdInCode, generated)).toEqual(['AccessKeyId::GenerateSecretString.SecretStringTemplate.user']);
    const text = new secretsmanager.Secret(stack, 'T', { secretStringValue: SecretValue.unsafePlainText(SECRET) });
    expect(findings(secretAccessKeyInCode, text)).toEqual(['SecretAccessKey::SecretString']);
  });

  test('generated secrets, and an access key\'s secret by reference, are compliant', () => {
    const stack = newStack();
    const accessKey = new iam.AccessKey(stack, 'K', { user: new iam.User(stack, 'U') });
    const fromKey = new secretsmanager.Secret(stack, 'FromKey', { secretStringValue: accessKey.secretAccessKey });
    expect(run(secretAccessKeyInCode, fromKey)).toBe(COMPLIANT);
    expect(run(accessKeyIdInCode, new secretsmanager.Secret(stack, 'S'))).toBe(COMPLIANT);
    expect(run(secretAccessKeyInCode, new secretsmanager.Secret(stack, 'S2', { secretObjectValue: { password: SecretValue.unsafePlainText('x') } })))
      .toBe(COMPLIANT);
  });
});

describe('CR1/CR2 in Step Functions definitions', () => {
  test('a key pair in a state\'s parameters, named by its path', () => {
    const stack = newStack();
    const step = new sfn.Pass(stack, 'Call', { parameters: { aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET } });
    const machine = new sfn.StateMachine(stack, 'M', { definitionBody: sfn.DefinitionBody.fromChainable(step) });
    expect(findings(accessKeyIdInCode, machine)).toEqual(['AccessKeyId::DefinitionString.States.Call.Parameters.aws_access_key_id']);
    expect(findings(secretAccessKeyInCode, machine)).toEqual(['SecretAccessKey::DefinitionString.States.Call.Parameters.aws_secret_access_key']);
  });

  test('a Definition object, and DefinitionSubstitutions', () => {
    const raw = new sfn.CfnStateMachine(newStack(), 'Raw', {
      roleArn: 'arn:aws:iam::111111111111:role/sfn',
      definition: { StartAt: 'A', States: { A: { Type: 'Pass', Result: { key: KEY_ID }, End: true } } },
      definitionSubstitutions: { VendorSecretKey: 'literal-value' },
    });
    expect(findings(accessKeyIdInCode, raw)).toEqual(['AccessKeyId::Definition.States.A.Result.key']);
    expect(findings(secretAccessKeyInCode, raw)).toEqual(['SecretAccessKey::DefinitionSubstitutions.VendorSecretKey']);
  });

  test('JSONPath values, references and long logical ids are not keys', () => {
    const stack = newStack();
    const longId = 'ProcessIncomingOrderEventsForRegion2Nowx';
    const target = new CfnResource(stack, longId, { type: 'AWS::SQS::Queue' });
    const step = new sfn.Pass(stack, 'Call', {
      parameters: { 'SecretKey.$': '$.input.secretKey', 'secretArn': target.getAtt('Arn').toString(), 'credentials': target.getAtt('Arn').toString(), 'secret_key_param': '/prod/secret-key' },
    });
    const machine = new sfn.StateMachine(stack, 'M', { definitionBody: sfn.DefinitionBody.fromChainable(step) });
    expect(run(accessKeyIdInCode, machine)).toBe(COMPLIANT);
    expect(run(secretAccessKeyInCode, machine)).toBe(COMPLIANT);
  });
});

describe('names that look secret, values that are references', () => {
  test('_PARAM, _ARN, _PATH names and dynamic references are not secrets', () => {
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'S');
    const f = fn(stack, {
      VENDOR_SECRET_KEY_PARAM: '/prod/vendor/secret-key',
      VENDOR_SECRET_KEY_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:vendor-AbCdEf',
      VENDOR_SECRET_ARN: secret.secretArn,
      SECRET_KEY_PATH: 'prod/vendor/key',
      SECRET_KEY: '{{resolve:secretsmanager:vendor:SecretString:secretKey}}',
      AWS_SECRET_KEY: '{{resolve:ssm-secure:/vendor/secret-key}}',
    });
    expect(run(secretAccessKeyInCode, f)).toBe(COMPLIANT);
    expect(run(accessKeyIdInCode, f)).toBe(COMPLIANT);
  });

  test('the same names holding a key are still findings (the shape wins)', () => {
    const f = fn(newStack(), { VENDOR_SECRET_KEY_PARAM: SECRET, VENDOR_KEY_ARN: KEY_ID });
    expect(findings(secretAccessKeyInCode, f)).toEqual(['SecretAccessKey::Environment.VENDOR_SECRET_KEY_PARAM']);
    expect(findings(accessKeyIdInCode, f)).toEqual(['AccessKeyId::Environment.VENDOR_KEY_ARN']);
  });
});

describe('messages say where, what (masked) and how to fix it there', () => {
  test('CodeBuild and Lambda', () => {
    const stack = newStack();
    const p = new codebuild.Project(stack, 'P', {
      buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['ls'] } } }),
      environmentVariables: { AWS_KEY: { value: KEY_ID } },
    });
    const text = message(accessKeyIdInCode, CREDENTIALS_IN_CODE_RULES[0], p);
    expect(text).toContain('Environment.EnvironmentVariables.AWS_KEY (AKIA************MPLE)');
    expect(text).toContain('BuildEnvironmentVariableType.SECRETS_MANAGER');
    expect(text).not.toContain(KEY_ID);
    const f = fn(stack, { MY_SECRET_KEY: 'short-but-literal' });
    const secretText = message(secretAccessKeyInCode, CREDENTIALS_IN_CODE_RULES[1], f);
    expect(secretText).toContain('under the name "MY_SECRET_KEY"');
    expect(secretText).toContain('secret.grantRead(fn)');
  });
});

describe('CR3 EC2 instance without an instance profile (warning)', () => {
  test('a CfnInstance without, an ec2.Instance with', () => {
    const stack = newStack();
    expect(run(instanceWithoutProfile, new ec2.CfnInstance(stack, 'Raw', { imageId: 'ami-123' }))).toBe(NON_COMPLIANT);
    expect(run(instanceWithoutProfile, instance(stack, []))).toBe(COMPLIANT);
    expect(run(instanceWithoutProfile, new ssm.StringParameter(stack, 'P', { stringValue: 'x' }))).toBe(NOT_APPLICABLE);
  });
});

describe('a SAM function before its transform', () => {
  test('environment variables and InlineCode are read like a Lambda function\'s', () => {
    const stack = newStack();
    const sam = new CfnResource(stack, 'Fn', {
      type: 'AWS::Serverless::Function',
      properties: { Handler: 'app.handler', Runtime: 'python3.12', Environment: { Variables: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' } } },
    });
    expect(findings(accessKeyIdInCode, sam)).toEqual(['AccessKeyId::Environment.AWS_ACCESS_KEY_ID']);
    const clean = new CfnResource(stack, 'Clean', {
      type: 'AWS::Serverless::Function',
      properties: { Handler: 'app.handler', Runtime: 'python3.12', InlineCode: 'def handler(e, c):\n    return 1\n', Environment: { Variables: { key: 'value' } } },
    });
    expect(run(accessKeyIdInCode, clean)).toBe(COMPLIANT);
  });
});
