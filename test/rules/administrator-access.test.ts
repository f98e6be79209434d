import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sso from 'aws-cdk-lib/aws-sso';
import { COMPLIANT, findings, newStack, NOT_APPLICABLE, run } from './helpers';
import { AppModel, IAM_TYPES, StackTemplateInput } from '../../src/model/app-model';
import { ALL_RULES } from '../../src/rules';
import { administratorPolicyAttached, administratorPolicyOnUnboundedRole, unknownAwsManagedPolicy } from '../../src/rules/administrator-access';
import { evaluateRules, RuleFinding } from '../../src/rules/engine';
import { passRoleToCompute } from '../../src/rules/privilege-escalation';
import { RULE_ID_PREFIX } from '../../src/rules/rule';

const aws = (name: string) => iam.ManagedPolicy.fromAwsManagedPolicyName(name);
const TRUST = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const PARTITION_ARN = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });
const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111111111111111';

function roleWith(managedPolicies: iam.IManagedPolicy[], permissionsBoundary?: iam.IManagedPolicy) {
  const stack = newStack();
  return new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), managedPolicies, permissionsBoundary });
}

function roleTemplate(properties: { [key: string]: unknown }) {
  return { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, ...properties } };
}

/** Every rule on raw templates, as the packs run them. */
function evaluate(resources: { [id: string]: unknown }): RuleFinding[] {
  const input: StackTemplateInput = { name: 'S', account: '111111111111', region: 'us-east-1', template: { Resources: resources } };
  return evaluateRules(new AppModel([input]), ALL_RULES);
}

function idsOn(list: readonly RuleFinding[], logicalId: string): string[] {
  return list.filter(f => f.resource.logicalId === logicalId).map(f => f.ruleId);
}

function messageOf(list: readonly RuleFinding[], ruleId: string): string {
  const hit = list.find(f => f.ruleId === ruleId);
  if (!hit) throw new Error(`no ${ruleId}; found ${list.map(f => f.ruleId).join(', ')}`);
  return hit.message;
}

const id = (rule: string, finding: string) => `${RULE_ID_PREFIX}-${rule}[${finding}]`;

