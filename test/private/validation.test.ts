import { App, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  describeValue, emailProblem, requireBoolean, requireDuration, requireEmailList, requireEnumMember,
  requireIntegerInRange, requireLogRetention, requireNumberInRange, requireOneOf, requireSchedule, scheduleProblem,
} from '../../src/private/validation';

const scope = new Construct(new Stack(new App(), 'Stack'), 'Thing');

/** The message a validator throws, or undefined when it accepts the value. */
function messageOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('describeValue', () => {
  test.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [8, '8'],
    ['no', "'no'"],
    [[1, Number.NaN, 'a'], '[1,NaN,"a"]'],
    [{ days: Number.POSITIVE_INFINITY }, '{"days":Infinity}'],
    [Duration.days(3), 'Duration.days(3)'],
    [[Duration.hours(2)], '[Duration.hours(2)]'],
    [undefined, 'undefined'],
    [true, 'true'],
  ])('%p is printed as %s (never as null)', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });
});

describe('requireNumberInRange and requireIntegerInRange', () => {
  test.each([
    [Number.NaN, 'NaN'], [Number.POSITIVE_INFINITY, 'Infinity'], [0, '0'], [-1, '-1'], ['5', "'5'"],
  ])('a threshold of %p is rejected and shown as %s', (value, shown) => {
    expect(messageOf(() => requireNumberInRange(scope, 'C', 'threshold', value, { min: 0, minExclusive: true, unit: 'of US dollars' })))
      .toBe(`[Stack/Thing] C: invalid threshold ${shown}; must be a finite number of US dollars greater than 0`);
  });

  test('accepted: in range, undefined, a token', () => {
    expect(messageOf(() => requireNumberInRange(scope, 'C', 'threshold', 0.01, { min: 0, minExclusive: true }))).toBeUndefined();
    expect(messageOf(() => requireNumberInRange(scope, 'C', 'threshold', undefined, { min: 0 }))).toBeUndefined();
    expect(messageOf(() => requireNumberInRange(scope, 'C', 'threshold', Lazy.number({ produce: () => -1 }), { min: 0 }))).toBeUndefined();
  });

  test.each([[5.5], [0], [129], [Number.NaN], [Number.POSITIVE_INFINITY]])('integer %p outside 6-128 is rejected', (value) => {
    expect(messageOf(() => requireIntegerInRange(scope, 'C', 'length', value, 6, 128, 'characters')))
      .toBe(`[Stack/Thing] C: invalid length ${String(value)}; allowed range is 6-128 characters (whole numbers)`);
  });
});

describe('requireBoolean', () => {
  test.each([['no'], ['yes'], ['false'], [0], [1], [null]])('%p is not a boolean', (value) => {
    expect(messageOf(() => requireBoolean(scope, 'C', 'requireSymbols', value)))
      .toMatch(/^\[Stack\/Thing\] C: invalid requireSymbols .*; must be true or false \(a boolean, not a string or number\)$/);
  });

  test.each([[true], [false], [undefined]])('%p is accepted', (value) => {
    expect(messageOf(() => requireBoolean(scope, 'C', 'requireSymbols', value))).toBeUndefined();
  });
});

