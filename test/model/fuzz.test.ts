/**
 * Generated templates through the whole pipeline: `new AppModel(...)` and `evaluateRules` over
 * every intrinsic, odd shapes, several stacks importing each other's exports, nested stacks, and
 * every IAM resource type (plus the types the credential and trust rules read).
 *
 * Properties: nothing throws, every finding id stays within rule id + MAX_FINDING_LENGTH + 2
 * (the brackets), no message is empty, and each app is analysed within a CPU-time budget.
 *
 * FUZZ_RUNS sets the number of generated apps (default 300: ~5 s on the 2-core dev machine);
 * FUZZ_REPORT=1 prints the slowest app and how often each rule fired (otherwise nothing is printed).
 *
 * A second property runs the same apps with a twin of every principal (and a copy named nowhere)
 * and checks that evaluating the rules once per set of identical principals reports exactly what
 * evaluating each principal does.
 *
 * Recorded at a higher volume on 2026-12-02 (2-core machine): FUZZ_RUNS=5000 -> every property
 * held; slowest app 546 ms of CPU time (budget 2000 ms); every rule fired (LP8 and TR8 the
 * rarest); the twin property shared the outcome of ~7,900 principals over ~3,100 apps with twins.
 * Runs at 2,000 and 5,000 found four slow shapes before that (a Resource of 100,000 `*`, of
 * 100,000 characters of policy variables, or long enough to overlap-test under a boundary; action
 * patterns of 100,000 characters: 0.4 to 12 s each), now regression tests in rules-on-templates.
 */
import * as fc from 'fast-check';
import { AppModel, IAM_TYPES, PRINCIPAL_TYPES, StackTemplateInput } from '../../src/model/app-model';
import { ALL_RULES } from '../../src/rules';
import { evaluateRules, RuleFinding } from '../../src/rules/engine';
import { MAX_FINDING_LENGTH, RULE_ID_PREFIX } from '../../src/rules/rule';

const RUNS = Number(process.env.FUZZ_RUNS ?? '') || 300;
/** CPU time one app may take (model and every rule), in ms. */
const BUDGET_MS = 2000;

const RESOURCE_IDS = ['Role1', 'Role2', 'User1', 'Group1', 'Policy1', 'Managed1', 'Managed2', 'RolePolicy1', 'Addition1', 'Json1', 'Fn1', 'constructor'];
const PARAMETERS = ['PString', 'PStar', 'PList', 'PAllowed', 'PSsm', 'PNumber', 'PMissing'];
const CONDITIONS = ['C1', 'C2', 'C3', 'C4', 'C5', 'CMissing'];
const EXPORTS = ['E0', 'E1', 'E2', 'E3'];
const NAMES = ['r1', 'r2', 'u1', 'g1', 'mp1', 'dev-boundary', 'R1', 'elsewhere'];
const PSEUDO = ['AWS::Partition', 'AWS::AccountId', 'AWS::Region', 'AWS::StackName', 'AWS::URLSuffix', 'AWS::NotAPseudo'];

const ACTIONS = [
  '*', '*:*', 's3:*', 's3:Get*', 'S3:getobject', 's3:PutObject', 'iam:PassRole', 'iam:pass*', 'iam:*', 'iam:PutRolePolicy',
  'iam:CreateAccessKey', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'lambda:UpdateFunctionCode', 'ec2:RunInstances',
  'sts:AssumeRole', 'ssm:SendCommand', 'notaservice:Foo', 's3:NotAnAction', '', ':', 'a:b:c',
];
const RESOURCES = [
  '*', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111111111111:role/r1',
  'arn:aws:iam::*:user/${aws:username}', 'arn:*:*:*:*:*', 'arn:aws:lambda:us-east-1:111111111111:function:f', 'not-an-arn', '',
];
const ARNS = [
  'arn:aws:iam::111111111111:role/r1', 'arn:aws:iam::111111111111:role/path/r2', 'arn:aws:iam::111111111111:policy/mp1',
  'arn:aws:iam::111111111111:policy/dev-boundary', 'arn:aws:iam::222222222222:role/r1', 'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::111111111111:group/g1',
];
const SECRETS = ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'ASIAY34FZKBOKMUTVV7A', 'password123', '{{resolve:secretsmanager:s}}'];
const ODD_STRINGS = ['${Token[TOKEN.12]}', '#{Token[X.1]}', '<Fake>', '<?Fake>', '<', '>', '${aws:username}', '${!Literal}', '${', '}', '\u0000', 'é☃'];
const ODD_KEYS = ['Statement', 'statement', 'STATEMENT', 'Effect', 'effect', 'Action', 'action', 'NotAction', 'Resource', 'NotResource', 'Principal',
  'NotPrincipal', 'Condition', 'Sid', 'Version', '__proto__', 'constructor', 'toString', '', 'Ref', 'Fn::If', 'a.b'];

