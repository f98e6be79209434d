// Property-based tests over generated policy documents: every rule must stay total (never throw),
// and the analysis must be monotone: adding a Deny never adds a finding, removing an Allow
// statement never adds a finding. (Removing a Deny may, by design: Denies are subtracted.)
import * as fc from 'fast-check';
import { AppModel } from '../../src/model/app-model';
import { ALL_RULES } from '../../src/rules';
import { evaluateRules } from '../../src/rules/engine';

const ACTIONS = [
  '*', '*:*', 's3:*', 's3:Get*', 'S3:getobject', 's3:PutObject', 'iam:PassRole', 'iam:pass*', 'iam:*', 'iam:PutRolePolicy',
  'iam:CreateAccessKey', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'ec2:RunInstances', 'sts:AssumeRole',
  'xray:PutTraceSegments', 'cloudwatch:PutMetricData', 's3:GetObjekt', 'nope:Action', 'ssm:SendCommand', 'ec2:Describe*',
  'iam:*Policy*', 'lambda:UpdateFunctionCode',
];
const RESOURCES: unknown[] = [
  '*', 'arn:aws:s3:::b/*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::*:role/app-*',
  { 'Fn::GetAtt': ['Bucket', 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] },
  { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/*']] }, { Ref: 'Param' },
];
const CONDITIONS: unknown[] = [
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { StringEquals: { 'aws:PrincipalOrgID': 'o-abc', 'sts:ExternalId': 'x' } },
  { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/repo:*' } },
  { StringEquals: { 'aws:SourceAccount': '111111111111' } },
  { StringEquals: { 'aws:ResourceTag/team': 'payments' } },
];
const PRINCIPALS: unknown[] = [
  '*', { AWS: '*' }, { AWS: 'arn:aws:iam::222222222222:root' }, { AWS: '123456789012' }, { Service: 'ecs-tasks.amazonaws.com' },
  { Service: ['lambda.amazonaws.com', 'states.amazonaws.com'] }, { Federated: 'arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com' },
  { Federated: { Ref: 'Provider' } }, { AWS: { 'Fn::GetAtt': ['Other', 'Arn'] } },
];

const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));

const identityStatement = (effect: fc.Arbitrary<string>) => fc.record({
  Effect: effect,
  ['__action']: fc.constantFrom('Action', 'NotAction'),
  actions: oneOrMany(fc.constantFrom(...ACTIONS)),
  ['__resource']: fc.constantFrom('Resource', 'Resource', 'NotResource'),
  resources: oneOrMany(fc.constantFrom(...RESOURCES)),
  condition: fc.option(fc.constantFrom(...CONDITIONS), { nil: undefined }),
}).map(s => ({
  Effect: s.Effect,
  [s.__action]: s.actions,
  [s.__resource]: s.resources,
  ...(s.condition ? { Condition: s.condition } : {}),
}));

const trustStatement = (effect: fc.Arbitrary<string>) => fc.record({
  Effect: effect,
  principalKey: fc.constantFrom('Principal', 'Principal', 'Principal', 'NotPrincipal'),
  principal: fc.constantFrom(...PRINCIPALS),
  Action: fc.constantFrom('sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', ['sts:AssumeRole', 'sts:TagSession']),
  condition: fc.option(fc.constantFrom(...CONDITIONS), { nil: undefined }),
}).map(s => ({ Effect: s.Effect, [s.principalKey]: s.principal, Action: s.Action, ...(s.condition ? { Condition: s.condition } : {}) }));

const ALLOW_OR_DENY = fc.constantFrom('Allow', 'Allow', 'Deny');
const statements = (arb: fc.Arbitrary<object>) => fc.array(arb, { minLength: 0, maxLength: 4 });

interface Documents {
  trust: object[];
  inline: object[];
  attached: object[];
  userAttached: object[];
  standalone: object[];
  boundary?: object[];
}
type DocKey = Exclude<keyof Documents, 'boundary'>;
const DOC_KEYS: DocKey[] = ['trust', 'inline', 'attached', 'userAttached', 'standalone'];

const documents: fc.Arbitrary<Documents> = fc.record({
  trust: statements(trustStatement(ALLOW_OR_DENY)),
  inline: statements(identityStatement(ALLOW_OR_DENY)),
  attached: statements(identityStatement(ALLOW_OR_DENY)),
  userAttached: statements(identityStatement(ALLOW_OR_DENY)),
  standalone: statements(identityStatement(ALLOW_OR_DENY)),
  boundary: fc.option(statements(identityStatement(ALLOW_OR_DENY)), { nil: undefined }),
});

/** A statement list as CloudFormation accepts it: a single statement may be a bare object. */
const asDoc = (list: object[]) => ({ Version: '2012-10-17', Statement: list.length === 1 ? list[0] : list });

/** Every finding of every rule on every resource, as `logicalId ruleId` strings, read as the packs read a template. */
function findingsOf(docs: Documents): Set<string> {
  const resources: { [id: string]: object } = {
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: asDoc(docs.trust),
        Policies: [{ PolicyName: 'inline', PolicyDocument: asDoc(docs.inline) }],
        ...(docs.boundary ? { PermissionsBoundary: { Ref: 'Boundary' } } : {}),
      },
    },
    Attached: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'attached', PolicyDocument: asDoc(docs.attached), Roles: [{ Ref: 'Role' }] } },
    User: { Type: 'AWS::IAM::User', Properties: {} },
    UserAttached: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: asDoc(docs.userAttached), Users: [{ Ref: 'User' }] } },
    Standalone: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: asDoc(docs.standalone) } },
  };
  if (docs.boundary) resources.Boundary = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: asDoc(docs.boundary) } };
  const model = new AppModel([{ name: 'S', account: '111111111111', template: { Parameters: { Param: { Type: 'String', Default: 'arn:aws:s3:::data' } }, Resources: resources } }]);
  return new Set(evaluateRules(model, ALL_RULES).map(f => `${f.resource.logicalId} ${f.ruleId}`));
}