describe('LP8: administrator-like AWS managed policy on a role without a boundary', () => {
  test.each([
    ['AdministratorAccess', 'every action on every resource'],
    ['PowerUserAccess', 'every action except iam:*, organizations:* and account:* on every resource'],
    ['IAMFullAccess', 'IAM permissions management on every resource (iam:AttachUserPolicy'],
    ['AWSLambda_FullAccess', 'iam:PassRole on every role with lambda:CreateFunction and lambda:InvokeFunction'],
    ['AmazonSSMFullAccess', 'ssm:SendCommand on every resource'],
  ])('%s', (name, grants) => {
    const list = evaluate({ Role: roleTemplate({ ManagedPolicyArns: [PARTITION_ARN(name)] }) });
    const message = messageOf(list, id('LP8', `Policy::${name}`));
    expect(message).toContain(`The AWS managed policy ${name} is attached to a role without a permissions boundary. It grants ${grants}`);
    expect(message).toContain('Fix: ');
    expect(idsOn(list, 'Role')).not.toContain(id('LP9', `Policy::${name}`));
  });

  test('only the administrator-like ones of several', () => {
    const role = roleWith(['AdministratorAccess', 'ReadOnlyAccess', 'IAMFullAccess', 'service-role/AWSLambdaBasicExecutionRole'].map(aws));
    expect(findings(administratorPolicyOnUnboundedRole, role)).toEqual(['Policy::AdministratorAccess', 'Policy::IAMFullAccess']);
    expect(run(administratorPolicyAttached, role)).toBe(NOT_APPLICABLE);
  });

  test.each([
    ['service-role/AWSLambdaBasicExecutionRole'], ['AmazonEC2ContainerRegistryReadOnly'], ['service-role/AWSLambdaVPCAccessExecutionRole'],
    ['CloudWatchAgentServerPolicy'], ['AmazonSSMManagedInstanceCore'], ['ReadOnlyAccess'],
  ])('ordinary: %s is compliant', name => {
    expect(run(administratorPolicyOnUnboundedRole, roleWith([aws(name)]))).toBe(COMPLIANT);
  });

  test('not applicable: a role with a boundary, a user, a group, a bucket', () => {
    const boundary = aws('PowerUserAccess');
    expect(run(administratorPolicyOnUnboundedRole, roleWith([aws('AdministratorAccess')], boundary))).toBe(NOT_APPLICABLE);
    const stack = newStack();
    expect(run(administratorPolicyOnUnboundedRole, new iam.User(stack, 'U', { managedPolicies: [aws('AdministratorAccess')] }))).toBe(NOT_APPLICABLE);
    expect(run(administratorPolicyOnUnboundedRole, new iam.Group(stack, 'G', { managedPolicies: [aws('AdministratorAccess')] }))).toBe(NOT_APPLICABLE);
    expect(run(administratorPolicyOnUnboundedRole, new s3.Bucket(stack, 'B'))).toBe(NOT_APPLICABLE);
  });

  test('a customer managed policy named AdministratorAccess is not an AWS managed policy (LP1 judges its document)', () => {
    const stack = newStack();
    const mine = new iam.ManagedPolicy(stack, 'Mine', {
      managedPolicyName: 'AdministratorAccess', statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
    });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), managedPolicies: [mine] });
    expect(run(administratorPolicyOnUnboundedRole, role)).toBe(COMPLIANT);
  });

  describe('how the ARN is written', () => {
    test.each([
      ['a literal ARN', 'arn:aws:iam::aws:policy/AdministratorAccess'],
      ['the partition placeholder', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess' }],
      ['Fn::Join with the partition', PARTITION_ARN('AdministratorAccess')],
      ['GovCloud', 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess'],
      ['mixed case (IAM resolves it to the same policy)', 'arn:aws:iam::aws:policy/administratorACCESS'],
    ])('%s', (_how, arn) => {
      const list = evaluate({ Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: [arn] } } });
      expect(idsOn(list, 'Role')).toContain(id('LP8', 'Policy::AdministratorAccess'));
      expect(idsOn(list, 'Role').filter(i => i.includes('-LP14'))).toEqual([]);
    });

    test('a parameter as the policy name is not known before deployment: nothing to judge', () => {
      const stack = newStack();
      const name = new CfnParameter(stack, 'PolicyName');
      const role = new iam.Role(stack, 'R', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(stack, 'P', Fn.join('', ['arn:aws:iam::aws:policy/', name.valueAsString]))],
      });
      expect(run(administratorPolicyOnUnboundedRole, role)).toBe(COMPLIANT);
      expect(run(unknownAwsManagedPolicy, role)).toBe(NOT_APPLICABLE);
    });
  });
});

describe('LP9: administrator-like AWS managed policy on a user, a group, or a role whose boundary leaves it', () => {
  test('a group with PowerUserAccess, a user with AdministratorAccess', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'G', { managedPolicies: [aws('PowerUserAccess')] });
    const user = new iam.User(stack, 'U', { managedPolicies: [aws('AdministratorAccess')] });
    expect(findings(administratorPolicyAttached, group)).toEqual(['Policy::PowerUserAccess']);
    expect(findings(administratorPolicyAttached, user)).toEqual(['Policy::AdministratorAccess']);
  });

  test('a role whose boundary (an AWS managed policy) leaves most of it: the message says what is left', () => {
    const list = evaluate({
      Role: {
        Type: IAM_TYPES.role,
        Properties: {
          AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: [PARTITION_ARN('AdministratorAccess')], PermissionsBoundary: PARTITION_ARN('PowerUserAccess'),
        },
      },
    });
    expect(idsOn(list, 'Role')).not.toContain(id('LP8', 'Policy::AdministratorAccess'));
    expect(messageOf(list, id('LP9', 'Policy::AdministratorAccess'))).toContain(
      'The AWS managed policy AdministratorAccess is attached to this role, whose permissions boundary (AWS managed policy PowerUserAccess) '
      + 'does not take that access away. Within the boundary it still grants every action except iam:*, organizations:* and account:* on every resource.');
  });

  test('a role whose boundary takes it all away is compliant', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    const role = new iam.Role(stack, 'R', {
      assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: boundary, managedPolicies: [aws('PowerUserAccess'), aws('IAMFullAccess')],
    });
    expect(run(administratorPolicyAttached, role)).toBe(COMPLIANT);
    expect(run(administratorPolicyOnUnboundedRole, role)).toBe(NOT_APPLICABLE);
  });

  test('a role whose boundary is outside the app: reported, and the message says it could not be checked', () => {
    const list = evaluate({
      Role: {
        Type: IAM_TYPES.role,
        Properties: {
          AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: ['arn:aws:iam::aws:policy/IAMFullAccess'], PermissionsBoundary: 'arn:aws:iam::111111111111:policy/org-boundary',
        },
      },
    });
    expect(messageOf(list, id('LP9', 'Policy::IAMFullAccess'))).toContain('whose permissions boundary is not in this app, so what it leaves could not be checked');
  });

  test('a user whose boundary (the app\'s) leaves IAM: the boundary caps, the user still gets LP9', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['iam:*'], resources: ['*'] })] });
    const user = new iam.User(stack, 'U', { permissionsBoundary: boundary, managedPolicies: [aws('AdministratorAccess'), aws('AmazonSSMFullAccess')] });
    expect(findings(administratorPolicyAttached, user)).toEqual(['Policy::AdministratorAccess']);
  });

  test('not applicable: a role without a boundary, a bucket', () => {
    expect(run(administratorPolicyAttached, roleWith([aws('AdministratorAccess')]))).toBe(NOT_APPLICABLE);
    expect(run(administratorPolicyAttached, new s3.Bucket(newStack(), 'B'))).toBe(NOT_APPLICABLE);
  });

  test('ordinary policies on a group: compliant', () => {
    const group = new iam.Group(newStack(), 'G', { managedPolicies: [aws('ReadOnlyAccess'), aws('AmazonEC2ContainerRegistryReadOnly')] });
    expect(run(administratorPolicyAttached, group)).toBe(COMPLIANT);
  });
});

