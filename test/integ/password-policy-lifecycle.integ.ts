// The StrictPasswordPolicy handler through every CloudFormation lifecycle path, against a real IAM
// API on loopback: moto in server mode (from .venv-integ, made by test/integ/setup-python.sh), no SDK
// mocks. The handler is pointed at moto only through AWS_ENDPOINT_URL, which the AWS SDK v3 reads by
// itself. The events carry the properties the construct actually synthesizes, stringified as
// CloudFormation sends them, and the physical ids the handler returned before, as CloudFormation
// hands them back.
//
// Run: npx jest --coverage=false --testPathIgnorePatterns /node_modules/ --runInBand \
//        --testMatch '<rootDir>/test/integ/password-policy-lifecycle.integ.ts'
import * as fs from 'fs';
import * as path from 'path';
import {
  DeleteAccountPasswordPolicyCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
  UpdateAccountPasswordPolicyCommandInput,
} from '@aws-sdk/client-iam';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Moto, MOTO_CREDENTIALS, MOTO_REGION, startMoto, useMotoEnvironment } from './support/moto';
import { StrictPasswordPolicy, StrictPasswordPolicyProps } from '../../src/constructs/strict-password-policy';
import { PasswordPolicyEvent, PasswordPolicyResponse, handler } from '../../src/constructs/strict-password-policy/password-policy.lambda';

const ROOT = path.join(__dirname, '..', '..');
const REGION = MOTO_REGION;
/** What aws-cdk-lib's Provider framework answers for a failed create, and sends back in the rollback's Delete. */
const CREATE_FAILED = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
const STACK_A = 'arn:aws:cloudformation:us-east-1:123456789012:stack/AppA/11111111-1111-1111-1111-111111111111';
const STACK_B = 'arn:aws:cloudformation:us-east-1:123456789012:stack/AppB/22222222-2222-2222-2222-222222222222';

jest.setTimeout(120_000);

let moto: Moto;
let endpoint: string;
let iam: IAMClient;
let restoreEnvironment: () => void;
const credentials = MOTO_CREDENTIALS;

/** Case, policy before, policy after: printed at the end as the lifecycle table. */
const table: Array<[string, string, string]> = [];

beforeAll(async () => {
  moto = await startMoto();
  endpoint = moto.endpoint;
  // The handler gets only what the Lambda runtime would give it, plus the endpoint override.
  restoreEnvironment = useMotoEnvironment(endpoint);
  iam = new IAMClient({ endpoint, region: REGION, credentials });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

beforeEach(async () => {
  await moto.reset();
});

afterAll(async () => {
  jest.restoreAllMocks();
  restoreEnvironment?.();
  await moto?.stop();
  if (table.length > 0) {
    const rows = table.map(([c, before, after]) => `| ${c} | ${before} | ${after} |`);
    process.stdout.write(['', '| case | policy before | policy after |', '|---|---|---|', ...rows, ''].join('\n'));
  }
});

// ---------------------------------------------------------------------------------------------
// The account's policy, and the events CloudFormation would send.

/** A hand-set policy: length 20, every character class, 90 days, 24 remembered (stricter than ours in length). */
const HAND_SET_20: UpdateAccountPasswordPolicyCommandInput = {
  MinimumPasswordLength: 20,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  AllowUsersToChangePassword: true,
  MaxPasswordAge: 90,
  PasswordReusePrevention: 24,
  HardExpiry: true,
};
/** A weak hand-set policy: 8 characters, no symbols, no expiry, no reuse prevention. */
const HAND_SET_WEAK: UpdateAccountPasswordPolicyCommandInput = {
  MinimumPasswordLength: 8,
  RequireSymbols: false,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  AllowUsersToChangePassword: true,
};

async function handSet(policy: UpdateAccountPasswordPolicyCommandInput): Promise<void> {
  await iam.send(new UpdateAccountPasswordPolicyCommand(policy));
}

/** The account's policy as a short line for the table and the assertions, or 'none'. */
async function accountPolicy(): Promise<string> {
  try {
    const { PasswordPolicy: p } = await iam.send(new GetAccountPasswordPolicyCommand({}));
    if (!p) return 'none';
    const flags = [
      p.RequireSymbols ? 'symbols' : '', p.RequireNumbers ? 'numbers' : '', p.RequireUppercaseCharacters ? 'upper' : '',
      p.RequireLowercaseCharacters ? 'lower' : '', p.AllowUsersToChangePassword ? 'self-change' : '', p.HardExpiry ? 'hard-expiry' : '',
    ].filter(Boolean).join(',');
    return `len ${p.MinimumPasswordLength} age ${p.MaxPasswordAge || '-'} reuse ${p.PasswordReusePrevention || '-'} ${flags}`;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchEntityException') return 'none';
    throw error;
  }
}

const OURS_DEFAULT = 'len 14 age 90 reuse 24 symbols,numbers,upper,lower,self-change,hard-expiry';
const HAND_20 = 'len 20 age 90 reuse 24 symbols,numbers,upper,lower,self-change,hard-expiry';
const WEAK = 'len 8 age - reuse - numbers,upper,lower,self-change';

/**
 * The Custom::StrictPasswordPolicy properties that the construct synthesizes for `props`,
 * stringified the way CloudFormation passes custom resource properties to the handler.
 */
function resourceProperties(props: StrictPasswordPolicyProps = {}): { [key: string]: any } {
  const stack = new Stack(new App(), 'Stack');
  new StrictPasswordPolicy(stack, 'PasswordPolicy', props);
  const [synthesized] = Object.values(Template.fromStack(stack).findResources('Custom::StrictPasswordPolicy'));
  const { ServiceToken: _, ...properties } = synthesized.Properties;
  return asCloudFormationSendsThem(properties);
}

function asCloudFormationSendsThem(value: any): any {
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCloudFormationSendsThem(v)]));
  }
  return String(value);
}

