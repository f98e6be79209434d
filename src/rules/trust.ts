/**
 * Trust rules (TR): who may assume a role (everyone, other accounts, OIDC, Cognito identity pools,
 * SAML providers, services), and resource policies that use NotPrincipal.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IAM_TYPES, ResolvedResource, sharedDocument } from './context';
import { statementLabel } from './locate';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import { hasUnknown } from '../model/intrinsics';
import { ActionCatalog } from '../policy/catalog';
import { ConditionTest, isNarrowingTest, PolicyDocument, Statement } from '../policy/document';
import { globMatch, hasWildcard } from '../policy/glob';
import { escalationPaths, isAllActions } from '../policy/permissions';
import { hasPlaceholder } from '../policy/placeholders';

function trustPolicyOf(r: ResolvedResource): PolicyDocument | undefined {
  return r.trustPolicy();
}

const ALLOW_STATEMENTS = new WeakMap<PolicyDocument, readonly Statement[]>();

/** The Allow statements of a document, once per document (roles share their trust policies). */
function allowStatements(doc: PolicyDocument): readonly Statement[] {
  let allows = ALLOW_STATEMENTS.get(doc);
  if (!allows) {
    allows = doc.statements.filter(s => s.effect === 'Allow');
    ALLOW_STATEMENTS.set(doc, allows);
  }
  return allows;
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

// A role's trust policy is read through ResolvedResource.trustPolicy(), which every trust rule shares.
const RESOURCE_POLICY_PROPERTY: { [type: string]: string } = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
};

function readResourcePolicy(r: ResolvedResource): PolicyDocument {
  return sharedDocument(r.properties[RESOURCE_POLICY_PROPERTY[r.type]]);
}

