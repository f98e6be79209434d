/**
 * Which conditions narrow what an Allow statement grants, judged from the key, the operator and
 * the values as IAM evaluates them. The decision table is {@link CONDITION_KEYS}; anything not in
 * it narrows nothing (a finding stays, which is the safe side).
 *
 * Operators, as IAM reads them:
 * - a key absent from the request makes a positive operator false, so a positive test on a key
 *   the request always carries (or never carries outside the case it allows) narrows;
 * - `...IfExists` passes when the key is absent: it narrows nothing unless the key is always
 *   present, which this analysis does not assume (conservative);
 * - negated operators (`StringNotEquals`, `ArnNotLike`, ...) allow everything but a few values;
 * - `ForAllValues:` passes on an empty set; `ForAnyValue:` is positive;
 * - `Null` tests presence only (`"true"`: the key is absent, `"false"`: present with any value):
 *   it pins no value, so it narrows nothing;
 * - `StringEquals`/`StringNotEquals` compare literally (a `*` is a star), `StringLike`, `ArnLike`
 *   and `ArnEquals` read `*` and `?` as wildcards;
 * - a value unknown before deployment (`<?Parameter:Name>`) may be `*`: it pins nothing.
 */
import { ActionCatalog, ActionInfo } from './catalog';
import { ConditionTest, PolicyDocument, Statement } from './document';
import { globMatch, hasWildcard } from './glob';
import { isUnboundedResource } from './resources';

/** What a key's values are, to judge whether a value pins anything. */
export type ConditionValueKind = 'arn' | 'account' | 'organization' | 'organization-path' | 'oidc-subject' | 'tag' | 'other';

/** One row of the decision table. */
export interface ConditionKeyRow {
  /** Lower-cased key, or a wildcard over keys (`*:resourcetag/*`). */
  readonly key: string;
  readonly values: ConditionValueKind;
  /**
   * Which actions a pinning test on this key bounds as naming resources would; none for keys that
   * limit how, when, where or to which account, but not which resources.
   */
  readonly narrows: 'kms-actions' | 'ecs-actions' | 'every-action' | 'tagged-resources' | 'nothing';
  /** What it limits, for messages. */
  readonly limits: string;
}

/**
 * The decision table (RULES.md lists it): which condition key narrows which least-privilege
 * finding. A row narrows only through a pinning test (see the module comment).
 */
export const CONDITION_KEYS: readonly ConditionKeyRow[] = [
  {
    key: 'kms:viaservice',
    values: 'other',
    narrows: 'kms-actions',
    limits: 'limits KMS use to requests an AWS service makes on the principal\'s behalf; that service\'s own permissions then decide which data is read',
  },
  { key: 'ecs:cluster', values: 'arn', narrows: 'ecs-actions', limits: 'limits ECS actions to the named clusters' },
  { key: 'aws:sourcearn', values: 'arn', narrows: 'every-action', limits: 'limits the statement to requests a service sends for the named resources' },
  { key: 'aws:sourceaccount', values: 'account', narrows: 'every-action', limits: 'limits the statement to requests a service sends for one account\'s resources' },
  {
    key: '*:resourcetag/*',
    values: 'tag',
    narrows: 'tagged-resources',
    limits: 'limits the statement to resources carrying the tag (attribute-based access control), as long as the principal cannot set that tag',
  },
  { key: 'iam:passedtoservice', values: 'other', narrows: 'nothing', limits: 'limits which service a role may be passed to, not which roles' },
  { key: 'aws:resourceaccount', values: 'account', narrows: 'nothing', limits: 'limits the account, not the resources in it' },
  { key: 's3:resourceaccount', values: 'account', narrows: 'nothing', limits: 'limits the account, not the resources in it' },
  { key: 'aws:resourceorgid', values: 'organization', narrows: 'nothing', limits: 'limits the organization, not the resources in it' },
  { key: 'aws:resourceorgpaths', values: 'organization-path', narrows: 'nothing', limits: 'limits the organization, not the resources in it' },
  { key: 'aws:principalarn', values: 'arn', narrows: 'nothing', limits: 'limits who calls, not which resources' },
  { key: 'aws:principalaccount', values: 'account', narrows: 'nothing', limits: 'limits who calls, not which resources' },
  { key: 'aws:principalorgid', values: 'organization', narrows: 'nothing', limits: 'limits who calls, not which resources' },
  { key: 'aws:principalorgpaths', values: 'organization-path', narrows: 'nothing', limits: 'limits who calls, not which resources' },
  { key: '*:sub', values: 'oidc-subject', narrows: 'nothing', limits: 'limits which federated identity calls, not which resources' },
  ...['aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:vpcsourceip', 'aws:securetransport', 'aws:multifactorauthpresent',
    'aws:multifactorauthage', 'aws:currenttime', 'aws:epochtime', 'aws:requestedregion', 'aws:calledvia', 'aws:calledviafirst',
    'aws:calledvialast', 'aws:viaawsservice'].map((key): ConditionKeyRow => ({
    key, values: 'other', narrows: 'nothing', limits: 'limits how, when or from where the call is made, not which resources',
  })),
];

