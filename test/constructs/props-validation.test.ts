import { App, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  AccessAnalyzer, AccountBaseline, AnalyzerZoneOfTrust, BillingAlarm, BoundedRole, CredentialReportAudit, IamComplianceRules,
  RootUsageAlarm, SecureGroup, SecurityAlarm, SecurityAlarms, SecurityTrail,
} from '../../src';

// Every number, boolean, enum, email list, schedule and Duration prop of every construct (but
// StrictPasswordPolicy, tested with its construct) is checked at synth time: the error names the
// construct path, the prop as the user wrote it, the value as JavaScript prints it (NaN, not
// null) and what is allowed. Props typed loosely on purpose (`as any`) are what JavaScript and
// Python callers can pass.

type Factory = (scope: Construct, props: any) => unknown;

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
}

/** The message of the error `make` throws in a new us-east-1 stack, or undefined. */
function errorOf(make: Factory, props: any): string | undefined {
  try {
    make(newStack(), props);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const logGroupOf = (scope: Construct) => new logs.LogGroup(scope, 'CloudTrailLogs');

const CONSTRUCTS: { [name: string]: Factory } = {
  AccessAnalyzer: (s, p) => new AccessAnalyzer(s, 'X', p),
  AccountBaseline: (s, p) => new AccountBaseline(s, 'X', p),
  BillingAlarm: (s, p) => new BillingAlarm(s, 'X', { threshold: 10, ...p }),
  BoundedRole: (s, p) => new BoundedRole(s, 'X', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), ...p }),
  CredentialReportAudit: (s, p) => new CredentialReportAudit(s, 'X', p),
  IamComplianceRules: (s, p) => new IamComplianceRules(s, 'X', p),
  RootUsageAlarm: (s, p) => new RootUsageAlarm(s, 'X', { logGroup: logGroupOf(s), ...p }),
  SecureGroup: (s, p) => new SecureGroup(s, 'X', p),
  SecurityAlarms: (s, p) => new SecurityAlarms(s, 'X', { logGroup: logGroupOf(s), ...p }),
  SecurityTrail: (s, p) => new SecurityTrail(s, 'X', p),
};

const BOOLEAN = 'must be true or false (a boolean, not a string or number)';
const DURATION = 'must be a Duration such as Duration.days(90) (a plain number has no unit)';
const RETENTION = 'must be a logs.RetentionDays value (days): 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999';
const DOLLARS = 'must be a finite number of US dollars greater than 0';
const REMOVAL = 'allowed values are RemovalPolicy.DESTROY (\'destroy\'), RemovalPolicy.RETAIN (\'retain\')';
const FEB_31 = events.Schedule.expression('cron(0 0 31 2 ? *)');