interface Resource {
  readonly stackId: string;
  readonly logicalId: string;
  readonly properties: { [key: string]: any };
  physicalId?: string;
}

function resource(props: StrictPasswordPolicyProps = {}, stackId = STACK_A, logicalId = 'StrictPasswordPolicy'): Resource {
  return { stackId, logicalId, properties: resourceProperties(props) };
}

function event(r: Resource, requestType: PasswordPolicyEvent['RequestType'], extra: Partial<PasswordPolicyEvent> = {}): PasswordPolicyEvent {
  return {
    RequestType: requestType,
    StackId: r.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId,
    ResourceProperties: r.properties,
    ...extra,
  };
}

async function create(r: Resource): Promise<PasswordPolicyResponse> {
  const response = await handler(event(r, 'Create', { PhysicalResourceId: undefined }));
  r.physicalId = response.PhysicalResourceId;
  return response;
}

async function remove(r: Resource): Promise<PasswordPolicyResponse> {
  return handler(event(r, 'Delete'));
}

/** Runs `steps` from `setup`, checks the account's policy after them, and adds the row to the table. */
async function lifecycle(name: string, setup: () => Promise<void>, steps: () => Promise<void>, expected: string): Promise<void> {
  await setup();
  const before = await accountPolicy();
  await steps();
  const after = await accountPolicy();
  table.push([name, before, after]);
  expect(after).toBe(expected);
}

const none = async () => undefined;

// ---------------------------------------------------------------------------------------------

