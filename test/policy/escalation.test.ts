import { ActionCatalog } from '../../src/policy/catalog';
import { normalizePolicyDocument } from '../../src/policy/document';
import { ESCALATION_ACTIONS, ESCALATION_ROWS } from '../../src/policy/escalation';
import { escalationPaths } from '../../src/policy/permissions';

const allow = (actions: string | string[], resources: string | string[] = '*', extra: object = {}) =>
  ({ Effect: 'Allow', Action: actions, Resource: resources, ...extra });
const deny = (actions: string | string[], resources: string | string[] = '*', extra: object = {}) =>
  ({ Effect: 'Deny', Action: actions, Resource: resources, ...extra });
const doc = (...statements: object[]) => normalizePolicyDocument({ Version: '2012-10-17', Statement: statements });
const paths = (...docs: ReturnType<typeof doc>[]) => escalationPaths(docs).map(m => m.actions.join('+'));

describe('escalation rows', () => {
  test('every row of privilege-escalation.md is satisfied by exactly its own actions', () => {
    for (const row of ESCALATION_ROWS) {
      const actions = row.clauses.map(c => c[0]);
      expect(paths(doc(allow(actions)))).toContain(actions.join('+'));
    }
  });

  test('rows are data over real actions (every action except retired CodeStar is in the catalog)', () => {
    const missing = ESCALATION_ACTIONS.filter(a => !ActionCatalog.get().lookup(a));
    expect(missing.every(a => a.startsWith('codestar:'))).toBe(true);
  });

  test('a combination split across statements and policies still counts', () => {
    expect(paths(doc(allow('iam:PassRole')), doc(allow('ec2:RunInstances')))).toContain('iam:PassRole+ec2:RunInstances');
  });

  test('alternatives: either glue:StartJobRun or glue:CreateTrigger completes the Glue row', () => {
    expect(paths(doc(allow(['iam:PassRole', 'glue:CreateJob', 'glue:CreateTrigger'])))).toContain('iam:PassRole+glue:CreateJob+glue:CreateTrigger');
  });

  test('wildcards and mixed case expand to escalation actions', () => {
    expect(paths(doc(allow('IAM:put*')))).toEqual(expect.arrayContaining(['iam:PutUserPolicy', 'iam:PutGroupPolicy', 'iam:PutRolePolicy']));
    expect(paths(doc(allow('iam:*Policy')))).toEqual(expect.arrayContaining(['iam:AttachRolePolicy', 'iam:PutRolePolicy']));
  });

  test('NotAction grants every action it does not exclude', () => {
    const found = paths(doc({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' }));
    expect(found).toContain('lambda:UpdateFunctionCode');
    expect(found.some(p => p.startsWith('iam:'))).toBe(false);
  });

  test('"Action": "*" is left to LP1 rather than reported as every escalation', () => {
    expect(paths(doc(allow('*')))).toEqual([]);
  });
});

describe('what makes a grant safe', () => {
  test('a bounded resource: named roles for PassRole', () => {
    expect(paths(doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], 'arn:aws:iam::123456789012:role/app-fn')))).toEqual([]);
    expect(paths(doc(allow('iam:PassRole', '<FnRole.Arn>'), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])))).toEqual([]);
  });

  test('the self-service pattern user/${aws:username} is safe', () => {
    const selfService = 'arn:aws:iam::*:user/${aws:username}';
    expect(paths(doc(allow(['iam:CreateAccessKey', 'iam:UpdateLoginProfile', 'iam:CreateLoginProfile'], selfService)))).toEqual([]);
    expect(paths(doc(allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/*')))).toEqual(['iam:CreateAccessKey']);
  });

  test('an unconditional Deny removes the action', () => {
    expect(paths(doc(allow('iam:PutRolePolicy'), deny('iam:PutRolePolicy')))).toEqual([]);
    expect(paths(doc(allow('iam:PutRolePolicy')), doc(deny('iam:*')))).toEqual([]);
  });

  test('a conditional Deny or one on other resources does not', () => {
    expect(paths(doc(allow('iam:PutRolePolicy'), deny('iam:PutRolePolicy', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))))
      .toEqual(['iam:PutRolePolicy']);
    expect(paths(doc(allow('iam:PutRolePolicy'), deny('iam:PutRolePolicy', 'arn:aws:iam::*:role/admin')))).toEqual(['iam:PutRolePolicy']);
  });

  test('a Deny NotAction that excepts other actions removes the action', () => {
    expect(paths(doc(allow('iam:PutRolePolicy'), { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }))).toEqual([]);
  });

  test('a resource-tag condition (ABAC) confines the resources, like naming them', () => {
    const tagged = { Condition: { 'ForAnyValue:StringEquals': { 'iam:ResourceTag/aws-cdk:bootstrap-role': ['deploy', 'file-publishing'] } } };
    expect(paths(doc(allow('sts:AssumeRole', 'arn:aws:iam::*:role/*', tagged)))).toEqual([]);
    const wildcardTag = { Condition: { StringLike: { 'aws:ResourceTag/team': '*' } } };
    expect(paths(doc(allow('sts:AssumeRole', '*', wildcardTag)))).toEqual(['sts:AssumeRole']);
  });

  test('a permissions boundary is intersected', () => {
    const grants = [doc(allow(['iam:PutRolePolicy', 'ssm:SendCommand']))];
    expect(escalationPaths(grants, [doc(allow('ssm:*'))]).map(m => m.actions.join('+'))).toEqual(['ssm:SendCommand']);
    expect(escalationPaths(grants, [doc(allow('*', 'arn:aws:s3:::b/*'))])).toEqual([]);
    expect(escalationPaths(grants, [doc(allow('*'), deny('iam:*'))]).map(m => m.actions.join('+'))).toEqual(['ssm:SendCommand']);
  });
});
