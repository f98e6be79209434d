/**
 * Least-privilege rules (LP): what identity policies allow, statement by statement.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, isRecord, POLICY_TYPES, PRINCIPAL_TYPES, ResolvedResource, sharedDocument } from './context';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import { analyzeLeastPrivilege, LeastPrivilegeFindings, NO_LEAST_PRIVILEGE_FINDINGS } from '../policy/least-privilege';

/** Least-privilege findings of every identity policy a resource holds, once per resource and variant. */
function leastPrivilegeOf(r: ResolvedResource): LeastPrivilegeFindings | undefined {
  if (!PRINCIPAL_TYPES.has(r.type) && !POLICY_TYPES.has(r.type)) return undefined;
  return r.memo('least-privilege', () => {
    if (PRINCIPAL_TYPES.has(r.type)) {
      const parts = asList(r.properties.Policies)
        .filter(isRecord)
        .map(p => analyzeLeastPrivilege(sharedDocument(p.PolicyDocument)));
      return merge(parts);
    }
    // A managed policy used only as a permissions boundary is a ceiling, not a grant.
    return analyzeLeastPrivilege(r.document(), { boundaryOnly: r.isBoundaryOnly() });
  });
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
    return findings ? findingsResult(pick(findings), true) : NagRuleCompliance.NOT_APPLICABLE;
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
    describe: () => 'An Allow statement grants every action ("Action": "*"). Fix: list only the actions this principal calls, '
      + 'on the resources it uses; generate them with IAM Access Analyzer policy generation.',
  },
  {
    id: 'LP2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A service-wide action (`service:*`) is allowed on an unbounded resource.',
    explanation: 'A service-wide wildcard on every resource grants the whole service, including destructive and permission-changing actions.',
    check: serviceWideOnUnbounded,
    describe: f => `${findingSubject(f)} is allowed on every resource. Fix: replace it with the actions the workload needs `
      + '(e.g. a CDK grant such as bucket.grantRead) and name the resources they act on.',
  },
  {
    id: 'LP3',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A wildcard action expands to Write or Permissions-management actions on an unbounded resource.',
    explanation: 'Wildcards grow as AWS adds actions and reach writes the author never meant to grant; on `*` they reach every resource.',
    check: wildcardWriteOnUnbounded,
    describe: f => `${findingSubject(f)} expands to Write or Permissions-management actions and is allowed on every resource. `
      + 'Fix: name the exact actions, or restrict Resource to the ARNs the workload uses.',
  },
  {
    id: 'LP4',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement uses NotAction.',
    explanation: 'Allow with NotAction grants every action except a few, including every action AWS will ever add.',
    check: allowWithNotAction,
    describe: f => `An Allow statement uses NotAction (${findingSubject(f)}): it grants every other action, now and in the future. `
      + 'Fix: list the allowed actions in Action; use NotAction only in Deny statements.',
  },
  {
    id: 'LP5',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement uses NotResource.',
    explanation: 'Allow with NotResource grants the actions on every resource except a few, including resources created later.',
    check: allowWithNotResource,
    describe: f => `An Allow statement uses NotResource (${findingSubject(f)}): it grants its actions on every other resource. `
      + 'Fix: list the allowed resources in Resource; use NotResource only in Deny statements.',
  },
  {
    id: 'LP6',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: '`iam:PassRole` is allowed on an unbounded resource.',
    explanation: 'Passing any role lets the principal give a service (Lambda, EC2, ECS...) a role stronger than its own and act through it.',
    check: passRoleOnUnbounded,
    describe: () => 'iam:PassRole is allowed on every role: this principal can hand any role, including an administrator role, to a service it controls. '
      + 'Fix: list the ARNs of the roles it must pass (role.grantPassRole(principal)) and add an iam:PassedToService condition.',
  },
  {
    id: 'LP7',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An Allow statement names an action or service prefix that does not exist.',
    explanation: 'A misspelled action grants nothing, so the workload fails at run time or someone later widens the policy to make it work.',
    check: unknownActions,
    describe: f => `${findingSubject(f)} is not an IAM action (unknown service prefix or action name, checked against the AWS service authorization reference). `
      + 'Fix: correct the spelling; see the Service Authorization Reference for the service.',
  },
  {
    id: 'LP10',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'A Write or Permissions-management action that supports resource-level permissions is allowed on an unbounded resource.',
    explanation: 'The action can be limited to named resources; on `*` it reaches every resource of its type in the account.',
    check: scopedWriteOnUnbounded,
    describe: f => `${findingSubject(f)} is allowed on every resource although it supports resource-level permissions. `
      + 'Fix: name the resources it acts on in Resource.',
  },
];
