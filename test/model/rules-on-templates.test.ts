import { AppModel, IAM_TYPES, StackTemplateInput } from '../../src/model/app-model';
import { ALL_RULES } from '../../src/rules';
import { evaluateRules, RuleFinding } from '../../src/rules/engine';
import { MAX_FINDING_LENGTH, RULE_ID_PREFIX } from '../../src/rules/rule';

const ACCOUNT = '111111111111';
const LAMBDA_TRUST = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const NO_VALUE = { Ref: 'AWS::NoValue' };
const BUCKET_OBJECTS = 'arn:aws:s3:::bucket/*';

function template(resources: { [id: string]: unknown }, extra: { [key: string]: unknown } = {}): StackTemplateInput {
  return { name: 'S', account: ACCOUNT, region: 'us-east-1', template: { Resources: resources, ...extra } };
}

/** A managed policy attached to a role, with the given statements. */
function policyTemplate(statements: unknown, extra: { [key: string]: unknown } = {}): StackTemplateInput {
  return template({
    Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST, PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' } },
    Policy: { Type: IAM_TYPES.managedPolicy, Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Version: '2012-10-17', Statement: statements } } },
  }, extra);
}

function findings(...inputs: StackTemplateInput[]): RuleFinding[] {
  return evaluateRules(new AppModel(inputs), ALL_RULES);
}

function on(list: readonly RuleFinding[], logicalId: string): RuleFinding[] {
  return list.filter(f => f.resource.logicalId === logicalId);
}

function find(list: readonly RuleFinding[], logicalId: string, ruleId: string): RuleFinding {
  const hit = list.find(f => f.resource.logicalId === logicalId && f.ruleId === ruleId);
  if (!hit) throw new Error(`no ${ruleId} on ${logicalId}; found: ${list.map(f => `${f.resource.logicalId} ${f.ruleId}`).join(', ')}`);
  return hit;
}

const CONDITIONS = { Conditions: { IsAdmin: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '222222222222'] } } };

describe('findings on one branch of Fn::If name the condition', () => {
  test('Fn::If hiding a whole statement with Action "*"', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: BUCKET_OBJECTS },
      { 'Fn::If': ['IsAdmin', { Effect: 'Allow', Action: '*', Resource: '*' }, NO_VALUE] },
    ], CONDITIONS));
    const lp1 = find(list, 'Policy', `${RULE_ID_PREFIX}-LP1[Action::*]`);
    expect(lp1.message).toContain('Only when condition IsAdmin is true.');
    expect(lp1.level).toBe('Error');
  });

  test('Action "*" inside an If', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: { 'Fn::If': ['IsAdmin', '*', 's3:GetObject'] }, Resource: BUCKET_OBJECTS },
    ], CONDITIONS));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP1[Action::*]`).message).toContain('Only when condition IsAdmin is true.');
  });

  test('Action "*" on the false branch is named as such', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: { 'Fn::If': ['IsAdmin', 's3:GetObject', '*'] }, Resource: BUCKET_OBJECTS },
    ], CONDITIONS));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP1[Action::*]`).message).toContain('Only when condition IsAdmin is false.');
  });

  test('iam:PassRole inside an If\'d action list', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: ['s3:GetObject', { 'Fn::If': ['IsAdmin', 'iam:PassRole', NO_VALUE] }], Resource: '*' },
    ], CONDITIONS));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP6[Action::iam:PassRole]`).message).toContain('Only when condition IsAdmin is true.');
  });

  test('Resource "*" inside an If: service-wide and write wildcards', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: ['s3:*', 'dynamodb:Put*'], Resource: { 'Fn::If': ['IsAdmin', '*', BUCKET_OBJECTS] } },
    ], CONDITIONS));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP2[Action::s3:*]`).message).toContain('Only when condition IsAdmin is true.');
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP11[Action::dynamodb:Put*]`).message).toContain('Only when condition IsAdmin is true.');
  });

  test('a trust Principal "*" inside an If', () => {
    const list = findings(template({
      Role: {
        Type: IAM_TYPES.role,
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { 'Fn::If': ['Open', '*', { AWS: 'arn:aws:iam::111111111111:root' }] } }],
          },
        },
      },
    }, { Conditions: { Open: { 'Fn::Equals': ['a', 'a'] } } }));
    expect(find(list, 'Role', `${RULE_ID_PREFIX}-TR1[Principal::*]`).message).toContain('Only when condition Open is true.');
  });

  test('a finding on every branch has no note', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: '*', Resource: { 'Fn::If': ['IsAdmin', '*', BUCKET_OBJECTS] } },
    ], CONDITIONS));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP1[Action::*]`).message).not.toContain('Only when');
  });

  test('two conditions: the message names the branches it holds on', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: { 'Fn::If': ['A', { 'Fn::If': ['B', '*', 's3:GetObject'] }, 's3:GetObject'] }, Resource: BUCKET_OBJECTS },
    ], { Conditions: { A: { 'Fn::Equals': ['a', 'a'] }, B: { 'Fn::Equals': ['b', 'b'] } } }));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP1[Action::*]`).message).toContain('Only when condition A is true, condition B is true.');
  });

  test('a parameter with allowed values: the message names the value', () => {
    const list = findings(policyTemplate([
      { Effect: 'Allow', Action: 's3:*', Resource: { 'Fn::FindInMap': ['Scope', { Ref: 'Env' }, 'Resource'] } },
    ], {
      Parameters: { Env: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'prod' } },
      Mappings: { Scope: { dev: { Resource: '*' }, prod: { Resource: BUCKET_OBJECTS } } },
    }));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP2[Action::s3:*]`).message).toContain('Only when parameter Env = dev.');
  });
});

