import { boundaryAllows } from '../../src/policy/boundary';
import { normalizePolicyDocument } from '../../src/policy/document';

// A boundary Deny written with the template's placeholders (a bucket created in the same stack)
// cuts a grant written with the same placeholders: one placeholder stands for one value.
const boundary = [normalizePolicyDocument({
  Statement: [
    { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    { Effect: 'Deny', Action: ['s3:Put*', 's3:Delete*'], Resource: ['<TrailBucket.Arn>', '<TrailBucket.Arn>/*'] },
  ],
})];

describe('boundary Denies on placeholders', () => {
  test.each([
    ['s3:PutBucketPolicy', '<TrailBucket.Arn>'],
    ['s3:PutObject', '<TrailBucket.Arn>/AWSLogs/111111111111/x'],
    ['s3:DeleteObject', '<TrailBucket.Arn>/*'],
  ])('cut %s on %s', (action, resource) => {
    expect(boundaryAllows(boundary, action, resource)).toBe(false);
  });

  test.each([
    ['another placeholder may be any bucket', 's3:PutBucketPolicy', '<OtherBucket.Arn>'],
    ['a literal bucket is not the placeholder for sure', 's3:PutBucketPolicy', 'arn:aws:s3:::mine'],
    ['every bucket', 's3:PutObject', '*'],
    ['an action the Deny does not name', 's3:GetObject', '<TrailBucket.Arn>/x'],
  ])('leave the grant when %s', (_why, action, resource) => {
    expect(boundaryAllows(boundary, action, resource)).toBe(true);
  });

  test('a Deny placeholder the grant does not share is never certain', () => {
    const joined = [normalizePolicyDocument({
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:PutObject', Resource: '<TrailBucket.Arn>/<AWS::AccountId>/*' },
      ],
    })];
    expect(boundaryAllows(joined, 's3:PutObject', '<TrailBucket.Arn>/x/y')).toBe(true);
    expect(boundaryAllows(joined, 's3:PutObject', '<TrailBucket.Arn>/<AWS::AccountId>/y')).toBe(false);
  });
});