describe('LP14: an AWS managed policy ARN that names no AWS managed policy', () => {
  function roleFinding(arns: unknown[], boundary?: unknown) {
    return evaluate({ Role: roleTemplate({ ManagedPolicyArns: arns, PermissionsBoundary: boundary }) });
  }

  test('a missing path: the message gives the path', () => {
    const list = roleFinding([PARTITION_ARN('AWSLambdaBasicExecutionRole')]);
    const message = messageOf(list, id('LP14', 'Policy::AWSLambdaBasicExecutionRole'));
    expect(message).toContain('ManagedPolicyArns names arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole, which is not an AWS managed policy');
    expect(message).toContain('Did you mean service-role/AWSLambdaBasicExecutionRole (arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole)?');
    expect(message).toContain('iam.ManagedPolicy.fromAwsManagedPolicyName(\'service-role/AWSLambdaBasicExecutionRole\')');
  });

  test.each([
    ['a typo', 'AdministratorAcess', 'AdministratorAccess'],
    ['a retired name', 'AWSLambdaFullAccess', 'AWSLambda_FullAccess'],
    ['a wrong path', 'service-role/AmazonEC2ContainerRegistryReadOnly', 'AmazonEC2ContainerRegistryReadOnly'],
  ])('%s: %s', (_why, written, suggestion) => {
    const list = roleFinding([`arn:aws:iam::aws:policy/${written}`]);
    expect(messageOf(list, id('LP14', `Policy::${written}`))).toContain(`Did you mean ${suggestion} `);
  });

  test('a name close to nothing: no suggestion, where to look', () => {
    const list = roleFinding(['arn:aws:iam::aws:policy/MyCompanyDeployPolicy']);
    expect(messageOf(list, id('LP14', 'Policy::MyCompanyDeployPolicy'))).toContain('AWS Managed Policy Reference Guide');
  });

  test('a boundary that names no AWS managed policy', () => {
    const list = roleFinding([], 'arn:aws:iam::aws:policy/PowerUserAcess');
    expect(messageOf(list, id('LP14', 'Policy::PowerUserAcess'))).toMatch(/^PermissionsBoundary names .* Did you mean PowerUserAccess /);
  });

  test('a service-linked role policy cannot be attached to a role', () => {
    const list = roleFinding(['arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy']);
    expect(messageOf(list, id('LP14', 'Policy::aws-service-role/AmazonSSMServiceRolePolicy'))).toContain('IAM refuses to attach it');
  });

  test('existing names in any case and partition are compliant; customer managed ARNs are not applicable', () => {
    const stack = newStack();
    const good = new iam.Role(stack, 'Good', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [aws('service-role/AWSLambdaBasicExecutionRole'), iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Lower', 'arn:aws-cn:iam::aws:policy/readonlyaccess')],
    });
    const mine = new iam.Role(stack, 'Mine', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Customer', 'arn:aws:iam::111111111111:policy/AdministratorAcess')],
    });
    expect(run(unknownAwsManagedPolicy, good)).toBe(COMPLIANT);
    expect(run(unknownAwsManagedPolicy, mine)).toBe(NOT_APPLICABLE);
    expect(run(unknownAwsManagedPolicy, new s3.Bucket(stack, 'B'))).toBe(NOT_APPLICABLE);
  });

  test('users and groups too', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'G', { managedPolicies: [aws('ReadOnlyAcess')] });
    const user = new iam.User(stack, 'U', { managedPolicies: [aws('job-function/ViewOnlyAccess'), aws('ViewOnlyAccess')] });
    expect(findings(unknownAwsManagedPolicy, group)).toEqual(['Policy::ReadOnlyAcess']);
    expect(findings(unknownAwsManagedPolicy, user)).toEqual(['Policy::ViewOnlyAccess']);
  });
});

