import { readProperties } from '../../src/constructs/strict-password-policy/password-policy.lambda';
import {
  PasswordPolicy, decodeState, encodeState, normalize, stricterSettings, strictestOf, toUpdateParameters,
} from '../../src/constructs/strict-password-policy/policy-state';

const OURS: PasswordPolicy = normalize({
  MinimumPasswordLength: 14,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  AllowUsersToChangePassword: true,
  MaxPasswordAge: 90,
  PasswordReusePrevention: 24,
  HardExpiry: true,
});

describe('stricterSettings', () => {
  test('no policy is never stricter', () => {
    expect(stricterSettings(undefined, OURS)).toEqual([]);
  });

  test('an equal policy is not stricter', () => {
    expect(stricterSettings(OURS, OURS)).toEqual([]);
  });

  test('each direction: longer, required, shorter age, more remembered, hard expiry, self-change', () => {
    const weakOurs = normalize({ MinimumPasswordLength: 8, MaxPasswordAge: 365, PasswordReusePrevention: 5 });
    expect(stricterSettings(OURS, weakOurs).map(s => s.prop)).toEqual([
      'minimumPasswordLength', 'requireSymbols', 'requireNumbers', 'requireUppercaseCharacters', 'requireLowercaseCharacters',
      'allowUsersToChangePassword', 'maxPasswordAge', 'passwordReusePrevention', 'hardExpiry',
    ]);
    expect(stricterSettings(weakOurs, OURS)).toEqual([]);
  });

  test('passwords that never expire and no reuse prevention are the weakest values', () => {
    const neverExpires = normalize({ ...OURS, MaxPasswordAge: undefined, PasswordReusePrevention: 0 });
    expect(stricterSettings(neverExpires, OURS)).toEqual([]);
    expect(stricterSettings(OURS, neverExpires)).toEqual([
      { name: 'MaxPasswordAge', prop: 'maxPasswordAge', existing: 90, ours: undefined },
      { name: 'PasswordReusePrevention', prop: 'passwordReusePrevention', existing: 24, ours: undefined },
    ]);
  });
});

test('strictestOf takes each setting from whichever side is stricter', () => {
  const account = normalize({ ...OURS, MinimumPasswordLength: 20, RequireSymbols: false, MaxPasswordAge: 30, HardExpiry: false });
  expect(strictestOf(OURS, account)).toEqual({ ...OURS, MinimumPasswordLength: 20, MaxPasswordAge: 30 });
  expect(strictestOf(OURS, undefined)).toBe(OURS);
});

test('toUpdateParameters leaves out unset age and reuse (the API\'s "never" and "none")', () => {
  expect(toUpdateParameters(normalize({ MinimumPasswordLength: 8 }))).toEqual({
    MinimumPasswordLength: 8,
    RequireSymbols: false,
    RequireNumbers: false,
    RequireUppercaseCharacters: false,
    RequireLowercaseCharacters: false,
    AllowUsersToChangePassword: false,
    HardExpiry: false,
  });
});

describe('the state in the physical id', () => {
  test.each([
    ['none', undefined],
    ['a full policy', OURS],
    ['no expiry, no reuse prevention', normalize({ MinimumPasswordLength: 128 })],
  ])('round-trips %s, well within the 1 KB limit', (_, policy) => {
    const id = encodeState(policy);
    expect(id.length).toBeLessThan(400);
    expect(decodeState(id)).toEqual({ previous: policy });
  });

  test.each([
    ['undefined', undefined],
    ['the provider framework\'s failed-create marker', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'],
    ['the id of the AwsCustomResource of earlier versions', 'account-password-policy'],
    ['a missing setting', encodeState(OURS).replace(/,HardExpiry=true$/, '')],
    ['an extra setting', `${encodeState(OURS)},Extra=1`],
    ['a bad boolean', encodeState(OURS).replace('RequireSymbols=true', 'RequireSymbols=yes')],
    ['a bad number', encodeState(OURS).replace('MinimumPasswordLength=14', 'MinimumPasswordLength=1e1')],
    ['a pair without =', `${encodeState(OURS)},junk`],
  ])('is not ours, so nothing is touched: %s', (_, id) => {
    expect(decodeState(id)).toBeUndefined();
  });
});

describe('the handler reads the properties as CloudFormation sends them (strings)', () => {
  const policy = {
    MinimumPasswordLength: '14',
    RequireSymbols: 'true',
    RequireNumbers: 'true',
    RequireUppercaseCharacters: 'false',
    RequireLowercaseCharacters: 'true',
    AllowUsersToChangePassword: 'true',
    MaxPasswordAge: '90',
    PasswordReusePrevention: '24',
    HardExpiry: 'false',
  };

  test('strings become numbers and booleans', () => {
    expect(readProperties({ Policy: policy, KeepStricterSettings: 'true', RemovalPolicy: 'destroy' })).toEqual({
      desired: { ...OURS, RequireUppercaseCharacters: false, HardExpiry: false },
      keepStricterSettings: true,
      destroy: true,
    });
    expect(readProperties({ Policy: policy })).toMatchObject({ keepStricterSettings: false, destroy: false });
  });

  test.each([
    [{ RequireSymbols: 'yes' }, 'property Policy.RequireSymbols must be true or false, got "yes"'],
    [{ HardExpiry: undefined }, 'property Policy.HardExpiry must be true or false, got undefined'],
    [{ MinimumPasswordLength: 'fourteen' }, 'property Policy.MinimumPasswordLength must be a whole number, got "fourteen"'],
    [{ MaxPasswordAge: '1.5' }, 'property Policy.MaxPasswordAge must be a whole number, got "1.5"'],
    [{ PasswordReusePrevention: '' }, 'property Policy.PasswordReusePrevention must be a whole number, got ""'],
  ])('a value from a CloudFormation parameter that is not valid fails before any AWS call: %p', (override, message) => {
    expect(() => readProperties({ Policy: { ...policy, ...override } })).toThrow(message);
  });
});