/** [construct, props, the error after "[S/X] <construct>: invalid "]. */
const CASES: Array<[string, any, string]> = [
  ['AccessAnalyzer', { zoneOfTrust: 'BOGUS' }, "zoneOfTrust 'BOGUS'; allowed values are AnalyzerZoneOfTrust.ACCOUNT, AnalyzerZoneOfTrust.ORGANIZATION"],
  ['AccessAnalyzer', { unusedAccess: 'yes' }, `unusedAccess 'yes'; ${BOOLEAN}`],
  ['AccessAnalyzer', { unusedAccess: true, unusedAccessAge: 90 }, `unusedAccessAge 90; ${DURATION}`],

  ['AccountBaseline', { alertEmails: ['a,b@example.com'] }, "alertEmails[0] 'a,b@example.com'; the part before \"@\" may not contain"],
  ['AccountBaseline', { alertEmails: ['ok@example.com', 'user@example..com'] }, "alertEmails[1] 'user@example..com'; the domain must be like example.com"],
  ['AccountBaseline', { billingThreshold: Number.NaN }, `billingThreshold NaN; ${DOLLARS}`],
  ['AccountBaseline', { billingThreshold: Number.POSITIVE_INFINITY }, `billingThreshold Infinity; ${DOLLARS}`],
  ['AccountBaseline', { billingThreshold: -1 }, `billingThreshold -1; ${DOLLARS}`],
  ['AccountBaseline', { passwordPolicy: 'no' }, `passwordPolicy 'no'; ${BOOLEAN}`],
  ['AccountBaseline', { trail: 0 }, `trail 0; ${BOOLEAN}`],
  ['AccountBaseline', { securityAlarms: 'true' }, `securityAlarms 'true'; ${BOOLEAN}`],
  ['AccountBaseline', { accessAnalyzer: 1 }, `accessAnalyzer 1; ${BOOLEAN}`],
  ['AccountBaseline', { complianceRules: 'false' }, `complianceRules 'false'; ${BOOLEAN}`],
  ['AccountBaseline', { billingAlarm: 'yes' }, `billingAlarm 'yes'; ${BOOLEAN}`],
  ['AccountBaseline', { credentialAudit: 'no' }, `credentialAudit 'no'; ${BOOLEAN}`],
  ['AccountBaseline', { alarms: ['CloudWatch.99'] }, "alarms[0] 'CloudWatch.99'; allowed values are SecurityAlarm.ROOT_ACCOUNT_USAGE ('CloudWatch.1')"],
  ['AccountBaseline', { passwordPolicyOptions: { requireSymbols: 'no' } }, `passwordPolicyOptions.requireSymbols 'no'; ${BOOLEAN}`],
  ['AccountBaseline', { passwordPolicyOptions: { minimumPasswordLength: Number.NaN } }, 'passwordPolicyOptions.minimumPasswordLength NaN; allowed range is 6-128 characters'],
  ['AccountBaseline', { passwordPolicyOptions: { maxPasswordAge: 90 } }, `passwordPolicyOptions.maxPasswordAge 90; ${DURATION}`],
  ['AccountBaseline', { passwordPolicyOptions: { passwordReusePrevention: 25 } }, 'passwordPolicyOptions.passwordReusePrevention 25; allowed range is 1-24 passwords'],
  ['AccountBaseline', { passwordPolicyOptions: { hardExpiry: 'yes' } }, `passwordPolicyOptions.hardExpiry 'yes'; ${BOOLEAN}`],
  ['AccountBaseline', { passwordPolicyOptions: { allowUsersToChangePassword: 0 } }, `passwordPolicyOptions.allowUsersToChangePassword 0; ${BOOLEAN}`],
  ['AccountBaseline', { passwordPolicyOptions: { removalPolicy: 'delete' } }, `passwordPolicyOptions.removalPolicy 'delete'; ${REMOVAL}`],
  ['AccountBaseline', { trailOptions: { logRetention: 8 } }, `trailOptions.logRetention 8; ${RETENTION}`],
  ['AccountBaseline', { trailOptions: { expireLogsAfter: 365 } }, `trailOptions.expireLogsAfter 365; ${DURATION}`],
  ['AccountBaseline', { trailOptions: { expireLogsAfter: Duration.days(30) } }, 'trailOptions.expireLogsAfter Duration.days(30); must be more than trailOptions.transitionToGlacierAfter'],
  ['AccountBaseline', { trailOptions: { s3DataEvents: 'true' } }, `trailOptions.s3DataEvents 'true'; ${BOOLEAN}`],
  ['AccountBaseline', { accessAnalyzerOptions: { zoneOfTrust: 'BOGUS' } }, "accessAnalyzerOptions.zoneOfTrust 'BOGUS'; allowed values are AnalyzerZoneOfTrust.ACCOUNT"],
  ['AccountBaseline', { accessAnalyzerOptions: { unusedAccessAge: Duration.days(30) } }, 'accessAnalyzerOptions.unusedAccessAge Duration.days(30); only allowed together with accessAnalyzerOptions.unusedAccess: true'],
  ['AccountBaseline', { complianceRulesOptions: { maxAccessKeyAge: 90 } }, `complianceRulesOptions.maxAccessKeyAge 90; ${DURATION}`],
  ['AccountBaseline', { complianceRulesOptions: { createRecorder: 'yes' } }, `complianceRulesOptions.createRecorder 'yes'; ${BOOLEAN}`],
  ['AccountBaseline', { complianceRulesOptions: { excludeRules: ['NOPE'] } }, "complianceRulesOptions.excludeRules 'NOPE'; allowed values are the rule identifiers"],
  ['AccountBaseline', { credentialAuditOptions: { schedule: FEB_31 } }, "credentialAuditOptions.schedule 'cron(0 0 31 2 ? *)'; it never fires"],
  ['AccountBaseline', { credentialAuditOptions: { logRetention: 1e9 } }, `credentialAuditOptions.logRetention 1000000000; ${RETENTION}`],
  ['AccountBaseline', { credentialAuditOptions: { rootUsageWindow: 30 } }, `credentialAuditOptions.rootUsageWindow 30; ${DURATION}`],
  ['AccountBaseline', { credentialAuditOptions: { emails: ['x@y'] } }, "credentialAuditOptions.emails[0] 'x@y'; the domain must be like example.com"],

  ['BillingAlarm', { threshold: Number.NaN }, `threshold NaN; ${DOLLARS}`],
  ['BillingAlarm', { threshold: '100' }, `threshold '100'; ${DOLLARS}`],
  ['BillingAlarm', { emails: ['a,b@example.com'] }, "emails[0] 'a,b@example.com'; the part before \"@\""],

  ['BoundedRole', { requireMfa: 'yes' }, `requireMfa 'yes'; ${BOOLEAN}`],
  ['BoundedRole', { restrictServicesToStackAccount: 'false' }, `restrictServicesToStackAccount 'false'; ${BOOLEAN}`],
  ['BoundedRole', { maxSessionDuration: 3600 }, `maxSessionDuration 3600; ${DURATION}`],

  ['CredentialReportAudit', { schedule: FEB_31 }, "schedule 'cron(0 0 31 2 ? *)'; it never fires"],
  ['CredentialReportAudit', { schedule: events.Schedule.expression('cron(0 0 31 4 ? *)') }, "schedule 'cron(0 0 31 4 ? *)'; it never fires"],
  ['CredentialReportAudit', { schedule: events.Schedule.expression('cron(0 25 * * ? *)') }, "schedule 'cron(0 25 * * ? *)'; hours '25' is not valid"],
  ['CredentialReportAudit', { schedule: events.Schedule.expression('rate(5 minute)') }, "schedule 'rate(5 minute)'; EventBridge wants the singular unit"],
  ['CredentialReportAudit', { schedule: 'rate(1 day)' }, "schedule 'rate(1 day)'; must be an events.Schedule"],
  ['CredentialReportAudit', { logRetention: 8 }, `logRetention 8; ${RETENTION}`],
  ['CredentialReportAudit', { logRetention: Number.NaN }, `logRetention NaN; ${RETENTION}`],
  ['CredentialReportAudit', { maxAccessKeyAge: 90 }, `maxAccessKeyAge 90; ${DURATION}`],
  ['CredentialReportAudit', { maxUnusedAge: 45 }, `maxUnusedAge 45; ${DURATION}`],
  ['CredentialReportAudit', { emails: ['user@example..com'] }, "emails[0] 'user@example..com'; the domain must be like example.com"],

  ['IamComplianceRules', { requireSymbols: 'no' }, `requireSymbols 'no'; ${BOOLEAN}`],
  ['IamComplianceRules', { requireNumbers: 1 }, `requireNumbers 1; ${BOOLEAN}`],
  ['IamComplianceRules', { requireUppercaseCharacters: 'true' }, `requireUppercaseCharacters 'true'; ${BOOLEAN}`],
  ['IamComplianceRules', { requireLowercaseCharacters: 'false' }, `requireLowercaseCharacters 'false'; ${BOOLEAN}`],
  ['IamComplianceRules', { minimumPasswordLength: Number.NaN }, 'minimumPasswordLength NaN; allowed range is 6-128 characters (whole numbers)'],
  ['IamComplianceRules', { passwordReusePrevention: Number.POSITIVE_INFINITY }, 'passwordReusePrevention Infinity; allowed range is 1-24 passwords'],
  ['IamComplianceRules', { maxPasswordAge: 90 }, `maxPasswordAge 90; ${DURATION}`],
  ['IamComplianceRules', { maxCredentialUsageAge: 45 }, `maxCredentialUsageAge 45; ${DURATION}`],
  ['IamComplianceRules', { excludePermissionsBoundaryPolicies: 'false' }, `excludePermissionsBoundaryPolicies 'false'; ${BOOLEAN}`],
  ['IamComplianceRules', { createRecorder: 'yes' }, `createRecorder 'yes'; ${BOOLEAN}`],
  ['IamComplianceRules', { removalPolicy: 'delete' }, `removalPolicy 'delete'; ${REMOVAL}`],
  ['IamComplianceRules', { excludeRules: 'IAM_GROUP_HAS_USERS_CHECK' }, "excludeRules 'IAM_GROUP_HAS_USERS_CHECK'; must be a list of rule identifiers"],

  ['RootUsageAlarm', { eventBridge: 'yes' }, `eventBridge 'yes'; ${BOOLEAN}`],
  ['RootUsageAlarm', { emails: ['a,b@example.com'] }, "emails[0] 'a,b@example.com'; the part before \"@\""],

  ['SecureGroup', { requireMfa: 'no' }, `requireMfa 'no'; ${BOOLEAN}`],
  ['SecureGroup', { allowSelfServiceCredentials: 0 }, `allowSelfServiceCredentials 0; ${BOOLEAN}`],
  ['SecureGroup', { allowAdministratorAccess: 'false' }, `allowAdministratorAccess 'false'; ${BOOLEAN}`],

  ['SecurityAlarms', { alarms: SecurityAlarm.ROOT_ACCOUNT_USAGE }, "alarms 'CloudWatch.1'; must be a list of SecurityAlarm values"],
  ['SecurityAlarms', { emails: ['security@example.com', 'SECURITY@example.com'] }, "emails[1] 'SECURITY@example.com'; the same address as emails[0]"],

  ['SecurityTrail', { logRetention: 8 }, `logRetention 8; ${RETENTION}`],
  ['SecurityTrail', { logRetention: 1e9 }, `logRetention 1000000000; ${RETENTION}`],
  ['SecurityTrail', { logRetention: Number.NaN }, `logRetention NaN; ${RETENTION}`],
  ['SecurityTrail', { isOrganizationTrail: 'yes', organizationId: 'o-abcdefghij' }, `isOrganizationTrail 'yes'; ${BOOLEAN}`],
  ['SecurityTrail', { s3DataEvents: 'no' }, `s3DataEvents 'no'; ${BOOLEAN}`],
  ['SecurityTrail', { lambdaDataEvents: 1 }, `lambdaDataEvents 1; ${BOOLEAN}`],
  ['SecurityTrail', { transitionToGlacierAfter: 30 }, `transitionToGlacierAfter 30; ${DURATION}`],
  ['SecurityTrail', { expireLogsAfter: 365 }, `expireLogsAfter 365; ${DURATION}`],
  ['SecurityTrail', { removalPolicy: 'delete' }, `removalPolicy 'delete'; ${REMOVAL}`],
];

