import { normalizePolicyDocument } from '../../src/policy/document';
import { analyzeLeastPrivilege } from '../../src/policy/least-privilege';

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
      { Effect: 'Allow', Action: ['s3:Put*', 's3:Get*', 'xray:PutTrace*', 'ec2:Describe*'], Resource: '*' },
      { Effect: 'Allow', Action: 'dynamodb:Put*', Resource: '<Table.Arn>' },
    );
    expect(f.wildcardWrite).toEqual(['Action::s3:Put*']);
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
});
