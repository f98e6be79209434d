import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { AppModel } from '../../src/model/app-model';
import { loadSynthesizedStacks } from '../../src/model/load';
import { IamBestPracticesChecks } from '../../src/packs';
import { ALL_RULES } from '../../src/rules';
import { evaluateRules, RuleFinding } from '../../src/rules/engine';
import { RULE_ID_PREFIX } from '../../src/rules/rule';

const LAMBDA_TRUST = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

/** The template a StackSet deploys: a role and a policy that lets it pass any role to Lambda and create functions. */
const INNER = {
  Parameters: { PassableRoles: { Type: 'String' } },
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
    Escalate: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'escalate',
        Roles: [{ Ref: 'Role' }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: 'iam:PassRole', Resource: { Ref: 'PassableRoles' } },
            { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
          ],
        },
      },
    },
  },
};

const INNER_YAML = `
Parameters:
  PassableRoles: { Type: String }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
  Escalate:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: escalate
      Roles: [!Ref Role]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: iam:PassRole
            Resource: !Ref PassableRoles
          - Effect: Allow
            Action: [lambda:CreateFunction, lambda:InvokeFunction]
            Resource: !Sub 'arn:\${AWS::Partition}:lambda:*:*:function:*'
`;

function stackSet(body: unknown, parameters: Array<{ ParameterKey: string; ParameterValue: unknown }> = [{ ParameterKey: 'PassableRoles', ParameterValue: '*' }]) {
  return {
    Type: 'AWS::CloudFormation::StackSet',
    Properties: {
      StackSetName: 'baseline',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      TemplateBody: body,
      Parameters: parameters,
    },
  };
}