/** A string of the given size, sometimes shaped like an action or ARN. */
const hugeString = fc.tuple(fc.constantFrom(1_000, 10_000, 100_000), fc.constantFrom('x', 'iam:', '*', 'arn:aws:s3:::', '${X}'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...ACTIONS), weight: 4 },
  { arbitrary: fc.constantFrom(...RESOURCES), weight: 4 },
  { arbitrary: fc.constantFrom(...ARNS, ...NAMES), weight: 3 },
  { arbitrary: fc.constantFrom(...SECRETS), weight: 1 },
  { arbitrary: fc.constantFrom(...ODD_STRINGS), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)), weight: 1 },
  { arbitrary: hugeString, weight: 1 },
);

interface Values {
  value: unknown;
  intrinsic: unknown;
  container: unknown;
}

/** Any CloudFormation value: scalars, every intrinsic (well- and ill-formed), lists and objects. */
const values = fc.letrec<Values>(tie => {
  const value = tie('value');
  const list = fc.array(value, { maxLength: 4 });
  const text = fc.oneof(fc.constantFrom(...ACTIONS, ...RESOURCES, ...NAMES, 'a,b', 'x:y', ':'), value);
  const subTemplate = fc.array(fc.oneof(
    fc.constantFrom('arn:', ':', '/', '-', '${AWS::Partition}', '${AWS::AccountId}', '${!aws:username}', '${Role1.Arn}', '${Role1}',
      '${PString}', '${PStar}', '${PAllowed}', '${X}', '${X}${X}', '${Token[TOKEN.3]}', '${Missing.Attr}', '${'),
    fc.string({ maxLength: 6 }),
  ), { maxLength: 6 }).map(parts => parts.join(''));
  return {
    value: fc.oneof({ maxDepth: 5, depthSize: 'small' },
      { arbitrary: scalar, weight: 6 },
      { arbitrary: tie('intrinsic'), weight: 4 },
      { arbitrary: tie('container'), weight: 2 },
    ),
    container: fc.oneof(
      list,
      fc.dictionary(fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 5 })), value, { maxKeys: 4 }),
      fc.constant({}),
      fc.constant([]),
    ),
    intrinsic: fc.oneof(
      fc.constantFrom(...RESOURCE_IDS, ...PARAMETERS, ...PSEUDO, 'AWS::NoValue', 'Unknown').map(n => ({ Ref: n })),
      fc.constant({ Ref: 'AWS::NoValue' }),
      fc.tuple(fc.constantFrom(...RESOURCE_IDS, 'Unknown'), fc.constantFrom('Arn', 'PolicyArn', 'Value', 'RoleId', 'A.B')).chain(([id, attr]) =>
        fc.constantFrom({ 'Fn::GetAtt': [id, attr] }, { 'Fn::GetAtt': `${id}.${attr}` })),
      fc.tuple(fc.constantFrom('', ':', ',', '/'), fc.oneof(list, value)).map(([sep, parts]) => ({ 'Fn::Join': [sep, parts] })),
      subTemplate.map(t => ({ 'Fn::Sub': t })),
      fc.tuple(subTemplate, fc.dictionary(fc.constantFrom('X', 'PString', 'Role1', 'Y'), value, { maxKeys: 3 })).map(([t, vars]) => ({ 'Fn::Sub': [t, vars] })),
      fc.tuple(fc.constantFrom(...CONDITIONS), value, value).map(([c, a, b]) => ({ 'Fn::If': [c, a, b] })),
      fc.tuple(fc.oneof(fc.integer({ min: -1, max: 5 }), value), fc.oneof(list, value)).map(([i, l]) => ({ 'Fn::Select': [i, l] })),
      fc.tuple(fc.constantFrom(':', '/', ',', '0', '', '<', '>'), text).map(([sep, s]) => ({ 'Fn::Split': [sep, s] })),
      fc.tuple(fc.constantFrom('M1', 'M2', 'Missing'), fc.oneof(fc.constantFrom('us-east-1', 'eu-west-1', 'nope'), value),
        fc.oneof(fc.constantFrom('Arn', 'Action', 'Nope'), value), fc.option(value.map(d => ({ DefaultValue: d })), { nil: undefined }))
        .map(([m, k1, k2, d]) => ({ 'Fn::FindInMap': d === undefined ? [m, k1, k2] : [m, k1, k2, d] })),
      fc.oneof(fc.constantFrom(...EXPORTS, 'NotExported'), value).map(e => ({ 'Fn::ImportValue': e })),
      value.map(v => ({ 'Fn::Base64': v })),
      fc.constant({ 'Fn::GetAZs': '' }),
      value.map(v => ({ 'Fn::Foo': v })),
      fc.constantFrom(...CONDITIONS).map(c => ({ Condition: c })),
      // Ill-formed intrinsics of every kind.
      fc.tuple(fc.constantFrom('Ref', 'Fn::GetAtt', 'Fn::Join', 'Fn::Sub', 'Fn::If', 'Fn::Select', 'Fn::Split', 'Fn::FindInMap', 'Fn::ImportValue'), scalar)
        .map(([k, v]) => ({ [k]: v })),
    ),
  };
});
const value = values.value;

