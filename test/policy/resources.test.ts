import { isUnboundedResource, resourceCovers, unboundedResourcesOf } from '../../src/policy/resources';

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