describe('parameters', () => {
  test('a Ref to a parameter whose Default is "*" as Resource', () => {
    const list = findings(policyTemplate([{ Effect: 'Allow', Action: 's3:*', Resource: { Ref: 'Target' } }], {
      Parameters: { Target: { Type: 'String', Default: '*' } },
    }));
    expect(find(list, 'Policy', `${RULE_ID_PREFIX}-LP2[Action::s3:*]`).message).not.toContain('Only when');
  });

  const unknownPassRole = () => findings(policyTemplate([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: { Ref: 'RoleArn' } }], {
    Parameters: { RoleArn: { Type: 'String' } },
  }));

  test('a parameter with no default as Resource of iam:PassRole is unbounded', () => {
    find(unknownPassRole(), 'Policy', `${RULE_ID_PREFIX}-LP6[Action::iam:PassRole]`);
  });

  // The finding names only the action; the message names the unknown value it depends on.
  test('the LP6 message says the value is unknown before deployment', () => {
    expect(find(unknownPassRole(), 'Policy', `${RULE_ID_PREFIX}-LP6[Action::iam:PassRole]`).message).toMatch(/not known before deployment/);
  });

  test('an unknown principal in a trust policy is another account, and the message says it is unknown', () => {
    const list = findings(template({
      Role: {
        Type: IAM_TYPES.role,
        Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { Ref: 'Trusted' } } }] } },
      },
    }, { Parameters: { Trusted: { Type: 'String' } } }));
    expect(find(list, 'Role', `${RULE_ID_PREFIX}-TR2[Principal::<?Parameter:Trusted>]`).message).toMatch(/not known before deployment/);
  });

  test('a parameter with a bounded default is not a finding', () => {
    const list = findings(policyTemplate([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: { Ref: 'RoleArn' } }], {
      Parameters: { RoleArn: { Type: 'String', Default: 'arn:aws:iam::111111111111:role/worker' } },
    }));
    expect(on(list, 'Policy').map(f => f.ruleId)).toEqual([]);
  });
});

