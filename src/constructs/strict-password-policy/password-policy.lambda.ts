// The StrictPasswordPolicy custom resource handler (the onEvent handler of a custom-resources
// Provider). It never weakens the account's password policy on create, and it keeps the policy that
// was there before in the resource's own state (the PhysicalResourceId, see policy-state.ts) so that
// a delete with removalPolicy DESTROY, or the rollback of a failed create, restores exactly that.
//
// Its role may call iam:GetAccountPasswordPolicy, iam:UpdateAccountPasswordPolicy and (with
// DESTROY) iam:DeleteAccountPasswordPolicy, nothing else.
import {
  DeleteAccountPasswordPolicyCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  PasswordPolicy, SETTINGS, decodeState, describeStricter, encodeState, normalize, samePolicy,
  stricterSettings, strictestOf, toUpdateParameters,
} from './policy-state';

/** The subset of a CloudFormation custom resource event this handler reads. */
export interface PasswordPolicyEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly StackId?: string;
  readonly LogicalResourceId?: string;
  readonly ResourceProperties: { [key: string]: any };
  readonly OldResourceProperties?: { [key: string]: any };
}

export interface PasswordPolicyResponse {
  readonly PhysicalResourceId: string;
  /** What the handler did, for the logs and the tests: never read by CloudFormation templates. */
  readonly Data: { readonly Outcome: string };
}

let client: IAMClient | undefined;
function iam(): IAMClient {
  client ??= new IAMClient({});
  return client;
}

export async function handler(event: PasswordPolicyEvent): Promise<PasswordPolicyResponse> {
  const config = readProperties(event.ResourceProperties);
  const where = `${event.LogicalResourceId ?? 'resource'} in ${event.StackId ?? 'stack'}`;
  switch (event.RequestType) {
    case 'Create': return onCreate(config, where);
    case 'Update': return onUpdate(event, config, where);
    case 'Delete': return onDelete(event, config, where);
    default: throw new Error(`unknown RequestType ${JSON.stringify((event as any).RequestType)}`);
  }
}

interface Config {
  readonly desired: PasswordPolicy;
  readonly keepStricterSettings: boolean;
  readonly destroy: boolean;
}

async function onCreate(config: Config, where: string): Promise<PasswordPolicyResponse> {
  const existing = await currentPolicy();
  const stricter = stricterSettings(existing, config.desired);
  if (stricter.length > 0 && !config.keepStricterSettings) {
    // Nothing has been changed yet: failing here leaves the account's policy exactly as it was.
    throw new Error(
      `StrictPasswordPolicy never weakens the account password policy, and the account's policy is stricter in ${stricter.length} ` +
      `setting${stricter.length === 1 ? '' : 's'}: ${describeStricter(stricter)}. Raise ${stricter.length === 1 ? 'this prop' : 'these props'} ` +
      'to at least the account\'s values, or set keepStricterSettings: true to keep the account\'s stricter value of each setting.');
  }
  const ours = policyWeSet(config, existing);
  if (samePolicy(existing, ours)) {
    log(where, 'the account already has exactly this policy: it may have been set by hand or by another StrictPasswordPolicy ' +
      '(another app in this account); see the two-apps note of StrictPasswordPolicy');
  }
  await setPolicy(ours);
  const outcome = stricter.length > 0 ? `set, keeping the account's stricter ${stricter.map(s => s.prop).join(', ')}` : 'set';
  log(where, `${outcome}; previous policy kept in the resource state: ${existing ? JSON.stringify(existing) : 'none'}`);
  return { PhysicalResourceId: encodeState(existing), Data: { Outcome: outcome } };
}

async function onUpdate(event: PasswordPolicyEvent, config: Config, where: string): Promise<PasswordPolicyResponse> {
  const state = decodeState(event.PhysicalResourceId);
  // Not an id of ours (cannot happen with this handler's own resources): take ownership as a
  // create would. The new id makes CloudFormation delete the old one, which is then a no-op.
  if (!state) return onCreate(config, where);
  // After create the policy belongs to this resource like any other: an update sets what the
  // template says (with keepStricterSettings, still never below the policy found at create). The
  // previous policy, and so the id, stay the same: an in-place update, never a replacement.
  const ours = policyWeSet(config, state.previous);
  await setPolicy(ours);
  log(where, 'updated');
  return { PhysicalResourceId: event.PhysicalResourceId!, Data: { Outcome: 'updated' } };
}