describe('requireOneOf and requireEnumMember', () => {
  enum Zone { ACCOUNT = 'ACCOUNT', ORGANIZATION = 'ORGANIZATION' }

  test('an unknown enum value names the members as the user writes them', () => {
    expect(messageOf(() => requireEnumMember(scope, 'C', 'zoneOfTrust', 'BOGUS', Zone, 'Zone')))
      .toBe("[Stack/Thing] C: invalid zoneOfTrust 'BOGUS'; allowed values are Zone.ACCOUNT, Zone.ORGANIZATION");
  });

  test('an enum whose values differ from its names shows both', () => {
    expect(messageOf(() => requireEnumMember(scope, 'C', 'removalPolicy', 'delete', RemovalPolicy as any, 'RemovalPolicy')))
      .toMatch(/allowed values are RemovalPolicy.DESTROY \('destroy'\), RemovalPolicy.RETAIN \('retain'\)/);
  });

  test('members, undefined and tokens are accepted', () => {
    expect(messageOf(() => requireEnumMember(scope, 'C', 'zoneOfTrust', Zone.ORGANIZATION, Zone, 'Zone'))).toBeUndefined();
    expect(messageOf(() => requireEnumMember(scope, 'C', 'zoneOfTrust', undefined, Zone, 'Zone'))).toBeUndefined();
    expect(messageOf(() => requireOneOf(scope, 'C', 'x', Lazy.string({ produce: () => 'Q' }), ['A']))).toBeUndefined();
  });

  test('requireOneOf lists the allowed values', () => {
    expect(messageOf(() => requireOneOf(scope, 'C', 'x', 3, [1, 2]))).toBe('[Stack/Thing] C: invalid x 3; allowed values are 1, 2');
  });
});

describe('requireLogRetention', () => {
  test.each([[8], [1e9], [Number.NaN], [0], [-1], ['ONE_YEAR']])('%p is not a CloudWatch Logs retention', (value) => {
    expect(messageOf(() => requireLogRetention(scope, 'C', 'logRetention', value)))
      .toMatch(/^\[Stack\/Thing\] C: invalid logRetention .*; must be a logs.RetentionDays value \(days\): 1, 3, 5, 7, 14, 30, .*, 3653, 9999 \(9999 = RetentionDays.INFINITE\)$/);
  });

  test('NaN is shown as NaN', () => {
    expect(messageOf(() => requireLogRetention(scope, 'C', 'logRetention', Number.NaN))).toMatch(/invalid logRetention NaN;/);
  });

  test.each([[logs.RetentionDays.ONE_DAY], [logs.RetentionDays.ONE_YEAR], [logs.RetentionDays.INFINITE], [undefined]])('%p is accepted', (value) => {
    expect(messageOf(() => requireLogRetention(scope, 'C', 'logRetention', value))).toBeUndefined();
  });

  test('a token is accepted', () => {
    expect(messageOf(() => requireLogRetention(scope, 'C', 'logRetention', Lazy.number({ produce: () => 8 })))).toBeUndefined();
  });
});

describe('requireDuration', () => {
  test.each([[90], ['90 days'], [{ days: 90 }]])('%p is not a Duration', (value) => {
    expect(messageOf(() => requireDuration(scope, 'C', 'maxAge', value)))
      .toMatch(/^\[Stack\/Thing\] C: invalid maxAge .*; must be a Duration such as Duration.days\(90\) \(a plain number has no unit\)$/);
  });

  test('Durations (also unresolved ones) and undefined are accepted', () => {
    expect(messageOf(() => requireDuration(scope, 'C', 'maxAge', Duration.days(90)))).toBeUndefined();
    expect(messageOf(() => requireDuration(scope, 'C', 'maxAge', Duration.days(Lazy.number({ produce: () => 3 }))))).toBeUndefined();
    expect(messageOf(() => requireDuration(scope, 'C', 'maxAge', undefined))).toBeUndefined();
  });
});

