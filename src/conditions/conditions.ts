import { isIPv4, isIPv6 } from 'node:net';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Typed builders for the "Secure Conditions" of the IAM best-practices guide.
 *
 * Each condition builder returns the object that `PolicyStatement.addConditions` (or the
 * `conditions` prop of `PolicyStatement`) takes, validated so that a typo fails at synth time
 * instead of silently never matching in IAM. The `deny...` builders return the common guardrail
 * form: a Deny statement that applies when the condition is NOT met.
 *
 * Values that are unresolved tokens are passed through without validation.
 *
 * @example
 * const statement = new iam.PolicyStatement({
 *   actions: ['s3:GetObject'],
 *   resources: ['arn:aws:s3:::my-bucket/*'],
 * });
 * statement.addConditions(Conditions.requireMfa(3600));
 */
export class Conditions {
  /**
   * Require that the request was authenticated with MFA (`aws:MultiFactorAuthPresent`), and
   * optionally that the MFA sign-in happened at most `maxAgeSeconds` ago (`aws:MultiFactorAuthAge`).
   *
   * Use this in an Allow statement. Requests signed with long-term access keys carry no
   * `aws:MultiFactorAuthPresent` key at all, so this Allow never matches them, which is intended.
   *
   * @param maxAgeSeconds the longest time since the MFA authentication, in whole seconds (at least 1);
   *                      omit it for no age limit
   */
  public static requireMfa(maxAgeSeconds?: number): { [key: string]: any } {
    const conditions: { [key: string]: any } = {
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    };
    if (maxAgeSeconds !== undefined) {
      if (!Token.isUnresolved(maxAgeSeconds) && (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 1)) {
        throw conditionError('requireMfa', 'maxAgeSeconds', maxAgeSeconds, 'a whole number of seconds, at least 1 (for example 3600)');
      }
      conditions.NumericLessThan = { 'aws:MultiFactorAuthAge': Token.isUnresolved(maxAgeSeconds) ? maxAgeSeconds : String(maxAgeSeconds) };
    }
    return conditions;
  }

  /**
   * Allow only requests from the given source IP ranges (`IpAddress` on `aws:SourceIp`).
   *
   * Note that `aws:SourceIp` is the caller's public address: calls that an AWS service makes on
   * the principal's behalf (for example CloudFormation) come from AWS addresses.
   *
   * @param cidrs IPv4 or IPv6 addresses in CIDR notation, for example `10.0.0.0/8` or `2001:db8::/32`
   *              (a bare address means a single host)
   */
  public static sourceIp(cidrs: string[]): { [key: string]: any } {
    return { IpAddress: { 'aws:SourceIp': validateCidrs('sourceIp', cidrs) } };
  }

  /**
   * Allow only requests sent over TLS (`aws:SecureTransport` true).
   */
  public static secureTransport(): { [key: string]: any } {
    return { Bool: { 'aws:SecureTransport': 'true' } };
  }

  /**
   * Allow only requests made between `start` and `end` (`DateGreaterThan` / `DateLessThan` on
   * `aws:CurrentTime`).
   *
   * @param start ISO-8601 date and time with a time zone, for example `2024-01-01T08:00:00Z`
   * @param end ISO-8601 date and time with a time zone, later than `start`
   */
  public static timeWindow(start: string, end: string): { [key: string]: any } {
    const startMs = parseIsoDateTime('start', start);
    const endMs = parseIsoDateTime('end', end);
    if (startMs !== undefined && endMs !== undefined && startMs >= endMs) {
      throw conditionError('timeWindow', 'end', end, `a time after start '${start}'`);
    }
    return {
      DateGreaterThan: { 'aws:CurrentTime': start },
      DateLessThan: { 'aws:CurrentTime': end },
    };
  }

  /**
   * Allow only principals that belong to the given AWS Organization (`aws:PrincipalOrgID`).
   *
   * @param orgId the organization id, `o-` followed by 10 to 32 lowercase letters or digits
   */
  public static principalOrganization(orgId: string): { [key: string]: any } {
    validateOrgId('principalOrganization', orgId);
    return { StringEquals: { 'aws:PrincipalOrgID': orgId } };
  }