async function onDelete(event: PasswordPolicyEvent, config: Config, where: string): Promise<PasswordPolicyResponse> {
  const physicalResourceId = event.PhysicalResourceId ?? '';
  const done = (outcome: string) => {
    log(where, outcome);
    return { PhysicalResourceId: physicalResourceId, Data: { Outcome: outcome } };
  };

  const state = decodeState(physicalResourceId);
  // A failed create (CloudFormation's or the provider framework's marker id) or an id this handler
  // never returned: this resource never set the policy, so it must not touch it.
  if (!state) return done('left unchanged: this resource never set the policy');
  if (!config.destroy) return done('retained (removalPolicy RETAIN)');

  const current = await currentPolicy();
  const ours = policyWeSet(config, state.previous);
  // The resource-level marker: only the policy this resource set is this resource's to restore. If
  // the account's policy is now anything else, another app, a replacement of this construct, or a
  // person set it after us, and restoring ours would overwrite their policy.
  if (!current) return done('left unchanged: the account has no password policy any more');
  if (!samePolicy(current, ours)) {
    return done('left unchanged: the account\'s policy is no longer the one this resource set ' +
      '(another app or a person changed it since): ' + JSON.stringify(current));
  }
  if (state.previous) {
    await setPolicy(state.previous);
    return done(`restored the previous policy ${JSON.stringify(state.previous)}`);
  }
  try {
    await iam().send(new DeleteAccountPasswordPolicyCommand({}));
  } catch (error) {
    if ((error as { name?: string }).name !== 'NoSuchEntityException' && (error as { name?: string }).name !== 'NoSuchEntity') throw error;
  }
  return done('deleted: the account had no password policy before this resource');
}

/** What this resource sets: the template's policy, or with keepStricterSettings the stricter of it and `found`. */
function policyWeSet(config: Config, found: PasswordPolicy | undefined): PasswordPolicy {
  return config.keepStricterSettings ? strictestOf(config.desired, found) : config.desired;
}

async function currentPolicy(): Promise<PasswordPolicy | undefined> {
  try {
    const answer = await iam().send(new GetAccountPasswordPolicyCommand({}));
    return answer.PasswordPolicy ? normalize(answer.PasswordPolicy as { [name: string]: unknown }) : undefined;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchEntityException' || name === 'NoSuchEntity') return undefined;
    throw error;
  }
}

async function setPolicy(policy: PasswordPolicy): Promise<void> {
  await iam().send(new UpdateAccountPasswordPolicyCommand(toUpdateParameters(policy)));
}

/**
 * The template's properties. CloudFormation passes every custom resource property as a string, so
 * each is parsed strictly: a value from a CloudFormation parameter is only known now.
 */
export function readProperties(properties: { [key: string]: any }): Config {
  const policy = properties.Policy ?? {};
  const raw: { [name: string]: number | boolean | undefined } = {};
  for (const s of SETTINGS) {
    const text = policy[s.name];
    if (text === undefined && (s.name === 'MaxPasswordAge' || s.name === 'PasswordReusePrevention')) continue;
    raw[s.name] = s.ordering === 'flag' ? parseBoolean(`Policy.${s.name}`, text) : parseWholeNumber(`Policy.${s.name}`, text);
  }
  return {
    desired: normalize(raw),
    keepStricterSettings: parseBoolean('KeepStricterSettings', properties.KeepStricterSettings ?? 'false'),
    destroy: String(properties.RemovalPolicy ?? 'retain') === 'destroy',
  };
}

function parseBoolean(name: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`property ${name} must be true or false, got ${JSON.stringify(value)}`);
}

function parseWholeNumber(name: string, value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isInteger(number)) throw new Error(`property ${name} must be a whole number, got ${JSON.stringify(value)}`);
  return number;
}

function log(where: string, message: string): void {
  console.log(`StrictPasswordPolicy ${where}: ${message}`);
}