/** The table row of a key, if any. */
export function conditionKeyRow(key: string): ConditionKeyRow | undefined {
  const lower = key.toLowerCase();
  return CONDITION_KEYS.find(row => (hasWildcard(row.key) ? globMatch(row.key, lower) : row.key === lower));
}

/** Why an operator pins nothing, or undefined when it is a positive test. */
export function operatorWeakness(operator: string): string | undefined {
  const op = operator.toLowerCase();
  if (op === '<unresolvable>') return 'its operator cannot be read';
  if (op.endsWith('ifexists')) return `${operator} passes when the key is absent from the request`;
  if (op.startsWith('forallvalues:')) return `${operator} passes when the key has no value`;
  if (op === 'null') return 'Null only tests whether the key is present, not its value';
  if (op.includes('not')) return `${operator} allows every value but the ones listed`;
  return undefined;
}

/** Whether the operator reads `*` and `?` in values as wildcards. */
function readsWildcards(operator: string): boolean {
  const op = operator.toLowerCase();
  return op.includes('like') || op.includes('arn');
}

/**
 * Why a value pins nothing, or undefined when it pins: empty, unknown before deployment, only
 * wildcards, or (for a wildcard operator) a wildcard in the part that matters: the account of an
 * ARN (`arn:aws:iam::*:role/x` is every account's role x), an account or organization id, the
 * organization of a path, the repository of a GitHub subject (`repo:*:ref:refs/heads/main`).
 */
export function valueWeakness(kind: ConditionValueKind, value: string, operator: string): string | undefined {
  if (value.length === 0) return 'its value is empty';
  if (value.includes('<?')) return `its value ${value} is unknown before deployment and may be \`*\``;
  if (!readsWildcards(operator)) return undefined;
  if (/^[*?]+$/.test(value)) return `its value ${value} matches everything`;
  switch (kind) {
    case 'arn': {
      const fields = value.split(':');
      if (fields.length >= 5 && hasWildcard(fields[4])) return `its value ${value} matches any account`;
      if (isUnboundedResource(value)) return `its value ${value} matches every resource of its type`;
      return undefined;
    }
    case 'account':
    case 'organization':
      return hasWildcard(value) ? `its value ${value} matches many ${kind === 'account' ? 'accounts' : 'organizations'}` : undefined;
    case 'organization-path':
      return hasWildcard(value.split('/')[0]) ? `its value ${value} matches any organization` : undefined;
    case 'oidc-subject': {
      const repo = /^repo:([^:]*)/.exec(value);
      if (repo) return hasWildcard(repo[1]) ? `its value ${value} matches any repository` : undefined;
      return hasWildcard(value.split(':')[0]) ? `its value ${value} matches any subject` : undefined;
    }
    default:
      return undefined;
  }
}

/** Why a test pins nothing (operator or a value), or undefined when it pins its key to specific values. */
export function testWeakness(test: ConditionTest): string | undefined {
  const byOperator = operatorWeakness(test.operator);
  if (byOperator) return byOperator;
  if (test.values.length === 0) return 'it lists no value';
  const kind = conditionKeyRow(test.key)?.values ?? 'other';
  for (const value of test.values) {
    const weak = valueWeakness(kind, value, test.operator);
    if (weak) return weak;
  }
  return undefined;
}

/**
 * Whether a test pins its key to specific values, reading key, operator and values as IAM does
 * (see the module comment): reusable by trust and escalation analyses.
 */
export function isPinningTest(test: ConditionTest): boolean {
  return testWeakness(test) === undefined;
}

/** A condition of a statement that a message acknowledges: present, and why it does or does not narrow. */
export interface ConditionNote {
  readonly test: ConditionTest;
  /** `"kms:ViaService" limits ...`; for a test that does not narrow, why. */
  readonly note: string;
}

/** What a statement's conditions do to one action it grants. */
export interface ConditionVerdict {
  /** The test that bounds the action as naming resources would, if any. */
  readonly narrowedBy?: ConditionNote;
  /** Tests of the table that are present and do not narrow this action, with why. */
  readonly notNarrowing: readonly ConditionNote[];
}

const NO_CONDITIONS: ConditionVerdict = Object.freeze({ notNarrowing: [] });

/**
 * Whether the statement's conditions bound `action` as if it named resources. A resource-tag
 * test is undone when the same document lets the principal set that tag ({@link tagSetterOf}).
 */