/** Wraps a value in up to a few hundred levels of lists, objects and intrinsics. */
const deep = fc.tuple(fc.integer({ min: 50, max: 400 }), fc.array(fc.constantFrom('list', 'object', 'if', 'join', 'sub', 'select', 'base64'), { minLength: 1, maxLength: 4 }), value)
  .map(([levels, kinds, leaf]) => {
    let v: unknown = leaf;
    for (let i = 0; i < levels; i++) {
      switch (kinds[i % kinds.length]) {
        case 'list': v = [v]; break;
        case 'object': v = { Statement: v }; break;
        case 'if': v = { 'Fn::If': ['C1', v, '*'] }; break;
        case 'join': v = { 'Fn::Join': ['', [v, ':']] }; break;
        case 'sub': v = { 'Fn::Sub': ['${X}${X}', { X: v }] }; break;
        case 'select': v = { 'Fn::Select': [0, [v]] }; break;
        default: v = { 'Fn::Base64': v };
      }
    }
    return v;
  });

const anything = fc.oneof({ arbitrary: value, weight: 8 }, { arbitrary: deep, weight: 1 });
const listOf = <T>(arb: fc.Arbitrary<T>) => fc.oneof(fc.array(arb, { maxLength: 4 }), arb, anything);

/** How templates name IAM resources: references, imports, names, ARNs, rendered ARNs. */
const reference = fc.oneof(
  fc.constantFrom(...RESOURCE_IDS).map(id => ({ Ref: id })),
  fc.constantFrom(...RESOURCE_IDS).map(id => ({ 'Fn::GetAtt': [id, 'Arn'] })),
  fc.constantFrom('Managed1', 'Managed2').map(id => ({ 'Fn::GetAtt': [id, 'PolicyArn'] })),
  fc.constantFrom(...EXPORTS).map(e => ({ 'Fn::ImportValue': e })),
  fc.constantFrom(...NAMES, ...ARNS),
  fc.constantFrom(...NAMES).map(n => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${n}` })),
  fc.constantFrom(...NAMES).map(n => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:policy/${n}`]] })),
  fc.constantFrom(...PARAMETERS).map(p => ({ Ref: p })),
  fc.constantFrom(...CONDITIONS).map(c => ({ 'Fn::If': [c, { Ref: 'Role1' }, { Ref: 'AWS::NoValue' }] })),
  anything,
);

