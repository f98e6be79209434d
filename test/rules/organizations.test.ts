import { AppModel, StackTemplateInput } from '../../src/model/app-model';
import { ALL_RULES } from '../../src/rules';
import { evaluateRules, RuleFinding } from '../../src/rules/engine';
import { RULE_ID_PREFIX } from '../../src/rules/rule';

const ORG_POLICY = 'AWS::Organizations::Policy';

function orgPolicy(type: string, content: unknown, name = 'Guardrail'): StackTemplateInput {
  return {
    name: 'Org',
    account: '111111111111',
    region: 'us-east-1',
    template: { Resources: { Policy: { Type: ORG_POLICY, Properties: { Name: name, Type: type, Content: content, TargetIds: ['r-abcd'] } } } },
  };
}

function findingsOf(input: StackTemplateInput): RuleFinding[] {
  return evaluateRules(new AppModel([input]), ALL_RULES);
}

function ids(list: readonly RuleFinding[]): string[] {
  return list.map(f => f.ruleId).sort();
}

function one(list: readonly RuleFinding[], ruleId: string): RuleFinding {
  const hits = list.filter(f => f.ruleId === `${RULE_ID_PREFIX}-${ruleId}`);
  if (hits.length !== 1) throw new Error(`expected one ${ruleId}, found: ${ids(list).join(', ')}`);
  return hits[0];
}

const DENY_ROOT = {
  Sid: 'DenyRootUser',
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
  Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
};
const DENY_LEAVE = { Sid: 'DenyLeave', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' };

describe('service control policies', () => {
  test('the guide\'s SCP (root user denied, leaving the organization denied) has no finding, as an object or as a JSON string', () => {
    const doc = { Version: '2012-10-17', Statement: [DENY_ROOT, DENY_LEAVE] };
    expect(ids(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', doc)))).toEqual([]);
    expect(ids(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', JSON.stringify(doc))))).toEqual([]);
  });

  test('an SCP that allows everything is a cap, not a grant: no least-privilege finding', () => {
    const fullAccess = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } };
    expect(ids(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', fullAccess)))).toEqual([]);
  });

  test('OR3: a misspelt action in a Deny denies nothing; the message names the policy, the statement and the effect', () => {
    const doc = { Statement: { Sid: 'NoUsers', Effect: 'Deny', Action: ['iam:CreateUser', 'iam:CreatLoginProfile'], Resource: '*' } };
    const finding = one(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', doc)), 'OR3[Action::iam:CreatLoginProfile]');
    expect(finding.level).toBe('Error');
    expect(finding.message).toContain('policy "Guardrail" statement "NoUsers"');
    expect(finding.message).toContain('the Deny does not deny it');
  });

  test('OR3: mixed-case real actions and service wildcards are fine', () => {
    const doc = { Statement: [{ Effect: 'Deny', Action: ['IAM:createuser', 'cloudtrail:Stop*', 'Config:*'], Resource: '*' }] };
    expect(ids(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', doc)))).toEqual([]);
  });

  test('OR3: a misspelt NotAction exempts nothing, and says so', () => {
    const doc = { Statement: [{ Effect: 'Deny', NotAction: ['iam:*', 'organisations:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } }] };
    const finding = one(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', doc)), 'OR3[Action::organisations:*]');
    expect(finding.message).toContain('exempts nothing');
  });

  test('OR2: a Principal in an SCP is rejected by Organizations', () => {
    const doc = { Statement: [{ ...DENY_LEAVE, Principal: { AWS: 'arn:aws:iam::111111111111:root' } }] };
    const finding = one(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', doc)), 'OR2[Element::Principal]');
    expect(finding.message).toContain('statement "DenyLeave"');
    expect(finding.message).toContain('aws:PrincipalArn');
  });

  test('OR1: over 5,120 characters fails to deploy; white space in a string counts, an object is counted as compact JSON', () => {
    const statements = Array.from({ length: 60 }, (_, i) => ({ Sid: `Deny${i}`, Effect: 'Deny', Action: 'ec2:RunInstances', Resource: `arn:aws:ec2:*:*:instance/i-${i}` }));
    const big = { Version: '2012-10-17', Statement: statements };
    expect(JSON.stringify(big).length).toBeGreaterThan(5120);
    const finding = one(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', big)), 'OR1');
    expect(finding.message).toContain(`${JSON.stringify(big).length} characters even as compact JSON`);

    const small = { Version: '2012-10-17', Statement: statements.slice(0, 20) };
    expect(JSON.stringify(small).length).toBeLessThan(5120);
    expect(ids(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', small)))).toEqual([]);
    const padded = JSON.stringify(small, undefined, 12);
    expect(padded.length).toBeGreaterThan(5120);
    expect(one(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', padded)), 'OR1').message).toContain('as written');
  });

  test('not applicable: tag and backup policies are not IAM documents', () => {
    const statements = Array.from({ length: 80 }, (_, i) => ({ Effect: 'Deny', Action: 'nosuch:Thing', Resource: `r${i}`, Principal: '*' }));
    expect(ids(findingsOf(orgPolicy('TAG_POLICY', { Statement: statements })))).toEqual([]);
  });
});

describe('resource control policies', () => {
  const RCP = {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'OrgOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*', 'sqs:*', 'kms:*', 'secretsmanager:*', 'sts:AssumeRole'],
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    }],
  };

  test('a data-perimeter RCP has no finding', () => {
    expect(ids(findingsOf(orgPolicy('RESOURCE_CONTROL_POLICY', RCP)))).toEqual([]);
  });

  test('OR2: Allow, NotAction and a principal other than "*" are rejected, each named', () => {
    const doc = {
      Statement: [
        { Sid: 'A', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' },
        { Sid: 'B', Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, NotAction: 's3:GetObject', Resource: '*' },
      ],
    };
    const list = findingsOf(orgPolicy('RESOURCE_CONTROL_POLICY', doc));
    expect(one(list, 'OR2[Element::Allow]').message).toContain('statement "A"');
    expect(one(list, 'OR2[Element::NotAction]').message).toContain('statement "B"');
    expect(one(list, 'OR2[Element::Principal]').message).toContain('"Principal": "*"');
  });

  test('OR4: actions of a service RCPs do not cover have no effect (warning); wildcard services are not judged', () => {
    const doc = { Statement: [{ Sid: 'NoPublicAmis', Effect: 'Deny', Principal: '*', Action: ['ec2:ModifyImageAttribute', 's3:PutBucketPolicy', 's3*:Get*'], Resource: '*' }] };
    const finding = one(findingsOf(orgPolicy('RESOURCE_CONTROL_POLICY', doc)), 'OR4[Service::ec2]');
    expect(finding.level).toBe('Warning');
    expect(finding.message).toContain('statement "NoPublicAmis"');
    expect(ids(findingsOf(orgPolicy('SERVICE_CONTROL_POLICY', { Statement: [{ Effect: 'Deny', Action: 'ec2:ModifyImageAttribute', Resource: '*' }] })))).toEqual([]);
  });
});
