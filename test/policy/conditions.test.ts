import { ActionCatalog } from '../../src/policy/catalog';
import { conditionKeyRow, conditionVerdict, isPinningTest, tagSetterOf } from '../../src/policy/conditions';
import { ConditionTest, normalizePolicyDocument } from '../../src/policy/document';

const test_ = (operator: string, key: string, ...values: string[]): ConditionTest => ({ operator, key: key.toLowerCase(), values });
const info = (action: string) => ActionCatalog.get().lookup(action)!;
const docOf = (...statements: object[]) => normalizePolicyDocument({ Statement: statements });

describe('isPinningTest: key, operator and values as IAM reads them', () => {
  test.each([
    test_('StringEquals', 'kms:ViaService', 's3.us-east-1.amazonaws.com'),
    test_('ForAnyValue:StringEquals', 'iam:ResourceTag/aws-cdk:bootstrap-role', 'deploy'),
    test_('StringLike', 'token.actions.githubusercontent.com:sub', 'repo:my-org/my-repo:ref:refs/heads/main'),
    test_('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:role/x'),
    test_('StringEquals', 'aws:ResourceOrgID', 'o-abc123'),
    // StringEquals compares literally: a star is a star.
    test_('StringEquals', 'aws:PrincipalArn', 'arn:aws:iam::*:role/x'),
  ])('pins: %o', t => expect(isPinningTest(t)).toBe(true));

  test.each([
    test_('StringLike', 'token.actions.githubusercontent.com:sub', 'repo:*:ref:refs/heads/main'),
    test_('StringLike', 'token.actions.githubusercontent.com:sub', 'repo:my-org/*'),
    test_('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/x'),
    test_('StringLike', 'aws:ResourceOrgID', 'o-*'),
    test_('StringLike', 'aws:ResourceOrgPaths', '*/r-ab12/*'),
    test_('StringLike', 'aws:ResourceAccount', '*'),
    test_('StringEqualsIfExists', 'kms:ViaService', 's3.us-east-1.amazonaws.com'),
    test_('StringNotEquals', 'kms:ViaService', 's3.us-east-1.amazonaws.com'),
    test_('ForAllValues:StringEquals', 'aws:TagKeys', 'team'),
    test_('Null', 'aws:ResourceTag/team', 'false'),
    test_('StringEquals', 'kms:ViaService', '<?Parameter:Service>'),
    test_('StringEquals', 'kms:ViaService'),
  ])('pins nothing: %o', t => expect(isPinningTest(t)).toBe(false));
});