  /**
   * A Deny statement for the given actions when the request was not authenticated with MFA.
   *
   * Uses `BoolIfExists` on `aws:MultiFactorAuthPresent` = false, AWS's recommended form for a
   * Deny: requests signed with long-term access keys carry no MFA key at all, and a plain `Bool`
   * would let them through. Denying every action also denies setting up MFA; to let users enroll
   * their own device, use `SecureGroup`, which carries AWS's force-MFA policy with its exceptions.
   *
   * @param actions the actions to deny without MFA (default: every action, `*`)
   * @param resources the resources the Deny covers (default: every resource, `*`)
   */
  public static denyWithoutMfa(actions?: string[], resources?: string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'DenyWithoutMfa',
      effect: iam.Effect.DENY,
      actions: actionsOrAll('denyWithoutMfa', actions),
      resources: resourcesOrAll('denyWithoutMfa', resources),
      conditions: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    });
  }

  /**
   * A Deny statement for the given actions when the request was not sent over TLS
   * (`aws:SecureTransport` false).
   *
   * In a resource policy (for example a bucket policy), add a principal to the returned statement
   * with `statement.addAnyPrincipal()`.
   *
   * @param actions the actions to deny over plain HTTP (default: every action, `*`)
   * @param resources the resources the Deny covers (default: every resource, `*`)
   */
  public static denyWithoutSecureTransport(actions?: string[], resources?: string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'DenyWithoutSecureTransport',
      effect: iam.Effect.DENY,
      actions: actionsOrAll('denyWithoutSecureTransport', actions),
      resources: resourcesOrAll('denyWithoutSecureTransport', resources),
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  }

  /**
   * A Deny statement for the given actions when the request comes from outside the given IP
   * ranges (`NotIpAddress` on `aws:SourceIp`).
   *
   * The Deny applies only to requests the principal makes directly (`aws:ViaAWSService` false),
   * as in AWS's published example: otherwise every call an AWS service makes on the principal's
   * behalf (CloudFormation, Athena, ...) would come from an AWS address and be denied.
   *
   * @param cidrs the allowed IPv4 or IPv6 ranges in CIDR notation
   * @param actions the actions to deny from other addresses (default: every action, `*`)
   * @param resources the resources the Deny covers (default: every resource, `*`)
   */
  public static denyOutsideSourceIp(cidrs: string[], actions?: string[], resources?: string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'DenyOutsideSourceIp',
      effect: iam.Effect.DENY,
      actions: actionsOrAll('denyOutsideSourceIp', actions),
      resources: resourcesOrAll('denyOutsideSourceIp', resources),
      conditions: {
        NotIpAddress: { 'aws:SourceIp': validateCidrs('denyOutsideSourceIp', cidrs) },
        Bool: { 'aws:ViaAWSService': 'false' },
      },
    });
  }

  private constructor() {
    // Only static builders.
  }
}

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const IPV4_CIDR_PREFIX = /^(?:[0-9]|[12][0-9]|3[0-2])$/;
const IPV6_CIDR_PREFIX = /^(?:[0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function conditionError(method: string, argument: string, value: unknown, allowed: string): Error {
  return new Error(`Conditions.${method}: invalid ${argument} ${JSON.stringify(value)}; expected ${allowed}`);
}

function validateCidrs(method: string, cidrs: string[]): string[] {
  if (Token.isUnresolved(cidrs)) return cidrs;
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    throw conditionError(method, 'cidrs', cidrs, 'at least one IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32');
  }
  cidrs.forEach((cidr, index) => {
    if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
      throw conditionError(method, `cidrs[${index}]`, cidr, 'an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32');
    }
  });
  return cidrs;
}

function isCidr(value: string): boolean {
  if (typeof value !== 'string') return false;
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0) return false;
  if (isIPv4(address)) return prefix === undefined || IPV4_CIDR_PREFIX.test(prefix);
  if (isIPv6(address)) return prefix === undefined || IPV6_CIDR_PREFIX.test(prefix);
  return false;
}

/** Milliseconds since the epoch, or undefined for a token. */
function parseIsoDateTime(argument: string, value: string): number | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const allowed = 'an ISO-8601 date and time with a time zone, such as 2024-01-01T08:00:00Z';
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
  if (!match) throw conditionError('timeWindow', argument, value, allowed);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(part => Number(part ?? 0));
  // Date.parse rolls 2024-02-30 over to March 1st; compare the calendar fields instead.
  const calendar = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1
    && calendar.getUTCDate() === day && calendar.getUTCHours() === hour
    && calendar.getUTCMinutes() === minute && calendar.getUTCSeconds() === second;
  const parsed = Date.parse(value);
  if (!valid || Number.isNaN(parsed)) throw conditionError('timeWindow', argument, value, allowed);
  return parsed;
}

function validateOrgId(method: string, orgId: string): void {
  if (Token.isUnresolved(orgId)) return;
  if (typeof orgId !== 'string' || !ORG_ID.test(orgId)) {
    throw conditionError(method, 'orgId', orgId, 'an AWS Organizations id matching o-[a-z0-9]{10,32}');
  }
}

function actionsOrAll(method: string, actions: string[] | undefined): string[] {
  if (actions === undefined) return ['*'];
  if (!Token.isUnresolved(actions) && actions.length === 0) {
    throw conditionError(method, 'actions', actions, 'at least one action, or omit it to cover every action');
  }
  return actions;
}

function resourcesOrAll(method: string, resources: string[] | undefined): string[] {
  if (resources === undefined) return ['*'];
  if (!Token.isUnresolved(resources) && resources.length === 0) {
    throw conditionError(method, 'resources', resources, 'at least one resource ARN, or omit it to cover every resource');
  }
  return resources;
}
