import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { requireWholeDaysInRange } from './durations';
import {
  GuardrailsValidationError, requireBoolean, requireDuration, requireEmailList, requireEnumMember,
  requireIntegerInRange, requireLogRetention, requireOneOf, requireSchedule,
} from '../../private/validation';

// The synth-time checks of the props of the constructs AccountBaseline builds, one function per
// construct. The construct calls its function with its own class name; AccountBaseline calls the
// same function, before it builds anything, with its own name and the prop the user wrote as
// prefix (`trailOptions.`), so that every error names the prop as the user wrote it.
//
// Only plain data lives here (no construct classes are imported), so that the construct modules
// and AccountBaseline can all import it without import cycles.

/** Who is asking: the construct the error names, its public class name, and a prop-name prefix. */
export interface PropOwner {
  readonly scope: IConstruct;
  readonly construct: string;
  /** Prefix of every prop name, e.g. `trailOptions.`; empty for the construct's own props. */
  readonly prefix?: string;
}

function name(owner: PropOwner, prop: string): string {
  return `${owner.prefix ?? ''}${prop}`;
}

function fail(owner: PropOwner, prop: string, value: unknown, allowed: string): never {
  throw new GuardrailsValidationError(owner.scope, owner.construct, name(owner, prop), value, allowed);
}

function checkBooleans(owner: PropOwner, props: object, keys: readonly string[]): void {
  const values = props as { readonly [key: string]: unknown };
  for (const key of keys) requireBoolean(owner.scope, owner.construct, name(owner, key), values[key]);
}

function checkRemovalPolicy(owner: PropOwner, value: unknown): void {
  requireEnumMember(owner.scope, owner.construct, name(owner, 'removalPolicy'), value,
    RemovalPolicy as unknown as { [member: string]: string }, 'RemovalPolicy');
}

function checkWholeDays(owner: PropOwner, prop: string, value: Duration | undefined, min: number, max: number): void {
  requireWholeDaysInRange(owner.scope, owner.construct, name(owner, prop), value, min, max);
}

/** The password settings shared by StrictPasswordPolicy and IamComplianceRules, with their AWS limits. */
export interface PasswordSettings {
  readonly minimumPasswordLength?: number;
  readonly requireSymbols?: boolean;
  readonly requireNumbers?: boolean;
  readonly requireUppercaseCharacters?: boolean;
  readonly requireLowercaseCharacters?: boolean;
  readonly maxPasswordAge?: Duration;
  readonly passwordReusePrevention?: number;
}

export function checkPasswordSettings(owner: PropOwner, props: PasswordSettings): void {
  requireIntegerInRange(owner.scope, owner.construct, name(owner, 'minimumPasswordLength'), props.minimumPasswordLength, 6, 128, 'characters');
  checkBooleans(owner, props, ['requireSymbols', 'requireNumbers', 'requireUppercaseCharacters', 'requireLowercaseCharacters']);
  checkWholeDays(owner, 'maxPasswordAge', props.maxPasswordAge, 1, 1095);
  requireIntegerInRange(owner.scope, owner.construct, name(owner, 'passwordReusePrevention'), props.passwordReusePrevention, 1, 24, 'passwords');
}

/** StrictPasswordPolicy's props as AccountBaseline forwards them (`passwordPolicyOptions`). */
export function checkPasswordPolicyOptions(owner: PropOwner, props: PasswordSettings & {
  readonly allowUsersToChangePassword?: boolean;
  readonly hardExpiry?: boolean;
  readonly removalPolicy?: RemovalPolicy;
}): void {
  checkPasswordSettings(owner, props);
  checkBooleans(owner, props, ['allowUsersToChangePassword', 'hardExpiry']);
  checkRemovalPolicy(owner, props.removalPolicy);
}

/** About a century: a sanity bound for log ages, not a policy. */
export const MAX_LOG_AGE_DAYS = 36500;

export interface SecurityTrailSettings {
  readonly trailName?: string;
  readonly isOrganizationTrail?: boolean;
  readonly organizationId?: string;
  readonly s3DataEvents?: boolean;
  readonly lambdaDataEvents?: boolean;
  readonly logRetention?: unknown;
  readonly transitionToGlacierAfter?: Duration;
  readonly expireLogsAfter?: Duration;
  readonly removalPolicy?: RemovalPolicy;
}

