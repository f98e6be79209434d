import { hasPlaceholder, placeholderString, withPlaceholders } from '../../src/policy/placeholders';

describe('withPlaceholders', () => {
  test('Ref and pseudo parameters become named placeholders', () => {
    expect(withPlaceholders({ Ref: 'MyBucket' })).toBe('<MyBucket>');
    expect(withPlaceholders({ Ref: 'AWS::Partition' })).toBe('<AWS::Partition>');
  });

  test('Fn::GetAtt in list and dotted form', () => {
    expect(withPlaceholders({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).toBe('<Bucket.Arn>');
    expect(withPlaceholders({ 'Fn::GetAtt': 'Bucket.Arn' })).toBe('<Bucket.Arn>');
  });

  test('Fn::Join keeps literal parts, so CDK ARNs stay readable', () => {
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] };
    expect(withPlaceholders(arn)).toBe('arn:<AWS::Partition>:s3:::<Bucket>/*');
    expect(withPlaceholders({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/*']] })).toBe('<B.Arn>/*');
  });

  test('Fn::Sub substitutes variables, keeps ${!Literal} as an IAM policy variable', () => {
    expect(withPlaceholders({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' })).toBe('arn:<AWS::Partition>:s3:::<Bucket>/*');
    expect(withPlaceholders({ 'Fn::Sub': ['arn:aws:s3:::${Name}', { Name: 'fixed' }] })).toBe('arn:aws:s3:::fixed');
    expect(withPlaceholders({ 'Fn::Sub': 'arn:aws:iam::*:user/${!aws:username}' })).toBe('arn:aws:iam::*:user/${aws:username}');
    expect(withPlaceholders({ 'Fn::Sub': '${Role.Arn}' })).toBe('<Role.Arn>');
  });

  test('imports, conditions and other intrinsics become stable placeholders', () => {
    expect(withPlaceholders({ 'Fn::ImportValue': 'shared-bucket-arn' })).toBe('<ImportValue:shared-bucket-arn>');
    expect(withPlaceholders({ 'Fn::If': ['IsProd', '*', 'arn:aws:s3:::x'] })).toBe('<If:IsProd>');
    expect(withPlaceholders({ 'Fn::Select': [0, ['a']] })).toBe('<Fn::Select>');
  });

  test('unresolved CDK tokens become <Token>', () => {
    expect(withPlaceholders('arn:aws:s3:::${Token[TOKEN.123]}/*')).toBe('arn:aws:s3:::<Token>/*');
  });

  test('plain objects and arrays are walked; scalars kept', () => {
    expect(withPlaceholders({ A: [1, true, { Ref: 'X' }], B: 'b' })).toEqual({ A: [1, true, '<X>'], B: 'b' });
  });

  test('never throws on malformed intrinsics or deep nesting', () => {
    expect(withPlaceholders({ 'Fn::Join': 'nonsense' })).toBe('<Fn::Join>');
    expect(withPlaceholders({ 'Fn::GetAtt': 42 })).toBe('<Fn::GetAtt>');
    expect(withPlaceholders({ 'Fn::Sub': { bad: true } })).toBe('<Fn::Sub>');
    let deep: unknown = 'x';
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(() => withPlaceholders(deep)).not.toThrow();
    expect(placeholderString({ a: 1 })).toBe('<Unresolvable>');
  });

  test('hasPlaceholder', () => {
    expect(hasPlaceholder('<Bucket.Arn>/*')).toBe(true);
    expect(hasPlaceholder('arn:aws:s3:::bucket/*')).toBe(false);
  });
});
