/**
 * Trust rules (TR): who may assume a role, and resource policies that use NotPrincipal.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IAM_TYPES, ResolvedResource } from './context';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import { hasUnknown } from '../model/intrinsics';
import { ConditionTest, isNarrowingTest, normalizePolicyDocument, PolicyDocument, Statement } from '../policy/document';
import { hasPlaceholder } from '../policy/placeholders';

function trustPolicyOf(r: ResolvedResource): PolicyDocument | undefined {
  if (r.type !== IAM_TYPES.role) return undefined;
  return r.memo('trust-policy', () => normalizePolicyDocument(r.properties.AssumeRolePolicyDocument));
}

function allowStatements(doc: PolicyDocument): Statement[] {
  return doc.statements.filter(s => s.effect === 'Allow');
}

const narrows = isNarrowingTest;

function hasNarrowingTest(statement: Statement, keys: (key: string) => boolean): boolean {
  return statement.conditions.some(t => keys(t.key) && narrows(t));
}

// Condition keys that pin the caller to an organization, account, principal, network or source.
const CALLER_KEYS = new Set([
  'aws:principalorgid', 'aws:principalorgpaths', 'aws:principalaccount', 'aws:principalarn', 'aws:userid', 'aws:username',
  'aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:sourceowner',
  'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceip',
]);

/** TR1: everyone (`*`) may assume the role, and no condition narrows who. */
export function wildcardPrincipal(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  const open = allowStatements(doc).some(s => s.principal?.wildcard && !hasNarrowingTest(s, k => CALLER_KEYS.has(k)));
  return findingsResult(open ? ['Principal::*'] : [], true);
}

/** The account an AWS principal belongs to, or undefined when it is a placeholder or not an account. */
function accountOfPrincipal(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  // A principal nobody knows before deployment (a parameter without a default) may be any account.
  if (hasUnknown(principal)) return principal;
  const match = /^arn:(?:<[^<>]*>|[^:]*):(?:iam|sts)::(\d{12}):/.exec(principal);
  return match ? match[1] : undefined;
}

function isExternalIdOrMfa(test: ConditionTest): boolean {
  const op = test.operator.toLowerCase();
  if (op.endsWith('ifexists')) return false;
  if (test.key === 'sts:externalid') return narrows(test);
  if (test.key === 'aws:multifactorauthpresent') return op === 'bool' && test.values.length > 0 && test.values.every(v => v === 'true');
  if (test.key === 'aws:multifactorauthage') return op.startsWith('numericlessthan') && test.values.length > 0;
  return false;
}

/** TR2: another account (or its root) may assume the role without an external id or MFA. */
export function crossAccountWithoutExternalIdOrMfa(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  const ownAccount = r.account;
  const findings: string[] = [];
  for (const s of allowStatements(doc)) {
    if (!s.principal || s.conditions.some(isExternalIdOrMfa)) continue;
    for (const principal of s.principal.aws) {
      const account = accountOfPrincipal(principal);
      if (account !== undefined && account !== ownAccount) findings.push(`Principal::${principal}`);
    }
  }
  return findingsResult(findings, true);
}

// Web identity providers whose tokens anyone can obtain, with the claim that identifies the subject.
const WELL_KNOWN_WEB_IDENTITY: { [provider: string]: string } = {
  'accounts.google.com': 'accounts.google.com:sub',
  'graph.facebook.com': 'graph.facebook.com:id',
  'www.amazon.com': 'www.amazon.com:user_id',
  'cognito-identity.amazonaws.com': 'cognito-identity.amazonaws.com:aud',
};

function requiredSubjectKey(federated: string, statement: Statement): ((key: string) => boolean) | undefined {
  const known = WELL_KNOWN_WEB_IDENTITY[federated.toLowerCase()];
  if (known) return key => key === known;
  const oidc = /:oidc-provider\/(.+)$/.exec(federated);
  if (oidc) {
    const host = oidc[1].toLowerCase();
    return hasPlaceholder(host) ? key => key.endsWith(':sub') : key => key === `${host}:sub`;
  }
  // A provider created in the app (a Ref) is OIDC when the role is assumed with a web identity.
  const webIdentity = statement.actions?.some(a => a.toLowerCase() === 'sts:assumerolewithwebidentity') ?? false;
  if (hasPlaceholder(federated) && webIdentity) return key => key.endsWith(':sub');
  return undefined;
}

/** TR3: an OIDC (e.g. GitHub Actions) or web identity federation trust without a subject condition. */
export function federationWithoutSubject(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  for (const s of allowStatements(doc)) {
    for (const federated of s.principal?.federated ?? []) {
      const keyCheck = requiredSubjectKey(federated, s);
      if (keyCheck && !hasNarrowingTest(s, keyCheck)) findings.push(`Principal::${federated}`);
    }
  }
  return findingsResult(findings, true);
}