describe('boundaries', () => {
  test.each([
    ['a literal ARN', 'arn:aws:iam::111111111111:policy/dev-boundary'],
    ['an ARN built with Fn::Sub', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/dev-boundary' }],
  ])('a boundary referenced by name through %s is a ceiling: no LP/PE findings on it', (_name, arn) => {
    const list = findings(template({
      Boundary: {
        Type: IAM_TYPES.managedPolicy,
        Properties: {
          ManagedPolicyName: 'dev-boundary',
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'lambda:UpdateFunctionCode', 'iam:PassRole', 'ec2:RunInstances'], Resource: '*' }] },
        },
      },
      Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST, PermissionsBoundary: arn } },
    }));
    const onBoundary = on(list, 'Boundary').map(f => f.ruleId);
    expect(onBoundary.filter(id => /-(LP|PE)\d/.test(id))).toEqual([]);
    expect(on(list, 'Role').map(f => f.ruleId)).toEqual([]);
  });

  test('the same document granted instead of bounding is reported', () => {
    const list = findings(template({
      Granted: {
        Type: IAM_TYPES.managedPolicy,
        Properties: { ManagedPolicyName: 'granted', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'lambda:UpdateFunctionCode'], Resource: '*' }] } },
      },
      Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST, ManagedPolicyArns: ['arn:aws:iam::111111111111:policy/granted'] } },
    }));
    find(list, 'Granted', `${RULE_ID_PREFIX}-LP2[Action::s3:*]`);
    find(list, 'Role', `${RULE_ID_PREFIX}-PE3[Escalation::lambda:UpdateFunctionCode]`);
  });
});

describe('escalation across stacks', () => {
  test('iam:PassRole inline in stack A, lambda:CreateFunction + InvokeFunction attached from stack B through an import', () => {
    const a: StackTemplateInput = {
      name: 'A',
      account: ACCOUNT,
      template: {
        Resources: {
          Deployer: {
            Type: IAM_TYPES.role,
            Properties: {
              AssumeRolePolicyDocument: LAMBDA_TRUST,
              Policies: [{ PolicyName: 'pass', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] } }],
            },
          },
        },
        Outputs: { DeployerName: { Value: { Ref: 'Deployer' }, Export: { Name: 'deployer-role-name' } } },
      },
    };
    const b: StackTemplateInput = {
      name: 'B',
      account: ACCOUNT,
      template: {
        Resources: {
          Lambda: {
            Type: IAM_TYPES.policy,
            Properties: {
              PolicyName: 'lambda',
              Roles: [{ 'Fn::ImportValue': 'deployer-role-name' }],
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' }] },
            },
          },
        },
      },
    };
    const list = findings(a, b);
    const pe2 = find(list, 'Deployer', `${RULE_ID_PREFIX}-PE2[Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction]`);
    expect(pe2.message).toContain('create a Lambda function with a stronger role and invoke it');
    // Neither half alone is an escalation: the policy of B is read with the role it is attached to.
    expect(on(list, 'Lambda').filter(f => /-PE\d/.test(f.ruleId))).toEqual([]);
    // Without stack A, the policy is attached outside the app: evaluated alone, and said so.
    const alone = findings(b);
    expect(on(alone, 'Lambda').filter(f => /-PE\d/.test(f.ruleId))).toEqual([]);
    const lp10 = on(alone, 'Lambda').find(f => f.ruleId.includes('-LP10['));
    expect(lp10?.message).toContain('outside this app');
  });
});

