/**
 * Least-privilege rules (LP): what identity policies allow, statement by statement.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { POLICY_TYPES, PRINCIPAL_TYPES, ResolvedResource } from './context';
import { grantedBy, locateStatements, StatementLocation } from './locate';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily, sanitizeFinding } from './rule';
import {
  analyzeLeastPrivilege, LeastPrivilegeFindings, LeastPrivilegeTopic, NO_LEAST_PRIVILEGE_FINDINGS, StatementFinding, statementFindings,
} from '../policy/least-privilege';

// Read once: cdk-nag's index exports its enums through getters.
const NOT_APPLICABLE = NagRuleCompliance.NOT_APPLICABLE;

/** Least-privilege findings of every identity policy a resource holds, once per resource and variant. */
function leastPrivilegeOf(r: ResolvedResource): LeastPrivilegeFindings | undefined {
  if (!PRINCIPAL_TYPES.has(r.type) && !POLICY_TYPES.has(r.type)) return undefined;
  return r.memo('least-privilege', computeLeastPrivilege);
}

function computeLeastPrivilege(r: ResolvedResource): LeastPrivilegeFindings {
  if (PRINCIPAL_TYPES.has(r.type)) {
    const parts = r.inlinePolicies().map(p => analyzeLeastPrivilege(p.document));
    return merge(parts);
  }
  // A managed policy used only as a permissions boundary is a ceiling, not a grant.
  return analyzeLeastPrivilege(r.document(), { boundaryOnly: r.isBoundaryOnly() });
}

function merge(parts: readonly LeastPrivilegeFindings[]): LeastPrivilegeFindings {
  if (parts.length === 0) return NO_LEAST_PRIVILEGE_FINDINGS;
  if (parts.length === 1) return parts[0];
  const out: { [key: string]: string[] } = {};
  for (const key of Object.keys(NO_LEAST_PRIVILEGE_FINDINGS)) {
    out[key] = [...new Set(parts.flatMap(p => (p as unknown as { [k: string]: string[] })[key]))];
  }
  return out as unknown as LeastPrivilegeFindings;
}

function lpCheck(pick: (f: LeastPrivilegeFindings) => readonly string[]): (r: ResolvedResource) => NagRuleResult {
  return r => {
    const findings = leastPrivilegeOf(r);
    return findings ? findingsResult(pick(findings), true) : NOT_APPLICABLE;
  };
}

export const allowAllActions = lpCheck(f => f.allowAll);
export const serviceWideOnUnbounded = lpCheck(f => f.serviceWide);
export const wildcardWriteOnUnbounded = lpCheck(f => f.wildcardWrite);
export const allowWithNotAction = lpCheck(f => f.notAction);
export const allowWithNotResource = lpCheck(f => f.notResource);
export const passRoleOnUnbounded = lpCheck(f => f.passRole);
export const unknownActions = lpCheck(f => f.unknownActions);
export const scopedWriteOnUnbounded = lpCheck(f => f.writeOnUnbounded);
export const permissionsManagementOnUnbounded = lpCheck(f => f.permissionsManagement);
export const sensitiveReadOnUnbounded = lpCheck(f => f.sensitiveRead);
export const destructiveWriteOnUnbounded = lpCheck(f => f.destructiveWrite);

/** Where a finding comes from: the statements granting it (a principal's inline policies, or the policy's document), with what they grant. */
function explain(topic: LeastPrivilegeTopic, finding: string | undefined, r: ResolvedResource | undefined) {
  const entries: StatementFinding[] = [];
  const inlineOnly = r !== undefined && PRINCIPAL_TYPES.has(r.type);
  const locations: StatementLocation[] = locateStatements(r, (statement, policy) => {
    if (inlineOnly && policy.resource !== undefined) return false;
    const hit = statementFindings(statement, policy.document).find(f => f.topic === topic && (!finding || sanitizeFinding(f.finding) === finding));
    if (hit) entries.push(hit);
    return hit !== undefined;
  });
  return { locations, entry: entries[0] as StatementFinding | undefined };
}

interface MessageParts {
  /** What is granted, one clause without a period. */
  readonly what: string;
  /** Whether to list the catalog actions a wildcard reaches. */
  readonly listActions?: boolean;
  /** A fix true for the statement that grants it. */
  readonly fix: (entry: StatementFinding | undefined) => string;
}

/**
 * `<what> (granted by policy "P" statement "S"). "<resource>" is unbounded: <why>. <conditions
 * that are present and do not narrow it>. Fix: <fix>`.
 */