describe('AWS managed policies in the escalation rules', () => {
  function roleOf(...arns: unknown[]) {
    return { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: arns } };
  }

  test('AWSLambda_FullAccess: pass any role to a function and invoke it (PE2)', () => {
    const list = evaluate({ Role: roleOf(PARTITION_ARN('AWSLambda_FullAccess')) });
    const message = messageOf(list, id('PE2', 'Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction'));
    expect(message).toContain('create a Lambda function with a stronger role and invoke it');
  });

  test('AmazonSSMFullAccess: run commands on any managed instance (PE3)', () => {
    const list = evaluate({ Role: roleOf('arn:aws:iam::aws:policy/AmazonSSMFullAccess') });
    expect(idsOn(list, 'Role')).toEqual(expect.arrayContaining([id('PE3', 'Escalation::ssm:SendCommand'), id('PE3', 'Escalation::ssm:StartSession')]));
  });

  test('IAMFullAccess: self-modification (PE1)', () => {
    const list = evaluate({ Role: roleOf('arn:aws:iam::aws:policy/IAMFullAccess') });
    expect(idsOn(list, 'Role')).toEqual(expect.arrayContaining([id('PE1', 'Escalation::iam:PutRolePolicy'), id('PE1', 'Escalation::iam:AttachRolePolicy')]));
  });

  test('AmazonInspector2FullAccess: inspector2:* and delegated-administrator registration, no escalation row', () => {
    const ids = idsOn(evaluate({ Role: roleOf(PARTITION_ARN('AmazonInspector2FullAccess')) }), 'Role');
    expect(ids.filter(i => /-(PE\d|LP8|LP9|LP14)\[/.test(i))).toEqual([]);
  });

  test('ordinary AWS managed policies: no escalation, no administrator finding', () => {
    const ids = idsOn(evaluate({
      Role: roleOf(...['service-role/AWSLambdaBasicExecutionRole', 'AmazonEC2ContainerRegistryReadOnly', 'service-role/AWSLambdaVPCAccessExecutionRole',
        'CloudWatchAgentServerPolicy', 'AmazonSSMManagedInstanceCore'].map(PARTITION_ARN)),
    }), 'Role');
    expect(ids.filter(i => /-(PE\d|LP\d+)\[/.test(i))).toEqual([]);
  });

  test('two managed policies whose union escalates: AWS managed lambda:InvokeFunction with a customer policy that creates functions', () => {
    const stack = newStack();
    const createFunctions = new iam.ManagedPolicy(stack, 'CreateFunctions', {
      statements: [new iam.PolicyStatement({ actions: ['iam:PassRole', 'lambda:CreateFunction'], resources: ['*'] })],
    });
    const alone = new iam.Role(stack, 'Alone', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), managedPolicies: [createFunctions] });
    const both = new iam.Role(stack, 'Both', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), managedPolicies: [createFunctions, aws('service-role/AWSLambdaRole')],
    });
    expect(run(passRoleToCompute, alone)).toBe(COMPLIANT);
    expect(findings(passRoleToCompute, both)).toEqual(['Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction']);
    // Neither policy is administrator-like on its own.
    expect(run(administratorPolicyOnUnboundedRole, both)).toBe(COMPLIANT);
  });

  test('an AWS managed boundary caps escalation: IAMFullAccess within PowerUserAccess', () => {
    const list = evaluate({
      Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: [PARTITION_ARN('IAMFullAccess')], PermissionsBoundary: PARTITION_ARN('PowerUserAccess') } },
    });
    expect(idsOn(list, 'Role').filter(i => /-(PE1|LP8|LP9)\[/.test(i))).toEqual([]);
  });
});

