import { ActionCatalog } from '../../src/policy/catalog';
import { normalizePolicyDocument } from '../../src/policy/document';
import {
  changesOwnPermissions, isUnboundedResource, resourceCovers, resourcesApplyTo, unboundedResourcesForAction, unboundedResourcesOf,
} from '../../src/policy/resources';

describe('isUnboundedResource', () => {
  test.each([
    '*',
    'arn:aws:iam::*:role/*',
    'arn:aws:iam::123456789012:role/*',
    'arn:aws:s3:::*',
    'arn:aws:s3:::*/*',
    'arn:aws:lambda:*:*:function:*',
    'arn:aws:dynamodb:us-east-1:123456789012:table/*',
    'arn:aws:logs:*:*:*',
    'arn:*:iam::*:role/*',
    'arn:aws:*:*:*:*',
    'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*',
  ])('%s is unbounded', r => expect(isUnboundedResource(r)).toBe(true));

  test.each([
    'arn:aws:s3:::my-bucket/*',
    'arn:aws:s3:::job/*',
    'arn:aws:iam::*:role/app/*',
    'arn:aws:iam::*:role/app-*',
    'arn:aws:iam::*:role/MyRole',
    'arn:aws:iam::*:user/${aws:username}',
    'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*',
    'arn:aws:lambda:us-east-1:123456789012:function:my-fn:*',
    '<Bucket.Arn>/*',
    '<Bucket.Arn>',
    'arn:<AWS::Partition>:s3:::<Bucket>/*',
    'arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*',
  ])('%s is bounded', r => expect(isUnboundedResource(r)).toBe(false));
});

test('unboundedResourcesOf: NotResource always reaches unbounded resources', () => {
  expect(unboundedResourcesOf(['arn:aws:s3:::b/*', '*'], undefined)).toEqual(['*']);
  expect(unboundedResourcesOf(undefined, ['arn:aws:s3:::b'])).toEqual(['NotResource:arn:aws:s3:::b']);
  expect(unboundedResourcesOf(undefined, undefined)).toEqual([]);
});

test('resourceCovers', () => {
  expect(resourceCovers('*', 'arn:aws:iam::*:role/*')).toBe(true);
  expect(resourceCovers('arn:aws:iam::*:role/*', 'arn:aws:iam::*:role/*')).toBe(true);
  expect(resourceCovers('arn:aws:iam::*:role/app/*', 'arn:aws:iam::*:role/*')).toBe(false);
  expect(resourceCovers('arn:aws:s3:::b/*', '*')).toBe(false);
});