/** TR4: an Allow statement with NotPrincipal in a trust or resource policy. */
export function allowWithNotPrincipal(r: ResolvedResource): NagRuleResult {
  const property = RESOURCE_POLICY_PROPERTY[r.type];
  const doc = r.type === IAM_TYPES.role ? r.trustPolicy()! : property ? r.memo('resource-policy', readResourcePolicy) : undefined;
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
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

const COGNITO = 'cognito-identity.amazonaws.com';
const COGNITO_AMR = `${COGNITO}:amr`;
const COGNITO_AUD = `${COGNITO}:aud`;

/** Whether a statement allows an STS action (`sts:AssumeRoleWithWebIdentity`), as written or by wildcard or NotAction. */
function allowsAction(statement: Statement, action: string): boolean {
  if (statement.actions) return statement.actions.some(a => globMatch(a, action));
  if (statement.notActions) return !statement.notActions.some(a => globMatch(a, action));
  return false;
}

/** The kinds of Cognito identities (`authenticated`, `unauthenticated`) a trust statement admits. */
export interface CognitoAdmission {
  readonly authenticated: boolean;
  readonly unauthenticated: boolean;
}

/**
 * What the statement's `cognito-identity.amazonaws.com:amr` tests let through. The claim is a list
 * (`["authenticated", "<provider>", ...]` or `["unauthenticated"]`), so AWS's pattern is
 * `ForAnyValue:StringLike`; a test that does not narrow (IfExists, negated, ForAllValues, `*`)
 * lets both kinds through, and so does a pattern like `*authenticated`.
 */
export function cognitoAdmission(statement: Statement): CognitoAdmission {
  const tests = statement.conditions.filter(t => t.key === COGNITO_AMR && narrows(t));
  const admits = (kind: string) => tests.every(t => t.values.some(v => globMatch(v, kind)));
  return { authenticated: admits('authenticated'), unauthenticated: admits('unauthenticated') };
}

/** Allow statements of a role's trust that let Cognito identity-pool identities assume it. */
function cognitoStatements(doc: PolicyDocument): Statement[] {
  return allowStatements(doc).filter(s => (s.principal?.federated ?? []).some(f => f.toLowerCase() === COGNITO)
    && allowsAction(s, 'sts:AssumeRoleWithWebIdentity'));
}

/**
 * Whether every identity pool the statement names (its `aud`) is a pool of the app that refuses
 * unauthenticated (guest) identities: then no guest token exists for this role to be assumed with.
 */
function onlyPoolsWithoutGuests(r: ResolvedResource, statement: Statement): boolean {
  const pools = statement.conditions.filter(t => t.key === COGNITO_AUD && narrows(t)).flatMap(t => t.values);
  if (pools.length === 0) return false;
  return pools.every(pool => {
    const target = r.target(pool, 'AWS::Cognito::IdentityPool').resource;
    if (!target) return false;
    const allow = r.view(target).properties.AllowUnauthenticatedIdentities;
    return allow === false || allow === 'false';
  });
}

/** The trust statements that admit guest identities of an identity pool that has them (or may have them). */
function guestStatements(r: ResolvedResource, doc: PolicyDocument): Statement[] {
  return cognitoStatements(doc).filter(s => cognitoAdmission(s).unauthenticated && !onlyPoolsWithoutGuests(r, s));
}

/** What a guest role is allowed that matters, by access level, as written in its policies. */
function guestGrants(r: ResolvedResource): { permissions: string[]; write: string[] } {
  return r.memo('cognito-guest-grants', () => {
    const catalog = ActionCatalog.get();
    const permissions = new Set<string>();
    const write = new Set<string>();
    for (const doc of r.grants()) {
      for (const s of doc.statements) {
        if (s.effect !== 'Allow') continue;
        if (!s.actions) {
          // NotAction allows everything it does not name: permissions management included.
          if (s.notActions) permissions.add(`NotAction:${s.notActions.join(',')}`);
          continue;
        }
        for (const action of s.actions) {
          if (isAllActions(action)) {
            permissions.add(action);
            continue;
          }
          const levels = new Set(catalog.expand(action).map(a => a.accessLevel));
          if (levels.has('Permissions management')) permissions.add(action);
          else if (levels.has('Write')) write.add(action);
        }
      }
    }
    // Escalation paths through write actions (e.g. lambda:UpdateFunctionCode with iam:PassRole) are as bad.
    const escalating = escalationPaths(r.grants(), r.boundary()).flatMap(path => path.actions);
    for (const pattern of write) if (escalating.some(action => globMatch(pattern, action))) permissions.add(pattern);
    return { permissions: [...permissions], write: [...write].filter(a => !permissions.has(a)) };
  });
}

/**
 * TR6: a Cognito identity-pool role that guest (unauthenticated) identities can assume when it is
 * meant for authenticated ones (no `amr` condition), or a guest role that may manage permissions
 * or escalate. A missing `aud` is TR3's finding (one finding per problem).
 */
export function cognitoRoleWithoutAmr(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = cognitoStatements(doc);
  if (statements.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  const guests = guestStatements(r, doc);
  if (guests.some(s => cognitoAdmission(s).authenticated)) findings.push('Amr::AnyIdentity');
  if (guests.length > 0) findings.push(...guestGrants(r).permissions.map(a => `Unauthenticated::${a}`));
  return findingsResult(findings, true);
}

/** TR8: a role guest (unauthenticated) identities of a Cognito identity pool can assume holds write access. */
export function cognitoGuestRoleWithWrite(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  if (cognitoStatements(doc).length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  if (guestStatements(r, doc).length === 0) return NagRuleCompliance.COMPLIANT;
  return findingsResult(guestGrants(r).write.map(a => `Unauthenticated::${a}`), true);
}

/** The AWS sign-in endpoints that consume SAML assertions for the console and STS. */
// Global and regional (`https://<region>.signin.aws.amazon.com/saml`) endpoints of every partition,
// as aws-cdk-lib's RegionInfo.samlSignOnUrl lists them.
const SIGNIN_ENDPOINT = /^https:\/\/(?:[a-z0-9-]+\.)?signin\.(?:aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com|c2shome\.ic\.gov|sc2shome\.sgov\.gov)\/saml$/i;

/** Whether a federated principal is a SAML provider: by ARN, by a resource of the app, or by the action. */
function isSamlProvider(r: ResolvedResource, federated: string, statement: Statement): boolean {
  if (federated.includes(':saml-provider/')) return true;
  if (!hasPlaceholder(federated)) return false;
  if (r.target(federated, 'AWS::IAM::SAMLProvider').resource) return true;
  return statement.actions?.some(a => a.toLowerCase() === 'sts:assumerolewithsaml') ?? false;
}

/** Why a SAML trust statement does not pin `SAML:aud` to a sign-in endpoint, or undefined when it does. */
export function samlAudienceProblem(statement: Statement): string | undefined {
  const tests = statement.conditions.filter(t => t.key === 'saml:aud');
  if (tests.length === 0) return 'has no SAML:aud condition';
  const pinning = tests.filter(narrows);
  if (pinning.length === 0) {
    return `has a SAML:aud condition that does not pin it (${tests.map(t => `${t.operator} ${t.values.join(', ') || '(no value)'}`).join('; ')})`;
  }
  // Every narrowing test must hold, so one that allows only sign-in endpoints is enough.
  const pinsSignIn = pinning.some(t => t.values.every(v => !hasWildcard(v) && SIGNIN_ENDPOINT.test(v.replace(/<[^<>?]*>/g, 'region'))));
  if (pinsSignIn) return undefined;
  const values = pinning.flatMap(t => t.values);
  return values.some(hasWildcard)
    ? `pins SAML:aud with a wildcard (${values.join(', ')}), which matches any URL that ends alike`
    : `pins SAML:aud to ${values.join(', ')}, not an AWS sign-in endpoint`;
}

/** TR7: a SAML-federated trust without a `SAML:aud` condition pinning the AWS sign-in endpoint. */
export function samlWithoutAudience(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  let saml = false;
  for (const s of allowStatements(doc)) {
    for (const federated of s.principal?.federated ?? []) {
      if (!isSamlProvider(r, federated, s)) continue;
      saml = true;
      if (samlAudienceProblem(s) !== undefined) findings.push(`Principal::${federated}`);
    }
  }
  return findingsResult(findings, saml);
}

/** `trust policy statement "Sid"` (or `#n`) for the Allow statements that match, for messages. */
function trustStatements(r: ResolvedResource | undefined, matches: (s: Statement) => boolean): Statement[] {
  const doc = r ? trustPolicyOf(r) : undefined;
  return doc ? allowStatements(doc).filter(matches) : [];
}

function labelsOf(statements: readonly Statement[]): string {
  return statements.map(statementLabel).join(', ');
}

function describeCognito(finding: string | undefined, r: ResolvedResource | undefined): string {
  const statements = labelsOf(trustStatements(r, s => cognitoStatements({ statements: [s] }).length > 0));
  const where = statements ? `trust policy ${statements}` : 'the trust policy';
  if (finding === 'Amr::AnyIdentity') {
    return `The role trusts Cognito identity-pool identities (${where}) without limiting them to authenticated ones: guest `
      + '(unauthenticated) identities of the pool can assume it too. Fix: add "ForAnyValue:StringLike": { '
      + '"cognito-identity.amazonaws.com:amr": "authenticated" } (and StringEquals on cognito-identity.amazonaws.com:aud for the pool), '
      + 'or give guests their own role limited to what they need.';
  }
  const action = findingSubject(finding);
  return `Guest (unauthenticated) identities of a Cognito identity pool can assume the role (${where}), and it is allowed ${action}, `
    + 'which manages permissions or leads to privilege escalation: anyone on the internet can get these credentials. '
    + 'Fix: remove the action from the role (grant it to an authenticated role, with "ForAnyValue:StringLike" amr = authenticated), '
    + 'or require authenticated identities.';
}

function describeSaml(finding: string | undefined, r: ResolvedResource | undefined): string {
  const provider = findingSubject(finding);
  const statements = trustStatements(r, s => (s.principal?.federated ?? []).includes(provider) && samlAudienceProblem(s) !== undefined);
  const problems = statements.map(s => `${statementLabel(s)} ${samlAudienceProblem(s)}`);
  const what = problems.length > 0 ? `trust policy ${problems.join('; ')}` : 'the trust does not pin SAML:aud to the AWS sign-in endpoint';
  return `The role trusts the SAML provider ${provider}, and ${what}: assertions the identity provider issues for other `
    + 'service providers could be used to assume it. Fix: add StringEquals on SAML:aud = https://signin.aws.amazon.com/saml '
    + '(or the regional https://<region>.signin.aws.amazon.com/saml); iam.SamlConsolePrincipal adds it.';
}

/**
 * TR9: a trust statement allows every STS action (`*`, `sts:*`, or NotAction): besides assuming the
 * role, the trusted principal may set session tags (`sts:TagSession`), which attribute-based
 * policies trust, and the source identity CloudTrail records (`sts:SetSourceIdentity`).
 */
export function trustAllowsEveryAction(r: ResolvedResource): NagRuleResult {
  const doc = trustPolicyOf(r);
  if (!doc) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  for (const s of allowStatements(doc)) {
    if (s.notActions !== undefined) findings.push(`NotAction::${s.notActions.join(',') || '(empty)'}`);
    for (const a of s.actions ?? []) if (a === '*' || a.toLowerCase() === 'sts:*') findings.push(`Action::${a}`);
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
  {
    id: 'TR6',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A Cognito identity-pool role admits guest (unauthenticated) identities without an amr condition, or a guest role may '
      + 'manage permissions or escalate.',
    explanation: 'Without "ForAnyValue:StringLike" cognito-identity.amazonaws.com:amr = authenticated, anyone who gets a guest '
      + 'identity from the pool can assume a role meant for signed-in users; a guest role is anyone\'s.',
    check: cognitoRoleWithoutAmr,
    describe: describeCognito,
  },
  {
    id: 'TR7',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A SAML-federated role does not pin SAML:aud to the AWS sign-in endpoint (or pins it with a wildcard).',
    explanation: 'SAML:aud is the recipient the assertion was issued for; without it, an assertion meant for another service '
      + 'provider of the same identity provider could be replayed to AWS.',
    check: samlWithoutAudience,
    describe: describeSaml,
  },
  {
    id: 'TR8',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'A role that guest (unauthenticated) Cognito identities can assume holds write access.',
    explanation: 'Anyone on the internet can get guest credentials: write access for guests (analytics events, uploads) must be '
      + 'deliberate and scoped to resources and prefixes.',
    check: cognitoGuestRoleWithWrite,
    describe: (f, r) => {
      const statements = labelsOf(trustStatements(r, s => cognitoStatements({ statements: [s] }).length > 0 && cognitoAdmission(s).unauthenticated));
      return `Guest (unauthenticated) identities of a Cognito identity pool can assume the role${statements ? ` (trust policy ${statements})` : ''}, `
        + `and it is allowed ${findingSubject(f)} (write access): anyone on the internet can call it. Fix: keep guest write access to `
        + 'what the app needs (e.g. mobiletargeting:PutEvents on the app\'s project, s3:PutObject on a per-identity prefix '
        + '${cognito-identity.amazonaws.com:sub}/*), or require authenticated identities.';
    },
  },
  {
    id: 'TR9',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'A trust policy allows every STS action (`"Action": "*"`, `sts:*` or NotAction).',
    explanation: 'A trust policy should allow the one way in the principal uses (sts:AssumeRole, AssumeRoleWithWebIdentity or '
      + 'AssumeRoleWithSAML, plus sts:TagSession only where session tags are meant): with every action the principal can also '
      + 'set session tags, which attribute-based policies trust, and the source identity CloudTrail records.',
    check: trustAllowsEveryAction,
    describe: (f, r) => {
      const statements = labelsOf(trustStatements(r, s => s.notActions !== undefined || (s.actions ?? []).some(a => a === '*' || a.toLowerCase() === 'sts:*')));
      return `The trust policy${statements ? ` (${statements})` : ''} allows ${findingSubject(f).startsWith('NotAction') ? 'every STS action but '
        + findingSubject(f).slice('NotAction::'.length) : findingSubject(f)}: the trusted principal may also tag its sessions and set their `
        + 'source identity. Fix: allow only the action it assumes the role with (iam.Role does: sts:AssumeRole, or '
        + 'sts:AssumeRoleWithWebIdentity for OIDC), and sts:TagSession only if session tags are part of the design.';
    },
  },
];