describe('IAM Identity Center permission sets', () => {
  function permissionSet(properties: { [key: string]: unknown }) {
    return { Type: IAM_TYPES.permissionSet, Properties: { InstanceArn: INSTANCE_ARN, Name: 'Developers', ...properties } };
  }

  test('AdministratorAccess without a boundary: LP8', () => {
    const stack = newStack();
    const ps = new sso.CfnPermissionSet(stack, 'Admins', {
      instanceArn: INSTANCE_ARN, name: 'Admins', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    });
    expect(findings(administratorPolicyOnUnboundedRole, ps)).toEqual(['Policy::AdministratorAccess']);
    expect(run(administratorPolicyAttached, ps)).toBe(NOT_APPLICABLE);
  });

  test('a boundary that leaves it: LP9, that names the permission set', () => {
    const list = evaluate({
      PS: permissionSet({ ManagedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], PermissionsBoundary: { ManagedPolicyArn: PARTITION_ARN('PowerUserAccess') } }),
    });
    expect(messageOf(list, id('LP9', 'Policy::AdministratorAccess'))).toContain('is attached to this permission set, whose permissions boundary');
    expect(idsOn(list, 'PS')).not.toContain(id('LP8', 'Policy::AdministratorAccess'));
  });

  test('a customer managed boundary of the app, by name, that takes it away: compliant', () => {
    const list = evaluate({
      Boundary: { Type: IAM_TYPES.managedPolicy, Properties: { ManagedPolicyName: 'dev-boundary', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } } },
      PS: permissionSet({
        ManagedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'dev-boundary', Path: '/' } },
      }),
    });
    expect(idsOn(list, 'PS').filter(i => /-(LP8|LP9|PE\d)\[/.test(i))).toEqual([]);
  });

  test('an inline policy (JSON string) and a customer managed policy by name both grant: escalation through their union', () => {
    const list = evaluate({
      Invoke: { Type: IAM_TYPES.managedPolicy, Properties: { ManagedPolicyName: 'invoke', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] } } },
      PS: permissionSet({
        InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction'], Resource: '*' }] }),
        CustomerManagedPolicyReferences: [{ Name: 'invoke' }],
      }),
    });
    expect(idsOn(list, 'PS')).toContain(id('PE2', 'Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction'));
    // The customer managed policy is judged through the permission set, not on its own.
    expect(idsOn(list, 'Invoke').filter(i => /-PE\d\[/.test(i))).toEqual([]);
  });

  test('an inline policy object that lets it modify IAM: PE1', () => {
    const list = evaluate({ PS: permissionSet({ InlinePolicy: { Statement: { Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '*' } } }) });
    expect(idsOn(list, 'PS')).toContain(id('PE1', 'Escalation::iam:AttachRolePolicy'));
  });

  test('a misspelled managed policy and boundary: LP14', () => {
    const list = evaluate({
      PS: permissionSet({ ManagedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAcess'], PermissionsBoundary: { ManagedPolicyArn: 'arn:aws:iam::aws:policy/PowerUser' } }),
    });
    expect(idsOn(list, 'PS')).toEqual(expect.arrayContaining([id('LP14', 'Policy::ReadOnlyAcess'), id('LP14', 'Policy::PowerUser')]));
    expect(messageOf(list, id('LP14', 'Policy::PowerUser'))).toMatch(/^PermissionsBoundary.ManagedPolicyArn names/);
  });

  // The LP rules read a principal's inline policies from `Policies`; they see a permission set's
  // InlinePolicy once leastPrivilegeOf (src/rules/least-privilege.ts) reads r.inlinePolicies().

  test('the least-privilege rules judge its inline policy (LP1)', () => {
    const list = evaluate({ PS: permissionSet({ InlinePolicy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }) });
    expect(idsOn(list, 'PS')).toContain(id('LP1', 'Action::*'));
  });

  test('is not a user or a role for the identity rules', () => {
    const ids = idsOn(evaluate({ PS: permissionSet({ ManagedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }) }), 'PS');
    expect(ids.filter(i => /-(ID\d|TR\d)/.test(i))).toEqual([]);
  });

  test('a read-only permission set: nothing', () => {
    const ids = idsOn(evaluate({ PS: permissionSet({ ManagedPolicies: [PARTITION_ARN('ReadOnlyAccess')], SessionDuration: 'PT8H' }) }), 'PS');
    expect(ids).toEqual([]);
  });
});