describe('resources judged by the action\'s resource types', () => {
  const catalog = ActionCatalog.get();
  const info = (action: string) => {
    const found = catalog.lookup(action);
    if (!found) throw new Error(`${action} is not in the catalog`);
    return found;
  };
  const statement = (action: string, resource: string | string[], extra: object = {}) =>
    normalizePolicyDocument({ Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }] }).statements[0];
  const unbounded = (action: string, resource: string | string[]) =>
    unboundedResourcesForAction(statement(action, resource), info(action)).map(u => u.resource);

  test.each([
    ['iam:PassRole', 'arn:aws:s3:::*'],
    ['s3:PutObject', 'arn:aws:dynamodb:us-east-1:123456789012:table/*'],
    ['s3:GetObject', 'arn:aws:s3:::my-bucket'],
    ['sqs:DeleteQueue', 'arn:aws:sns:*:*:*'],
    // Without a resource type, IAM authorizes against "*" only.
    ['s3:ListAllMyBuckets', 'arn:aws:s3:::*'],
    ['s3:ListAllMyBuckets', '<Bucket.Arn>'],
  ])('%s on %s grants nothing: the resource cannot name anything it acts on', (action, resource) => {
    expect(resourcesApplyTo(statement(action, resource), info(action))).toBe(false);
    expect(unbounded(action, resource)).toEqual([]);
  });

  test.each([
    ['iam:PassRole', '*'],
    ['iam:PassRole', 'arn:aws:iam::*:role/*'],
    ['iam:PassRole', 'arn:aws:iam::123456789012:role/*'],
    ['s3:GetObject', 'arn:aws:s3:::*/*'],
    ['s3:DeleteBucket', 'arn:aws:s3:::*'],
    // A wildcard spans slashes: every object of every bucket.
    ['s3:GetObject', 'arn:aws:s3:::*'],
    ['logs:DeleteLogGroup', 'arn:aws:logs:*:*:*'],
    ['dynamodb:DeleteTable', 'arn:aws:dynamodb:us-east-1:123456789012:table/*'],
    ['autoscaling:DeleteAutoScalingGroup', 'arn:aws:autoscaling:*:123456789012:autoScalingGroup:*:autoScalingGroupName/*'],
    ['iam:PassRole', 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*'],
    ['iam:PassRole', 'arn:aws:iam::123456789012:role/<?Parameter:Name>'],
    ['cloudwatch:PutMetricData', '*'],
  ])('%s on %s reaches every resource of its type', (action, resource) => {
    expect(unbounded(action, resource)).toEqual([resource]);
  });

  test.each([
    ['iam:PassRole', 'arn:aws:iam::*:role/deployer'],
    ['iam:PassRole', 'arn:aws:iam::*:role/app-*'],
    ['iam:PassRole', 'arn:aws:iam::*:role/app/*'],
    ['iam:PassRole', '<Role.Arn>'],
    ['autoscaling:DeleteAutoScalingGroup', 'arn:aws:autoscaling:*:123456789012:autoScalingGroup:*:autoScalingGroupName/my-asg'],
    ['s3:GetObject', 'arn:aws:s3:::job/*'],
    ['s3:GetObject', '<Bucket.Arn>/*'],
    ['s3:GetObject', 'arn:aws:s3:::*/reports/*'],
    ['logs:DeleteLogGroup', 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*'],
    ['dynamodb:Query', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*'],
    ['iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}'],
    ['iam:ChangePassword', 'arn:aws:iam::*:user/${aws:username}'],
  ])('%s on %s is bounded', (action, resource) => {
    expect(resourcesApplyTo(statement(action, resource), info(action))).toBe(true);
    expect(unbounded(action, resource)).toEqual([]);
  });

  test('why: the wildcard part is named, `*` said, unknown parameters said', () => {
    const [role] = unboundedResourcesForAction(statement('iam:PassRole', 'arn:aws:iam::*:role/*'), info('iam:PassRole'));
    expect(role.why).toContain('RoleNameWithPath');
    expect(unboundedResourcesForAction(statement('iam:PassRole', '*'), info('iam:PassRole'))[0].why).toContain('`*`');
    expect(unboundedResourcesForAction(statement('iam:PassRole', 'arn:aws:iam::1:role/<?Parameter:R>'), info('iam:PassRole'))[0].why)
      .toContain('unknown before deployment');
  });

  test('NotResource reaches every resource, whatever it lists', () => {
    const s = normalizePolicyDocument({ Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', NotResource: 'arn:aws:s3:::b' }] }).statements[0];
    expect(unboundedResourcesForAction(s, info('iam:PassRole'))).toEqual([expect.objectContaining({ resource: 'NotResource:arn:aws:s3:::b' })]);
  });

  test('${aws:username} is bounded for credential actions, not for actions that change the user\'s own permissions', () => {
    const self = 'arn:aws:iam::*:user/${aws:username}';
    for (const action of ['iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:DeleteUserPermissionsBoundary']) {
      expect(unbounded(action, self)).toEqual([self]);
    }
    expect(unboundedResourcesForAction(statement('iam:PutUserPolicy', self), info('iam:PutUserPolicy'))[0].why).toContain('own user');
    // A role named like the user is not the user.
    expect(unbounded('iam:AttachRolePolicy', 'arn:aws:iam::*:role/${aws:username}')).toEqual([]);
  });
});

describe('changesOwnPermissions', () => {
  const statement = (s: object) => normalizePolicyDocument({ Statement: [s] }).statements[0];

  test('attach or put policy on one\'s own user, through iam:* too', () => {
    expect(changesOwnPermissions(statement({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:user/${aws:username}' })))
      .toEqual(expect.arrayContaining(['iam:AttachUserPolicy', 'iam:PutUserPolicy']));
    expect(changesOwnPermissions(statement({ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: 'arn:aws:iam::*:user/${aws:username}' })))
      .toEqual(['iam:AttachUserPolicy']);
  });

  test('on every role or user, on NotResource, or on the principal\'s own ARN', () => {
    expect(changesOwnPermissions(statement({ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: '*' }))).toEqual(['iam:PutRolePolicy']);
    expect(changesOwnPermissions(statement({ Effect: 'Allow', Action: 'iam:PutRolePolicy', NotResource: 'arn:aws:iam::*:role/admin' })))
      .toEqual(['iam:PutRolePolicy']);
    expect(changesOwnPermissions(statement({ Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '<Self.Arn>' }), ['<Self.Arn>']))
      .toEqual(['iam:AttachRolePolicy']);
  });

  test('not: credential self-service, another named role, a Deny', () => {
    expect(changesOwnPermissions(statement({
      Effect: 'Allow', Action: ['iam:CreateAccessKey', 'iam:ChangePassword', 'iam:EnableMFADevice'], Resource: 'arn:aws:iam::*:user/${aws:username}',
    }))).toEqual([]);
    expect(changesOwnPermissions(statement({ Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '<Other.Arn>' }), ['<Self.Arn>'])).toEqual([]);
    expect(changesOwnPermissions(statement({ Effect: 'Deny', Action: 'iam:*', Resource: '*' }))).toEqual([]);
  });
});
