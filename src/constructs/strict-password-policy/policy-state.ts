// The account password policy as the StrictPasswordPolicy handler reasons about it: pure functions,
// no AWS calls, shared by the Lambda handler (bundled by esbuild) and its tests.

/**
 * An account password policy in UpdateAccountPasswordPolicy's parameter names. A missing
 * `MaxPasswordAge` means passwords never expire; a missing `PasswordReusePrevention` means reuse is
 * not prevented (the API's 0 and absent mean the same, and we normalize both to absent).
 */
export interface PasswordPolicy {
  readonly MinimumPasswordLength: number;
  readonly RequireSymbols: boolean;
  readonly RequireNumbers: boolean;
  readonly RequireUppercaseCharacters: boolean;
  readonly RequireLowercaseCharacters: boolean;
  readonly AllowUsersToChangePassword: boolean;
  readonly MaxPasswordAge?: number;
  readonly PasswordReusePrevention?: number;
  readonly HardExpiry: boolean;
}

type SettingName = keyof PasswordPolicy;

/**
 * How to compare one setting. `atLeast`: the larger number is stricter (absent = 0).
 * `atMost`: the smaller number is stricter (absent = never, the least strict). `flag`: true is stricter.
 */
type Ordering = 'atLeast' | 'atMost' | 'flag';

interface Setting {
  readonly name: SettingName;
  /** The StrictPasswordPolicy prop that sets it, as users write it in error messages. */
  readonly prop: string;
  readonly ordering: Ordering;
}

/**
 * Every setting, in the order IAM documents them. `AllowUsersToChangePassword: true` counts as the
 * stricter value: it is what the IAM best-practices guide and CIS ask for (users can rotate their own
 * password), so replacing it with false would weaken the account's security, not strengthen it.
 */
export const SETTINGS: readonly Setting[] = [
  { name: 'MinimumPasswordLength', prop: 'minimumPasswordLength', ordering: 'atLeast' },
  { name: 'RequireSymbols', prop: 'requireSymbols', ordering: 'flag' },
  { name: 'RequireNumbers', prop: 'requireNumbers', ordering: 'flag' },
  { name: 'RequireUppercaseCharacters', prop: 'requireUppercaseCharacters', ordering: 'flag' },
  { name: 'RequireLowercaseCharacters', prop: 'requireLowercaseCharacters', ordering: 'flag' },
  { name: 'AllowUsersToChangePassword', prop: 'allowUsersToChangePassword', ordering: 'flag' },
  { name: 'MaxPasswordAge', prop: 'maxPasswordAge', ordering: 'atMost' },
  { name: 'PasswordReusePrevention', prop: 'passwordReusePrevention', ordering: 'atLeast' },
  { name: 'HardExpiry', prop: 'hardExpiry', ordering: 'flag' },
];

/** One setting where the account's policy is stricter than the one we would set. */
export interface StricterSetting {
  readonly name: SettingName;
  readonly prop: string;
  readonly existing: number | boolean | undefined;
  readonly ours: number | boolean | undefined;
}

/** Settings where `existing` is stricter than `ours`, in SETTINGS order. */
export function stricterSettings(existing: PasswordPolicy | undefined, ours: PasswordPolicy): StricterSetting[] {
  if (!existing) return [];
  return SETTINGS
    .filter(s => compare(s.ordering, existing[s.name], ours[s.name]) > 0)
    .map(s => ({ name: s.name, prop: s.prop, existing: existing[s.name], ours: ours[s.name] }));
}

/** The stricter value of each setting of the two policies. */
export function strictestOf(a: PasswordPolicy, b: PasswordPolicy | undefined): PasswordPolicy {
  if (!b) return a;
  const merged: { [name: string]: number | boolean | undefined } = {};
  for (const s of SETTINGS) {
    merged[s.name] = compare(s.ordering, b[s.name], a[s.name]) > 0 ? b[s.name] : a[s.name];
  }
  return normalize(merged);
}

export function samePolicy(a: PasswordPolicy | undefined, b: PasswordPolicy | undefined): boolean {
  if (!a || !b) return a === b;
  return SETTINGS.every(s => a[s.name] === b[s.name]);
}

/** > 0 when `a` is stricter than `b`, 0 when equally strict, < 0 when weaker. */
function compare(ordering: Ordering, a: number | boolean | undefined, b: number | boolean | undefined): number {
  switch (ordering) {
    case 'flag': return Number(a === true) - Number(b === true);
    case 'atLeast': return ((a as number | undefined) ?? 0) - ((b as number | undefined) ?? 0);
    case 'atMost': return ((b as number | undefined) ?? Infinity) - ((a as number | undefined) ?? Infinity) || 0;
  }
}