const isSubset = (a: Set<string>, b: Set<string>) => [...a].every(x => b.has(x));

// Not monotone by design: LP15 reports grants a narrower boundary makes dead (a boundary Allow
// removed or a boundary Deny added kills more grants), and PE4 compares a principal with the roles
// and groups it can reach (a principal that loses permissions is weaker than the admin role it can
// still pass). Both are still checked for totality.
const NON_MONOTONE = /-(LP15|PE4)(\[|$)/;
const monotone = (findings: Set<string>) => new Set([...findings].filter(f => !NON_MONOTONE.test(f)));
const RUNS = { numRuns: 200 };

test('no rule throws on generated documents', () => {
  fc.assert(fc.property(documents, docs => {
    findingsOf(docs);
  }), RUNS);
});

test('adding a Deny statement never adds a finding', () => {
  const denyStatement = fc.oneof(identityStatement(fc.constant('Deny')), trustStatement(fc.constant('Deny')));
  fc.assert(fc.property(documents, fc.constantFrom(...DOC_KEYS, 'boundary' as const), denyStatement, (docs, key, deny) => {
    const before = monotone(findingsOf(docs));
    const changed: Documents = { ...docs, [key]: [...(docs[key] ?? []), deny] };
    if (key === 'boundary' && !docs.boundary) return;
    const after = monotone(findingsOf(changed));
    expect([...after].filter(f => !before.has(f))).toEqual([]);
  }), RUNS);
});

test('removing an Allow statement never adds a finding', () => {
  fc.assert(fc.property(documents, fc.constantFrom(...DOC_KEYS, 'boundary' as const), fc.nat(), (docs, key, pick) => {
    const list = docs[key];
    if (!list) return;
    const allows = list.map((s, i) => [s, i] as const).filter(([s]) => (s as { Effect: string }).Effect === 'Allow');
    if (allows.length === 0) return;
    const drop = allows[pick % allows.length][1];
    const before = monotone(findingsOf(docs));
    const after = monotone(findingsOf({ ...docs, [key]: list.filter((_, i) => i !== drop) }));
    expect(isSubset(after, before) ? [] : [...after].filter(f => !before.has(f))).toEqual([]);
  }), RUNS);
});