export function conditionVerdict(statement: Statement, action: ActionInfo, doc: PolicyDocument): ConditionVerdict {
  if (statement.conditions.length === 0) return NO_CONDITIONS;
  const notNarrowing: ConditionNote[] = [];
  for (const test of statement.conditions) {
    const row = conditionKeyRow(test.key);
    if (!row) continue;
    const name = keyAsWritten(test.key);
    const applies = rowApplies(row, action);
    if (!applies) {
      if (row.narrows === 'nothing') notNarrowing.push({ test, note: `"${name}" ${row.limits}` });
      continue;
    }
    const weak = testWeakness(test);
    if (weak) {
      notNarrowing.push({ test, note: `"${name}" would narrow it, but ${weak}` });
      continue;
    }
    if (row.narrows === 'tagged-resources') {
      const tagKey = test.key.slice(test.key.indexOf('/') + 1);
      const setter = tagSetterOf(doc, tagKey);
      if (setter) {
        notNarrowing.push({
          test,
          note: `"${name}" would confine it to tagged resources, but statement ${setter.sid ? `"${setter.sid}"` : `#${setter.index + 1}`} `
            + `of the same policy lets the principal set tag "${tagKey}" itself`,
        });
        continue;
      }
    }
    return { narrowedBy: { test, note: `"${name}" ${row.limits}` }, notNarrowing };
  }
  return notNarrowing.length === 0 ? NO_CONDITIONS : { notNarrowing };
}

function rowApplies(row: ConditionKeyRow, action: ActionInfo): boolean {
  switch (row.narrows) {
    case 'kms-actions': return action.service === 'kms';
    case 'ecs-actions': return action.service === 'ecs';
    case 'every-action':
    case 'tagged-resources': return true;
    default: return false;
  }
}

/** Condition keys are case-insensitive and stored lower-cased: print the usual spelling of known ones. */
function keyAsWritten(key: string): string {
  const known: { [key: string]: string } = {
    'kms:viaservice': 'kms:ViaService',
    'iam:passedtoservice': 'iam:PassedToService',
    'ecs:cluster': 'ecs:cluster',
    'aws:sourcearn': 'aws:SourceArn',
    'aws:sourceaccount': 'aws:SourceAccount',
    'aws:resourceaccount': 'aws:ResourceAccount',
    's3:resourceaccount': 's3:ResourceAccount',
    'aws:resourceorgid': 'aws:ResourceOrgID',
    'aws:resourceorgpaths': 'aws:ResourceOrgPaths',
    'aws:principalarn': 'aws:PrincipalArn',
    'aws:sourceip': 'aws:SourceIp',
    'aws:requestedregion': 'aws:RequestedRegion',
  };
  if (known[key]) return known[key];
  const tag = /^([a-z0-9-]+):resourcetag\/(.*)$/.exec(key);
  return tag ? `${tag[1]}:ResourceTag/${tag[2]}` : key;
}

const TAG_SETTERS = new WeakMap<PolicyDocument, Map<string, Statement | null>>();

/**
 * The Allow statement of a document that lets the principal put tag `tagKey` on resources, if
 * any: a Tagging action (`ec2:CreateTags`, `iam:TagRole`, `s3:PutObjectTagging`, `tag:TagResources`,
 * through wildcards and NotAction too) not limited by `aws:TagKeys` to other keys nor confined to
 * resources already carrying that tag, or any grant conditioned on `aws:RequestTag/<tagKey>`
 * (create-with-tags). Such a principal can tag a resource and then reach it, which undoes
 * attribute-based access control on that key.
 */
export function tagSetterOf(doc: PolicyDocument, tagKey: string): Statement | undefined {
  const key = tagKey.toLowerCase();
  let byKey = TAG_SETTERS.get(doc);
  if (!byKey) {
    byKey = new Map();
    TAG_SETTERS.set(doc, byKey);
  }
  let found = byKey.get(key);
  if (found === undefined) {
    found = doc.statements.find(s => setsTag(s, key)) ?? null;
    byKey.set(key, found);
  }
  return found ?? undefined;
}

function setsTag(statement: Statement, key: string): boolean {
  if (statement.effect !== 'Allow') return false;
  if (statement.conditions.some(t => t.key === `aws:requesttag/${key}` && t.operator.toLowerCase() !== 'null' && !t.operator.toLowerCase().includes('not'))) {
    return true;
  }
  if (!grantsTagging(statement)) return false;
  // Limited to other tag keys.
  const tagKeys = statement.conditions.find(t => t.key === 'aws:tagkeys' && !t.operator.toLowerCase().includes('not') && t.operator.toLowerCase() !== 'null');
  if (tagKeys && !tagKeys.operator.toLowerCase().endsWith('ifexists') && !tagKeys.values.some(v => globMatch(v, key))) return false;
  // Confined to resources already carrying the tag: it cannot put the tag on new ones.
  if (statement.conditions.some(t => /^[a-z0-9-]+:resourcetag\//.test(t.key) && t.key.endsWith(`/${key}`) && isPinningTest(t))) return false;
  return true;
}

function grantsTagging(statement: Statement): boolean {
  if (statement.notActions !== undefined) return true;
  const catalog = ActionCatalog.get();
  return (statement.actions ?? []).some(p => p === '*' || catalog.expand(p).some(info => info.accessLevel === 'Tagging'));
}