describe('ids and messages stay bounded', () => {
  test('a finding id echoing a 100,000-character action stays within the limit after the rule id', () => {
    const action = `s3:${'x'.repeat(100_000)}`;
    const list = findings(policyTemplate([{ Effect: 'Allow', Action: [action, `${'y'.repeat(100_000)}:Get`], Resource: '*' }]));
    const lp7 = on(list, 'Policy').filter(f => f.ruleId.startsWith(`${RULE_ID_PREFIX}-LP7[`));
    expect(lp7).toHaveLength(2);
    for (const f of list) {
      const ruleIdLength = `${RULE_ID_PREFIX}-${f.rule.id}`.length;
      expect(f.ruleId.length).toBeLessThanOrEqual(ruleIdLength + MAX_FINDING_LENGTH + 2);
      expect(f.ruleId.length - ruleIdLength).toBeLessThanOrEqual(202);
    }
    // Distinct long actions keep distinct ids.
    expect(new Set(lp7.map(f => f.ruleId)).size).toBe(2);
  });

  test('a Resource of 100,000 stars is read as "*" by every rule, without walking it per comparison (found by the fuzz test)', () => {
    const started = process.cpuUsage();
    const list = findings(template({
      Policy: {
        Type: IAM_TYPES.userPolicy,
        Properties: { UserName: 'outside', PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: '*'.repeat(100_000) }] } },
      },
    }));
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(1000);
    expect(on(list, 'Policy').map(f => f.ruleId)).toEqual(expect.arrayContaining([`${RULE_ID_PREFIX}-LP4[NotAction::s3:*]`]));
    expect(on(list, 'Policy').some(f => f.rule.id === 'PE1')).toBe(true);
  });

  test('a Resource of 100,000 characters of policy variables is rewritten once, not once per action s3:* reaches (found by the fuzz test)', () => {
    const started = process.cpuUsage();
    const list = findings(template({
      Policy: {
        Type: IAM_TYPES.userPolicy,
        Properties: { UserName: 'outside', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sts:AssumeRole'], Resource: '${X}'.repeat(25_000) }] } },
      },
    }));
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(250);
    // A policy variable names something: the resource is bounded, so no finding on unbounded resources.
    expect(on(list, 'Policy').filter(f => ['LP2', 'LP13'].includes(f.rule.id))).toEqual([]);
  });

  test('an action pattern of 100,000 characters is prepared once, not once per escalation action it is matched with (found by the fuzz test)', () => {
    const actions = ['iam:'.repeat(25_000), `${'x'.repeat(100_000)}*`, `*${'y'.repeat(100_000)}`, `iam:Pass${'?'.repeat(100_000)}`];
    const started = process.cpuUsage();
    const list = findings(template({
      Policy: {
        Type: IAM_TYPES.userPolicy,
        Properties: { UserName: 'outside', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] } },
      },
    }));
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(150);
    expect(on(list, 'Policy').filter(f => f.rule.id === 'LP7')).toHaveLength(4);
  });

  test('a 100,000-character Resource under a permissions boundary is folded and compared once per pattern, not per action (found by the fuzz test)', () => {
    const started = process.cpuUsage();
    const list = findings(template({
      Boundary: { Type: IAM_TYPES.managedPolicy, Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:*'], Resource: '*' }] } } },
      Role: {
        Type: IAM_TYPES.role,
        Properties: {
          AssumeRolePolicyDocument: LAMBDA_TRUST,
          PermissionsBoundary: { Ref: 'Boundary' },
          Policies: [{ PolicyName: 'Long', PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: `${'*:'.repeat(50_000)}g1` }] } }],
        },
      },
    }));
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(1000);
    expect(on(list, 'Role').some(f => f.rule.id === 'LP4')).toBe(true);
  });

  test('a rule that throws gives a finding carrying the first line of the error, and the others still run', () => {
    const rule = ALL_RULES.find(r => r.id === 'LP6')!;
    const original = rule.check;
    (rule as { check: typeof original }).check = () => { throw new Error('kaboom in LP6\n    at somewhere (file.ts:1:1)'); };
    try {
      const list = findings(policyTemplate([{ Effect: 'Allow', Action: ['iam:PassRole', 's3:*'], Resource: '*' }]));
      const failure = find(list, 'Policy', `${RULE_ID_PREFIX}-LP6`);
      expect(failure.message).toMatch(/The rule could not evaluate this resource: kaboom in LP6$/);
      expect(failure.level).toBe('Error');
      find(list, 'Policy', `${RULE_ID_PREFIX}-LP2[Action::s3:*]`);
      // Every resource the rule looked at reports the failure, none a finding of that rule.
      expect(list.filter(f => f.rule.id === 'LP6' && f.finding !== undefined)).toEqual([]);
    } finally {
      (rule as { check: typeof original }).check = original;
    }
  });

  test('a rule that throws something that is not an Error still gives a readable line', () => {
    const rule = ALL_RULES.find(r => r.id === 'TR1')!;
    const original = rule.check;
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    (rule as { check: typeof original }).check = () => { throw '\n\n  not an error  \nsecond line'; };
    try {
      const list = findings(template({ Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } } }));
      expect(find(list, 'Role', `${RULE_ID_PREFIX}-TR1`).message).toMatch(/could not evaluate this resource: not an error$/);
    } finally {
      (rule as { check: typeof original }).check = original;
    }
  });
});