describe('conditionVerdict: which condition narrows which action', () => {
  const statement = (condition: object, action = 'kms:Decrypt') =>
    docOf({ Effect: 'Allow', Action: action, Resource: '*', Condition: condition });

  test('kms:ViaService narrows KMS actions, not others', () => {
    const doc = statement({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
    expect(conditionVerdict(doc.statements[0], info('kms:Decrypt'), doc).narrowedBy?.note).toContain('kms:ViaService');
    expect(conditionVerdict(doc.statements[0], info('s3:GetObject'), doc).narrowedBy).toBeUndefined();
  });

  test('kms:ViaService with IfExists does not narrow, and says why', () => {
    const doc = statement({ StringEqualsIfExists: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
    const verdict = conditionVerdict(doc.statements[0], info('kms:Decrypt'), doc);
    expect(verdict.narrowedBy).toBeUndefined();
    expect(verdict.notNarrowing[0].note).toContain('passes when the key is absent');
  });

  test('iam:PassedToService does not bound PassRole, and is acknowledged', () => {
    const doc = statement({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, 'iam:PassRole');
    const verdict = conditionVerdict(doc.statements[0], info('iam:PassRole'), doc);
    expect(verdict.narrowedBy).toBeUndefined();
    expect(verdict.notNarrowing.map(n => n.note).join()).toContain('not which roles');
  });

  test('aws:ResourceAccount (own account) and aws:ResourceOrgID do not narrow within the account', () => {
    const doc = statement({ StringEquals: { 'aws:ResourceAccount': '123456789012', 'aws:ResourceOrgID': 'o-abc' } }, 's3:GetObject');
    const verdict = conditionVerdict(doc.statements[0], info('s3:GetObject'), doc);
    expect(verdict.narrowedBy).toBeUndefined();
    expect(verdict.notNarrowing).toHaveLength(2);
  });

  test('aws:SourceArn with a named resource narrows; with a wildcard account it does not', () => {
    const named = statement({ ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::my-bucket' } }, 'sqs:SendMessage');
    expect(conditionVerdict(named.statements[0], info('sqs:SendMessage'), named).narrowedBy).toBeDefined();
    const any = statement({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } }, 'sqs:SendMessage');
    expect(conditionVerdict(any.statements[0], info('sqs:SendMessage'), any).narrowedBy).toBeUndefined();
  });

  test('ecs:cluster narrows ECS actions', () => {
    const doc = statement({ ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' } }, 'ecs:RunTask');
    expect(conditionVerdict(doc.statements[0], info('ecs:RunTask'), doc).narrowedBy).toBeDefined();
  });

  test('ABAC narrows when the principal cannot set the tag', () => {
    const doc = statement({ StringEquals: { 'aws:ResourceTag/team': 'payments' } }, 'sqs:DeleteQueue');
    expect(conditionVerdict(doc.statements[0], info('sqs:DeleteQueue'), doc).narrowedBy).toBeDefined();
  });

  test.each([
    ['a tagging action of the service', { Effect: 'Allow', Action: 'sqs:TagQueue', Resource: '*' }],
    ['a tagging wildcard', { Effect: 'Allow', Action: 'sqs:Tag*', Resource: '*' }],
    ['tag:TagResources', { Effect: 'Allow', Action: 'tag:TagResources', Resource: '*' }],
    ['a grant conditioned on aws:RequestTag of the key', { Effect: 'Allow', Action: 'sqs:CreateQueue', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'payments' } } }],
  ])('ABAC is undone by %s in the same policy', (_name, setter) => {
    const doc = docOf({ Effect: 'Allow', Action: 'sqs:DeleteQueue', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } }, setter);
    const verdict = conditionVerdict(doc.statements[0], info('sqs:DeleteQueue'), doc);
    expect(verdict.narrowedBy).toBeUndefined();
    expect(verdict.notNarrowing[0].note).toContain('set tag "team"');
  });

  test.each([
    ['tagging limited to other keys', { Effect: 'Allow', Action: 'sqs:TagQueue', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['cost-center'] } } }],
    ['tagging only resources already carrying the tag', { Effect: 'Allow', Action: 'sqs:TagQueue', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } }],
    ['a Deny', { Effect: 'Deny', Action: 'sqs:TagQueue', Resource: '*' }],
    ['a read', { Effect: 'Allow', Action: 'sqs:ListQueueTags', Resource: '*' }],
  ])('ABAC is not undone by %s', (_name, other) => {
    const doc = docOf({ Effect: 'Allow', Action: 'sqs:DeleteQueue', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } }, other);
    expect(tagSetterOf(doc, 'team')).toBeUndefined();
    expect(conditionVerdict(doc.statements[0], info('sqs:DeleteQueue'), doc).narrowedBy).toBeDefined();
  });

  test('network and time conditions never narrow', () => {
    const doc = statement({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, Bool: { 'aws:SecureTransport': 'true' } }, 's3:GetObject');
    const verdict = conditionVerdict(doc.statements[0], info('s3:GetObject'), doc);
    expect(verdict.narrowedBy).toBeUndefined();
    expect(verdict.notNarrowing.map(n => n.note).join()).toContain('not which resources');
  });

  test('the decision table finds keys case-insensitively and by wildcard', () => {
    expect(conditionKeyRow('KMS:ViaService')?.narrows).toBe('kms-actions');
    expect(conditionKeyRow('iam:ResourceTag/aws-cdk:bootstrap-role')?.narrows).toBe('tagged-resources');
    expect(conditionKeyRow('s3:prefix')).toBeUndefined();
  });
});