describe('requireEmailList', () => {
  test.each([
    ['a,b@example.com', /the part before "@" may not contain spaces, commas/],
    ['user@example..com', /the domain must be like example.com/],
    ['.user@example.com', /nor start, end or repeat "."/],
    ['us..er@example.com', /nor start, end or repeat "."/],
    ['user.@example.com', /nor start, end or repeat "."/],
    ['user@example', /the domain must be like example.com/],
    ['user@-example.com', /the domain must be like example.com/],
    ['user@example.com.', /the domain must be like example.com/],
    ['user@example.123', /the domain must be like example.com/],
    ['user@@example.com', /the part before "@" may not contain/],
    ['user name@example.com', /may not contain spaces/],
    ['"user"@example.com', /quotes/],
    ['@example.com', /one "@"/],
    ['user@', /one "@"/],
    ['userexample.com', /one "@"/],
    [`${'a'.repeat(65)}@example.com`, /too long/],
  ])('%s is rejected', (email, why) => {
    const message = messageOf(() => requireEmailList(scope, 'C', 'alertEmails', ['ok@example.com', email]));
    expect(message).toContain(`[Stack/Thing] C: invalid alertEmails[1] '${email}'; `);
    expect(message).toMatch(why);
  });

  test.each([
    ['security@example.com'], ['first.last+alerts@sub.example.co.uk'], ["o'brien@example.ie"], ['x@xn--bcher-kva.example'],
    ['ops_team-1@my-company.io'], ['jörg@müller.de'],
  ])('%s is accepted', (email) => {
    expect(emailProblem(email)).toBeUndefined();
    expect(messageOf(() => requireEmailList(scope, 'C', 'emails', [email]))).toBeUndefined();
  });

  test('the same address twice (in any case) is rejected, naming the first', () => {
    expect(messageOf(() => requireEmailList(scope, 'C', 'emails', ['a@example.com', 'A@Example.com'])))
      .toBe("[Stack/Thing] C: invalid emails[1] 'A@Example.com'; the same address as emails[0]; SNS would subscribe it once, list it once");
  });

  test('a single string instead of a list, and a non-string entry, are rejected', () => {
    expect(messageOf(() => requireEmailList(scope, 'C', 'emails', 'a@example.com'))).toMatch(/invalid emails 'a@example.com'; must be a list of email addresses/);
    expect(messageOf(() => requireEmailList(scope, 'C', 'emails', [42]))).toMatch(/invalid emails\[0\] 42; each entry must be an email address/);
  });

  test('undefined, an empty list and token entries are accepted', () => {
    expect(messageOf(() => requireEmailList(scope, 'C', 'emails', undefined))).toBeUndefined();
    expect(messageOf(() => requireEmailList(scope, 'C', 'emails', []))).toBeUndefined();
    expect(messageOf(() => requireEmailList(scope, 'C', 'emails', [Lazy.string({ produce: () => 'nope' })]))).toBeUndefined();
  });
});

