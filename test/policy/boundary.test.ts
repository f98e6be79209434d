import { boundaryAllows, boundaryIntersection, boundaryMayAllowPattern, patternsOverlap, resourcesOverlap } from '../../src/policy/boundary';
import { normalizePolicyDocument } from '../../src/policy/document';
import { escalationPaths } from '../../src/policy/permissions';
import { ADMINISTRATOR, capabilitiesOf } from '../../src/policy/privilege';

const allow = (actions: string | string[], resources: string | string[] = '*', extra: object = {}) =>
  ({ Effect: 'Allow', Action: actions, Resource: resources, ...extra });
const deny = (actions: string | string[], resources: string | string[] = '*', extra: object = {}) =>
  ({ Effect: 'Deny', Action: actions, Resource: resources, ...extra });
const doc = (...statements: object[]) => normalizePolicyDocument({ Version: '2012-10-17', Statement: statements });
const ACCOUNT_FUNCTIONS = 'arn:aws:lambda:*:111111111111:function:*';

describe('patternsOverlap', () => {
  test.each([
    ['arn:aws:lambda:*', '*:function:*', true],
    ['s3:Get*', 's3:*Object', true],
    ['s3:Get*', 's3:Put*', false],
    ['a?c', 'A*', true],
    ['*a', 'b*', true],
    ['ab*', 'ac*', false],
    ['x*y', '*z', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });

  test('ARN fields never contain colons: a bucket pattern names no SSM document or role', () => {
    expect(resourcesOverlap('arn:aws:s3:::b/*', 'arn:*:ssm:*:*:document/*')).toBe(false);
    expect(resourcesOverlap('arn:aws:s3:::b/*', 'arn:*:iam::*:role/*')).toBe(false);
    expect(resourcesOverlap(ACCOUNT_FUNCTIONS, 'arn:*:lambda:*:*:function:*')).toBe(true);
  });

  test('long patterns stay fast (no backtracking)', () => {
    const a = `${'*a'.repeat(400)}b`;
    const b = `${'a*'.repeat(400)}c`;
    const started = Date.now();
    expect(patternsOverlap(a, b)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('a boundary by what it allows', () => {
  test('lambda:* on the account\'s functions still allows every function of the account', () => {
    const boundary = [doc(allow('lambda:*', ACCOUNT_FUNCTIONS))];
    expect(boundaryAllows(boundary, 'lambda:UpdateFunctionCode', '*')).toBe(true);
    expect(boundaryAllows(boundary, 'lambda:UpdateFunctionCode', 'arn:aws:lambda:us-east-1:999999999999:function:x')).toBe(false);
    expect(boundaryAllows(boundary, 'iam:PutRolePolicy', '*')).toBe(false);
    const pieces = boundaryIntersection(boundary, 'lambda:UpdateFunctionCode', '*');
    expect(pieces.map(p => p.resource)).toEqual([ACCOUNT_FUNCTIONS]);
    // So the take-over escalation survives the boundary.
    const grants = [doc(allow(['lambda:UpdateFunctionCode', 'iam:PutRolePolicy']))];
    expect(escalationPaths(grants, boundary).map(m => m.actions.join('+'))).toEqual(['lambda:UpdateFunctionCode']);
  });

  test('an administrator grant under a boundary of s3:* and lambda:* still has those', () => {
    const boundary = [doc(allow(['s3:*', 'lambda:*']))];
    const caps = capabilitiesOf([doc(allow('*'))], boundary);
    expect(caps.has(ADMINISTRATOR)).toBe(false);
    expect(caps.has('PermissionsManagement::s3')).toBe(true);
    expect(caps.has('Escalation::lambda:UpdateFunctionCode')).toBe(true);
    expect(caps.has('PermissionsManagement::iam')).toBe(false);
    expect(capabilitiesOf([doc(allow('*'))]).has(ADMINISTRATOR)).toBe(true);
  });

  test('boundary Denies are subtracted where they cover the intersection, conditional ones are not', () => {
    expect(boundaryAllows([doc(allow('*'), deny('iam:*'))], 'iam:PutRolePolicy', '*')).toBe(false);
    expect(boundaryAllows([doc(allow('*'), deny('iam:*', 'arn:aws:iam::*:role/admin'))], 'iam:PutRolePolicy', '*')).toBe(true);
    expect(boundaryAllows([doc(allow('*'), deny('iam:*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))],
      'iam:PutRolePolicy', '*')).toBe(true);
    // The Deny covers the boundary's part of the grant: nothing is left.
    expect(boundaryAllows([doc(allow('lambda:*', ACCOUNT_FUNCTIONS), deny('lambda:*', 'arn:aws:lambda:*:111111111111:*'))],
      'lambda:UpdateFunctionCode', '*')).toBe(false);
  });

  test('a boundary Allow with a Condition may apply; NotResource and NotAction are read', () => {
    const conditional = [doc(allow('iam:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }))];
    expect(boundaryAllows(conditional, 'iam:PutRolePolicy', '*')).toBe(true);
    expect(boundaryAllows([doc({ Effect: 'Allow', Action: 'iam:*', NotResource: 'arn:aws:iam::*:role/*' })], 'iam:PutRolePolicy', 'arn:aws:iam::1:role/x')).toBe(false);
    expect(boundaryAllows([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], 'iam:PutRolePolicy', '*')).toBe(false);
    expect(boundaryAllows([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], 'ssm:SendCommand', '*')).toBe(true);
  });

  test('placeholders and policy variables in either side may be anything', () => {
    const boundary = [doc(allow('s3:*', 'arn:aws:s3:::app-*'))];
    expect(boundaryAllows(boundary, 's3:GetObject', '<Bucket.Arn>/*')).toBe(true);
    expect(boundaryAllows([doc(allow('s3:*', '<Bucket.Arn>/*'))], 's3:GetObject', 'arn:aws:s3:::other/*')).toBe(true);
  });

  test('patterns: partly allowed is allowed; unknown patterns get the benefit of the doubt; no boundary allows all', () => {
    const boundary = [doc(allow('s3:Get*'))];
    expect(boundaryMayAllowPattern(boundary, 's3:*', '*')).toBe(true);
    expect(boundaryMayAllowPattern(boundary, 's3:Put*', '*')).toBe(false);
    expect(boundaryMayAllowPattern(boundary, 's3:Frobnicate*', '*')).toBe(true);
    expect(boundaryMayAllowPattern(undefined, 'iam:*', '*')).toBe(true);
  });
});