describe('every construct prop is validated with the construct path, the prop, the value and what is allowed', () => {
  test.each(CASES)('%s %j', (construct, props, expected) => {
    const message = errorOf(CONSTRUCTS[construct], props);
    expect(message).toBeDefined();
    expect(message!.startsWith(`[S/X] ${construct}: invalid ${expected}`)).toBe(true);
    // Never JSON's null for NaN or Infinity.
    expect(message).not.toMatch(/invalid \S+ null/);
  });
});

describe('valid values, undefined and tokens still pass', () => {
  test('AccountBaseline with every option given valid values', () => {
    expect(errorOf(CONSTRUCTS.AccountBaseline, {
      alertEmails: ['security@example.com', 'first.last+alerts@sub.example.co.uk'],
      billingThreshold: 0.5,
      alarms: [SecurityAlarm.ROOT_ACCOUNT_USAGE],
      passwordPolicyOptions: {
        minimumPasswordLength: 20, requireSymbols: false, maxPasswordAge: Duration.days(60), removalPolicy: RemovalPolicy.RETAIN,
      },
      trailOptions: { logRetention: logs.RetentionDays.TWO_YEARS, transitionToGlacierAfter: Duration.days(30), expireLogsAfter: Duration.days(400) },
      accessAnalyzerOptions: { zoneOfTrust: AnalyzerZoneOfTrust.ACCOUNT, unusedAccess: true, unusedAccessAge: Duration.days(60) },
      complianceRulesOptions: { maxAccessKeyAge: Duration.days(45), createRecorder: false, excludeRules: ['IAM_GROUP_HAS_USERS_CHECK'] },
      credentialAuditOptions: {
        schedule: events.Schedule.cron({ minute: '0', hour: '6', weekDay: 'MON-FRI' }),
        logRetention: logs.RetentionDays.INFINITE,
        rootUsageWindow: Duration.days(30),
      },
    })).toBeUndefined();
  });

  test('tokens are not judged at synth time', () => {
    const retention = Lazy.number({ produce: () => 8 });
    expect(errorOf(CONSTRUCTS.SecurityTrail, { logRetention: retention })).toBeUndefined();
    expect(errorOf(CONSTRUCTS.BillingAlarm, { threshold: Lazy.number({ produce: () => -1 }) })).toBeUndefined();
    expect(errorOf(CONSTRUCTS.CredentialReportAudit, {
      logRetention: retention,
      emails: [Lazy.string({ produce: () => 'not an address' })],
      schedule: events.Schedule.rate(Duration.days(Lazy.number({ produce: () => 2 }))),
    })).toBeUndefined();
  });

  test('AccountBaseline forwards nothing it did not check: the same values pass to the parts', () => {
    expect(errorOf(CONSTRUCTS.AccountBaseline, { alertEmails: ['security@example.com'], billingThreshold: 100 })).toBeUndefined();
  });
});