describe('requireSchedule / scheduleProblem', () => {
  const YEAR = 2025;

  test.each([
    ['cron(0 0 31 2 ? *)', /never fires: no date matches .* \(e.g. February 30, April 31\)/],
    ['cron(0 0 30 2 ? *)', /never fires/],
    ['cron(0 0 31 4 ? *)', /never fires/],
    ['cron(0 0 31 APR,JUN,SEP,NOV ? *)', /never fires/],
    ['cron(0 0 30-31 FEB ? *)', /never fires/],
    ['cron(0 0 29 2 ? 2027)', /never fires/], // not a leap year
    ['cron(0 0 1 1 ? 2020)', /never fires: every year it names is before 2025/],
    ['cron(60 0 * * ? *)', /minutes '60' is not valid: allowed are 0-59/],
    ['cron(0 24 * * ? *)', /hours '24' is not valid: allowed are 0-23/],
    ['cron(0 0 32 * ? *)', /day-of-month '32' is not valid: allowed are 1-31/],
    ['cron(0 0 0 * ? *)', /day-of-month '0' is not valid/],
    ['cron(0 0 1 13 ? *)', /month '13' is not valid: allowed are 1-12 or JAN-DEC/],
    ['cron(0 0 ? * 8 *)', /day-of-week '8' is not valid: allowed are 1-7 or SUN-SAT/],
    ['cron(0 0 ? * MON#6 *)', /in "day#n", n is 1-5/],
    ['cron(0 0 1 1 ? 1969)', /year '1969' is not valid: allowed are 1970-2199/],
    ['cron(0 0 * * * *)', /exactly one of day-of-month and day-of-week must be "\?"/],
    ['cron(0 0 ? * ? *)', /exactly one of day-of-month and day-of-week must be "\?"/],
    ['cron(0 0 * *)', /six fields .* this one has 4/],
    ['cron(*/0 * * * ? *)', /minutes '\*\/0' is not valid/],
    ['cron(a * * * ? *)', /minutes 'a' is not valid/],
    ['rate(0 minutes)', /whole value of at least 1/],
    ['rate(5 minute)', /singular unit for 1 .* plural otherwise/],
    ['rate(1 days)', /singular unit for 1/],
    ['rate(2 weeks)', /unit minute\(s\), hour\(s\) or day\(s\)/],
    ['rate(1.5 hours)', /whole value/],
    ['at(2025-01-01T00:00:00)', /EventBridge rules take rate\(value unit\) or cron\(/],
  ])('%s is rejected', (expression, why) => {
    expect(scheduleProblem(expression, YEAR)).toMatch(why);
  });

  test.each([
    ['rate(1 day)'], ['rate(5 minutes)'], ['rate(12 hours)'],
    ['cron(0 6 * * ? *)'], ['cron(0 0 29 2 ? *)'], ['cron(0 0 29 2 ? 2028)'], ['cron(0 0 31 1,2 ? *)'],
    ['cron(15 10 ? * MON-FRI *)'], ['cron(0 0 ? * FRI-MON *)'], ['cron(0/15 * * * ? *)'], ['cron(0 0 L * ? *)'],
    ['cron(0 0 LW * ? *)'], ['cron(0 0 15W * ? *)'], ['cron(0 0 ? * 6L *)'], ['cron(0 0 ? * 3#2 *)'], ['cron(0 0 ? * 2#5 *)'],
    ['cron(0 0 1 jan ? 2025-2030)'], ['cron(0 12 * JAN-MAR ? 2026)'],
  ])('%s is accepted', (expression) => {
    expect(scheduleProblem(expression, YEAR)).toBeUndefined();
  });

  test('a 5th Monday exists in some month of 2026 but not in a month without one', () => {
    // February 2027 has 28 days, so no weekday occurs five times.
    expect(scheduleProblem('cron(0 0 ? 2 2#5 2027)', YEAR)).toMatch(/never fires/);
    expect(scheduleProblem('cron(0 0 ? 3 2#5 2026)', YEAR)).toBeUndefined(); // March 30, 2026 is a Monday
  });

  test('requireSchedule names the prop and the expression', () => {
    expect(messageOf(() => requireSchedule(scope, 'C', 'schedule', events.Schedule.expression('cron(0 0 31 2 ? *)'))))
      .toMatch(/^\[Stack\/Thing\] C: invalid schedule 'cron\(0 0 31 2 \? \*\)'; it never fires/);
    expect(messageOf(() => requireSchedule(scope, 'C', 'schedule', events.Schedule.cron({ minute: '0', hour: '0', day: '31', month: '2' }))))
      .toMatch(/invalid schedule 'cron\(0 0 31 2 \? \*\)'; it never fires/);
  });

  test('requireSchedule rejects what is not a Schedule (a string from JavaScript or Python)', () => {
    expect(messageOf(() => requireSchedule(scope, 'C', 'schedule', 'rate(1 day)')))
      .toMatch(/invalid schedule 'rate\(1 day\)'; must be an events.Schedule, e.g. Schedule.rate\(Duration.days\(1\)\)/);
  });

  test('requireSchedule accepts undefined, Schedule.rate and expressions with tokens', () => {
    expect(messageOf(() => requireSchedule(scope, 'C', 'schedule', undefined))).toBeUndefined();
    expect(messageOf(() => requireSchedule(scope, 'C', 'schedule', events.Schedule.rate(Duration.hours(4))))).toBeUndefined();
    expect(messageOf(() => requireSchedule(scope, 'C', 'schedule',
      events.Schedule.rate(Duration.days(Lazy.number({ produce: () => 0 })))))).toBeUndefined();
  });
});
