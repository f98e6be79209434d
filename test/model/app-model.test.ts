import { AppModel, IAM_TYPES, qualify, ResourceModel, StackTemplateInput } from '../../src/model/app-model';
import { DEFAULT_ASSIGNMENT } from '../../src/model/intrinsics';
import { ResolvedResource } from '../../src/model/resolved-resource';
import { PolicyDocument } from '../../src/policy/document';

const ACCOUNT = '111111111111';
const TRUST = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

function doc(action: string, resource: unknown = '*', effect = 'Allow') {
  return { Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: resource }] };
}

function role(properties: { [key: string]: unknown } = {}) {
  return { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, ...properties } };
}

function policy(type: string, properties: { [key: string]: unknown }) {
  return { Type: type, Properties: { PolicyName: 'p', ...properties } };
}

function stack(
  name: string, resources: { [id: string]: unknown }, extra: { [key: string]: unknown } = {}, input: Partial<StackTemplateInput> = {},
): StackTemplateInput {
  return { name, account: ACCOUNT, region: 'us-east-1', template: { Resources: resources, ...extra }, ...input };
}

function resourceOf(model: AppModel, stackName: string, logicalId: string): ResourceModel {
  const r = model.stack(stackName)?.resources.get(logicalId);
  if (!r) throw new Error(`${stackName}/${logicalId} not in the model`);
  return r;
}

function view(model: AppModel, stackName: string, logicalId: string): ResolvedResource {
  return new ResolvedResource(resourceOf(model, stackName, logicalId), DEFAULT_ASSIGNMENT);
}

/** The actions of every statement of some documents, for comparing grants. */
function actionsOf(docs: readonly PolicyDocument[] | undefined): string[] {
  return (docs ?? []).flatMap(d => d.statements.flatMap(s => [...s.actions ?? []])).sort();
}

const ids = (resources: readonly ResourceModel[]) => resources.map(r => r.displayName).sort();

describe('cross-stack links through exports', () => {
  const producer = stack('Producer', { Role: role({ RoleName: 'literal-name' }) }, {
    Outputs: {
      RoleNameOut: { Value: { Ref: 'Role' }, Export: { Name: 'RoleName' } },
      RoleArnOut: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-RoleArn' } } },
      Plain: { Value: 'not exported' },
    },
  });
  const consumer = stack('Consumer', {
    Imported: policy(IAM_TYPES.policy, { Roles: [{ 'Fn::ImportValue': 'RoleName' }], PolicyDocument: doc('s3:GetObject', 'arn:aws:s3:::b/*') }),
  });

  test('a policy attached to a role exported by another stack', () => {
    const model = new AppModel([producer, consumer]);
    const r = resourceOf(model, 'Producer', 'Role');
    expect(ids(model.attachedTo(r))).toEqual(['Consumer/Imported']);
    expect(model.targetsOf(resourceOf(model, 'Consumer', 'Imported'))).toEqual([{ resource: r, text: '<Role@Producer>' }]);
    expect(actionsOf(view(model, 'Producer', 'Role').grants())).toEqual(['s3:GetObject']);
    expect(view(model, 'Consumer', 'Imported').isEvaluatedAlone()).toBe(false);
    expect(view(model, 'Consumer', 'Imported').targetsOutsideApp()).toEqual([]);
  });

  test('exported values are qualified with the exporting stack; computed export names are not indexed', () => {
    const model = new AppModel([producer, consumer]);
    expect(model.exportedValue('RoleName')).toBe('<Role@Producer>');
    // The name depends on AWS::StackName, unknown here: the export cannot be matched.
    expect(model.exportedValue('Producer-RoleArn')).toBeUndefined();
    expect(model.exportedValue('nothing')).toBeUndefined();
    expect(model.stack('Consumer')!.evaluate({ 'Fn::ImportValue': 'nothing' })).toBe('<ImportValue:nothing>');
  });

  test('the order of the stacks does not matter', () => {
    const model = new AppModel([consumer, producer]);
    expect(ids(model.attachedTo(resourceOf(model, 'Producer', 'Role')))).toEqual(['Consumer/Imported']);
  });

  test('exports that import each other in a cycle never loop', () => {
    const a = stack('A', {}, { Outputs: { O: { Value: { 'Fn::ImportValue': 'FromB' }, Export: { Name: 'FromA' } } } });
    const b = stack('B', { P: policy(IAM_TYPES.policy, { Roles: [{ 'Fn::ImportValue': 'FromA' }], PolicyDocument: doc('s3:GetObject') }) }, {
      Outputs: { O: { Value: { 'Fn::ImportValue': 'FromA' }, Export: { Name: 'FromB' } } },
    });
    const model = new AppModel([a, b]);
    expect(model.exportedValue('FromA')).toBe('<ImportValue:FromA>');
    expect(view(model, 'B', 'P').targetsOutsideApp()).toEqual(['<ImportValue:FromA>']);
  });

  test('a stack name given twice is read once', () => {
    const model = new AppModel([producer, { ...producer, template: { Resources: {} } }]);
    expect(model.stacks).toHaveLength(1);
    expect(model.stack('Producer')!.resources.has('Role')).toBe(true);
  });
});

