import { normalizePolicyDocument } from '../../src/policy/document';
import { evaluateRequest, PolicyRequest, statementApplication, statementsApplying } from '../../src/policy/evaluate';

const doc = (...Statement: unknown[]) => normalizePolicyDocument({ Version: '2012-10-17', Statement });

describe('evaluateRequest', () => {
  const allowS3 = { Effect: 'Allow', Action: 's3:*', Resource: '*' };

  test('an explicit Deny wins over an Allow; nothing matching is an implicit deny', () => {
    const policy = doc(allowS3, { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::audit' });
    expect(evaluateRequest([policy], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::audit' })).toBe('ExplicitDeny');
    expect(evaluateRequest([policy], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::mine' })).toBe('Allow');
    expect(evaluateRequest([policy], { action: 'sqs:SendMessage', resource: '*' })).toBe('ImplicitDeny');
  });

  test('a single statement object, mixed-case actions and NotAction', () => {
    const policy = normalizePolicyDocument({ Statement: { Effect: 'Deny', NotAction: ['LAMBDA:Get*'], Resource: '*' } });
    expect(evaluateRequest([policy], { action: 'lambda:GetFunction', resource: '*' })).toBe('ImplicitDeny');
    expect(evaluateRequest([policy], { action: 'lambda:UpdateFunctionCode', resource: '*' })).toBe('ExplicitDeny');
  });

  describe('aws:ResourceTag', () => {
    const policy = doc(allowS3, {
      Effect: 'Deny',
      NotAction: ['s3:Get*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/guard': 'true' } },
    });
    test.each([
      ['a tagged resource', { 'aws:ResourceTag/guard': 'true' }, 'ExplicitDeny'],
      ['the tag key in another case', { 'AWS:RESOURCETAG/guard': 'true' }, 'ExplicitDeny'],
      ['another tag value', { 'aws:ResourceTag/guard': 'false' }, 'Allow'],
      ['no tag (the key is absent)', {}, 'Allow'],
    ])('%s', (_name, context, decision) => {
      expect(evaluateRequest([policy], { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context })).toBe(decision);
    });
    test('a read passes the NotAction', () => {
      expect(evaluateRequest([policy], { action: 's3:GetObject', resource: '*', context: { 'aws:ResourceTag/guard': 'true' } })).toBe('Allow');
    });
  });

  describe('policy variables', () => {
    const policy = doc({ Effect: 'Allow', Action: 'iam:EnableMFADevice', Resource: 'arn:aws:iam::111111111111:user/${aws:username}' });
    const request = (user: string, username?: string): PolicyRequest => ({
      action: 'iam:EnableMFADevice',
      resource: `arn:aws:iam::111111111111:user/${user}`,
      context: username === undefined ? {} : { 'aws:username': username },
    });
    test('match the caller only', () => {
      expect(evaluateRequest([policy], request('alice', 'alice'))).toBe('Allow');
      expect(evaluateRequest([policy], request('bob', 'alice'))).toBe('ImplicitDeny');
    });
    test('a variable whose key the request lacks (a role session) matches nothing', () => {
      expect(evaluateRequest([policy], request('alice'))).toBe('ImplicitDeny');
    });
    test('NotResource with the variable: the exception is the caller only', () => {
      const deny = doc({ Effect: 'Deny', Action: 'iam:*', NotResource: 'arn:aws:iam::111111111111:user/${aws:username}' });
      expect(evaluateRequest([deny], request('alice', 'alice'))).toBe('ImplicitDeny');
      expect(evaluateRequest([deny], request('bob', 'alice'))).toBe('ExplicitDeny');
      expect(evaluateRequest([deny], request('alice'))).toBe('ExplicitDeny');
    });
  });

  describe('operators', () => {
    const deny = (Condition: unknown) => doc(allowS3, { Effect: 'Deny', Action: '*', Resource: '*', Condition });
    const decide = (Condition: unknown, context: { [key: string]: string | string[] }) =>
      evaluateRequest([deny(Condition)], { action: 's3:PutBucketTagging', resource: '*', context });

    test('ForAnyValue over a multi-valued key', () => {
      const condition = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['guard'] } };
      expect(decide(condition, { 'aws:TagKeys': ['team', 'guard'] })).toBe('ExplicitDeny');
      expect(decide(condition, { 'aws:TagKeys': ['team'] })).toBe('Allow');
      expect(decide(condition, {})).toBe('Allow');
    });
    test('ForAllValues passes on an absent key', () => {
      expect(decide({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['guard'] } }, {})).toBe('ExplicitDeny');
    });
    test('negated operators pass on an absent key; IfExists passes on an absent key', () => {
      expect(decide({ StringNotEquals: { 'aws:SourceAccount': '111111111111' } }, {})).toBe('ExplicitDeny');
      expect(decide({ StringNotEquals: { 'aws:SourceAccount': '111111111111' } }, { 'aws:SourceAccount': '111111111111' })).toBe('Allow');
      expect(decide({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, {})).toBe('ExplicitDeny');
      expect(decide({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, { 'aws:MultiFactorAuthPresent': 'true' })).toBe('Allow');
    });
    test('ArnLike and ArnEquals take wildcards; Null tests presence', () => {
      const arn = { 'aws:SourceArn': 'arn:aws:events:us-east-1:111111111111:rule/r' };
      expect(decide({ ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:111111111111:rule/*' } }, arn)).toBe('ExplicitDeny');
      expect(decide({ ArnEquals: { 'aws:SourceArn': 'arn:aws:events:*:222222222222:rule/*' } }, arn)).toBe('Allow');
      expect(decide({ Null: { 'aws:SourceArn': 'true' } }, {})).toBe('ExplicitDeny');
      expect(decide({ Null: { 'aws:SourceArn': 'true' } }, arn)).toBe('Allow');
    });
    test('an operator it cannot decide throws instead of guessing', () => {
      expect(() => decide({ NumericLessThan: { 's3:max-keys': '10' } }, {})).toThrow(/NumericLessThan/);
    });
  });

  test('statementsApplying names the statements behind a decision', () => {
    const policy = doc({ Sid: 'A', ...allowS3 }, { Sid: 'D', Effect: 'Deny', Action: 's3:Delete*', Resource: '*' });
    expect(statementsApplying([policy], { action: 's3:DeleteObject', resource: '*' }).map(s => s.sid)).toEqual(['A', 'D']);
  });
});

describe('statementApplication (three-valued, for lockout checks)', () => {
  const deny = (Condition: unknown) => doc({ Effect: 'Deny', Action: 'cloudtrail:StopLogging', Resource: '*', Condition }).statements[0];
  const request: PolicyRequest = { action: 'cloudtrail:StopLogging', resource: '*', context: { 'aws:TagKeys': ['team', 'owner'] } };

  test('ForAnyValue on an absent key is false, whatever the operator; ForAllValues and IfExists are true', () => {
    expect(statementApplication(deny({ 'ForAnyValue:StringNotEquals': { 'aws:RequestTag/env': 'prod' } }), request)).toBe('no');
    expect(statementApplication(deny({ 'ForAllValues:StringEquals': { 'aws:RequestTag/env': 'prod' } }), request)).toBe('yes');
    expect(statementApplication(deny({ StringNotEqualsIfExists: { 'aws:RequestTag/env': 'prod' } }), request)).toBe('yes');
  });

  test('ForAnyValue with a negated operator holds when one request value matches none of the test\'s values', () => {
    expect(statementApplication(deny({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team'] } }), request)).toBe('yes');
    expect(statementApplication(deny({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team', 'owner'] } }), request)).toBe('no');
  });

  test('an operator this module does not decide is unknown, not a guess; evaluateRequest refuses it', () => {
    const numeric = deny({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } });
    expect(statementApplication(numeric, request)).toBe('unknown');
    expect(() => evaluateRequest([{ statements: [numeric] }], request)).toThrow('NumericLessThan is not supported');
    // A condition that is false decides the statement whatever the others are.
    expect(statementApplication(deny({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' }, StringEquals: { 'aws:PrincipalTag/x': 'y' } }), request))
      .toBe('no');
  });
});