export function checkSecurityTrailProps(owner: PropOwner, props: SecurityTrailSettings): void {
  const { trailName, organizationId } = props;
  if (trailName !== undefined && !Token.isUnresolved(trailName)
    && (typeof trailName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/.test(trailName))) {
    fail(owner, 'trailName', trailName, '3-128 characters of letters, digits, ".", "_" and "-", starting and ending with a letter or digit');
  }
  checkBooleans(owner, props, ['isOrganizationTrail', 's3DataEvents', 'lambdaDataEvents']);
  if (props.isOrganizationTrail && organizationId === undefined) {
    fail(owner, 'organizationId', organizationId,
      `required when ${name(owner, 'isOrganizationTrail')} is true (the bucket policy must let CloudTrail write AWSLogs/<organizationId>/)`);
  }
  if (!props.isOrganizationTrail && organizationId !== undefined) {
    fail(owner, 'organizationId', organizationId, `only allowed together with ${name(owner, 'isOrganizationTrail')}: true`);
  }
  if (organizationId !== undefined && !Token.isUnresolved(organizationId)
    && (typeof organizationId !== 'string' || !/^o-[a-z0-9]{10,32}$/.test(organizationId))) {
    fail(owner, 'organizationId', organizationId, 'an AWS Organizations id: "o-" followed by 10-32 lowercase letters or digits');
  }
  requireLogRetention(owner.scope, owner.construct, name(owner, 'logRetention'), props.logRetention);
  const transition = props.transitionToGlacierAfter ?? Duration.days(90);
  const expire = props.expireLogsAfter ?? Duration.days(7 * 365);
  checkWholeDays(owner, 'transitionToGlacierAfter', props.transitionToGlacierAfter, 0, MAX_LOG_AGE_DAYS);
  checkWholeDays(owner, 'expireLogsAfter', props.expireLogsAfter, 1, MAX_LOG_AGE_DAYS);
  if (!transition.isUnresolved() && !expire.isUnresolved() && expire.toDays() <= transition.toDays()) {
    fail(owner, 'expireLogsAfter', expire,
      `must be more than ${name(owner, 'transitionToGlacierAfter')} (${transition.toString()}); S3 rejects a lifecycle that expires before it transitions`);
  }
  checkRemovalPolicy(owner, props.removalPolicy);
}

export interface AccessAnalyzerSettings {
  readonly zoneOfTrust?: string;
  readonly analyzerName?: string;
  readonly unusedAccess?: boolean;
  readonly unusedAccessAge?: Duration;
}

/** Suffix of the unused-access analyzer's name when `analyzerName` is given. */
export const UNUSED_ACCESS_SUFFIX = '-unused-access';

export function checkAccessAnalyzerProps(
  owner: PropOwner, props: AccessAnalyzerSettings, zones: { readonly [member: string]: string },
): void {
  requireEnumMember(owner.scope, owner.construct, name(owner, 'zoneOfTrust'), props.zoneOfTrust, zones, 'AnalyzerZoneOfTrust');
  checkBooleans(owner, props, ['unusedAccess']);
  const analyzerName = props.analyzerName;
  const maxLength = 255 - (props.unusedAccess ? UNUSED_ACCESS_SUFFIX.length : 0);
  if (analyzerName !== undefined && !Token.isUnresolved(analyzerName)
    && (typeof analyzerName !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(analyzerName) || analyzerName.length > maxLength)) {
    fail(owner, 'analyzerName', analyzerName, `1-${maxLength} characters: a letter, then letters, digits, ".", "_" or "-"`);
  }
  requireDuration(owner.scope, owner.construct, name(owner, 'unusedAccessAge'), props.unusedAccessAge);
  if (props.unusedAccessAge !== undefined && !props.unusedAccess) {
    fail(owner, 'unusedAccessAge', props.unusedAccessAge, `only allowed together with ${name(owner, 'unusedAccess')}: true`);
  }
  checkWholeDays(owner, 'unusedAccessAge', props.unusedAccessAge, 1, 365);
}

export interface ComplianceRulesSettings extends PasswordSettings {
  readonly maxAccessKeyAge?: Duration;
  readonly maxCredentialUsageAge?: Duration;
  readonly excludePermissionsBoundaryPolicies?: boolean;
  readonly excludeRules?: string[];
  readonly createRecorder?: boolean;
  readonly removalPolicy?: RemovalPolicy;
}