function message(topic: LeastPrivilegeTopic, finding: string | undefined, r: ResolvedResource | undefined, parts: MessageParts): string {
  const { locations, entry } = explain(topic, finding, r);
  const out = [`${parts.what}${grantedBy(locations)}.`];
  if (parts.listActions && entry && entry.actions.length > 0) out.push(`It reaches ${entry.actions.join(', ')}.`);
  const judged = entry?.unbounded[0];
  if (judged) out.push(`Judged unbounded: "${judged.resource}": ${judged.why}.`);
  if (entry && entry.conditions.length > 0) out.push(`Its conditions do not narrow it: ${entry.conditions.map(c => c.note).join('; ')}.`);
  out.push(`Fix: ${parts.fix(entry)}`);
  return out.join(' ');
}

const hasCondition = (entry: StatementFinding | undefined, key: string) => entry?.conditions.some(c => c.test.key === key) ?? false;
const onOwnUser = (entry: StatementFinding | undefined) => entry?.unbounded.some(u => u.why.includes('own user')) ?? false;

const FAMILY = RuleFamily.LEAST_PRIVILEGE;

export const LEAST_PRIVILEGE_RULES: readonly GuardrailsRule[] = [
  {
    id: 'LP1',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement grants every action (`"Action": "*"`).',
    explanation: 'Full access defeats least privilege: any leaked credential or bug can do anything in the account. '
      + 'List the actions the workload calls (IAM Access Analyzer can generate them from CloudTrail).',
    check: allowAllActions,
    describe: (f, r) => message('allowAll', f, r, {
      what: 'An Allow statement grants every action ("Action": "*")',
      fix: () => 'list only the actions this principal calls, on the resources it uses; generate them with IAM Access Analyzer policy generation.',
    }),
  },
  {
    id: 'LP2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A service-wide action (`service:*`) is allowed on an unbounded resource.',
    explanation: 'A service-wide wildcard on every resource grants the whole service, including destructive and permission-changing actions.',
    check: serviceWideOnUnbounded,
    describe: (f, r) => message('serviceWide', f, r, {
      what: `${findingSubject(f)} grants the whole service on every resource it acts on`,
      fix: () => 'replace it with the actions the workload calls (e.g. a CDK grant such as bucket.grantRead) and name the resources they act on in Resource.',
    }),
  },
  {
    id: 'LP3',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A wildcard action expands to Write actions that support resource-level permissions, on an unbounded resource.',
    explanation: 'Wildcards grow as AWS adds actions and reach writes the author never meant to grant; on `*` they reach every resource. '
      + 'A wildcard that reaches Permissions-management actions, sensitive reads or destructive writes is reported by LP11, LP12 or LP13 instead.',
    check: wildcardWriteOnUnbounded,
    describe: (f, r) => message('wildcardWrite', f, r, {
      what: `${findingSubject(f)} expands to Write actions that support resource-level permissions, allowed on every resource`,
      listActions: true,
      fix: () => 'name the resources in Resource (the ARNs the workload writes to), and the exact actions instead of the wildcard.',
    }),
  },
  {
    id: 'LP4',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement uses NotAction.',
    explanation: 'Allow with NotAction grants every action except a few, including every action AWS will ever add.',
    check: allowWithNotAction,
    describe: (f, r) => message('notAction', f, r, {
      what: `An Allow statement uses NotAction (${findingSubject(f)}): it grants every other action, now and in the future`,
      fix: () => 'list the allowed actions in Action; use NotAction only in Deny statements.',
    }),
  },
  {
    id: 'LP5',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement uses NotResource.',
    explanation: 'Allow with NotResource grants the actions on every resource except a few, including resources created later.',
    check: allowWithNotResource,
    describe: (f, r) => message('notResource', f, r, {
      what: `An Allow statement uses NotResource (${findingSubject(f)}): it grants its actions on every other resource, including ones created later`,
      fix: () => 'list the allowed resources in Resource; use NotResource only in Deny statements.',
    }),
  },
  {
    id: 'LP6',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: '`iam:PassRole` is allowed on an unbounded resource.',
    explanation: 'Passing any role lets the principal give a service (Lambda, EC2, ECS...) a role stronger than its own and act through it.',
    check: passRoleOnUnbounded,
    describe: (f, r) => message('passRole', f, r, {
      what: 'iam:PassRole is allowed on every role: this principal can hand any role, including an administrator role, to a service it controls',
      fix: entry => (hasCondition(entry, 'iam:passedtoservice')
        ? 'the statement already limits the receiving service with iam:PassedToService, which does not limit the roles: '
          + 'name the roles it passes in Resource (role.grantPassRole(principal)).'
        : 'name the roles it passes in Resource (role.grantPassRole(principal)) and add an iam:PassedToService condition for the service that receives them.'),
    }),
  },
  {
    id: 'LP7',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement names an action or service prefix that does not exist.',
    explanation: 'A misspelled action grants nothing, so the workload fails at run time or someone later widens the policy to make it work.',
    check: unknownActions,
    describe: (f, r) => {
      const locations = locateStatements(r, s => s.effect === 'Allow' && (s.actions ?? []).some(a => sanitizeFinding(`Action::${a}`) === f));
      return `${findingSubject(f)} is not an IAM action (unknown service prefix or action name, checked against the AWS service authorization reference)`
        + `${grantedBy(locations)}. It grants nothing. Fix: correct the spelling; see the Service Authorization Reference for the service.`;
    },
  },
  {
    id: 'LP10',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'A Write action that supports resource-level permissions is allowed on an unbounded resource.',
    explanation: 'The action can be limited to named resources; on `*` it reaches every resource of its type in the account. '
      + 'Permissions-management and destructive writes are reported by LP11 and LP13.',
    check: scopedWriteOnUnbounded,
    describe: (f, r) => message('writeOnUnbounded', f, r, {
      what: `${findingSubject(f)} is allowed on every resource of its type although it supports resource-level permissions`,
      fix: () => 'name the resources it acts on in Resource.',
    }),
  },
  {
    id: 'LP11',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A Permissions-management action (named or through a wildcard) is allowed on an unbounded resource.',
    explanation: 'Permissions-management actions (`s3:PutBucketPolicy`, `kms:PutKeyPolicy`, `iam:PutRolePolicy`, '
      + '`secretsmanager:PutResourcePolicy`...) rewrite who may access a resource; on every resource they let the principal '
      + 'open any of them to itself or to anyone. A user allowed to change its own policies (`user/${aws:username}`) is an administrator.',
    check: permissionsManagementOnUnbounded,
    describe: (f, r) => message('permissionsManagement', f, r, {
      what: `${findingSubject(f)} changes permissions (Permissions management) and is allowed on every resource of its type`,
      listActions: true,
      fix: entry => (onOwnUser(entry)
        ? 'do not let a user change its own policies or boundary: on user/${aws:username} grant only the self-service credential actions '
          + '(iam:ChangePassword, iam:CreateAccessKey, the MFA actions).'
        : 'name the resources whose policies it may change in Resource, or leave policy changes to the deployment role.'),
    }),
  },
  {
    id: 'LP12',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A read of sensitive data (named or through a wildcard) is allowed on every resource, without a condition that narrows it.',
    explanation: 'Reading every object, secret, parameter, table or key (`s3:GetObject`, `secretsmanager:GetSecretValue`, '
      + '`ssm:GetParameter*`, `kms:Decrypt` without `kms:ViaService`, `dynamodb:Scan`...) lets a leaked credential copy all the data of the account.',
    check: sensitiveReadOnUnbounded,
    describe: (f, r) => message('sensitiveRead', f, r, {
      what: `${findingSubject(f)} reads sensitive data and is allowed on every resource of its type`,
      listActions: true,
      fix: entry => (entry?.actions.some(a => a.toLowerCase().startsWith('kms:'))
        ? 'name the keys in Resource (key.grantDecrypt(principal)), or add a kms:ViaService condition so the keys are only used through the service that stores the data.'
        : 'name what it reads in Resource (e.g. bucket.grantRead, secret.grantRead, table.grantReadData, parameter.grantRead).'),
    }),
  },
  {
    id: 'LP13',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A destructive Write that supports resource-level permissions (named or through a wildcard) is allowed on an unbounded resource.',
    explanation: 'Deleting or terminating every resource of a type (`s3:DeleteBucket`, `ec2:TerminateInstances`, `dynamodb:DeleteTable`, '
      + '`kms:ScheduleKeyDeletion`, `logs:DeleteLogGroup`) turns a leaked credential or a bug into data loss across the account.',
    check: destructiveWriteOnUnbounded,
    describe: (f, r) => message('destructiveWrite', f, r, {
      what: `${findingSubject(f)} deletes or ends resources and is allowed on every resource of its type`,
      listActions: true,
      fix: () => 'name the resources it may delete in Resource, or confine it with an aws:ResourceTag condition on a tag the principal cannot set.',
    }),
  },
];
