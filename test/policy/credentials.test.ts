import {
  accessKeyIdsIn, findAccessKeyIds, findSecretAccessKeys, isLiteralUnderSecretKeyName, isLiteralValue, isReferenceName, isSecretKeyName,
  jsonLeaves, literalPartsOf, literalText, looksLikeSecretAccessKey, maskCredential, parseJsonObject, scanText, secretAccessKeysIn,
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

describe('judging a value', () => {
  test('dynamic references and model placeholders are not literal text', () => {
    expect(literalPartsOf('{{resolve:ssm:/AKIAIOSFODNN7EXAMPLE}} and <AKIAIOSFODNN7EXAMPLE.Arn>')).not.toContain('AKIA');
    expect(accessKeyIdsIn(`{{resolve:secretsmanager:${KEY_ID}}}`)).toEqual([]);
    expect(accessKeyIdsIn(`id=${KEY_ID} <Other.Arn>`)).toEqual([KEY_ID]);
    // Code comparisons are not placeholders.
    expect(literalPartsOf('if (a < b && c > d)')).toBe('if (a < b && c > d)');
  });

  test('a secret-shaped token needs a reason in free text, not as a whole value', () => {
    const identifier = 'ProcessIncomingOrderEventsForRegion2Nowx';
    expect(secretAccessKeysIn(`function ${identifier}() {}`, { freeText: true })).toEqual([]);
    expect(secretAccessKeysIn(identifier, { freeText: false })).toEqual([identifier]);
    expect(secretAccessKeysIn(`x = ${SECRET}`, { freeText: true })).toEqual([]);
    expect(secretAccessKeysIn(`aws_secret_access_key = ${SECRET}`, { freeText: true })).toEqual([SECRET]);
    expect(secretAccessKeysIn(`${KEY_ID}:${SECRET}`, { freeText: true })).toEqual([SECRET]);
    expect(secretAccessKeysIn(`prefix ${SECRET}`, { name: 'VENDOR_CREDENTIALS', freeText: false })).toEqual([SECRET]);
    expect(secretAccessKeysIn(`prefix ${SECRET}`, { name: 'VENDOR_SECRET_ARN', freeText: false })).toEqual([]);
    // The word must come before the token, and close to it.
    expect(secretAccessKeysIn(`x = ${SECRET} # not a secret`, { freeText: true })).toEqual([]);
    expect(secretAccessKeysIn(`secret\n${'-'.repeat(150)}\n${SECRET}`, { freeText: true })).toEqual([]);
  });

  test('names that hold references', () => {
    for (const name of ['VENDOR_SECRET_KEY_PARAM', 'SECRET_KEY_PARAMETER_NAME', 'secretKeyArn', 'SECRET_ARN', 'SecretId', 'secret_key_path', 'SecretKey.$']) {
      expect([name, isReferenceName(name)]).toEqual([name, true]);
    }
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'secretKey', 'VENDOR_SECRET']) expect([name, isReferenceName(name)]).toEqual([name, false]);
  });

  test('literal values and references', () => {
    expect(isLiteralValue('short-but-literal')).toBe(true);
    for (const v of ['', '  ', '<Secret>', 'arn:aws:secretsmanager:us-east-1:1:secret:x', '/prod/key', '$.input.key', '{% $states.input.key %}',
      '{{resolve:ssm-secure:/k}}']) {
      expect([v, isLiteralValue(v)]).toEqual([v, false]);
    }
    expect(isLiteralUnderSecretKeyName('MY_SECRET_KEY', 'abc')).toBe(true);
    expect(isLiteralUnderSecretKeyName('MY_SECRET_KEY_PARAM', 'abc')).toBe(false);
    expect(isLiteralUnderSecretKeyName('TABLE', 'abc')).toBe(false);
  });

  test('scanText keeps keys before their values; jsonLeaves names each leaf', () => {
    expect(scanText({ aws_secret_access_key: SECRET })).toBe(`aws_secret_access_key: ${SECRET}`);
    expect(jsonLeaves({ States: { A: { Result: [KEY_ID, 1] } } })).toEqual([
      { path: ['States', 'A', 'Result', '0'], text: KEY_ID },
      { path: ['States', 'A', 'Result', '1'], text: '1' },
    ]);
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonObject('not json')).toBeUndefined();
    expect(parseJsonObject('"a string"')).toBeUndefined();
  });
});