/**
 * A policy from GetAccountPasswordPolicy's answer (or any object with its field names): absent
 * booleans are false, 0 and absent age/reuse are "not set".
 */
export function normalize(raw: { [name: string]: unknown }): PasswordPolicy {
  const positive = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);
  return {
    MinimumPasswordLength: typeof raw.MinimumPasswordLength === 'number' ? raw.MinimumPasswordLength : 6,
    RequireSymbols: raw.RequireSymbols === true,
    RequireNumbers: raw.RequireNumbers === true,
    RequireUppercaseCharacters: raw.RequireUppercaseCharacters === true,
    RequireLowercaseCharacters: raw.RequireLowercaseCharacters === true,
    AllowUsersToChangePassword: raw.AllowUsersToChangePassword === true,
    MaxPasswordAge: positive(raw.MaxPasswordAge),
    PasswordReusePrevention: positive(raw.PasswordReusePrevention),
    HardExpiry: raw.HardExpiry === true,
  };
}

/** The policy as UpdateAccountPasswordPolicy parameters: unset age and reuse are simply left out. */
export function toUpdateParameters(policy: PasswordPolicy): { [name: string]: number | boolean } {
  const parameters: { [name: string]: number | boolean } = {};
  for (const s of SETTINGS) {
    const value = policy[s.name];
    if (value !== undefined) parameters[s.name] = value;
  }
  return parameters;
}

/** `minimumPasswordLength 20 (account) vs 14 (this construct)` for each setting, for an error message. */
export function describeStricter(settings: StricterSetting[]): string {
  return settings.map(s => `${s.prop}: account has ${show(s.name, s.existing)}, this construct sets ${show(s.name, s.ours)}`).join('; ');
}

function show(name: SettingName, value: number | boolean | undefined): string {
  if (value !== undefined) return String(value);
  return name === 'MaxPasswordAge' ? 'never expires' : 'not set';
}

// ---------------------------------------------------------------------------------------------
// The resource's own state: the policy the account had before this resource first set its own.
//
// It is kept in the PhysicalResourceId. CloudFormation stores that id with the resource and hands
// it back in every later Update and Delete event, including the Delete of a rollback, so the
// previous policy lives and dies with the resource itself: no SSM parameter, tag or bucket that
// could be deleted, edited or shared by another app independently of it, and no permissions
// beyond the three password-policy actions. (Data attributes are never sent back to the handler,
// and ResourceProperties hold only what the template says.) An Update must return the same id,
// or CloudFormation would treat it as a replacement, so the id holds only what never changes
// after Create. The readable form fits well within the 1 KB limit of a physical id (under 300
// characters) and shows in the console what a DESTROY would restore.
// ---------------------------------------------------------------------------------------------

const STATE_PREFIX = 'cdk-iam-guardrails:StrictPasswordPolicy:v1:previous=';
const NONE = 'none';

export function encodeState(previous: PasswordPolicy | undefined): string {
  if (!previous) return STATE_PREFIX + NONE;
  return STATE_PREFIX + SETTINGS.map(s => `${s.name}=${encodeValue(previous[s.name])}`).join(',');
}

/**
 * The previous policy from a physical id this handler returned, `{ previous: undefined }` when there
 * was none, or undefined when the id is not ours (CloudFormation's or the provider framework's marker
 * of a failed create, an id from an older version): the caller must then change nothing.
 */
export function decodeState(physicalResourceId: string | undefined): { previous: PasswordPolicy | undefined } | undefined {
  if (!physicalResourceId?.startsWith(STATE_PREFIX)) return undefined;
  const body = physicalResourceId.slice(STATE_PREFIX.length);
  if (body === NONE) return { previous: undefined };
  const fields = new Map<string, string>();
  for (const pair of body.split(',')) {
    const equals = pair.indexOf('=');
    if (equals < 0) return undefined;
    fields.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  if (fields.size !== SETTINGS.length) return undefined;
  const raw: { [name: string]: number | boolean | undefined } = {};
  for (const s of SETTINGS) {
    const text = fields.get(s.name);
    if (text === undefined) return undefined;
    const value = decodeValue(s.ordering, text);
    if (value === INVALID) return undefined;
    raw[s.name] = value;
  }
  return { previous: normalize(raw) };
}

const INVALID = Symbol('invalid');

function encodeValue(value: number | boolean | undefined): string {
  return value === undefined ? NONE : String(value);
}

function decodeValue(ordering: Ordering, text: string): number | boolean | undefined | typeof INVALID {
  if (ordering === 'flag') return text === 'true' ? true : text === 'false' ? false : INVALID;
  if (text === NONE) return undefined;
  const value = Number(text);
  return /^[0-9]{1,4}$/.test(text) && Number.isInteger(value) ? value : INVALID;
}