describe('create', () => {
  test('over no policy: sets ours and remembers that there was none', async () => {
    const r = resource();
    await lifecycle('create over none', none, async () => {
      expect((await create(r)).Data.Outcome).toBe('set');
    }, OURS_DEFAULT);
    expect(r.physicalId).toBe('cdk-iam-guardrails:StrictPasswordPolicy:v1:previous=none');
  });

  test('over a weaker policy: sets ours and remembers the weaker one in the physical id', async () => {
    const r = resource();
    await lifecycle('create over weaker (len 8)', () => handSet(HAND_SET_WEAK), async () => { await create(r); }, OURS_DEFAULT);
    expect(r.physicalId).toBe('cdk-iam-guardrails:StrictPasswordPolicy:v1:previous=MinimumPasswordLength=8,RequireSymbols=false,' +
      'RequireNumbers=true,RequireUppercaseCharacters=true,RequireLowercaseCharacters=true,AllowUsersToChangePassword=true,' +
      'MaxPasswordAge=none,PasswordReusePrevention=none,HardExpiry=false');
    expect(r.physicalId!.length).toBeLessThan(1024);
  });

  test('over a stricter policy: fails naming the setting, and the account keeps its policy', async () => {
    const r = resource();
    await lifecycle('create over stricter (len 20): fails', () => handSet(HAND_SET_20), async () => {
      await expect(create(r)).rejects.toThrow(
        "StrictPasswordPolicy never weakens the account password policy, and the account's policy is stricter in 1 setting: " +
        'minimumPasswordLength: account has 20, this construct sets 14. Raise this prop to at least the account\'s values, ' +
        "or set keepStricterSettings: true to keep the account's stricter value of each setting.");
    }, HAND_20);
  });

  test('over a policy stricter in several settings: each is named, existing value vs ours', async () => {
    await handSet({ ...HAND_SET_20, MaxPasswordAge: 30, AllowUsersToChangePassword: true });
    await expect(create(resource({ requireSymbols: false, passwordReusePrevention: 12 }))).rejects.toThrow(
      'stricter in 4 settings: minimumPasswordLength: account has 20, this construct sets 14; requireSymbols: account has true, ' +
      'this construct sets false; maxPasswordAge: account has 30, this construct sets 90; passwordReusePrevention: account has 24, ' +
      'this construct sets 12. Raise these props');
  });

  test('over a stricter policy with keepStricterSettings: the stricter value of each setting', async () => {
    const r = resource({ keepStricterSettings: true, hardExpiry: false });
    await lifecycle('create over stricter (len 20), keepStricterSettings', () => handSet({ ...HAND_SET_20, HardExpiry: false }), async () => {
      expect((await create(r)).Data.Outcome).toBe("set, keeping the account's stricter minimumPasswordLength");
    }, 'len 20 age 90 reuse 24 symbols,numbers,upper,lower,self-change');
  });

  test('keepStricterSettings takes the stricter of each setting from either side', async () => {
    // The account is stricter in length only; ours is stricter in everything else.
    const r = resource({ keepStricterSettings: true });
    await lifecycle('create over mixed (len 16, weak otherwise), keepStricterSettings',
      () => handSet({ ...HAND_SET_WEAK, MinimumPasswordLength: 16 }), async () => { await create(r); },
      'len 16 age 90 reuse 24 symbols,numbers,upper,lower,self-change,hard-expiry');
  });
});

describe('update', () => {
  test('sets the new values in place: same physical id, so never a replacement', async () => {
    const r = resource();
    await lifecycle('update (len 14 -> 16)', () => handSet(HAND_SET_WEAK), async () => {
      await create(r);
      const oldProperties = r.properties;
      const updated = { ...r, properties: resourceProperties({ minimumPasswordLength: 16 }) };
      const response = await handler(event(updated, 'Update', { OldResourceProperties: oldProperties }));
      expect(response.PhysicalResourceId).toBe(r.physicalId);
    }, 'len 16 age 90 reuse 24 symbols,numbers,upper,lower,self-change,hard-expiry');
  });

  test('with keepStricterSettings, an update still never goes below the policy found at create', async () => {
    const r = resource({ keepStricterSettings: true });
    await handSet(HAND_SET_20);
    await create(r);
    const updated = { ...r, properties: resourceProperties({ keepStricterSettings: true, minimumPasswordLength: 16 }) };
    await handler(event(updated, 'Update', { OldResourceProperties: r.properties }));
    expect(await accountPolicy()).toBe(HAND_20);
  });

  test('renaming the construct keeps its logical id: CloudFormation sends an Update, not a create and a delete', async () => {
    const logicalIds = (id: string) => {
      const stack = new Stack(new App(), 'Stack');
      new StrictPasswordPolicy(stack, id);
      return Object.keys(Template.fromStack(stack).findResources('Custom::StrictPasswordPolicy'));
    };
    expect(logicalIds('Renamed')).toEqual(logicalIds('PasswordPolicy'));
  });
});