describe('names and ARNs', () => {
  const named = stack('Named', {
    Role: role({ RoleName: 'literal-name' }),
    User: { Type: IAM_TYPES.user, Properties: { UserName: 'alice' } },
    Group: { Type: IAM_TYPES.group, Properties: { GroupName: 'devs' } },
    Managed: policy(IAM_TYPES.managedPolicy, { ManagedPolicyName: 'shared', PolicyDocument: doc('s3:ListBucket', 'arn:aws:s3:::b') }),
  });

  test('a literal role name in another stack', () => {
    const other = stack('Other', { P: policy(IAM_TYPES.policy, { Roles: ['literal-name'], PolicyDocument: doc('sqs:SendMessage') }) });
    const model = new AppModel([named, other]);
    expect(ids(model.attachedTo(resourceOf(model, 'Named', 'Role')))).toEqual(['Other/P']);
  });

  test('names rendered by Fn::Sub, Fn::Join and Fn::Select/Split of an ARN', () => {
    const other = stack('Other', {
      Sub: policy(IAM_TYPES.policy, { Roles: [{ 'Fn::Sub': ['${Prefix}-name', { Prefix: 'literal' }] }], PolicyDocument: doc('sqs:SendMessage') }),
      Join: policy(IAM_TYPES.rolePolicy, { RoleName: { 'Fn::Join': ['-', ['literal', 'name']] }, PolicyDocument: doc('sqs:ReceiveMessage') }),
      Split: policy(IAM_TYPES.policy, {
        Roles: [{ 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/literal-name' }] }] }],
        PolicyDocument: doc('sqs:DeleteMessage'),
      }),
      CaseInsensitive: policy(IAM_TYPES.policy, { Roles: ['LITERAL-NAME'], PolicyDocument: doc('sqs:PurgeQueue') }),
    });
    const model = new AppModel([named, other]);
    expect(ids(model.attachedTo(resourceOf(model, 'Named', 'Role')))).toEqual(['Other/CaseInsensitive', 'Other/Join', 'Other/Split', 'Other/Sub']);
  });

  test('ARNs, literal or rendered, name the resource of their type', () => {
    const model = new AppModel([named]);
    const from = model.stack('Named')!;
    const role_ = resourceOf(model, 'Named', 'Role');
    const literal = 'arn:aws:iam::111111111111:role/literal-name';
    expect(model.target(from, literal, IAM_TYPES.role).resource).toBe(role_);
    expect(model.target(from, from.evaluate({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/literal-name' }), IAM_TYPES.role).resource).toBe(role_);
    expect(model.target(from, from.evaluate({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/path/literal-name']] }), IAM_TYPES.role).resource)
      .toBe(role_);
    expect(model.target(from, 'arn:aws:iam::111111111111:user/alice', IAM_TYPES.user).resource).toBe(resourceOf(model, 'Named', 'User'));
    expect(model.target(from, 'arn:aws:iam::111111111111:policy/shared', IAM_TYPES.managedPolicy).resource).toBe(resourceOf(model, 'Named', 'Managed'));
    // The wrong type, a name not in the app, a value that is not a name, an unknown value.
    expect(model.target(from, literal, IAM_TYPES.user).resource).toBeUndefined();
    expect(model.target(from, 'arn:aws:iam::111111111111:role/other', IAM_TYPES.role)).toEqual({ text: 'arn:aws:iam::111111111111:role/other' });
    expect(model.target(from, 'arn:aws:s3:::literal-name', IAM_TYPES.role).resource).toBeUndefined();
    expect(model.target(from, '<?Parameter:P>', IAM_TYPES.role).resource).toBeUndefined();
    expect(model.target(from, { not: 'a name' }, IAM_TYPES.role)).toEqual({ text: '{"not":"a name"}' });
  });

  test('a role ARN of another (concrete) account never names a role of this account', () => {
    const model = new AppModel([named]);
    expect(model.target(model.stack('Named')!, 'arn:aws:iam::222222222222:role/literal-name', IAM_TYPES.role).resource).toBeUndefined();
  });

  test('AWS managed policy ARNs', () => {
    const model = new AppModel([named]);
    const from = model.stack('Named')!;
    expect(model.target(from, 'arn:aws:iam::aws:policy/AdministratorAccess', IAM_TYPES.managedPolicy).awsManagedPolicy).toBe('AdministratorAccess');
    expect(model.target(from, from.evaluate({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] }),
      IAM_TYPES.managedPolicy).awsManagedPolicy).toBe('service-role/AWSLambdaBasicExecutionRole');
  });

  test('the same name in two Stages (two accounts): each policy links to its own Stage\'s role', () => {
    const stage = (name: string, account: string): StackTemplateInput[] => [
      { ...stack(`${name}-Roles`, { Role: role({ RoleName: 'app-role' }) }), account, templatePath: `/out/assembly-${name}/${name}-Roles.template.json` },
      {
        ...stack(`${name}-Policies`, { P: policy(IAM_TYPES.policy, { Roles: ['app-role'], PolicyDocument: doc('s3:GetObject') }) }),
        account,
        templatePath: `/out/assembly-${name}/${name}-Policies.template.json`,
      },
    ];
    const model = new AppModel([...stage('Dev', '111111111111'), ...stage('Prod', '222222222222')]);
    expect(ids(model.attachedTo(resourceOf(model, 'Dev-Roles', 'Role')))).toEqual(['Dev-Policies/P']);
    expect(ids(model.attachedTo(resourceOf(model, 'Prod-Roles', 'Role')))).toEqual(['Prod-Policies/P']);
    expect(view(model, 'Prod-Policies', 'P').isEvaluatedAlone()).toBe(false);
  });

  test('the same name twice with nothing to tell them apart links to neither', () => {
    const model = new AppModel([
      stack('A', { Role: role({ RoleName: 'dup' }) }, {}, { account: undefined }),
      stack('B', { Role: role({ RoleName: 'dup' }) }, {}, { account: undefined }),
      stack('C', { P: policy(IAM_TYPES.policy, { Roles: ['dup'], PolicyDocument: doc('s3:GetObject') }) }, {}, { account: undefined }),
    ]);
    expect(model.attachedTo(resourceOf(model, 'A', 'Role'))).toEqual([]);
    expect(view(model, 'C', 'P').targetsOutsideApp()).toEqual(['dup']);
  });
});

describe('managed policies and boundaries', () => {
  test('ManagedPolicyArns by Fn::GetAtt PolicyArn and by Ref', () => {
    const model = new AppModel([stack('S', {
      M: policy(IAM_TYPES.managedPolicy, { PolicyDocument: doc('dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:111111111111:table/t') }),
      N: policy(IAM_TYPES.managedPolicy, { PolicyDocument: doc('sqs:SendMessage', 'arn:aws:sqs:us-east-1:111111111111:q') }),
      Role: role({ ManagedPolicyArns: [{ 'Fn::GetAtt': ['M', 'PolicyArn'] }, { Ref: 'N' }, 'arn:aws:iam::aws:policy/ReadOnlyAccess'] }),
    })]);
    const principal = view(model, 'S', 'Role');
    expect(actionsOf(principal.grants().slice(0, 2))).toEqual(['dynamodb:GetItem', 'sqs:SendMessage']);
    expect(principal.policies().map(p => p.name)).toEqual(['policy "p"', 'policy "p"', 'AWS managed policy "ReadOnlyAccess"']);
    const m = resourceOf(model, 'S', 'M');
    expect(model.isReferencedAsManagedPolicy(m)).toBe(true);
    expect(view(model, 'S', 'M').isEvaluatedAlone()).toBe(false);
    expect(model.isBoundaryOnly(m)).toBe(false);
    expect(ids(model.linkedResources(resourceOf(model, 'S', 'Role')))).toEqual(['S/M', 'S/N']);
  });

  test('a boundary referenced by an ARN built from its ManagedPolicyName', () => {
    const model = new AppModel([
      stack('Boundaries', {
        Boundary: policy(IAM_TYPES.managedPolicy, { ManagedPolicyName: 'dev-boundary', PolicyDocument: doc('*') }),
      }),
      stack('App', {
        Role: role({ PermissionsBoundary: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/dev-boundary' } }),
      }),
    ]);
    const boundary = resourceOf(model, 'Boundaries', 'Boundary');
    expect(actionsOf(view(model, 'App', 'Role').boundary())).toEqual(['*']);
    expect(model.isBoundaryOnly(boundary)).toBe(true);
    expect(view(model, 'Boundaries', 'Boundary').isBoundaryOnly()).toBe(true);
    expect(view(model, 'Boundaries', 'Boundary').isEvaluatedAlone()).toBe(false);
    // A ceiling is not a grant.
    expect(view(model, 'App', 'Role').grants()).toEqual([]);
  });

  test('a boundary that is also granted is not only a boundary', () => {
    const model = new AppModel([stack('S', {
      Boundary: policy(IAM_TYPES.managedPolicy, { ManagedPolicyName: 'b', PolicyDocument: doc('s3:*') }),
      Bounded: role({ PermissionsBoundary: { Ref: 'Boundary' } }),
      Granted: role({ ManagedPolicyArns: [{ Ref: 'Boundary' }] }),
    })]);
    expect(model.isBoundaryOnly(resourceOf(model, 'S', 'Boundary'))).toBe(false);
  });

  test('no boundary, or a boundary outside the app: nothing to intersect', () => {
    const model = new AppModel([stack('S', {
      Free: role(),
      Outside: role({ PermissionsBoundary: 'arn:aws:iam::111111111111:policy/managed-elsewhere' }),
    })]);
    expect(view(model, 'S', 'Free').boundary()).toBeUndefined();
    expect(view(model, 'S', 'Outside').boundary()).toBeUndefined();
  });
});

describe('users and groups', () => {
  test('UserToGroupAddition by group name and User.Groups: a user gets its groups\' policies', () => {
    const model = new AppModel([
      stack('Groups', {
        Group: { Type: IAM_TYPES.group, Properties: { GroupName: 'devs', Policies: [{ PolicyName: 'inline', PolicyDocument: doc('s3:GetObject', 'arn:aws:s3:::b/*') }] } },
        Ops: { Type: IAM_TYPES.group, Properties: { GroupName: 'ops' } },
        OpsPolicy: policy(IAM_TYPES.policy, { Groups: [{ Ref: 'Ops' }], PolicyDocument: doc('ec2:DescribeInstances') }),
      }),
      stack('Users', {
        Alice: { Type: IAM_TYPES.user, Properties: { Groups: ['ops'] } },
        Bob: { Type: IAM_TYPES.user, Properties: {} },
        Addition: { Type: IAM_TYPES.userToGroup, Properties: { GroupName: 'devs', Users: [{ Ref: 'Alice' }, { Ref: 'Bob' }] } },
      }),
    ]);
    const group = resourceOf(model, 'Groups', 'Group');
    const ops = resourceOf(model, 'Groups', 'Ops');
    expect(model.groupsOf(resourceOf(model, 'Users', 'Alice')).map(t => t.resource)).toEqual([ops, group]);
    expect(view(model, 'Users', 'Bob').groups()).toEqual([{ resource: group, text: 'devs' }]);
    expect(actionsOf(view(model, 'Users', 'Alice').grants())).toEqual(['ec2:DescribeInstances', 's3:GetObject']);
    expect(actionsOf(view(model, 'Users', 'Bob').grants())).toEqual(['s3:GetObject']);
  });

  test('a group outside the app is kept as a name', () => {
    const model = new AppModel([stack('S', {
      U: { Type: IAM_TYPES.user, Properties: {} },
      Add: { Type: IAM_TYPES.userToGroup, Properties: { GroupName: 'corp-admins', Users: [{ Ref: 'U' }] } },
    })]);
    expect(view(model, 'S', 'U').groups()).toEqual([{ text: 'corp-admins' }]);
  });
});

describe('policies attached outside the app', () => {
  test('a role name not in the app: listed, and the policy is evaluated alone', () => {
    const model = new AppModel([stack('S', {
      Mine: role({ RoleName: 'mine' }),
      P: policy(IAM_TYPES.policy, { Roles: ['someone-elses-role', { Ref: 'Mine' }], PolicyDocument: doc('iam:PassRole') }),
      Lonely: policy(IAM_TYPES.managedPolicy, { PolicyDocument: doc('s3:GetObject') }),
      ToUnknown: policy(IAM_TYPES.rolePolicy, { RoleName: { 'Fn::ImportValue': 'not-in-this-app' }, PolicyDocument: doc('s3:GetObject') }),
    })]);
    const p = view(model, 'S', 'P');
    expect(p.targetsOutsideApp()).toEqual(['someone-elses-role']);
    expect(p.isEvaluatedAlone()).toBe(true);
    expect(ids(model.attachedTo(resourceOf(model, 'S', 'Mine')))).toEqual(['S/P']);
    // Attached to nothing at all: evaluated alone, with nothing outside to name.
    expect(view(model, 'S', 'Lonely').targetsOutsideApp()).toEqual([]);
    expect(view(model, 'S', 'Lonely').isEvaluatedAlone()).toBe(true);
    expect(view(model, 'S', 'ToUnknown').targetsOutsideApp()).toEqual(['<ImportValue:not-in-this-app>']);
  });

  test('a policy attached on one branch only is attached', () => {
    const model = new AppModel([stack('S', {
      Role: role(),
      P: policy(IAM_TYPES.policy, { Roles: [{ 'Fn::If': ['Attach', { Ref: 'Role' }, { Ref: 'AWS::NoValue' }] }], PolicyDocument: doc('s3:GetObject') }),
    }, { Conditions: { Attach: { 'Fn::Equals': ['a', 'b'] } } })]);
    const r = resourceOf(model, 'S', 'Role');
    expect(ids(model.attachedTo(r))).toEqual(['S/P']);
    // The role is analysed under both branches of the attached policy's condition.
    expect(r.variants().map(v => v.label)).toEqual(['condition Attach is true', 'condition Attach is false']);
  });
});

describe('nested stacks', () => {
  const parent = stack('Parent', {
    Role: role(),
    Boundary: policy(IAM_TYPES.managedPolicy, { PolicyDocument: doc('s3:*') }),
    Nested: {
      Type: 'AWS::CloudFormation::Stack',
      Properties: {
        TemplateURL: 'https://example.com/nested.json',
        Parameters: { RoleParam: { Ref: 'Role' }, BoundaryParam: { Ref: 'Boundary' }, Env: 'prod' },
      },
    },
  });
  const child = stack('Child', {
    P: policy(IAM_TYPES.policy, { Roles: [{ Ref: 'RoleParam' }], PolicyDocument: doc('sqs:SendMessage') }),
    ChildRole: role({ PermissionsBoundary: { Ref: 'BoundaryParam' }, RoleName: { 'Fn::Sub': 'app-${Env}' } }),
  }, {
    Parameters: {
      RoleParam: { Type: 'String' },
      BoundaryParam: { Type: 'String' },
      Env: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'dev' },
    },
  }, { parent: { name: 'Parent', logicalId: 'Nested' } });

  test('a parameter passed by the parent links the nested policy to the parent\'s role', () => {
    const model = new AppModel([parent, child]);
    expect(ids(model.attachedTo(resourceOf(model, 'Parent', 'Role')))).toEqual(['Child/P']);
    expect(model.stack('Child')!.parameterValues).toEqual({ RoleParam: '<Role@Parent>', BoundaryParam: '<Boundary@Parent>', Env: 'prod' });
    expect(actionsOf(view(model, 'Child', 'ChildRole').boundary())).toEqual(['s3:*']);
    expect(model.isBoundaryOnly(resourceOf(model, 'Parent', 'Boundary'))).toBe(true);
  });

  test('a passed parameter wins over the default and is not a dimension', () => {
    const model = new AppModel([parent, child]);
    const childRole = resourceOf(model, 'Child', 'ChildRole');
    expect(childRole.propertiesUnder(DEFAULT_ASSIGNMENT).RoleName).toBe('app-prod');
    expect(childRole.variants()).toHaveLength(1);
  });

  test('without its parent, a nested stack\'s parameters are its own', () => {
    const model = new AppModel([child]);
    expect(resourceOf(model, 'Child', 'P').propertiesUnder(DEFAULT_ASSIGNMENT).Roles).toEqual(['<?Parameter:RoleParam>']);
    expect(view(model, 'Child', 'P').targetsOutsideApp()).toEqual(['<?Parameter:RoleParam>']);
    expect(resourceOf(model, 'Child', 'ChildRole').variants().map(v => v.label)).toEqual(['parameter Env = dev', 'parameter Env = prod']);
  });
});

describe('CDK CfnJson', () => {
  const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/ABC';
  const json = {
    Type: 'Custom::AWSCDKCfnJson',
    Properties: {
      ServiceToken: { 'Fn::GetAtt': ['Provider', 'Arn'] },
      Value: { 'Fn::Join': ['', ['{"', issuer, ':sub":"system:serviceaccount:default:app","', issuer, ':aud":"sts.amazonaws.com"}']] },
    },
  };
  const trust = {
    Statement: [{
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuer}` },
      Condition: { StringEquals: { 'Fn::GetAtt': ['Json', 'Value'] } },
    }],
  };

  test('Fn::GetAtt Value gives the parsed object', () => {
    const model = new AppModel([stack('S', { Json: json, Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: trust } } })]);
    const props = resourceOf(model, 'S', 'Role').propertiesUnder(DEFAULT_ASSIGNMENT) as { AssumeRolePolicyDocument: { Statement: Array<{ Condition: unknown }> } };
    expect(props.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:default:app', [`${issuer}:aud`]: 'sts.amazonaws.com' },
    });
  });

  test('a Value that is not JSON text is kept; other attributes and resources are references', () => {
    const model = new AppModel([stack('S', {
      Text: { Type: 'Custom::AWSCDKCfnJson', Properties: { Value: 'not json' } },
      Obj: { Type: 'Custom::AWSCDKCfnJson', Properties: { Value: { a: { Ref: 'X' } } } },
    })]);
    const s = model.stack('S')!;
    expect(s.evaluate({ 'Fn::GetAtt': ['Text', 'Value'] })).toBe('not json');
    expect(s.evaluate({ 'Fn::GetAtt': ['Obj', 'Value'] })).toEqual({ a: '<X>' });
    expect(s.evaluate({ 'Fn::GetAtt': ['Obj', 'Other'] })).toBe('<Obj.Other>');
    expect(s.evaluate({ 'Fn::GetAtt': ['Missing', 'Value'] })).toBe('<Missing.Value>');
  });

  test('a Value that refers to itself stops at once (no recursion down to a stack overflow)', () => {
    const model = new AppModel([stack('S', {
      Self: { Type: 'Custom::AWSCDKCfnJson', Properties: { Value: { 'Fn::GetAtt': ['Self', 'Value'] } } },
      A: { Type: 'Custom::AWSCDKCfnJson', Properties: { Value: { 'Fn::Join': ['', ['[', { 'Fn::GetAtt': ['B', 'Value'] }, ']']] } } },
      B: { Type: 'Custom::AWSCDKCfnJson', Properties: { Value: { 'Fn::GetAtt': ['A', 'Value'] } } },
    })]);
    const spy = jest.spyOn(ResourceModel.prototype, 'propertiesUnder');
    try {
      const s = model.stack('S')!;
      expect(s.evaluate({ 'Fn::GetAtt': ['Self', 'Value'] })).toBe('<Self.Value>');
      expect(s.evaluate({ 'Fn::GetAtt': ['A', 'Value'] })).toBe('[<A.Value>]');
      expect(spy.mock.calls.length).toBeLessThan(10);
    } finally {
      spy.mockRestore();
    }
  });

  test('very deep JSON text is bounded like any evaluated value', () => {
    const deepText = '['.repeat(100_000) + ']'.repeat(100_000);
    const model = new AppModel([stack('S', {
      Json: { Type: 'Custom::AWSCDKCfnJson', Properties: { Value: deepText } },
      P: policy(IAM_TYPES.policy, { Roles: [{ 'Fn::GetAtt': ['Json', 'Value'] }], PolicyDocument: { 'Fn::GetAtt': ['Json', 'Value'] } }),
    }, { Outputs: { O: { Value: { 'Fn::GetAtt': ['Json', 'Value'] }, Export: { Name: 'Deep' } } } })]);
    expect(JSON.stringify(model.exportedValue('Deep'))).toContain('<?TooDeep>');
    expect(view(model, 'S', 'P').targetsOutsideApp()).toHaveLength(1);
  });
});

describe('qualify', () => {
  test('own references get the stack; pseudo parameters, unknowns, imports and qualified references do not', () => {
    expect(qualify('arn:<AWS::Partition>:s3:::<Bucket>/<Role.Arn>/<?Parameter:P>/<X@Other>/<ImportValue:e>/<Fn::GetAZs>', 'S'))
      .toBe('arn:<AWS::Partition>:s3:::<Bucket@S>/<Role.Arn@S>/<?Parameter:P>/<X@Other>/<ImportValue:e>/<Fn::GetAZs>');
    expect(qualify({ a: ['<R>', 1, null] }, 'S')).toEqual({ a: ['<R@S>', 1, null] });
  });
});

describe('odd templates', () => {
  test.each([
    ['no template', undefined],
    ['a string', 'not a template'],
    ['Resources as a list', { Resources: [] }],
    ['resources without a type', { Resources: { A: {}, B: { Type: 3 }, C: null } }],
    ['properties that are not an object', { Resources: { R: { Type: IAM_TYPES.role, Properties: 'x' } } }],
    ['a role whose name is an object', { Resources: { R: role({ RoleName: { a: 1 } }), P: policy(IAM_TYPES.policy, { Roles: [{ a: 1 }], PolicyDocument: 'nonsense' }) } }],
  ])('%s', (_name, template) => {
    const model = new AppModel([{ name: 'S', template }]);
    for (const r of model.resources()) {
      const v = new ResolvedResource(r, DEFAULT_ASSIGNMENT);
      expect(() => [v.grants(), v.boundary(), v.groups(), v.targetsOutsideApp(), v.isEvaluatedAlone()]).not.toThrow();
    }
  });
});
