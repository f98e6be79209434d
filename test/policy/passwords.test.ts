import { chooseBranch, readSecretValue, SecretParameterSpec, SecretScope } from '../../src/policy/passwords';

const PARAMETERS: { [name: string]: SecretParameterSpec } = {
  Hidden: { NoEcho: true },
  HiddenAsText: { NoEcho: 'true' },
  HiddenDefault: { NoEcho: true, Default: 'Welcome1!' },
  Shown: { Type: 'String' },
  FromSsm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/pw', NoEcho: true },
};
const scope: SecretScope = { parameter: name => PARAMETERS[name], condition: name => (name === 'Off' ? false : undefined) };
const readable = (value: unknown) => readSecretValue(value, scope).readable;
const kinds = (value: unknown) => readSecretValue(value, scope).sources.map(s => s.kind);

test('literals, numbers and plain SSM references are readable', () => {
  expect(kinds('Password123!')).toEqual(['literal']);
  expect(readable(12345678)).toBe(true);
  expect(kinds('{{resolve:ssm:/users/alice}}')).toEqual(['ssm-plain']);
});

test('secret dynamic references are not, even next to literal text', () => {
  expect(readable('{{resolve:secretsmanager:pw:SecretString:::}}')).toBe(false);
  expect(readable('{{resolve:ssm-secure:/pw:3}}')).toBe(false);
  expect(readable({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'Generated' }, ':SecretString:::}}']] })).toBe(false);
  expect(readable('prefix-{{resolve:ssm-secure:/pw}}')).toBe(false);
});

test('parameters: NoEcho (boolean or text) without Default is secret; Default, no NoEcho or an SSM type is readable', () => {
  expect(readable({ Ref: 'Hidden' })).toBe(false);
  expect(readable({ Ref: 'HiddenAsText' })).toBe(false);
  expect(kinds({ Ref: 'HiddenDefault' })).toEqual(['parameter-default']);
  expect(kinds({ Ref: 'Shown' })).toEqual(['parameter-echoed']);
  expect(kinds({ Ref: 'FromSsm' })).toEqual(['ssm-parameter-type']);
});

test('references to resources and attributes are not judged; pseudo parameters, mappings and exports are readable', () => {
  expect(readable({ Ref: 'SomeResource' })).toBe(false);
  expect(readable({ 'Fn::GetAtt': ['Generator', 'Password'] })).toBe(false);
  expect(kinds({ Ref: 'AWS::StackName' })).toEqual(['pseudo-parameter']);
  expect(kinds({ 'Fn::FindInMap': ['Passwords', 'prod', 'admin'] })).toEqual(['mapping']);
  expect(kinds({ 'Fn::ImportValue': 'SharedPassword' })).toEqual(['export']);
});

test('Fn::Sub: names, ${Resource.Attr}, variables and ${!Literal}', () => {
  expect(kinds({ 'Fn::Sub': 'Pw-${AWS::AccountId}' }).sort()).toEqual(['literal', 'pseudo-parameter']);
  expect(readable({ 'Fn::Sub': 'Pw-${Hidden}' })).toBe(false);
  expect(readable({ 'Fn::Sub': '${Generator.Password}' })).toBe(false);
  expect(readable({ 'Fn::Sub': ['${X}!', { X: { Ref: 'Hidden' } }] })).toBe(false);
  expect(readable({ 'Fn::Sub': ['${X}!', { X: 'known' }] })).toBe(true);
  expect(kinds({ 'Fn::Sub': '${!Hidden}' })).toEqual(['literal']);
});

test('Fn::If follows the chosen branch; Fn::Select picks its element', () => {
  expect(readable({ 'Fn::If': ['On', { Ref: 'Hidden' }, 'literal'] })).toBe(false);
  expect(readable({ 'Fn::If': ['Off', { Ref: 'Hidden' }, 'literal'] })).toBe(true);
  expect(chooseBranch({ 'Fn::If': ['Off', 'a', { 'Fn::If': ['On', 'b', 'c'] }] }, scope)).toBe('b');
  expect(readable({ 'Fn::Select': [1, ['a', { Ref: 'Hidden' }]] })).toBe(false);
  expect(readable({ 'Fn::Select': [0, ['a', { Ref: 'Hidden' }]] })).toBe(true);
});

test('unknown intrinsics and malformed values are not judged readable', () => {
  expect(readable({ 'Fn::Transform': { Name: 'X' } })).toBe(false);
  expect(readable({ a: 1, b: 2 })).toBe(false);
  expect(readable({ 'Fn::Join': 'bad' })).toBe(false);
});

test('nested Fn::Sub of ${X}${X} (doubling at each level) is read in linear time; past 64 levels it is not judged', () => {
  const nested = (leaf: unknown, levels: number) => {
    let value = leaf;
    for (let i = 0; i < levels; i++) value = { 'Fn::Sub': ['${X}${X}', { X: value }] };
    return value;
  };
  const started = Date.now();
  expect(readable(nested({ Ref: 'Hidden' }, 60))).toBe(false);
  expect(readable(nested('literal', 60))).toBe(true);
  expect(readable(nested({ 'Fn::Join': ['', ['{{resolve:ssm:', { Ref: 'Hidden' }, '}}']] }, 60))).toBe(true);
  expect(readable(nested('literal', 400))).toBe(false);
  expect(Date.now() - started).toBeLessThan(1000);
});