describe('failed create: the rollback', () => {
  test('after the handler failed (stricter policy): the framework\'s marker id changes nothing', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await lifecycle('failed create (stricter), rollback, DESTROY', () => handSet(HAND_SET_20), async () => {
      await expect(create(r)).rejects.toThrow(/stricter/);
      // aws-cdk-lib's Provider framework answers the failed Create with this id and normally skips
      // the Delete; if it ever reaches the handler, the handler must not touch the policy either.
      const response = await handler(event(r, 'Delete', { PhysicalResourceId: CREATE_FAILED }));
      expect(response.Data.Outcome).toBe('left unchanged: this resource never set the policy');
    }, HAND_20);
  });

  test('after another resource of the stack failed, DESTROY: restores the pre-existing policy, never deletes it', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await lifecycle('create ok, stack rolls back, DESTROY (over weak)', () => handSet(HAND_SET_WEAK), async () => {
      await create(r);
      expect(await accountPolicy()).toBe(OURS_DEFAULT);
      await remove(r);
    }, WEAK);
  });

  test('after another resource of the stack failed, DESTROY, no policy before: deletes ours', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await lifecycle('create ok, stack rolls back, DESTROY (over none)', none, async () => {
      await create(r);
      await remove(r);
    }, 'none');
  });

  test('after another resource of the stack failed, RETAIN: ours stays (never weaker than what was there)', async () => {
    const r = resource();
    await lifecycle('create ok, stack rolls back, RETAIN (over weak)', () => handSet(HAND_SET_WEAK), async () => {
      await create(r);
      await remove(r);
    }, OURS_DEFAULT);
  });

  test('a Delete with an id this handler never returned changes nothing, even with DESTROY', async () => {
    await handSet(HAND_SET_20);
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    for (const id of ['account-password-policy', 'cdk-iam-guardrails:StrictPasswordPolicy:v1:previous=garbage', '']) {
      await handler(event(r, 'Delete', { PhysicalResourceId: id }));
    }
    expect(await accountPolicy()).toBe(HAND_20);
  });
});

describe('delete', () => {
  test('RETAIN (the default): leaves ours in place', async () => {
    const r = resource();
    await lifecycle('delete, RETAIN', () => handSet(HAND_SET_WEAK), async () => {
      await create(r);
      expect((await remove(r)).Data.Outcome).toBe('retained (removalPolicy RETAIN)');
    }, OURS_DEFAULT);
  });

  test('DESTROY: restores the previous policy', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await lifecycle('delete, DESTROY (previous: weak)', () => handSet(HAND_SET_WEAK), async () => {
      await create(r);
      await remove(r);
    }, WEAK);
  });

  test('DESTROY with keepStricterSettings: restores exactly the previous policy', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY, keepStricterSettings: true });
    await lifecycle('delete, DESTROY, keepStricterSettings (previous: len 20)', () => handSet(HAND_SET_20), async () => {
      await create(r);
      await remove(r);
    }, HAND_20);
  });

  test('DESTROY: deletes the policy when the account had none', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await lifecycle('delete, DESTROY (previous: none)', none, async () => {
      await create(r);
      await remove(r);
    }, 'none');
  });

  test('DESTROY after a person changed the policy: leaves their policy alone', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await lifecycle('delete, DESTROY, changed by hand since (len 20)', none, async () => {
      await create(r);
      await handSet(HAND_SET_20);
      expect((await remove(r)).Data.Outcome).toMatch(/^left unchanged: the account's policy is no longer the one this resource set/);
    }, HAND_20);
  });

  test('DESTROY after someone deleted the policy: nothing to do', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await handSet(HAND_SET_WEAK);
    await create(r);
    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    expect((await remove(r)).Data.Outcome).toBe('left unchanged: the account has no password policy any more');
    expect(await accountPolicy()).toBe('none');
  });
});

describe('replacement: create of the new resource, then delete of the old', () => {
  test('moved to another stack with new values, old one DESTROY: the new policy stays', async () => {
    const old = resource({ removalPolicy: RemovalPolicy.DESTROY }, STACK_A);
    const moved = resource({ removalPolicy: RemovalPolicy.DESTROY, minimumPasswordLength: 16 }, STACK_B);
    await lifecycle('replace (new len 16 created, old DESTROY deleted)', none, async () => {
      await create(old);
      await create(moved);
      expect((await remove(old)).Data.Outcome).toMatch(/^left unchanged/);
    }, 'len 16 age 90 reuse 24 symbols,numbers,upper,lower,self-change,hard-expiry');
    // And deleting the moved one later restores what it found: the old one's policy, not "none".
    await remove(moved);
    expect(await accountPolicy()).toBe(OURS_DEFAULT);
  });

  test('moved with the same values, old one RETAIN: the policy stays', async () => {
    const old = resource({}, STACK_A);
    const moved = resource({}, STACK_B);
    await lifecycle('replace (same values, old RETAIN)', () => handSet(HAND_SET_WEAK), async () => {
      await create(old);
      await create(moved);
      await remove(old);
    }, OURS_DEFAULT);
  });

  test('within one stack a rename is no replacement at all (fixed logical id): an Update keeps the policy', async () => {
    const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
    await lifecycle('rename within the stack (Update, same physical id), DESTROY', none, async () => {
      await create(r);
      await handler(event(r, 'Update', { OldResourceProperties: r.properties }));
    }, OURS_DEFAULT);
  });

  test('documented limit: same values in two stacks, the older one DESTROY, is indistinguishable from its own policy', async () => {
    const old = resource({ removalPolicy: RemovalPolicy.DESTROY }, STACK_A);
    const moved = resource({ removalPolicy: RemovalPolicy.DESTROY }, STACK_B);
    await lifecycle('LIMIT: replace across stacks with identical values, old DESTROY', () => handSet(HAND_SET_WEAK), async () => {
      await create(old);
      await create(moved);
      await remove(old);
    }, WEAK);
  });
});

