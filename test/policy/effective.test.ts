import { normalizePolicyDocument } from '../../src/policy/document';
import { decide, effectivePermissions, EffectivePermissionSet, PrincipalPolicies, SourcePolicy } from '../../src/policy/effective';

function policy(name: string, ...statements: object[]): SourcePolicy {
  return { name, document: normalizePolicyDocument({ Version: '2012-10-17', Statement: statements }) };
}

function actionOf(set: EffectivePermissionSet, action: string) {
  return set.actions.find(a => a.action.toLowerCase() === action.toLowerCase());
}

const QUEUE = 'arn:aws:sqs:us-east-1:111111111111:jobs';

describe('Deny subtraction', () => {
  const input: PrincipalPolicies = {
    policies: [policy('inline policy "Data"',
      { Sid: 'ReadWrite', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'] },
      { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::data/*' },
    )],
  };
  const set = effectivePermissions(input);

  test('a Deny that covers a grant removes it, and says which statement', () => {
    expect(set.denied).toEqual([expect.objectContaining({
      action: 's3:DeleteObject',
      resource: 'arn:aws:s3:::data/*',
      grantedBy: expect.objectContaining({ sid: 'ReadWrite' }),
      deniedBy: expect.objectContaining({ sid: 'NoDelete' }),
    })]);
    // The bucket ARN written next to the objects' names no object: DeleteObject is allowed nowhere.
    expect(actionOf(set, 's3:DeleteObject')).toBeUndefined();
    expect(actionOf(set, 's3:GetObject')?.resources.map(r => r.resource)).toEqual(['arn:aws:s3:::data/*']);
    expect(actionOf(set, 's3:ListBucket')?.resources.map(r => r.resource)).toContain('arn:aws:s3:::data');
  });

  test('actions are grouped by service and access level, and bounded resources are not marked', () => {
    expect(actionOf(set, 's3:GetObject')).toMatchObject({ service: 's3', accessLevel: 'Read', unbounded: false });
    expect(actionOf(set, 's3:ListBucket')).toMatchObject({ accessLevel: 'List' });
    expect(actionOf(set, 's3:PutBucketPolicy')).toMatchObject({ accessLevel: 'Permissions management' });
    expect(actionOf(set, 's3:PutObjectTagging')).toMatchObject({ accessLevel: 'Tagging' });
    const levels = set.actions.map(a => a.accessLevel);
    // Most powerful first within a service.
    expect(levels.indexOf('Permissions management')).toBeLessThan(levels.indexOf('List'));
  });

  test('decisions: explicit Deny wins over the Allow, mixed case and the IAM way', () => {
    const deniedDelete = decide(input, 's3:deleteobject', 'arn:aws:s3:::data/report.csv');
    expect(deniedDelete).toMatchObject({ allowed: false, kind: 'explicit-deny' });
    expect(deniedDelete.deniedBy.map(d => d.sid)).toEqual(['NoDelete']);
    expect(deniedDelete.allowedBy.map(d => d.sid)).toEqual(['ReadWrite']);
    expect(deniedDelete.reason).toContain('statement "NoDelete"');
    expect(decide(input, 'S3:GetObject', 'arn:aws:s3:::data/report.csv')).toMatchObject({ allowed: true, kind: 'allowed' });
    expect(decide(input, 's3:GetObject', 'arn:aws:s3:::other/report.csv')).toMatchObject({ allowed: false, kind: 'implicit-deny' });
  });

  test('an action pattern is allowed when any action it stands for is (s3:DeleteObjectVersion is not denied)', () => {
    const d = decide(input, 's3:Delete*', 'arn:aws:s3:::data/report.csv');
    expect(d.allowed).toBe(true);
    expect(d.matchedAction).not.toBe('s3:DeleteObject');
    expect(d.matchedAction.startsWith('s3:Delete')).toBe(true);
    expect(decide(input, 's3:DeleteObject', 'arn:aws:s3:::data/report.csv').allowed).toBe(false);
  });

  test('without a resource: a Deny blocks only where it covers everything granted', () => {
    // IAM matches strings: s3:DeleteObject is still allowed on the bucket ARN written in the statement.
    expect(decide(input, 's3:DeleteObject').allowed).toBe(true);
    const onlyObjects: PrincipalPolicies = {
      policies: [policy('P', { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::data/*' },
        { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*' })],
    };
    expect(decide(onlyObjects, 's3:DeleteObject')).toMatchObject({ allowed: false, kind: 'explicit-deny' });
  });
});

describe('permissions boundary', () => {
  const input: PrincipalPolicies = {
    policies: [policy('policy "Grants"',
      { Sid: 'Send', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'], Resource: QUEUE },
      { Sid: 'ReadAll', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    )],
    boundary: policy('policy "Boundary"',
      { Effect: 'Allow', Action: ['s3:*', 'dynamodb:*'], Resource: 'arn:aws:s3:::data/*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
    ),
  };
  const set = effectivePermissions(input);

  test('grants the boundary never allows are dead, and not listed as allowed', () => {
    expect(set.dead.map(d => `${d.action} ${d.resource} ${d.grantedBy.sid} ${d.boundary}`).sort()).toEqual([
      `sqs:GetQueueUrl ${QUEUE} Send policy "Boundary"`,
      `sqs:SendMessage ${QUEUE} Send policy "Boundary"`,
    ]);
    expect(set.actions.some(a => a.service === 'sqs')).toBe(false);
  });

  test('a grant on * is narrowed to what the boundary allows, and no longer unbounded', () => {
    expect(actionOf(set, 's3:GetObject')).toMatchObject({ unbounded: false, resources: [expect.objectContaining({ resource: 'arn:aws:s3:::data/*' })] });
  });

  test('decisions name the boundary', () => {
    const d = decide(input, 'sqs:SendMessage', QUEUE);
    expect(d).toMatchObject({ allowed: false, kind: 'boundary', boundary: 'policy "Boundary"' });
    expect(d.allowedBy.map(a => a.sid)).toEqual(['Send']);
    expect(d.reason).toContain('permissions boundary policy "Boundary"');
    expect(decide(input, 's3:GetObject', 'arn:aws:s3:::other/k').kind).toBe('boundary');
    expect(decide(input, 's3:GetObject', 'arn:aws:s3:::data/k')).toMatchObject({ allowed: true, boundaryAllowedBy: [expect.objectContaining({ index: 0 })] });
  });

  test('a Deny in the boundary is an explicit Deny', () => {
    const admin: PrincipalPolicies = { ...input, policies: [policy('P', { Effect: 'Allow', Action: '*', Resource: '*' })] };
    expect(decide(admin, 'iam:PassRole', 'arn:aws:iam::111111111111:role/Admin')).toMatchObject({ kind: 'explicit-deny' });
  });
});

describe('NotAction, conditional Denies, escalation', () => {
  const input: PrincipalPolicies = {
    policies: [policy('inline policy "PowerUser"',
      { Sid: 'AllButIam', Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
      { Sid: 'NeedMfa', Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
    )],
  };
  const set = effectivePermissions(input);

  test('NotAction grants every other action, unbounded, limited by the conditional Deny', () => {
    expect(set.actions.some(a => a.service === 'iam')).toBe(false);
    const run = actionOf(set, 'ec2:RunInstances')!;
    expect(run).toMatchObject({ unbounded: true, accessLevel: 'Write' });
    expect(run.resources[0].limitedBy.map(l => l.sid)).toEqual(['NeedMfa']);
    expect(set.denied).toEqual([]);
  });

  test('a conditional Deny does not deny, but the decision says when it would', () => {
    const d = decide(input, 'ec2:RunInstances', 'arn:aws:ec2:us-east-1:111111111111:instance/*');
    expect(d).toMatchObject({ allowed: true, conditional: false });
    expect(d.conditionalDenies.map(c => c.sid)).toEqual(['NeedMfa']);
    expect(decide(input, 'iam:CreateUser').kind).toBe('implicit-deny');
  });

  test('escalation paths: PassRole with Lambda create and invoke; the boundary cuts them', () => {
    const grants: PrincipalPolicies = {
      policies: [policy('P', { Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' })],
    };
    const hows = effectivePermissions(grants).escalations.map(e => e.row.how);
    expect(hows).toContain('create a Lambda function with a stronger role and invoke it');
    const bounded = { ...grants, boundary: policy('B', { Effect: 'Allow', Action: 'lambda:*', Resource: '*' }) };
    expect(effectivePermissions(bounded).escalations).toEqual([]);
    expect(effectivePermissions(input).escalations.length).toBeGreaterThan(0);
  });
});

describe('placeholders and pseudo parameters', () => {
  const input: PrincipalPolicies = {
    policies: [policy('P',
      { Effect: 'Allow', Action: 's3:GetObject', Resource: ['<Bucket.Arn>/*', 'arn:<AWS::Partition>:s3:::logs-<AWS::AccountId>/*'] },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '<?Parameter:QueueArn>' },
    )],
    account: '111111111111',
  };

  test('a reference placeholder matches the same reference', () => {
    expect(decide(input, 's3:GetObject', '<Bucket.Arn>/a.txt').allowed).toBe(true);
    expect(decide(input, 's3:GetObject', '<Other.Arn>/a.txt').allowed).toBe(false);
  });

  test('pseudo parameters take the partition and the stack account', () => {
    expect(decide(input, 's3:GetObject', 'arn:aws:s3:::logs-111111111111/x').allowed).toBe(true);
    expect(decide(input, 's3:GetObject', 'arn:aws:s3:::logs-222222222222/x').allowed).toBe(false);
    expect(decide({ ...input, account: undefined }, 's3:GetObject', 'arn:aws:s3:::logs-222222222222/x').allowed).toBe(true);
  });

  test('a value unknown before deployment may be anything, and is unbounded', () => {
    expect(decide(input, 'sqs:SendMessage', QUEUE).allowed).toBe(true);
    expect(actionOf(effectivePermissions(input), 'sqs:SendMessage')!.unbounded).toBe(true);
    expect(actionOf(effectivePermissions(input), 's3:GetObject')!.unbounded).toBe(false);
  });

  test('a resource pattern is reached by an overlapping Allow and denied only by a covering Deny', () => {
    const p: PrincipalPolicies = {
      policies: [policy('P', { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::data/tmp/*' },
        { Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::data/tmp/keep' })],
    };
    expect(decide(p, 's3:DeleteObject', 'arn:aws:s3:::data/*').allowed).toBe(true);
    expect(decide(p, 's3:DeleteObject', 'arn:aws:s3:::data/tmp/keep').kind).toBe('explicit-deny');
    expect(decide(p, 's3:DeleteObject', 'arn:aws:s3:::logs/*').allowed).toBe(false);
  });

  test('an action the catalog does not know is kept as written, at level Unknown', () => {
    const typo: PrincipalPolicies = { policies: [policy('P', { Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' })] };
    expect(effectivePermissions(typo).actions).toEqual([expect.objectContaining({ action: 's3:GetObjekt', accessLevel: 'Unknown' })]);
  });
});

describe('"Action": "*"', () => {
  test('every escalation path is listed (the rules report * once as such; a reader must see what it opens)', () => {
    const admin: PrincipalPolicies = { policies: [policy('AWS managed policy "AdministratorAccess"', { Effect: 'Allow', Action: '*', Resource: '*' })] };
    const hows = effectivePermissions(admin).escalations.map(e => e.row.how);
    expect(hows).toContain('attach any managed policy to a role it can use');
    expect(hows).toContain('create a Lambda function with a stronger role and invoke it');
    const denied: PrincipalPolicies = { policies: [...admin.policies, policy('D', { Effect: 'Deny', Action: ['iam:*', 'sts:*'], Resource: '*' })] };
    const left = effectivePermissions(denied).escalations;
    expect(left.some(e => e.actions.some(a => a.startsWith('iam:')))).toBe(false);
    expect(left.map(e => e.row.how)).toContain('run commands on any managed instance');
  });
});
