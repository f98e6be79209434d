import {
  findAccessKeyIds, findSecretAccessKeys, isSecretKeyName, literalText, looksLikeSecretAccessKey, maskCredential,
} from '../../src/policy/credentials';

// AWS's documented example credentials.
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

test('access key ids (long-term AKIA and temporary ASIA)', () => {
  expect(findAccessKeyIds(`export AWS_ACCESS_KEY_ID=${KEY_ID}`)).toEqual([KEY_ID]);
  expect(findAccessKeyIds('ASIAY34FZKBOKMUTVV7A')).toEqual(['ASIAY34FZKBOKMUTVV7A']);
  expect(findAccessKeyIds('XAKIAIOSFODNN7EXAMPLE')).toEqual([]);
  expect(findAccessKeyIds('AKIA123')).toEqual([]);
});

test('secret-key-shaped values; hex digests are not', () => {
  expect(looksLikeSecretAccessKey(SECRET)).toBe(true);
  expect(looksLikeSecretAccessKey('da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(false);
  expect(looksLikeSecretAccessKey('short')).toBe(false);
  expect(findSecretAccessKeys(`aws_secret_access_key = ${SECRET}\n`)).toEqual([SECRET]);
  expect(findSecretAccessKeys('commit da39a3ee5e6b4b0d3255bfef95601890afd80709')).toEqual([]);
});

test('names that announce a secret key', () => {
  expect(isSecretKeyName('AWS_SECRET_ACCESS_KEY')).toBe(true);
  expect(isSecretKeyName('secretKey')).toBe(true);
  expect(isSecretKeyName('TABLE_NAME')).toBe(false);
});

test('literalText applies Fn::Base64 and Fn::Join and decodes literal base64', () => {
  expect(literalText({ 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\nexport K=', KEY_ID]] } })).toContain(KEY_ID);
  expect(literalText(Buffer.from(`#!/bin/bash\nexport K=${KEY_ID}\n`).toString('base64'))).toContain(KEY_ID);
  expect(literalText({ Ref: 'Param' })).toBe('<Ref>');
  expect(literalText({ 'Fn::Sub': ['echo ${X}', { X: 'y' }] })).toContain('echo ${X}');
});

test('maskCredential', () => {
  expect(maskCredential(KEY_ID)).toBe('AKIA************MPLE');
});