/** IamComplianceRules' props; returns the identifiers to exclude. */
export function checkComplianceRulesProps(
  owner: PropOwner, props: ComplianceRulesSettings, ruleIdentifiers: readonly string[],
): Set<string> {
  checkPasswordSettings(owner, props);
  checkWholeDays(owner, 'maxAccessKeyAge', props.maxAccessKeyAge, 1, 365);
  checkWholeDays(owner, 'maxCredentialUsageAge', props.maxCredentialUsageAge, 1, 365);
  checkBooleans(owner, props, ['excludePermissionsBoundaryPolicies', 'createRecorder']);
  checkRemovalPolicy(owner, props.removalPolicy);
  return checkExcludedRules(owner, props.excludeRules, ruleIdentifiers);
}

function checkExcludedRules(owner: PropOwner, excludeRules: unknown, ruleIdentifiers: readonly string[]): Set<string> {
  const excluded = new Set<string>();
  if (excludeRules === undefined) return excluded;
  if (!Array.isArray(excludeRules)) {
    fail(owner, 'excludeRules', excludeRules, 'must be a list of rule identifiers from IamComplianceRules.RULE_IDENTIFIERS');
  }
  for (const identifier of excludeRules) {
    if (!ruleIdentifiers.includes(identifier)) {
      fail(owner, 'excludeRules', identifier, `allowed values are the rule identifiers (case-sensitive): ${ruleIdentifiers.join(', ')}`);
    }
    excluded.add(identifier);
  }
  if (excluded.size === ruleIdentifiers.length) {
    fail(owner, 'excludeRules', excludeRules, 'leaves no rule to create; exclude fewer rules, or do not use IamComplianceRules');
  }
  return excluded;
}

export interface CredentialAuditSettings {
  readonly schedule?: unknown;
  readonly emails?: string[];
  readonly metricNamespace?: string;
  readonly maxAccessKeyAge?: Duration;
  readonly maxUnusedAge?: Duration;
  readonly rootUsageWindow?: Duration;
  readonly logRetention?: unknown;
}

export function checkCredentialAuditProps(owner: PropOwner, props: CredentialAuditSettings): void {
  requireSchedule(owner.scope, owner.construct, name(owner, 'schedule'), props.schedule);
  requireEmailList(owner.scope, owner.construct, name(owner, 'emails'), props.emails);
  const namespace = props.metricNamespace;
  if (namespace !== undefined && !Token.isUnresolved(namespace) && (typeof namespace !== 'string'
    || namespace.length < 1 || namespace.length > 255 || namespace.includes(':') || namespace.startsWith('AWS/'))) {
    fail(owner, 'metricNamespace', namespace, 'a CloudWatch namespace is 1-255 characters, without ":", and must not start with "AWS/"');
  }
  checkWholeDays(owner, 'maxAccessKeyAge', props.maxAccessKeyAge, 1, 365);
  checkWholeDays(owner, 'maxUnusedAge', props.maxUnusedAge, 1, 365);
  checkWholeDays(owner, 'rootUsageWindow', props.rootUsageWindow, 1, 365);
  requireLogRetention(owner.scope, owner.construct, name(owner, 'logRetention'), props.logRetention);
}

/**
 * A selection of CIS alarms: a non-empty list of distinct members of `SecurityAlarm` (passed in as
 * `all`, so this module does not import the construct). Returns the selection as a set.
 */
export function checkAlarmSelection<T>(owner: PropOwner, prop: string, alarms: unknown, all: readonly T[], labels: readonly string[]): Set<T> {
  if (alarms === undefined) return new Set(all);
  if (!Array.isArray(alarms)) fail(owner, prop, alarms, 'must be a list of SecurityAlarm values');
  if (alarms.length === 0) {
    fail(owner, prop, alarms, `select at least one SecurityAlarm, or leave ${name(owner, prop)} undefined for all of them`);
  }
  const seen = new Set<T>();
  for (const [index, alarm] of alarms.entries()) {
    requireOneOf(owner.scope, owner.construct, `${name(owner, prop)}[${index}]`, alarm, all, labels);
    if (seen.has(alarm)) fail(owner, `${prop}[${index}]`, alarm, 'each alarm may be selected once');
    seen.add(alarm);
  }
  return seen;
}