describe('principals with the same definition', () => {
  const WIDE = { Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: '*' };
  const role = (extra: { [key: string]: unknown } = {}) => ({
    Type: IAM_TYPES.role,
    Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST, ...extra },
  });
  const policy = (roles: string[], statements: unknown[]) => ({
    Type: IAM_TYPES.managedPolicy,
    Properties: { Roles: roles.map(r => ({ Ref: r })), PolicyDocument: { Version: '2012-10-17', Statement: statements } },
  });

  test('share the findings of every rule that does not read identity, each reported on its own principal', () => {
    const shared: string[] = [];
    const list = evaluateRules(new AppModel([template({
      A: role(),
      B: role(),
      C: role(),
      Wide: policy(['A', 'B', 'C'], [WIDE]),
    })]), ALL_RULES, { onShared: (p, first) => shared.push(`${p.logicalId}<-${first.logicalId}`) });
    expect(shared).toEqual(['B<-A', 'C<-A']);
    const id6 = ['A', 'B', 'C'].map(id => find(list, id, `${RULE_ID_PREFIX}-ID6`));
    expect(new Set(id6.map(f => f.message)).size).toBe(1);
    expect(id6.map(f => f.resource.logicalId)).toEqual(['A', 'B', 'C']);
  });

  test('a principal with one more policy, a boundary or metadata of its own is evaluated on its own', () => {
    const shared: string[] = [];
    const list = evaluateRules(new AppModel([template({
      A: { ...role(), Metadata: { 'aws:cdk:path': 'Test/A/Resource' } },
      B: role(),
      C: role({ PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
      D: { ...role(), Metadata: { 'AWS::CloudFormation::Init': { config: { files: { '/x': { content: 'AKIAIOSFODNN7EXAMPLE' } } } } } },
      E: { ...role(), Metadata: { 'aws:cdk:path': 'Other/Path' } },
      Wide: policy(['A', 'B', 'C', 'D', 'E'], [WIDE]),
      Admin: policy(['B'], [{ Effect: 'Allow', Action: '*', Resource: '*' }]),
    })]), ALL_RULES, { onShared: (p, first) => shared.push(`${p.logicalId}<-${first.logicalId}`) });
    // Only the construct path tells E from A.
    expect(shared).toEqual(['E<-A']);
    expect(find(list, 'B', `${RULE_ID_PREFIX}-ID6`).message).not.toEqual(find(list, 'A', `${RULE_ID_PREFIX}-ID6`).message);
    expect(on(list, 'C').map(f => f.ruleId)).not.toContain(`${RULE_ID_PREFIX}-ID6`);
    expect(on(list, 'D').some(f => f.rule.family === 'CREDENTIALS_IN_CODE')).toBe(true);
    expect(on(list, 'A').some(f => f.rule.family === 'CREDENTIALS_IN_CODE')).toBe(false);
  });

  test('escalation through a named resource is judged on each principal: a policy naming both roles is self-escalation for each', () => {
    const list = evaluateRules(new AppModel([template({
      A: role(),
      B: role(),
      Self: policy(['A', 'B'], [{ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: [{ 'Fn::GetAtt': ['A', 'Arn'] }, { 'Fn::GetAtt': ['B', 'Arn'] }] }]),
    })]), ALL_RULES);
    expect(on(list, 'A').map(f => f.ruleId)).toContain(`${RULE_ID_PREFIX}-PE4[Escalation::iam:PutRolePolicy@A]`);
    expect(on(list, 'B').map(f => f.ruleId)).toContain(`${RULE_ID_PREFIX}-PE4[Escalation::iam:PutRolePolicy@B]`);
    expect(on(list, 'B').map(f => f.ruleId)).not.toContain(`${RULE_ID_PREFIX}-PE4[Escalation::iam:PutRolePolicy@A]`);
    // Sharing keeps each principal's findings in rule order.
    const plain = evaluateRules(new AppModel([template({
      A: role(),
      B: role(),
      Self: policy(['A', 'B'], [{ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: [{ 'Fn::GetAtt': ['A', 'Arn'] }, { 'Fn::GetAtt': ['B', 'Arn'] }] }]),
    })]), ALL_RULES, { shareIdenticalPrincipals: false });
    expect(list.map(f => `${f.resource.logicalId} ${f.ruleId} ${f.message}`)).toEqual(plain.map(f => `${f.resource.logicalId} ${f.ruleId} ${f.message}`));
  });
});