const RESOURCE_POLICY_PROPERTY: { [type: string]: string } = {
  [IAM_TYPES.role]: 'AssumeRolePolicyDocument',
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
};

/** TR4: an Allow statement with NotPrincipal in a trust or resource policy. */
export function allowWithNotPrincipal(r: ResolvedResource): NagRuleResult {
  const property = RESOURCE_POLICY_PROPERTY[r.type];
  if (!property) return NagRuleCompliance.NOT_APPLICABLE;
  const doc = r.memo(`resource-policy:${property}`, () => normalizePolicyDocument(r.properties[property]));
  const findings = allowStatements(doc).flatMap(s => {
    if (!s.notPrincipal) return [];
    const p = s.notPrincipal;
    const names = [...(p.wildcard ? ['*'] : []), ...p.aws, ...p.service, ...p.federated, ...p.canonicalUser];
    return [`NotPrincipal::${names.join(',') || '(empty)'}`];
  });
  return findingsResult(findings, true);
}

// Services that assume a role only for resources in the role's own account (a Lambda function or
// an EC2 instance cannot use another account's role), so the confused-deputy keys add nothing.
const SAME_ACCOUNT_SERVICES = new Set(['lambda.amazonaws.com', 'edgelambda.amazonaws.com', 'ec2.amazonaws.com']);
const SOURCE_KEYS = new Set(['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths']);

/** TR5: a service principal may assume the role without aws:SourceAccount / aws:SourceArn. */
export function serviceWithoutSourceCondition(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  for (const s of allowStatements(doc)) {
    if (hasNarrowingTest(s, k => SOURCE_KEYS.has(k))) continue;
    for (const service of s.principal?.service ?? []) {
      if (!SAME_ACCOUNT_SERVICES.has(service.toLowerCase()) && !hasPlaceholder(service)) findings.push(`Principal::${service}`);
    }
  }
  return findingsResult(findings, true);
}

const FAMILY = RuleFamily.TRUST;

export const TRUST_RULES: readonly GuardrailsRule[] = [
  {
    id: 'TR1',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A role trusts every principal (`*`) without a condition that narrows who (organization, account, principal ARN, source).',
    explanation: 'Any AWS account in the world could assume the role.',
    check: wildcardPrincipal,
    describe: () => 'The role trusts every AWS principal ("Principal": "*") and no condition narrows who. Fix: name the accounts or roles '
      + 'that may assume it, or add a condition on aws:PrincipalOrgID / aws:PrincipalAccount / aws:PrincipalArn.',
  },
  {
    id: 'TR2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A role trusts another account (or its root) without an sts:ExternalId or MFA condition.',
    explanation: 'Without an external id a third party can be tricked into using the role (confused deputy); for people, MFA is the guide\'s requirement.',
    check: crossAccountWithoutExternalIdOrMfa,
    describe: f => `The role trusts ${findingSubject(f)} (another account) without an sts:ExternalId or MFA condition. `
      + 'Fix: for a third party, require the external id they gave you (externalIds: [...]); for people, require '
      + 'aws:MultiFactorAuthPresent: true.',
  },
  {
    id: 'TR3',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A role trusts an OIDC or web identity provider (e.g. GitHub Actions) without a condition on the token subject.',
    explanation: 'Anyone who can get a token from the provider (any GitHub repository, for GitHub Actions) could assume the role.',
    check: federationWithoutSubject,
    describe: f => `The role trusts the identity provider ${findingSubject(f)} without a condition on the token subject (\`sub\`). `
      + 'Fix: add StringEquals/StringLike on "<provider>:sub", e.g. token.actions.githubusercontent.com:sub = repo:my-org/my-repo:ref:refs/heads/main.',
  },
  {
    id: 'TR4',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement in a trust or resource policy uses NotPrincipal.',
    explanation: 'Allow with NotPrincipal grants access to every principal except a few, including anonymous users.',
    check: allowWithNotPrincipal,
    describe: f => `An Allow statement uses NotPrincipal (${findingSubject(f)}): it grants everyone else, including other accounts. `
      + 'Fix: name the allowed principals in Principal.',
  },
  {
    id: 'TR5',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'A role trusts a service principal without an aws:SourceAccount or aws:SourceArn condition (Lambda and EC2 excepted).',
    explanation: 'Without the source condition the service could be used by another account to act with this role (confused deputy).',
    check: serviceWithoutSourceCondition,
    describe: f => `The role trusts ${findingSubject(f)} without an aws:SourceAccount or aws:SourceArn condition. `
      + 'Fix: add a condition naming the account or resource the service acts for (confused-deputy prevention).',
  },
];
