import { normalizePolicyDocument } from '../../src/policy/document';
import { analyzeLeastPrivilege, statementFindings } from '../../src/policy/least-privilege';

const analyze = (...statements: object[]) => analyzeLeastPrivilege(normalizePolicyDocument({ Statement: statements }));

describe('analyzeLeastPrivilege', () => {
  test('Allow * (also *:*)', () => {
    expect(analyze({ Effect: 'Allow', Action: '*', Resource: '*' }).allowAll).toEqual(['Action::*']);
    expect(analyze({ Effect: 'Allow', Action: '*:*', Resource: 'arn:aws:s3:::b' }).allowAll).toEqual(['Action::*']);
  });

  test('service-wide on unbounded, not on a bounded resource', () => {
    expect(analyze({ Effect: 'Allow', Action: 's3:*', Resource: '*' }).serviceWide).toEqual(['Action::s3:*']);
    expect(analyze({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }).serviceWide).toEqual([]);
  });

  test('wildcards that reach scoped writes on unbounded resources; reads and unscoped writes do not', () => {
    const f = analyze(
      { Effect: 'Allow', Action: ['sqs:Send*', 'sqs:List*', 'xray:PutTrace*', 'ec2:Describe*'], Resource: '*' },
      { Effect: 'Allow', Action: 'dynamodb:Put*', Resource: '<Table.Arn>' },
    );
    expect(f.wildcardWrite).toEqual(['Action::sqs:Send*']);
  });

  test('NotAction and NotResource in Allow; not in Deny', () => {
    const f = analyze(
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' },
      { Effect: 'Deny', NotAction: 's3:*', NotResource: 'arn:aws:s3:::x' },
    );
    expect(f.notAction).toEqual(['NotAction::iam:*,organizations:*']);
    expect(f.notResource).toEqual(['NotResource::arn:aws:s3:::secret/*']);
  });

  test('iam:PassRole on unbounded resources, through any wildcard but *', () => {
    expect(analyze({ Effect: 'Allow', Action: 'iam:passrole', Resource: 'arn:aws:iam::*:role/*' }).passRole).toEqual(['Action::iam:PassRole']);
    expect(analyze({ Effect: 'Allow', Action: 'iam:Pass*', Resource: '*' }).passRole).toEqual(['Action::iam:PassRole']);
    expect(analyze({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '<AppRole.Arn>' }).passRole).toEqual([]);
    expect(analyze({ Effect: 'Allow', Action: '*', Resource: '*' }).passRole).toEqual([]);
  });

  test('unknown actions and services, as written', () => {
    const f = analyze({ Effect: 'Allow', Action: ['s3:GetObjekt', 'S4:GetObject', 's3:GetObject', '<Param>'], Resource: '*' });
    expect(f.unknownActions).toEqual(['Action::s3:GetObjekt', 'Action::S4:GetObject']);
  });

  test('a named scoped write on * (warning material); PutMetricData and PassRole are not', () => {
    const f = analyze({ Effect: 'Allow', Action: ['s3:PutObject', 'cloudwatch:PutMetricData', 'iam:PassRole', 's3:GetObject'], Resource: '*' });
    expect(f.writeOnUnbounded).toEqual(['Action::s3:PutObject']);
  });

  test('a Deny in the same document removes what it certainly covers', () => {
    const f = analyze(
      { Effect: 'Allow', Action: ['s3:*', 'iam:PassRole', 's3:PutObject'], Resource: '*' },
      { Effect: 'Deny', Action: ['s3:*', 'iam:PassRole'], Resource: '*' },
    );
    expect(f.serviceWide).toEqual([]);
    expect(f.passRole).toEqual([]);
    expect(f.writeOnUnbounded).toEqual([]);
  });

  test('a boundary-only document is checked only for unknown actions', () => {
    const doc = normalizePolicyDocument({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Action: ['s3:*', 's3:Nope'], Resource: '*' }] });
    const f = analyzeLeastPrivilege(doc, { boundaryOnly: true });
    expect(f.notAction).toEqual([]);
    expect(f.serviceWide).toEqual([]);
    expect(f.unknownActions).toEqual(['Action::s3:Nope']);
  });

  describe('LP11 permissions management on unbounded resources', () => {
    test('named or through a wildcard; a wildcard reaching it is LP11, not LP3', () => {
      const f = analyze({ Effect: 'Allow', Action: ['s3:PutBucketPolicy', 'kms:PutKeyPolicy', 'iam:*Policy*', 's3:Put*', 'secretsmanager:PutResourcePolicy'], Resource: '*' });
      expect(f.permissionsManagement).toEqual(['Action::s3:PutBucketPolicy', 'Action::kms:PutKeyPolicy', 'Action::iam:*Policy*', 'Action::s3:Put*',
        'Action::secretsmanager:PutResourcePolicy']);
      expect(f.wildcardWrite).toEqual([]);
      expect(f.writeOnUnbounded).toEqual([]);
    });

    test('a named bucket is bounded; a resource of another service grants nothing', () => {
      const f = analyze(
        { Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: '<Bucket.Arn>' },
        { Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: 'arn:aws:s3:::*' },
      );
      expect(f.permissionsManagement).toEqual([]);
    });

    test('one\'s own user: iam:* or attach on ${aws:username} is not bounded; credential self-service is', () => {
      const self = 'arn:aws:iam::*:user/${aws:username}';
      expect(analyze({ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: self }).permissionsManagement).toEqual(['Action::iam:AttachUserPolicy']);
      expect(analyze({ Effect: 'Allow', Action: 'iam:*', Resource: self }).serviceWide).toEqual(['Action::iam:*']);
      const safe = analyze({ Effect: 'Allow', Action: ['iam:CreateAccessKey', 'iam:ChangePassword', 'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice'], Resource: self });
      expect([...safe.permissionsManagement, ...safe.writeOnUnbounded, ...safe.destructiveWrite, ...safe.serviceWide]).toEqual([]);
    });

    test('s3:* on * stays LP2 only', () => {
      const f = analyze({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
      expect(f.serviceWide).toEqual(['Action::s3:*']);
      expect([...f.permissionsManagement, ...f.sensitiveRead, ...f.destructiveWrite, ...f.wildcardWrite]).toEqual([]);
    });
  });

  describe('LP12 sensitive reads on every resource', () => {
    test('named, through wildcards, AWS spelling for named actions', () => {
      const f = analyze({ Effect: 'Allow', Action: ['S3:getobject', 'ssm:GetParameter*', 'secretsmanager:GetSecretValue', 'dynamodb:Scan', 's3:Get*', 'kms:Decrypt'], Resource: '*' });
      expect(f.sensitiveRead).toEqual(['Action::s3:GetObject', 'Action::ssm:GetParameter*', 'Action::secretsmanager:GetSecretValue',
        'Action::dynamodb:Scan', 'Action::s3:Get*', 'Action::kms:Decrypt']);
      // kms:Decrypt is Write in the catalog: reported once, as a sensitive read.
      expect(f.writeOnUnbounded).toEqual([]);
    });

    test('every bucket\'s objects through arn:aws:s3:::*/*; not on a named bucket or with a narrowing condition', () => {
      expect(analyze({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' }).sensitiveRead).toEqual(['Action::s3:GetObject']);
      expect(analyze({ Effect: 'Allow', Action: 's3:GetObject', Resource: '<Bucket.Arn>/*' }).sensitiveRead).toEqual([]);
      expect(analyze({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })
        .sensitiveRead).toEqual([]);
      expect(analyze({ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })
        .serviceWide).toEqual([]);
    });

    test('conditions that look like they narrow and do not', () => {
      expect(analyze({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualsIfExists: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })
        .sensitiveRead).toEqual(['Action::kms:Decrypt']);
      expect(analyze({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': '123456789012' } } })
        .sensitiveRead).toEqual(['Action::s3:GetObject']);
      expect(analyze({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })
        .sensitiveRead).toEqual(['Action::secretsmanager:GetSecretValue']);
    });

    test('reads that are not sensitive are not findings', () => {
      const f = analyze({ Effect: 'Allow', Action: ['ec2:Describe*', 's3:ListBucket', 'ssm:DescribeParameters', 'cloudwatch:GetMetricData'], Resource: '*' });
      expect(f.sensitiveRead).toEqual([]);
    });
  });

  describe('LP13 destructive writes on unbounded resources', () => {
    test('Delete*, Terminate*, ScheduleKeyDeletion, named or through a wildcard', () => {
      const f = analyze({
        Effect: 'Allow',
        Action: ['s3:DeleteBucket', 'ec2:TerminateInstances', 'dynamodb:DeleteTable', 'kms:ScheduleKeyDeletion', 'logs:DeleteLogGroup', 'sqs:Delete*'],
        Resource: '*',
      });
      expect(f.destructiveWrite).toEqual(['Action::s3:DeleteBucket', 'Action::ec2:TerminateInstances', 'Action::dynamodb:DeleteTable',
        'Action::kms:ScheduleKeyDeletion', 'Action::logs:DeleteLogGroup', 'Action::sqs:Delete*']);
    });

    test('not destructive: removing a setting (the CDK LogRetention grant), a named resource, an ABAC-confined statement', () => {
      expect(analyze({ Effect: 'Allow', Action: ['logs:DeleteRetentionPolicy', 'logs:PutRetentionPolicy'], Resource: '*' }).writeOnUnbounded)
        .toEqual(['Action::logs:DeleteRetentionPolicy', 'Action::logs:PutRetentionPolicy']);
      expect(analyze({ Effect: 'Allow', Action: 'dynamodb:DeleteTable', Resource: '<Table.Arn>' }).destructiveWrite).toEqual([]);
      expect(analyze({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'a' } } })
        .destructiveWrite).toEqual([]);
    });

    test('ABAC plus the right to set the same tag is no bound', () => {
      const f = analyze(
        { Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'a' } } },
        { Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*' },
      );
      expect(f.destructiveWrite).toEqual(['Action::ec2:TerminateInstances']);
    });

    test('actions that cannot be scoped are not findings', () => {
      const f = analyze({ Effect: 'Allow', Action: ['kms:CreateKey', 'xray:PutTraceSegments', 's3:ListAllMyBuckets'], Resource: '*' });
      expect([...f.destructiveWrite, ...f.permissionsManagement, ...f.writeOnUnbounded]).toEqual([]);
    });
  });

  describe('LP6 iam:PassRole judged by the role resource type', () => {
    test('PassRole on a bucket pattern grants nothing; on any account\'s named role it is bounded', () => {
      expect(analyze({ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:s3:::*' }).passRole).toEqual([]);
      expect(analyze({ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/deployer' }).passRole).toEqual([]);
    });

    test('iam:PassedToService does not bound it; a resource tag the principal cannot set does', () => {
      expect(analyze({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } })
        .passRole).toEqual(['Action::iam:PassRole']);
      expect(analyze({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:ResourceTag/passable': 'true' } } })
        .passRole).toEqual([]);
      expect(analyze(
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:ResourceTag/passable': 'true' } } },
        { Effect: 'Allow', Action: 'iam:TagRole', Resource: '*' },
      ).passRole).toEqual(['Action::iam:PassRole']);
    });

    test('iam:Pass* is LP6 only', () => {
      const f = analyze({ Effect: 'Allow', Action: 'iam:Pass*', Resource: '*' });
      expect(f.passRole).toEqual(['Action::iam:PassRole']);
      expect(f.wildcardWrite).toEqual([]);
    });
  });

  test('statementFindings explains a finding: the resource, why, the conditions that do not narrow it', () => {
    const doc = normalizePolicyDocument({
      Statement: [{ Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/*', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }],
    });
    const [f] = statementFindings(doc.statements[0], doc);
    expect(f.topic).toBe('passRole');
    expect(f.unbounded[0].resource).toBe('arn:aws:iam::*:role/*');
    expect(f.unbounded[0].why).toContain('RoleNameWithPath');
    expect(f.conditions[0].note).toContain('not which roles');
  });
});