describe('two apps in one account', () => {
  test('B stricter than A: deleting A (DESTROY) leaves B\'s policy; deleting B then restores A\'s', async () => {
    const a = resource({ removalPolicy: RemovalPolicy.DESTROY }, STACK_A);
    const b = resource({ removalPolicy: RemovalPolicy.DESTROY, minimumPasswordLength: 16 }, STACK_B);
    await lifecycle('two apps: A (len 14) then B (len 16), delete A with DESTROY', () => handSet(HAND_SET_WEAK), async () => {
      await create(a);
      await create(b);
      expect((await remove(a)).Data.Outcome).toMatch(/^left unchanged: the account's policy is no longer the one this resource set/);
    }, 'len 16 age 90 reuse 24 symbols,numbers,upper,lower,self-change,hard-expiry');
    await lifecycle('two apps: ... then delete B with DESTROY', none, async () => { await remove(b); }, OURS_DEFAULT);
  });

  test('B stricter than A: deleting B first restores A\'s policy, then deleting A restores the original', async () => {
    const a = resource({ removalPolicy: RemovalPolicy.DESTROY }, STACK_A);
    const b = resource({ removalPolicy: RemovalPolicy.DESTROY, minimumPasswordLength: 16 }, STACK_B);
    await lifecycle('two apps: A then B, delete B with DESTROY', () => handSet(HAND_SET_WEAK), async () => {
      await create(a);
      await create(b);
      await remove(b);
    }, OURS_DEFAULT);
    await lifecycle('two apps: ... then delete A with DESTROY', none, async () => { await remove(a); }, WEAK);
  });

  test('B weaker than A: B\'s create fails and A\'s policy stays', async () => {
    const a = resource({ minimumPasswordLength: 16 }, STACK_A);
    const b = resource({}, STACK_B);
    await lifecycle('two apps: A (len 16), then B (len 14) fails', none, async () => {
      await create(a);
      await expect(create(b)).rejects.toThrow('minimumPasswordLength: account has 16, this construct sets 14');
    }, 'len 16 age 90 reuse 24 symbols,numbers,upper,lower,self-change,hard-expiry');
  });

  test('same values, deleting A with RETAIN (the default): B\'s policy stays', async () => {
    const a = resource({}, STACK_A);
    const b = resource({ removalPolicy: RemovalPolicy.DESTROY }, STACK_B);
    await lifecycle('two apps, same values: delete A with RETAIN', none, async () => {
      await create(a);
      await create(b);
      await remove(a);
    }, OURS_DEFAULT);
  });
});

test('the shipped esbuild bundle behaves like the source', async () => {
  const bundle = path.join(ROOT, 'assets', 'constructs', 'strict-password-policy', 'password-policy.lambda', 'index.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} not found: run 'npx projen bundle' first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundled: { handler: typeof handler } = require(bundle);
  await handSet(HAND_SET_20);
  const r = resource({ removalPolicy: RemovalPolicy.DESTROY });
  await expect(bundled.handler(event(r, 'Create'))).rejects.toThrow('minimumPasswordLength: account has 20, this construct sets 14');
  await handSet(HAND_SET_WEAK);
  const created = await bundled.handler(event(r, 'Create'));
  expect(await accountPolicy()).toBe(OURS_DEFAULT);
  await bundled.handler(event({ ...r, physicalId: created.PhysicalResourceId }, 'Delete'));
  expect(await accountPolicy()).toBe(WEAK);
});