function writeAssembly(files: { [name: string]: unknown }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacksets-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

function findingsOf(dir: string, file = 'Org.template.json'): RuleFinding[] {
  return evaluateRules(new AppModel(loadSynthesizedStacks([{ templatePath: path.join(dir, file) }])), ALL_RULES);
}

const PASS_ROLE_TO_LAMBDA = `${RULE_ID_PREFIX}-PE2[Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction]`;

describe('the template of a StackSet is judged like a stack of the app', () => {
  test('TemplateBody as JSON: the escalation split between a role and its policy is found, and the message names the StackSet', () => {
    const dir = writeAssembly({ 'Org.template.json': { Resources: { Baseline: stackSet(JSON.stringify(INNER)) } } });
    const list = findingsOf(dir);
    const hit = list.find(f => f.resource.logicalId === 'Role' && f.ruleId === PASS_ROLE_TO_LAMBDA);
    expect(hit?.message).toMatch(/^In the template of StackSet Baseline \(stack Org, TemplateBody\), deployed to every account and Region it targets, resource Role: /);
  });

  test('TemplateBody as YAML with short-form intrinsics (!Ref, !Sub) reads the same', () => {
    const dir = writeAssembly({ 'Org.template.json': { Resources: { Baseline: stackSet(INNER_YAML) } } });
    expect(findingsOf(dir).some(f => f.resource.logicalId === 'Role' && f.ruleId === PASS_ROLE_TO_LAMBDA)).toBe(true);
  });

  test('the StackSet\'s Parameters reach the template: a specific role passed is not an escalation', () => {
    const dir = writeAssembly({
      'Org.template.json': { Resources: { Baseline: stackSet(JSON.stringify(INNER), [{ ParameterKey: 'PassableRoles', ParameterValue: 'arn:aws:iam::111111111111:role/app-fn' }]) } },
    });
    const list = findingsOf(dir);
    expect(list.filter(f => f.resource.logicalId === 'Role' && f.ruleId.startsWith(`${RULE_ID_PREFIX}-PE`))).toEqual([]);
    // Without a value for the parameter the role is unknown before deployment, read as unbounded.
    const unknown = findingsOf(writeAssembly({ 'Org.template.json': { Resources: { Baseline: stackSet(JSON.stringify(INNER), []) } } }));
    expect(unknown.some(f => f.resource.logicalId === 'Role' && f.ruleId === PASS_ROLE_TO_LAMBDA)).toBe(true);
  });

  test('TemplateURL naming a file asset of the assembly: the file is read and named in the message', () => {
    const hash = 'a'.repeat(64);
    const dir = writeAssembly({
      [`${hash}.json`]: INNER,
      'Org.assets.json': { version: '36.0.0', files: { [hash]: { source: { path: `${hash}.json`, packaging: 'file' }, destinations: {} } } },
      'Org.template.json': {
        Resources: {
          Baseline: {
            Type: 'AWS::CloudFormation::StackSet',
            Properties: {
              StackSetName: 'baseline',
              PermissionModel: 'SERVICE_MANAGED',
              TemplateURL: { 'Fn::Sub': `https://s3.\${AWS::Region}.\${AWS::URLSuffix}/cdk-assets-\${AWS::AccountId}/${hash}.json` },
              Parameters: [{ ParameterKey: 'PassableRoles', ParameterValue: '*' }],
            },
          },
        },
      },
    });
    const hit = findingsOf(dir).find(f => f.resource.logicalId === 'Role' && f.ruleId === PASS_ROLE_TO_LAMBDA);
    expect(hit?.message).toContain(`(stack Org, ${hash}.json)`);
  });

  test('names do not cross into or out of a StackSet: its policy attached to "Admin" is not the app\'s role Admin', () => {
    const inner = {
      Resources: {
        Grant: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { Roles: ['Admin'], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, { Effect: 'Allow', Action: 'lambda:*', Resource: '*' }] } },
        },
      },
    };
    const dir = writeAssembly({
      'Org.template.json': {
        Resources: {
          Admin: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'Admin', AssumeRolePolicyDocument: LAMBDA_TRUST } },
          Baseline: stackSet(JSON.stringify(inner), []),
        },
      },
    });
    const list = findingsOf(dir);
    expect(list.filter(f => f.resource.logicalId === 'Admin' && f.ruleId.includes('-PE'))).toEqual([]);
    const onGrant = list.find(f => f.resource.logicalId === 'Grant' && f.ruleId.includes('-PE2'));
    expect(onGrant?.message).toContain('outside this app');
  });

  test('a body written with intrinsics, or that does not parse, is left out without failing the others', () => {
    const dir = writeAssembly({
      'Org.template.json': {
        Resources: {
          Built: stackSet({ 'Fn::Sub': '{"Resources": {}}' }),
          Broken: stackSet('Resources: [unclosed'),
          Baseline: stackSet(JSON.stringify(INNER)),
        },
      },
    });
    expect(findingsOf(dir).some(f => f.ruleId === PASS_ROLE_TO_LAMBDA)).toBe(true);
  });
});

describe('through the pack on a CDK app', () => {
  function app(acknowledge: boolean) {
    const root = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'stacksets-app-')) });
    const stack = new Stack(root, 'Org', { env: { account: '111111111111', region: 'us-east-1' } });
    const set = new cloudformation.CfnStackSet(stack, 'Baseline', {
      stackSetName: 'baseline',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      templateBody: JSON.stringify(INNER),
      parameters: [{ parameterKey: 'PassableRoles', parameterValue: '*' }],
    });
    if (acknowledge) {
      Validations.of(set).acknowledge({ id: PASS_ROLE_TO_LAMBDA, reason: 'The baseline role deploys the account\'s functions by design (ticket SEC-12).' });
    }
    return { root, set };
  }

  test('a finding inside the StackSet is reported on the StackSet construct, and an acknowledgment there covers it', () => {
    const { root, set } = app(false);
    const violation = new IamBestPracticesChecks().validateScope(root).violations.find(v => v.ruleName === PASS_ROLE_TO_LAMBDA);
    expect(violation?.violatingResources.map(r => r.constructPath)).toEqual([(set as CfnResource).node.path]);
    expect(violation?.description).toContain('In the template of StackSet Baseline');

    const acknowledged = app(true);
    expect(new IamBestPracticesChecks().validateScope(acknowledged.root).violations.map(v => v.ruleName)).not.toContain(PASS_ROLE_TO_LAMBDA);
  });
});