const principal = fc.oneof(
  fc.constant('*'),
  listOf(fc.constantFrom('*', 'arn:aws:iam::222222222222:root', '333333333333', 'arn:aws:iam::111111111111:role/r1')).map(aws => ({ AWS: aws })),
  listOf(fc.constantFrom('lambda.amazonaws.com', 'ec2.amazonaws.com', 'sns.amazonaws.com', 'codebuild.amazonaws.com')).map(s => ({ Service: s })),
  fc.constantFrom('cognito-identity.amazonaws.com', 'accounts.google.com', 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com')
    .map(f => ({ Federated: f })),
  fc.constantFrom(...CONDITIONS).map(c => ({ 'Fn::If': [c, '*', { Service: 'lambda.amazonaws.com' }] })),
  anything,
);

const condition = fc.oneof(
  fc.constant({ StringEquals: { 'aws:PrincipalOrgID': 'o-123' } }),
  fc.constant({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/*' } }),
  fc.constant({ StringEquals: { 'sts:ExternalId': { Ref: 'PString' } } }),
  fc.constant({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
  fc.constant({ StringEquals: { 'aws:ResourceTag/team': 'a' } }),
  fc.constant({ 'Fn::GetAtt': ['Json1', 'Value'] }),
  anything,
);

const statement = fc.record({
  Effect: fc.oneof({ arbitrary: fc.constant('Allow'), weight: 6 }, { arbitrary: fc.constantFrom('Deny', 'allow', 'Maybe'), weight: 1 }, { arbitrary: anything, weight: 1 }),
  Action: listOf(fc.oneof({ arbitrary: fc.constantFrom(...ACTIONS), weight: 5 }, { arbitrary: anything, weight: 1 })),
  NotAction: listOf(fc.constantFrom(...ACTIONS)),
  Resource: listOf(fc.oneof({ arbitrary: fc.constantFrom(...RESOURCES), weight: 5 }, { arbitrary: anything, weight: 2 })),
  NotResource: listOf(fc.constantFrom(...RESOURCES)),
  Principal: principal,
  NotPrincipal: principal,
  Condition: condition,
  Sid: fc.string({ maxLength: 5 }),
}, { requiredKeys: ['Effect'] }).chain(s => fc.oneof(
  { arbitrary: fc.constant<unknown>(s), weight: 6 },
  // An If around the whole statement, or an odd casing of its keys.
  { arbitrary: fc.constantFrom(...CONDITIONS).map(c => ({ 'Fn::If': [c, s, { Ref: 'AWS::NoValue' }] })), weight: 2 },
  { arbitrary: fc.constant(Object.fromEntries(Object.entries(s).map(([k, v]) => [k.toUpperCase(), v]))), weight: 1 },
));

const policyDocument = fc.oneof(
  { arbitrary: fc.record({ Version: fc.constant('2012-10-17'), Statement: fc.oneof(statement, fc.array(statement, { maxLength: 4 })) }), weight: 8 },
  // A document given as JSON text (as some constructs and hand-written templates do).
  { arbitrary: fc.record({ Statement: fc.array(statement, { maxLength: 3 }) }).map(d => JSON.stringify(d)), weight: 1 },
  { arbitrary: anything, weight: 1 },
);

const inlinePolicies = listOf(fc.record({
  PolicyName: fc.oneof(fc.constantFrom('p1', 'p2'), anything),
  PolicyDocument: policyDocument,
}, { requiredKeys: [] }));
const principalName = fc.oneof(fc.constantFrom(...NAMES), anything);
const attachments = { Roles: listOf(reference), Users: listOf(reference), Groups: listOf(reference) };

type Props = { [key: string]: fc.Arbitrary<unknown> };
const PROPERTIES: { [type: string]: Props } = {
  [IAM_TYPES.role]: {
    AssumeRolePolicyDocument: policyDocument,
    Policies: inlinePolicies,
    ManagedPolicyArns: listOf(reference),
    PermissionsBoundary: reference,
    RoleName: principalName,
  },
  [IAM_TYPES.user]: {
    UserName: principalName,
    Groups: listOf(reference),
    Policies: inlinePolicies,
    ManagedPolicyArns: listOf(reference),
    PermissionsBoundary: reference,
    LoginProfile: fc.oneof(fc.record({
      Password: fc.oneof(fc.constantFrom(...SECRETS), anything),
      PasswordResetRequired: fc.oneof(fc.boolean(), anything),
    }), anything),
  },
  [IAM_TYPES.group]: { GroupName: principalName, Policies: inlinePolicies, ManagedPolicyArns: listOf(reference) },
  [IAM_TYPES.policy]: { PolicyName: anything, PolicyDocument: policyDocument, ...attachments },
  [IAM_TYPES.managedPolicy]: { ManagedPolicyName: principalName, PolicyDocument: policyDocument, ...attachments },
  [IAM_TYPES.rolePolicy]: { RoleName: reference, PolicyName: anything, PolicyDocument: policyDocument },
  [IAM_TYPES.userPolicy]: { UserName: reference, PolicyName: anything, PolicyDocument: policyDocument },
  [IAM_TYPES.groupPolicy]: { GroupName: reference, PolicyName: anything, PolicyDocument: policyDocument },
  [IAM_TYPES.userToGroup]: { GroupName: reference, Users: listOf(reference) },
  [IAM_TYPES.instanceProfile]: { Roles: listOf(reference), InstanceProfileName: anything },
  'AWS::IAM::AccessKey': { UserName: reference },
  'AWS::Lambda::Function': {
    Role: reference,
    Environment: fc.oneof(fc.record({ Variables: fc.dictionary(fc.constantFrom('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'SECRET', 'X', 'token'), fc.oneof(fc.constantFrom(...SECRETS), anything), { maxKeys: 3 }) }), anything),
  },
  'AWS::SSM::Parameter': { Type: fc.constantFrom('String', 'StringList', 'SecureString'), Value: fc.oneof(fc.constantFrom(...SECRETS), anything) },
  'AWS::EC2::Instance': { UserData: fc.oneof(fc.constantFrom(...SECRETS).map(s => ({ 'Fn::Base64': { 'Fn::Sub': `export KEY=${s}\n\${AWS::Region}` } })), anything), IamInstanceProfile: anything },
  'AWS::ECS::TaskDefinition': { ContainerDefinitions: listOf(fc.record({ Name: anything, Environment: listOf(fc.record({ Name: fc.constantFrom('AWS_SECRET_ACCESS_KEY', 'X'), Value: fc.oneof(fc.constantFrom(...SECRETS), anything) })) })) },
  'AWS::S3::BucketPolicy': { PolicyDocument: policyDocument, Bucket: anything },
  'AWS::KMS::Key': { KeyPolicy: policyDocument },
  'Custom::AWSCDKCfnJson': { Value: fc.oneof(fc.constant('{"a:sub":"x","b":["*"]}'), fc.constant('['.repeat(5_000) + ']'.repeat(5_000)), anything) },
  'AWS::SQS::Queue': { QueueName: anything },
};
const TYPES = Object.keys(PROPERTIES);

const resource = fc.constantFrom(...TYPES).chain(type => fc.oneof(
  { arbitrary: fc.record(PROPERTIES[type], { requiredKeys: [] }).map(Properties => ({ Type: type, Properties })), weight: 12 },
  // Odd shapes: properties that are not an object, a type that is not a string, no properties.
  { arbitrary: anything.map(Properties => ({ Type: type, Properties })), weight: 1 },
  { arbitrary: fc.constantFrom({ Type: type }, { Type: 42 }, null, 'resource', { Type: type, Properties: null, Condition: 'C1' }), weight: 1 },
));

const parameters = fc.subarray([
  ['PString', { Type: 'String' }],
  ['PStar', { Type: 'String', Default: '*' }],
  ['PList', { Type: 'CommaDelimitedList', Default: 'arn:aws:s3:::a, *' }],
  ['PAllowed', { Type: 'String', AllowedValues: ['*', 'arn:aws:s3:::b', 'r1'], Default: 'r1' }],
  ['PSsm', { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/p' }],
  ['PNumber', { Type: 'Number', Default: 3 }],
  ['PLoop', { Type: 'String', Default: { 'Fn::Sub': '${PLoop}${PLoop}' } }],
] as Array<[string, unknown]>).map(entries => Object.fromEntries(entries));

const mappings = fc.record({
  M1: fc.constant({ 'us-east-1': { Arn: 'arn:aws:s3:::a', Action: 's3:GetObject' }, 'eu-west-1': { Arn: '*', Action: ['iam:PassRole'] } }),
  M2: fc.dictionary(fc.constantFrom('us-east-1', 'eu-west-1', 'x'), fc.dictionary(fc.constantFrom('Arn', 'Action'), value, { maxKeys: 2 }), { maxKeys: 3 }),
}, { requiredKeys: [] });

const outputs = fc.array(fc.record({
  Value: fc.oneof(fc.constantFrom(...RESOURCE_IDS).map(id => ({ Ref: id })), reference, anything),
  Export: fc.record({ Name: fc.oneof(fc.constantFrom(...EXPORTS), anything) }),
}, { requiredKeys: ['Value'] }), { maxLength: 3 }).map(list => Object.fromEntries(list.map((o, i) => [`Out${i}`, o])));

const templateArb = fc.record({
  Parameters: parameters,
  Mappings: mappings,
  Conditions: fc.constant(Object.fromEntries(CONDITIONS.slice(0, 5).map(c => [c, { 'Fn::Equals': ['a', 'b'] }]))),
  Resources: fc.uniqueArray(fc.tuple(fc.constantFrom(...RESOURCE_IDS, 'Other1', 'Other2', 'Other3'), resource), { maxLength: 8, selector: ([id]) => id })
    .map(entries => Object.fromEntries(entries)),
  Outputs: outputs,
}, { requiredKeys: ['Resources'] });

/** One to three stacks; the second is sometimes a nested stack of the first. */
const passedParameters = fc.record({ RoleParam: reference, PString: anything }, { requiredKeys: [] });
const app = fc.tuple(fc.array(templateArb, { minLength: 1, maxLength: 3 }), fc.boolean(), passedParameters)
  .map(([templates, nested, passed]): StackTemplateInput[] => templates.map((template, i) => {
    const input: StackTemplateInput = { name: `S${i}`, template, account: i === 2 ? undefined : '111111111111', region: 'us-east-1' };
    if (i === 0 && nested && templates.length > 1) {
      (template.Resources as { [id: string]: unknown }).Nested = { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'x', Parameters: passed } };
    }
    return i === 1 && nested ? { ...input, parent: { name: 'S0', logicalId: 'Nested' } } : input;
  }))
  // Sometimes a template that is not a template at all.
  .chain(inputs => fc.oneof({ arbitrary: fc.constant(inputs), weight: 9 }, { arbitrary: anything.map(t => [...inputs, { name: 'Odd', template: t }]), weight: 1 }));

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

let slowest = 0;
/** With FUZZ_REPORT set: how often each rule fired, to see that the generator reaches them. */
const fired = new Map<string, number>();

test(`generated apps: the model and every rule never throw, ids stay bounded, messages are never empty (${RUNS} runs)`, () => {
  fc.assert(fc.property(app, inputs => {
    const start = cpuMs();
    const findings = evaluateRules(new AppModel(inputs), ALL_RULES);
    const elapsed = cpuMs() - start;
    slowest = Math.max(slowest, elapsed);
    for (const f of findings) {
      fired.set(f.rule.id, (fired.get(f.rule.id) ?? 0) + 1);
      const ruleId = `${RULE_ID_PREFIX}-${f.rule.id}`;
      expect(f.ruleId.startsWith(ruleId)).toBe(true);
      expect(f.ruleId.length).toBeLessThanOrEqual(ruleId.length + MAX_FINDING_LENGTH + 2);
      expect(f.message.trim().length).toBeGreaterThan(0);
    }
    expect(elapsed).toBeLessThan(BUDGET_MS);
  }), { numRuns: RUNS });
  if (process.env.FUZZ_REPORT) {
    const rules = [...fired].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id}:${n}`).join(' ');
    process.stderr.write(`fuzz: ${RUNS} runs, slowest app ${slowest.toFixed(0)} ms CPU; findings per rule: ${rules}\n`);
  }
}, 600_000);

/**
 * The app with a twin of every principal: the same definition under another logical id, named
 * wherever the principal is named in a list (a policy's Roles, a group addition's Users, a
 * statement's Resource), so that twins share their links too; and a copy named nowhere, whose
 * definition is the same but whose links are not.
 */
function withTwins(inputs: readonly StackTemplateInput[]): { inputs: StackTemplateInput[]; twins: number } {
  let twins = 0;
  const out = inputs.map(input => {
    const template = input.template as { Resources?: unknown } | undefined;
    if (!isRecord(template) || !isRecord(template.Resources)) return input;
    const resources = template.Resources;
    const principals = Object.keys(resources).filter(id => {
      const r = resources[id];
      return isRecord(r) && typeof r.Type === 'string' && PRINCIPAL_TYPES.has(r.Type);
    });
    if (principals.length === 0) return input;
    const twinOf = (v: unknown): unknown | undefined => {
      if (!isRecord(v)) return undefined;
      const id = principals.find(p => v.Ref === p || (Array.isArray(v['Fn::GetAtt']) && v['Fn::GetAtt'][0] === p));
      return id === undefined ? undefined : JSON.parse(JSON.stringify(v).split(`"${id}"`).join(`"${id}Twin"`));
    };
    const copy = (v: unknown, depth: number): unknown => {
      if (depth > 500 || v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) {
        const items = v.map(item => copy(item, depth + 1));
        for (const item of v) {
          const twin = twinOf(item);
          if (twin !== undefined) items.push(twin);
        }
        return items;
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x, depth + 1)]));
    };
    const copied = copy(template, 0) as { Resources: { [id: string]: unknown } };
    for (const id of principals) {
      copied.Resources[`${id}Twin`] = JSON.parse(JSON.stringify(copied.Resources[id]));
      // The same definition without the links: named nowhere, so nothing is attached to it.
      copied.Resources[`${id}Alone`] = JSON.parse(JSON.stringify(copied.Resources[id]));
      twins++;
    }
    return { ...input, template: copied };
  });
  return { inputs: out, twins };
}

function isRecord(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

test(`identical principals: evaluating the rules once per set of twins reports exactly what evaluating each does (${RUNS} runs)`, () => {
  let shared = 0;
  let appsWithTwins = 0;
  const describe = (f: RuleFinding) => `${f.resource.stack.name}/${f.resource.logicalId} ${f.ruleId} ${f.level} ${f.message}`;
  fc.assert(fc.property(app, generated => {
    const { inputs, twins } = withTwins(generated);
    if (twins > 0) appsWithTwins++;
    const each = evaluateRules(new AppModel(inputs), ALL_RULES, { shareIdenticalPrincipals: false }).map(describe);
    const once = evaluateRules(new AppModel(inputs), ALL_RULES, { onShared: () => shared++ }).map(describe);
    expect(once).toEqual(each);
  }), { numRuns: RUNS });
  // The generator must reach the shared path, not only apps whose twins differ.
  expect(appsWithTwins).toBeGreaterThan(RUNS / 2);
  expect(shared).toBeGreaterThan(RUNS / 4);
  if (process.env.FUZZ_REPORT) process.stderr.write(`twins: ${appsWithTwins} apps with twins, ${shared} principals shared an outcome\n`);
}, 600_000);
