import { normalizePolicyDocument } from '../../src/policy/document';

describe('normalizePolicyDocument', () => {
  test('a single statement object and string values', () => {
    const doc = normalizePolicyDocument({ Statement: { Effect: 'Allow', Action: 'S3:GetObject', Resource: '*' } });
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements[0]).toMatchObject({ index: 0, effect: 'Allow', actions: ['S3:GetObject'], resources: ['*'] });
  });

  test('NotAction, NotResource, Sid and conditions', () => {
    const doc = normalizePolicyDocument({
      Statement: [{
        Sid: 'x',
        Effect: 'Deny',
        NotAction: ['iam:*'],
        NotResource: 'arn:aws:s3:::b',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' }, StringEquals: { 'aws:PrincipalOrgID': ['o-1', 'o-2'] } },
      }],
    });
    const s = doc.statements[0];
    expect(s).toMatchObject({ sid: 'x', effect: 'Deny', notActions: ['iam:*'], notResources: ['arn:aws:s3:::b'] });
    expect(s.actions).toBeUndefined();
    expect(s.conditions).toEqual([
      { operator: 'Bool', key: 'aws:multifactorauthpresent', values: ['false'] },
      { operator: 'StringEquals', key: 'aws:principalorgid', values: ['o-1', 'o-2'] },
    ]);
  });

  test('principals in every shape', () => {
    const doc = normalizePolicyDocument({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: ['*', 'arn:aws:iam::1:root'], Service: 'ec2.amazonaws.com', Federated: 'x' }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::1:root' }, Action: 's3:*' },
      ],
    });
    expect(doc.statements[0].principal).toMatchObject({ wildcard: true, aws: [] });
    expect(doc.statements[1].principal).toMatchObject({ wildcard: true, aws: ['arn:aws:iam::1:root'], service: ['ec2.amazonaws.com'], federated: ['x'] });
    expect(doc.statements[2].notPrincipal).toMatchObject({ wildcard: false, aws: ['arn:aws:iam::1:root'] });
  });

  test('a JSON string document is parsed; garbage yields no statements', () => {
    expect(normalizePolicyDocument(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).statements).toHaveLength(1);
    expect(normalizePolicyDocument('not json').statements).toEqual([]);
    expect(normalizePolicyDocument(undefined).statements).toEqual([]);
    expect(normalizePolicyDocument({ Statement: [null, 3, 'x'] }).statements).toEqual([]);
  });

  test('runs of * in actions and resources become one *, which IAM reads the same', () => {
    const doc = normalizePolicyDocument({
      Statement: [
        { Effect: 'Allow', Action: ['s3:**', 's3:Get**Object'], NotResource: 'arn:aws:s3:::b/***' },
        { Effect: 'Deny', NotAction: '**', Resource: '*'.repeat(100_000) },
      ],
    });
    expect(doc.statements[0].actions).toEqual(['s3:*', 's3:Get*Object']);
    expect(doc.statements[0].notResources).toEqual(['arn:aws:s3:::b/*']);
    expect(doc.statements[1].notActions).toEqual(['*']);
    expect(doc.statements[1].resources).toEqual(['*']);
  });

  test('an unreadable effect counts as Allow, so no grant goes unseen', () => {
    expect(normalizePolicyDocument({ Statement: [{ Effect: '<If:Cond>', Action: '*' }] }).statements[0].effect).toBe('Allow');
  });
});
