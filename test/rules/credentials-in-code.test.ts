import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { COMPLIANT, findings, newStack, NON_COMPLIANT, NOT_APPLICABLE, run } from './helpers';
import { accessKeyIdInCode, instanceWithoutProfile, secretAccessKeyInCode } from '../../src/rules/credentials-in-code';

// AWS's documented example credentials.
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const fn = (stack: Stack, environment: { [key: string]: string }) =>
  new lambda.Function(stack, `Fn${stack.node.children.length}`, { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('x'), environment });

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
    expect(run(accessKeyIdInCode, new secretsmanager.Secret(newStack(), 'S'))).toBe(NOT_APPLICABLE);
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
