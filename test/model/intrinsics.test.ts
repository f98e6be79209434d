import {
  Assignment, assignmentKey, DEFAULT_ASSIGNMENT, Dimension, dimensionsOf, EMPTY_SCOPE, evaluate, hasUnknown, MAX_VARIANTS,
  ParameterSpec, TemplateScope, variantsOf,
} from '../../src/model/intrinsics';

function scope(
  parameters: { [name: string]: ParameterSpec } = {}, mappings: { [name: string]: unknown } = {}, extra: Partial<TemplateScope> = {},
): TemplateScope {
  return { parameters, mappings, ...extra };
}

function when(conditions: { [name: string]: boolean } = {}, parameters: { [name: string]: string } = {}): Assignment {
  return { conditions: new Map(Object.entries(conditions)), parameters: new Map(Object.entries(parameters)) };
}

const ev = (value: unknown, s: TemplateScope = EMPTY_SCOPE, a: Assignment = DEFAULT_ASSIGNMENT) => evaluate(value, s, a);

describe('Ref and Fn::GetAtt', () => {
  test('resources and pseudo parameters become named placeholders', () => {
    expect(ev({ Ref: 'MyBucket' })).toBe('<MyBucket>');
    expect(ev({ Ref: 'AWS::Partition' })).toBe('<AWS::Partition>');
    expect(ev({ Ref: 'AWS::AccountId' })).toBe('<AWS::AccountId>');
    expect(ev({ Ref: 42 })).toBe('<?Ref>');
  });

  test('Fn::GetAtt in list and dotted form, malformed forms unresolvable', () => {
    expect(ev({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).toBe('<Bucket.Arn>');
    expect(ev({ 'Fn::GetAtt': 'Bucket.Arn' })).toBe('<Bucket.Arn>');
    expect(ev({ 'Fn::GetAtt': 'Db.Endpoint.Address' })).toBe('<Db.Endpoint.Address>');
    expect(ev({ 'Fn::GetAtt': 42 })).toBe('<?Fn::GetAtt>');
    expect(ev({ 'Fn::GetAtt': 'NoDot' })).toBe('<?Fn::GetAtt>');
    expect(ev({ 'Fn::GetAtt': ['OnlyId'] })).toBe('<?Fn::GetAtt>');
  });

  test('the getAtt hook sees through attributes it knows, under the same assignment', () => {
    const seen: Array<[string, string, boolean | undefined]> = [];
    const s = scope({}, {}, {
      getAtt: (id, attr, a) => {
        seen.push([id, attr, a.conditions.get('C')]);
        return id === 'Json' ? { key: 'value' } : undefined;
      },
    });
    expect(ev({ 'Fn::GetAtt': ['Json', 'Value'] }, s, when({ C: false }))).toEqual({ key: 'value' });
    expect(ev({ 'Fn::GetAtt': ['Other', 'Arn'] }, s)).toBe('<Other.Arn>');
    expect(seen).toEqual([['Json', 'Value', false], ['Other', 'Arn', undefined]]);
  });
});

describe('Fn::Join', () => {
  test('CDK ARNs keep their literal parts', () => {
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] };
    expect(ev(arn)).toBe('arn:<AWS::Partition>:s3:::<Bucket>/*');
    expect(ev({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/*']] })).toBe('<B.Arn>/*');
    expect(ev({ 'Fn::Join': [',', ['a', 1, true]] })).toBe('a,1,true');
  });

  test('joins a list computed by another intrinsic; NoValue items disappear', () => {
    const s = scope({ Names: { Type: 'CommaDelimitedList', Default: 'a,b' } });
    expect(ev({ 'Fn::Join': ['-', { Ref: 'Names' }] }, s)).toBe('a-b');
    expect(ev({ 'Fn::Join': ['-', ['x', { Ref: 'AWS::NoValue' }, 'y']] })).toBe('x-y');
  });

  test('malformed joins are unresolvable, never thrown', () => {
    expect(ev({ 'Fn::Join': 'nonsense' })).toBe('<?Fn::Join>');
    expect(ev({ 'Fn::Join': [1, ['a']] })).toBe('<?Fn::Join>');
    expect(ev({ 'Fn::Join': ['', 'not a list'] })).toBe('<?Fn::Join>');
    expect(ev({ 'Fn::Join': ['', [{ an: 'object' }, 'x']] })).toBe('<?Unresolvable>x');
  });
});

describe('Fn::Sub', () => {
  test('pseudo parameters, resources and attributes', () => {
    expect(ev({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' })).toBe('arn:<AWS::Partition>:s3:::<Bucket>/*');
    expect(ev({ 'Fn::Sub': 'arn:aws:logs:${AWS::Region}:${AWS::AccountId}:*' })).toBe('arn:aws:logs:<AWS::Region>:<AWS::AccountId>:*');
    expect(ev({ 'Fn::Sub': '${Bucket.Arn}/*' })).toBe('<Bucket.Arn>/*');
  });

  test('${!Name} is kept as an IAM policy variable', () => {
    expect(ev({ 'Fn::Sub': 'arn:aws:iam::*:user/${!aws:username}' })).toBe('arn:aws:iam::*:user/${aws:username}');
    expect(ev({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::home/${!aws:userid}/*' })).toBe('arn:<AWS::Partition>:s3:::home/${aws:userid}/*');
  });

  test('a variable map is evaluated and wins over parameters and resources of the same name', () => {
    const s = scope({ Name: { Type: 'String', Default: 'from-parameter' } });
    expect(ev({ 'Fn::Sub': ['arn:aws:s3:::${Name}', { Name: 'fixed' }] }, s)).toBe('arn:aws:s3:::fixed');
    expect(ev({ 'Fn::Sub': ['arn:aws:s3:::${Name}/${Key}', { Key: { Ref: 'Bucket' } }] }, s)).toBe('arn:aws:s3:::from-parameter/<Bucket>');
    expect(ev({ 'Fn::Sub': ['${A}', { A: { 'Fn::GetAtt': ['Role', 'Arn'] } }] })).toBe('<Role.Arn>');
  });

  test('parameters in a template take their value', () => {
    const s = scope({ Env: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'dev' }, Open: { Type: 'String' } });
    expect(ev({ 'Fn::Sub': 'app-${Env}' }, s)).toBe('app-dev');
    expect(ev({ 'Fn::Sub': 'app-${Env}' }, s, when({}, { Env: 'prod' }))).toBe('app-prod');
    expect(ev({ 'Fn::Sub': 'app-${Open}' }, s)).toBe('app-<?Parameter:Open>');
  });

  test('malformed Sub is unresolvable', () => {
    expect(ev({ 'Fn::Sub': { bad: true } })).toBe('<?Fn::Sub>');
    expect(ev({ 'Fn::Sub': [42, {}] })).toBe('<?Fn::Sub>');
    expect(ev({ 'Fn::Sub': ['${A}', { A: { obj: 1 } }] })).toBe('<?Unresolvable>');
  });
});

describe('Fn::If and AWS::NoValue', () => {
  const value = { 'Fn::If': ['IsProd', 'arn:aws:s3:::prod', '*'] };

  test('follows the assignment, the true branch by default', () => {
    expect(ev(value)).toBe('arn:aws:s3:::prod');
    expect(ev(value, EMPTY_SCOPE, when({ IsProd: true }))).toBe('arn:aws:s3:::prod');
    expect(ev(value, EMPTY_SCOPE, when({ IsProd: false }))).toBe('*');
    expect(ev(value, EMPTY_SCOPE, when({ Other: false }))).toBe('arn:aws:s3:::prod');
  });

  test('nested Ifs follow their own conditions', () => {
    const nested = { 'Fn::If': ['A', { 'Fn::If': ['B', 'ab', 'a'] }, 'none'] };
    expect(ev(nested, EMPTY_SCOPE, when({ A: true, B: false }))).toBe('a');
    expect(ev(nested, EMPTY_SCOPE, when({ A: false, B: true }))).toBe('none');
  });

  test('NoValue removes a statement from a list', () => {
    const doc = {
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { 'Fn::If': ['Admin', { Effect: 'Allow', Action: '*', Resource: '*' }, { Ref: 'AWS::NoValue' }] },
      ],
    };
    expect(ev(doc, EMPTY_SCOPE, when({ Admin: false }))).toEqual({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });
    expect((ev(doc, EMPTY_SCOPE, when({ Admin: true })) as { Statement: unknown[] }).Statement).toHaveLength(2);
  });

  test('NoValue removes a key from an object, and gives undefined at the top', () => {
    const props = { RoleName: 'r', PermissionsBoundary: { 'Fn::If': ['Bounded', { Ref: 'Boundary' }, { Ref: 'AWS::NoValue' }] } };
    expect(ev(props, EMPTY_SCOPE, when({ Bounded: false }))).toEqual({ RoleName: 'r' });
    expect(ev(props, EMPTY_SCOPE, when({ Bounded: true }))).toEqual({ RoleName: 'r', PermissionsBoundary: '<Boundary>' });
    expect(ev({ Ref: 'AWS::NoValue' })).toBeUndefined();
  });

  test('malformed If is unresolvable', () => {
    expect(ev({ 'Fn::If': ['C', 'only-one'] })).toBe('<?Fn::If>');
    expect(ev({ 'Fn::If': [1, 'a', 'b'] })).toBe('<?Fn::If>');
    expect(ev({ 'Fn::If': 'C' })).toBe('<?Fn::If>');
  });
});

describe('parameters', () => {
  const parameters: { [name: string]: ParameterSpec } = {
    Star: { Type: 'String', Default: '*' },
    Env: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'dev' },
    EnvNoDefault: { Type: 'String', AllowedValues: ['dev', 'prod'] },
    Only: { Type: 'String', AllowedValues: ['single'] },
    Open: { Type: 'String' },
    Count: { Type: 'Number', Default: 5 },
    Names: { Type: 'CommaDelimitedList', Default: 'a, b,c' },
    Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' },
    Ssm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/my/param' },
  };
  const s = scope(parameters);

  test('Default `*` evaluates to `*`', () => {
    expect(ev({ Ref: 'Star' }, s)).toBe('*');
  });

  test('AllowedValues: the assigned value, else the default; a single allowed value is the value', () => {
    expect(ev({ Ref: 'Env' }, s)).toBe('dev');
    expect(ev({ Ref: 'Env' }, s, when({}, { Env: 'prod' }))).toBe('prod');
    expect(ev({ Ref: 'EnvNoDefault' }, s, when({}, { EnvNoDefault: 'prod' }))).toBe('prod');
    expect(ev({ Ref: 'EnvNoDefault' }, s)).toBe('<?Parameter:EnvNoDefault>');
    expect(ev({ Ref: 'Only' }, s)).toBe('single');
  });

  test('no default: unknown before deployment', () => {
    expect(ev({ Ref: 'Open' }, s)).toBe('<?Parameter:Open>');
    expect(hasUnknown(ev({ Ref: 'Open' }, s) as string)).toBe(true);
    expect(ev({ Ref: 'Subnets' }, s)).toEqual(['<?Parameter:Subnets>']);
  });

  test('numbers become strings; CommaDelimitedList splits and trims', () => {
    expect(ev({ Ref: 'Count' }, s)).toBe('5');
    expect(ev({ Ref: 'Names' }, s)).toEqual(['a', 'b', 'c']);
  });

  test('SSM parameter types are unknown: the default is the parameter name, not its value', () => {
    expect(ev({ Ref: 'Ssm' }, s)).toBe('<?Parameter:Ssm>');
  });

  test('values passed by a parent stack win over defaults', () => {
    const nested = scope(parameters, {}, { parameterValues: { Open: '<Role@Parent>', Star: 'arn:aws:s3:::x' } });
    expect(ev({ Ref: 'Open' }, nested)).toBe('<Role@Parent>');
    expect(ev({ Ref: 'Star' }, nested)).toBe('arn:aws:s3:::x');
  });
});

describe('Fn::Select and Fn::Split', () => {
  test('select from a literal list and from a split', () => {
    expect(ev({ 'Fn::Select': [1, ['a', 'b', 'c']] })).toBe('b');
    expect(ev({ 'Fn::Select': ['0', ['a']] })).toBe('a');
    expect(ev({ 'Fn::Select': [2, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('c');
  });

  test('splitting an ARN keeps placeholders whole', () => {
    const arn = 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/x';
    expect(ev({ 'Fn::Split': [':', arn] })).toEqual(['arn', '<AWS::Partition>', 'iam', '', '<AWS::AccountId>', 'role/x']);
    expect(ev({ 'Fn::Select': [4, { 'Fn::Split': [':', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x' }] }] }))
      .toBe('<AWS::AccountId>');
    expect(ev({ 'Fn::Split': [':', '<AWS::Partition>'] })).toEqual(['<AWS::Partition>']);
  });

  test('splitting on any separator keeps placeholders whole (digits, NUL, placeholder characters)', () => {
    expect(ev({ 'Fn::Split': ['0', 'a<B>0c'] })).toEqual(['a<B>', 'c']);
    expect(ev({ 'Fn::Split': ['1', '<Role1.Arn>1<Role2.Arn>'] })).toEqual(['<Role1.Arn>', '<Role2.Arn>']);
    expect(ev({ 'Fn::Split': ['\u0000', 'x\u0000<A>'] })).toEqual(['x', '<A>']);
    expect(ev({ 'Fn::Split': ['.', '<A.Arn>.b'] })).toEqual(['<A.Arn>', 'b']);
  });

  test('out of range or unknown lists are unresolvable; CloudFormation-computed lists give one specific value', () => {
    expect(ev({ 'Fn::Select': [5, ['a']] })).toBe('<?Fn::Select>');
    expect(ev({ 'Fn::Select': [-1, ['a']] })).toBe('<?Fn::Select>');
    expect(ev({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] })).toBe('<Fn::Select:0:Fn::GetAZs>');
    expect(ev({ 'Fn::Select': [0, { Ref: 'Open' }] }, scope({ Open: { Type: 'String' } }))).toBe('<?Fn::Select>');
    expect(ev({ 'Fn::Select': [0] })).toBe('<?Fn::Select>');
    expect(ev({ 'Fn::Split': ['', 'abc'] })).toBe('<?Fn::Split>');
    expect(ev({ 'Fn::Split': [',', ['not', 'a', 'string']] })).toBe('<?Fn::Split>');
  });

  test('selecting from an unknown list parameter is unknown', () => {
    const s = scope({ Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' } });
    expect(ev({ 'Fn::Select': [0, { Ref: 'Subnets' }] }, s)).toBe('<?Parameter:Subnets>');
    expect(ev({ 'Fn::Select': [1, { Ref: 'Subnets' }] }, s)).toBe('<?Fn::Select>');
  });
});

describe('Fn::FindInMap', () => {
  const mappings = {
    Same: { 'us-east-1': { Arn: 'arn:aws:s3:::same' }, 'eu-west-1': { Arn: 'arn:aws:s3:::same' } },
    Differ: { 'us-east-1': { Arn: 'arn:aws:s3:::a' }, 'eu-west-1': { Arn: 'arn:aws:s3:::b' } },
    Wild: { 'us-east-1': { Arn: 'arn:aws:s3:::a' }, 'eu-west-1': { Arn: '*' } },
    WildList: { 'us-east-1': { Arns: ['arn:aws:s3:::a'] }, 'eu-west-1': { Arns: ['arn:aws:s3:::b', '*'] } },
    Lists: { 'us-east-1': { Arns: ['arn:aws:s3:::a'] }, 'eu-west-1': { Arns: ['arn:aws:s3:::b'] } },
  };
  const s = scope({ Env: { Type: 'String', AllowedValues: ['us-east-1', 'eu-west-1'], Default: 'us-east-1' } }, mappings);
  const region = { Ref: 'AWS::Region' };

  test('known keys give the value', () => {
    expect(ev({ 'Fn::FindInMap': ['Differ', 'eu-west-1', 'Arn'] }, s)).toBe('arn:aws:s3:::b');
    expect(ev({ 'Fn::FindInMap': ['Differ', { Ref: 'Env' }, 'Arn'] }, s, when({}, { Env: 'eu-west-1' }))).toBe('arn:aws:s3:::b');
    expect(ev({ 'Fn::FindInMap': ['Lists', 'us-east-1', 'Arns'] }, s)).toEqual(['arn:aws:s3:::a']);
  });

  test('an unknown key: the common value when all agree', () => {
    expect(ev({ 'Fn::FindInMap': ['Same', region, 'Arn'] }, s)).toBe('arn:aws:s3:::same');
  });

  test('an unknown key: one specific constant when none is a wildcard', () => {
    expect(ev({ 'Fn::FindInMap': ['Differ', region, 'Arn'] }, s)).toBe('<Fn::FindInMap:Differ>');
  });

  test('an unknown key: unknown when one candidate is a wildcard, in a string or in a list', () => {
    expect(ev({ 'Fn::FindInMap': ['Wild', region, 'Arn'] }, s)).toBe('<?Fn::FindInMap:Wild>');
    const fromList = ev({ 'Fn::FindInMap': ['WildList', region, 'Arns'] }, s);
    expect(JSON.stringify(fromList)).toContain('<?');
  });

  test('missing keys and maps: unresolvable, or the DefaultValue when one is given', () => {
    expect(ev({ 'Fn::FindInMap': ['Differ', 'ap-south-1', 'Arn'] }, s)).toBe('<?Fn::FindInMap>');
    expect(ev({ 'Fn::FindInMap': ['Nope', 'a', 'b'] }, s)).toBe('<?Fn::FindInMap>');
    expect(ev({ 'Fn::FindInMap': ['Nope', 'a', 'b', { DefaultValue: 'fallback' }] }, s)).toBe('fallback');
    expect(ev({ 'Fn::FindInMap': ['Differ', 'ap-south-1', 'Arn', { DefaultValue: 'fallback' }] }, s)).toBe('fallback');
    expect(ev({ 'Fn::FindInMap': ['Differ', 'us-east-1'] }, s)).toBe('<?Fn::FindInMap>');
  });
});

describe('Fn::ImportValue', () => {
  const s = scope({}, {}, { importValue: name => (name === 'RoleArn' ? '<Role.Arn@Producer>' : undefined) });

  test('through the scope, including a computed export name', () => {
    expect(ev({ 'Fn::ImportValue': 'RoleArn' }, s)).toBe('<Role.Arn@Producer>');
    expect(ev({ 'Fn::ImportValue': { 'Fn::Sub': ['Role${Kind}', { Kind: 'Arn' }] } }, s)).toBe('<Role.Arn@Producer>');
    expect(ev({ 'Fn::ImportValue': { 'Fn::Sub': 'Role${Suffix}' } }, s)).toBe('<ImportValue:RoleSuffix>');
    expect(ev({ 'Fn::Join': ['', [{ 'Fn::ImportValue': 'RoleArn' }, '/x']] }, s)).toBe('<Role.Arn@Producer>/x');
  });

  test('an export no stack of the app has stays a named placeholder', () => {
    expect(ev({ 'Fn::ImportValue': 'elsewhere' }, s)).toBe('<ImportValue:elsewhere>');
    expect(ev({ 'Fn::ImportValue': 'elsewhere' })).toBe('<ImportValue:elsewhere>');
    expect(ev({ 'Fn::ImportValue': ['x'] }, s)).toBe('<?ImportValue>');
  });

  test('a scope that throws never makes evaluate throw', () => {
    const throwing = scope({}, {}, { importValue: () => { throw new Error('boom'); } });
    expect(ev({ 'Fn::ImportValue': 'x' }, throwing)).toBe('<?Unresolvable>');
  });
});

describe('other intrinsics and tokens', () => {
  test('Base64 is transparent, GetAZs and Condition are placeholders, unknown functions are named', () => {
    expect(ev({ 'Fn::Base64': { 'Fn::Sub': 'echo ${AWS::Region}' } })).toBe('echo <AWS::Region>');
    expect(ev({ 'Fn::GetAZs': '' })).toBe('<Fn::GetAZs>');
    expect(ev({ Condition: 'IsProd' })).toBe('<Condition:IsProd>');
    expect(ev({ Condition: 3 })).toBe('<?Condition>');
    expect(ev({ 'Fn::Foo': ['x'] })).toBe('<Fn::Foo>');
  });

  test('objects with more than one key are data, not intrinsics; scalars are kept', () => {
    expect(ev({ Ref: 'X', Other: 1 })).toEqual({ Ref: 'X', Other: 1 });
    expect(ev({ A: [1, true, null, { Ref: 'X' }], B: 'b' })).toEqual({ A: [1, true, null, '<X>'], B: 'b' });
    expect(ev(undefined)).toBeUndefined();
  });

  test('logical ids that are also names of Object.prototype members are ordinary ids', () => {
    expect(ev({ Ref: 'constructor' })).toBe('<constructor>');
    expect(ev({ Ref: 'toString' }, scope({}, {}, { parameterValues: {} }))).toBe('<toString>');
    expect(ev({ 'Fn::FindInMap': ['constructor', 'a', 'b'] })).toBe('<?Fn::FindInMap>');
    expect([...dimensionsOf({ Ref: 'constructor' }, EMPTY_SCOPE).keys()]).toEqual([]);
  });

  test('unresolved CDK tokens are unknown', () => {
    expect(ev('arn:aws:s3:::${Token[TOKEN.12]}/*')).toBe('arn:aws:s3:::<?Token>/*');
    expect(ev('#{Token[Foo.34]}')).toBe('<?Token>');
    expect(ev({ 'Fn::Join': ['', ['${Token[TOKEN.12]}', '/x']] })).toBe('<?Token>/x');
    expect(hasUnknown(ev({ 'Fn::Sub': 'arn:aws:s3:::${Token[TOKEN.12]}' }) as string)).toBe(true);
  });
});

describe('depth', () => {
  function deep(levels: number, leaf: unknown, wrap: (inner: unknown, i: number) => unknown): unknown {
    let v = leaf;
    for (let i = 0; i < levels; i++) v = wrap(v, i);
    return v;
  }

  test.each([
    ['objects', (v: unknown) => ({ a: v })],
    ['lists', (v: unknown) => [v]],
    ['Ifs', (v: unknown) => ({ 'Fn::If': ['C', v, 'x'] })],
    ['Joins', (v: unknown) => ({ 'Fn::Join': ['', [v]] })],
    ['mixed', (v: unknown, i: number) => (i % 3 === 0 ? { a: v } : i % 3 === 1 ? [v] : { 'Fn::Sub': ['${X}', { X: v }] })],
  ])('10,000 nested %s evaluate quickly, without overflowing the stack', (_name, wrap) => {
    const value = deep(10_000, { Ref: 'Param' }, wrap);
    const start = Date.now();
    expect(() => ev(value, scope({ Param: { Type: 'String', AllowedValues: ['a', 'b'] } }))).not.toThrow();
    expect(() => dimensionsOf(value, scope({ Param: { Type: 'String', AllowedValues: ['a', 'b'] } }))).not.toThrow();
    expect(Date.now() - start).toBeLessThan(1000);
  });

  test('small templates that would need exponential work finish quickly (each value evaluated once, strings capped)', () => {
    const nest = (levels: number, wrap: (v: unknown) => unknown) => deep(levels, 'x', wrap);
    const cases: unknown[] = [
      // A variable used twice per level doubles the string: past the cap it is unknown.
      nest(60, v => ({ 'Fn::Sub': ['${X}${X}', { X: v }] })),
      // An out-of-range Select must not evaluate its list twice per level.
      nest(60, v => ({ 'Fn::Select': [5, v] })),
    ];
    for (const value of cases) {
      const start = Date.now();
      const out = ev(value);
      expect(Date.now() - start).toBeLessThan(1000);
      expect(JSON.stringify(out).length).toBeLessThan(2_100_000);
    }
    const doubled = ev(nest(30, v => ({ 'Fn::Sub': ['${X}${X}', { X: v }] }))) as string;
    expect(doubled).toMatch(/^(<\?TooLong>)+$/);
    expect(doubled.length).toBeLessThanOrEqual(1_000_000);
    expect(ev(nest(20, v => ({ 'Fn::Sub': ['${X}${X}', { X: v }] })))).toBe('<?TooLong>');
    expect(ev(nest(3, v => ({ 'Fn::Sub': ['${X}${X}', { X: v }] })))).toBe('xxxxxxxx');
    // Past the cap the value is unknown, never silently cut short.
    const big = 'a'.repeat(600_000);
    expect(ev({ 'Fn::Sub': ['${A}${B}', { A: big, B: big }] })).toBe('<?TooLong>');
    expect(ev({ 'Fn::Sub': ['${A}-${!literal}', { A: big }] })).toBe(`${big}-\${literal}`);
    expect(ev({ 'Fn::Join': ['', [big, big]] })).toBe('<?TooLong>');
  });

  test('a parameter default that is not a literal (e.g. referring to itself) is unknown, not followed', () => {
    const s = scope({
      Loop: { Type: 'String', Default: { 'Fn::Join': ['', [{ Ref: 'Loop' }, { Ref: 'Loop' }]] } as unknown as string },
      Listed: { Type: 'String', Default: ['a'] as unknown as string },
    });
    const start = Date.now();
    expect(ev({ Ref: 'Loop' }, s)).toBe('<?Parameter:Loop>');
    expect(ev({ Ref: 'Listed' }, s)).toBe('<?Parameter:Listed>');
    expect(Date.now() - start).toBeLessThan(1000);
  });

  test('values deeper than the limit become <?TooDeep>', () => {
    const value = deep(200, 'leaf', v => [v]);
    expect(JSON.stringify(ev(value))).toContain('<?TooDeep>');
    expect(ev(deep(10, 'leaf', v => [v]))).toEqual(deep(10, 'leaf', v => [v]));
  });
});

describe('dimensionsOf', () => {
  const s = scope({
    Env: { Type: 'String', AllowedValues: ['dev', 'prod'] },
    Size: { Type: 'Number', AllowedValues: [1, 2, 3] },
    Single: { Type: 'String', AllowedValues: ['x'] },
    Free: { Type: 'String' },
  });

  test('finds conditions of Fn::If and parameters with two or more allowed values', () => {
    const value = {
      A: { 'Fn::If': ['IsProd', { Ref: 'Env' }, { Ref: 'Single' }] },
      B: [{ 'Fn::If': ['Other', 'x', { Ref: 'Free' }] }, { Ref: 'Size' }],
    };
    const dims = dimensionsOf(value, s);
    expect([...dims.keys()].sort()).toEqual(['condition:IsProd', 'condition:Other', 'parameter:Env', 'parameter:Size']);
    expect(dims.get('parameter:Size')).toEqual({ kind: 'parameter', name: 'Size', values: ['1', '2', '3'] });
  });

  test('parameters used in Fn::Sub, unless a variable of the same name shadows them', () => {
    expect([...dimensionsOf({ 'Fn::Sub': 'app-${Env}-${!Literal}' }, s).keys()]).toEqual(['parameter:Env']);
    expect([...dimensionsOf({ 'Fn::Sub': ['app-${Env}', { Env: 'x' }] }, s).keys()]).toEqual([]);
    expect([...dimensionsOf({ 'Fn::Sub': ['app-${Env}', { Env: { Ref: 'Size' } }] }, s).keys()]).toEqual(['parameter:Size']);
    expect([...dimensionsOf({ 'Fn::Sub': ['${V}', { V: { 'Fn::If': ['C', 'a', 'b'] } }] }, s).keys()]).toEqual(['condition:C']);
    // Outside Fn::Sub, `${Env}` is literal text (an IAM policy variable, a shell variable).
    expect([...dimensionsOf({ Value: 'echo ${Env}' }, s).keys()]).toEqual([]);
  });

  test('a parameter whose value the parent passes does not vary', () => {
    const nested = { ...s, parameterValues: { Env: 'prod' } };
    expect([...dimensionsOf({ Ref: 'Env' }, nested).keys()]).toEqual([]);
  });
});

describe('variantsOf', () => {
  const cond = (name: string): Dimension => ({ kind: 'condition', name });

  test('nothing varies: one variant with an empty label', () => {
    expect(variantsOf([])).toEqual([{ assignment: { conditions: new Map(), parameters: new Map() }, label: '' }]);
  });

  test('two conditions: all four combinations, labelled', () => {
    const variants = variantsOf([cond('A'), cond('B')]);
    expect(variants).toHaveLength(4);
    expect(variants.map(v => v.label)).toEqual([
      'condition A is true, condition B is true',
      'condition A is false, condition B is true',
      'condition A is true, condition B is false',
      'condition A is false, condition B is false',
    ]);
    expect(new Set(variants.map(v => assignmentKey(v.assignment))).size).toBe(4);
  });

  test('four conditions: all 16 combinations (the limit)', () => {
    expect(variantsOf(['A', 'B', 'C', 'D'].map(cond))).toHaveLength(MAX_VARIANTS);
  });

  test('five conditions: a covering set within the limit in which each condition takes both values', () => {
    const names = ['A', 'B', 'C', 'D', 'E'];
    const variants = variantsOf(names.map(cond));
    expect(variants.length).toBeLessThanOrEqual(MAX_VARIANTS);
    for (const name of names) {
      expect(new Set(variants.map(v => v.assignment.conditions.get(name)))).toEqual(new Set([true, false]));
    }
  });

  test('parameters take each allowed value, labelled with it', () => {
    const variants = variantsOf([{ kind: 'parameter', name: 'Env', values: ['dev', 'prod', 'test'] }, cond('C')]);
    expect(variants).toHaveLength(6);
    expect(variants[0].label).toBe('parameter Env = dev, condition C is true');
    expect(new Set(variants.map(v => v.assignment.parameters.get('Env')))).toEqual(new Set(['dev', 'prod', 'test']));
  });

  test('many dimensions: every value of every dimension still appears', () => {
    const dims: Dimension[] = [...['A', 'B', 'C', 'D', 'E', 'F'].map(cond), { kind: 'parameter', name: 'P', values: ['1', '2', '3', '4'] }];
    const variants = variantsOf(dims);
    expect(variants.length).toBeLessThanOrEqual(1 + 6 + 3);
    expect(new Set(variants.map(v => v.assignment.parameters.get('P')))).toEqual(new Set(['1', '2', '3', '4']));
  });

  test('assignmentKey is stable whatever the insertion order', () => {
    expect(assignmentKey(when({ B: true, A: false }, { P: 'x' }))).toBe(assignmentKey(when({ A: false, B: true }, { P: 'x' })));
    expect(assignmentKey(DEFAULT_ASSIGNMENT)).toBe('');
  });
});
