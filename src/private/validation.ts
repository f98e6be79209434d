import { Token, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for bad props: it names the construct path,
 * the prop, the bad value and what is allowed, so the user can fix it without reading our code.
 */
export class GuardrailsValidationError extends Error {
  constructor(scope: IConstruct, construct: string, prop: string, value: unknown, allowed: string) {
    super(`[${scope.node.path}] ${construct}: invalid ${prop} ${describeValue(value)}; ${allowed}`);
    this.name = 'ValidationError';
  }
}

// Every validator below takes the same first three arguments: the construct the error names
// (its path), the public class name, and the prop as the user wrote it. A construct that forwards
// its props to another (AccountBaseline's `trailOptions` to SecurityTrail) validates them itself
// first, with its own class name and its own prop names (`trailOptions.logRetention`), so that the
// error names what the user wrote. Each validator accepts `undefined` (an optional prop left out)
// and lets unresolved tokens through: their value is only known at deploy time.

/** A range of numbers; both ends inclusive unless `minExclusive`. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** The minimum itself is not allowed (a threshold "greater than 0"). */
  readonly minExclusive?: boolean;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** Unit for the message, e.g. 'days' or 'US dollars'. */
  readonly unit?: string;
}

/**
 * Throws unless `value` is undefined, an unresolved token, or a finite number within `range`.
 * NaN, Infinity and numbers given as strings are rejected (NaN would become `null` in the template).
 */
export function requireNumberInRange(
  scope: IConstruct, construct: string, prop: string, value: unknown, range: NumberRange,
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const { min, max, minExclusive = false, integer = false } = range;
  const ok = typeof value === 'number' && Number.isFinite(value)
    && (!integer || Number.isInteger(value))
    && (min === undefined || (minExclusive ? value > min : value >= min))
    && (max === undefined || value <= max);
  if (!ok) throw new GuardrailsValidationError(scope, construct, prop, value, describeRange(range));
}

/**
 * Throws unless `value` is undefined, an unresolved token, or an integer within [min, max].
 */
export function requireIntegerInRange(
  scope: IConstruct, construct: string, prop: string,
  value: number | undefined, min: number, max: number, unit = '',
): void {
  requireNumberInRange(scope, construct, prop, value, { min, max, integer: true, unit });
}

/** Throws unless `value` is undefined or a boolean (`'yes'`, `'false'`, `0` and `1` are not). */
export function requireBoolean(scope: IConstruct, construct: string, prop: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw new GuardrailsValidationError(scope, construct, prop, value, BOOLEAN_ALLOWED);
}

/** What `requireBoolean` says is allowed. */
export const BOOLEAN_ALLOWED = 'must be true or false (a boolean, not a string or number)';

/**
 * Throws unless `value` is undefined, an unresolved token, or one of `allowed`. `labels` are how
 * the user writes each allowed value (`AnalyzerZoneOfTrust.ACCOUNT`); by default the values themselves.
 */
export function requireOneOf(
  scope: IConstruct, construct: string, prop: string, value: unknown,
  allowed: readonly unknown[], labels: readonly string[] = allowed.map(describeValue),
): void {
  if (value === undefined || Token.isUnresolved(value) || allowed.includes(value)) return;
  throw new GuardrailsValidationError(scope, construct, prop, value, `allowed values are ${labels.join(', ')}`);
}

/**
 * `requireOneOf` for the members of a TypeScript string enum (or an enum-like object such as
 * `RemovalPolicy`): the message lists them as `EnumName.MEMBER`.
 */
export function requireEnumMember(
  scope: IConstruct, construct: string, prop: string, value: unknown,
  enumObject: { readonly [member: string]: string | number }, enumName: string,
): void {
  // Numeric TypeScript enums map values back to names too; only name -> value entries count.
  const members = Object.entries(enumObject).filter(([name]) => !/^\d+$/.test(name));
  requireOneOf(scope, construct, prop, value, members.map(([, v]) => v), enumLabels(enumObject, enumName));
}

/** How the user writes each member: `EnumName.MEMBER`, with its value when that differs (`RemovalPolicy.DESTROY ('destroy')`). */
export function enumLabels(enumObject: { readonly [member: string]: string | number }, enumName: string): string[] {
  return Object.entries(enumObject)
    .filter(([name]) => !/^\d+$/.test(name))
    .map(([name, value]) => (name === value ? `${enumName}.${name}` : `${enumName}.${name} (${describeValue(value)})`));
}

/** The values CloudWatch Logs accepts as a log group's retention, in days (9999 = never expire). */
export const LOG_RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays)
  .filter((value): value is number => typeof value === 'number');

/**
 * Throws unless `value` is undefined, an unresolved token, or one of the `logs.RetentionDays`
 * values: CloudWatch Logs rejects any other number of days (8, 1e9) at deploy time.
 */
export function requireLogRetention(scope: IConstruct, construct: string, prop: string, value: unknown): void {
  if (value === undefined || Token.isUnresolved(value) || LOG_RETENTION_DAYS.includes(value as number)) return;
  throw new GuardrailsValidationError(scope, construct, prop, value,
    `must be a logs.RetentionDays value (days): ${LOG_RETENTION_DAYS.map(String).join(', ')} (9999 = RetentionDays.INFINITE)`);
}

/** Duck-typed, so that a Duration from another copy of aws-cdk-lib (or from Python through jsii) counts. */
interface DurationLike {
  toSeconds(opts?: unknown): number;
  isUnresolved(): boolean;
  toString(): string;
}

/**
 * Throws unless `value` is undefined or a `Duration`. A plain number has no unit, and CDK would
 * fail on it later with `isUnresolved is not a function`.
 */
export function requireDuration(scope: IConstruct, construct: string, prop: string, value: unknown): void {
  if (value === undefined || isDuration(value)) return;
  throw new GuardrailsValidationError(scope, construct, prop, value, DURATION_ALLOWED);
}

/** What `requireDuration` says is allowed. */
export const DURATION_ALLOWED = 'must be a Duration such as Duration.days(90) (a plain number has no unit)';

/** Whether `value` is a Duration (of any copy of aws-cdk-lib). */
export function isDuration(value: unknown): value is DurationLike {
  const candidate = value as DurationLike | null;
  return typeof candidate === 'object' && candidate !== null
    && typeof candidate.toSeconds === 'function' && typeof candidate.isUnresolved === 'function';
}

// Deliberately practical rather than RFC 5322: a dot-atom local part (no quoted strings, no commas,
// no spaces, no leading, trailing or double dots) and a domain of at least two labels. Characters
// beyond ASCII are allowed (internationalized addresses). This catches the typos that would
// otherwise fail the deployment or subscribe nobody; SNS's confirmation mail checks the rest.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9\u0080-\uffff]([A-Za-z0-9\u0080-\uffff-]{0,61}[A-Za-z0-9\u0080-\uffff])?$/;

/** Why `email` is not an address SNS can deliver to, or undefined when it looks like one. */
export function emailProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return 'an email address has one "@" between a local part and a domain';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (email.length > 254 || local.length > 64) return 'too long: at most 64 characters before the "@" and 254 in all';
  if (!LOCAL_PART.test(local)) {
    return 'the part before "@" may not contain spaces, commas, "@", quotes or brackets, nor start, end or repeat "."';
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1])) {
    return 'the domain must be like example.com: labels of letters, digits and inner "-", separated by single dots';
  }
  return undefined;
}

/**
 * Throws unless `value` is undefined, an unresolved list, or a list of distinct email addresses.
 * Each entry is named by its index (`alertEmails[1]`); a token entry passes.
 */
export function requireEmailList(scope: IConstruct, construct: string, prop: string, value: unknown): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Array.isArray(value)) {
    throw new GuardrailsValidationError(scope, construct, prop, value, 'must be a list of email addresses, like [\'security@example.com\']');
  }
  const seen = new Map<string, number>();
  value.forEach((email: unknown, index) => {
    const entry = `${prop}[${index}]`;
    if (typeof email === 'string' && Token.isUnresolved(email)) return;
    if (typeof email !== 'string') {
      throw new GuardrailsValidationError(scope, construct, entry, email, 'each entry must be an email address like security@example.com');
    }
    const problem = emailProblem(email);
    if (problem) throw new GuardrailsValidationError(scope, construct, entry, email, `${problem} (e.g. security@example.com)`);
    const key = email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new GuardrailsValidationError(scope, construct, entry, email,
        `the same address as ${prop}[${first}]; SNS would subscribe it once, list it once`);
    }
    seen.set(key, index);
  });
}

/**
 * Throws unless `value` is undefined or an `events.Schedule` whose expression EventBridge accepts
 * and that fires at least once: `rate(n unit)`, or a six-field `cron(...)` with no field out of
 * range, one of day-of-month and day-of-week `?`, and some date that matches (not Feb 30, not
 * Apr 31, not only years gone by). An expression with tokens passes.
 */
export function requireSchedule(scope: IConstruct, construct: string, prop: string, value: unknown): void {
  if (value === undefined) return;
  const expression = (value as { expressionString?: unknown } | null)?.expressionString;
  if (typeof expression !== 'string') {
    throw new GuardrailsValidationError(scope, construct, prop, value,
      'must be an events.Schedule, e.g. Schedule.rate(Duration.days(1)) or Schedule.cron({ minute: \'0\', hour: \'6\' })');
  }
  if (Token.isUnresolved(expression)) return;
  const problem = scheduleProblem(expression, new Date().getUTCFullYear());
  if (problem) throw new GuardrailsValidationError(scope, construct, prop, expression, problem);
}

/**
 * Why an EventBridge rule schedule expression is invalid or can never fire, or undefined.
 * `currentYear` makes a cron limited to past years an error (a parameter, so tests are stable).
 */
export function scheduleProblem(expression: string, currentYear: number): string | undefined {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return rateProblem(rate[1].trim());
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronProblem(cron[1].trim(), currentYear);
  return 'EventBridge rules take rate(value unit) or cron(minutes hours day-of-month month day-of-week year)';
}

function rateProblem(body: string): string | undefined {
  const match = /^(\d+)\s+(minute|minutes|hour|hours|day|days)$/.exec(body);
  const value = match ? Number(match[1]) : 0;
  if (!match || value < 1) {
    return 'a rate is rate(value unit) with a whole value of at least 1 and unit minute(s), hour(s) or day(s)';
  }
  if ((value === 1) !== !match[2].endsWith('s')) {
    return 'EventBridge wants the singular unit for 1 (rate(1 day)) and the plural otherwise (rate(5 minutes))';
  }
  return undefined;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min+1, ... (JAN = 1, SUN = 1). */
  readonly names?: readonly string[];
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES },
  year: { name: 'year', min: 1970, max: 2199 },
} as const;

/** A day of a month, as the day fields see it. */
interface CalendarDay {
  readonly day: number;
  /** 1 = Sunday ... 7 = Saturday, as in cron. */
  readonly weekday: number;
  readonly daysInMonth: number;
  /** The weekday (Mon-Fri) date that `nW` picks for each n. */
  nearestWeekday(n: number): number | undefined;
}

type DayMatcher = (date: CalendarDay) => boolean;

class CronFieldError extends Error {}

function cronProblem(body: string, currentYear: number): string | undefined {
  const fields = body.split(/\s+/);
  if (fields.length !== 6) {
    return `a cron expression has six fields (minutes hours day-of-month month day-of-week year), this one has ${fields.length}`;
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'exactly one of day-of-month and day-of-week must be "?" (EventBridge cannot combine them)';
  }
  try {
    values(minutes, FIELDS.minutes);
    values(hours, FIELDS.hours);
    const months = values(month, FIELDS.month);
    const years = values(year, FIELDS.year);
    const matchesDay = dayOfMonth === '?' ? dayOfWeekMatcher(dayOfWeek) : dayOfMonthMatcher(dayOfMonth);
    if (!firesOnSomeDay(years.filter((y) => y >= currentYear), months, matchesDay)) {
      return years.every((y) => y < currentYear)
        ? `it never fires: every year it names is before ${currentYear}`
        : 'it never fires: no date matches its day-of-month or day-of-week in the months and years it names (e.g. February 30, April 31)';
    }
  } catch (error) {
    if (error instanceof CronFieldError) return error.message;
    throw error;
  }
  return undefined;
}

/** The values a plain cron field (`*`, lists, ranges, steps, names) selects. */
function values(field: string, spec: FieldSpec): number[] {
  const selected = new Set<number>();
  for (const part of field.split(',')) {
    for (const value of partValues(part, spec)) selected.add(value);
  }
  return [...selected].sort((a, b) => a - b);
}

function partValues(part: string, spec: FieldSpec): number[] {
  const [range, stepText, ...rest] = part.split('/');
  if (rest.length > 0 || range === '') throw fieldError(spec, part);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!/^\d+$/.test(stepText ?? '1') || step < 1) throw fieldError(spec, part);
  let from: number;
  let to: number;
  if (range === '*') {
    [from, to] = [spec.min, spec.max];
  } else {
    const [first, last, ...more] = range.split('-');
    if (more.length > 0) throw fieldError(spec, part);
    from = fieldValue(first, spec, part);
    to = last === undefined ? (stepText === undefined ? from : spec.max) : fieldValue(last, spec, part);
  }
  const result: number[] = [];
  // A range such as FRI-MON wraps around the end of the field.
  const span = to >= from ? to - from : to - from + (spec.max - spec.min + 1);
  for (let offset = 0; offset <= span; offset += step) {
    const value = from + offset;
    result.push(value > spec.max ? value - (spec.max - spec.min + 1) : value);
  }
  return result;
}

function fieldValue(text: string, spec: FieldSpec, part: string): number {
  const byName = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (byName >= 0) return spec.min + byName;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < spec.min || value > spec.max) throw fieldError(spec, part);
  return value;
}

function fieldError(spec: FieldSpec, part: string): CronFieldError {
  const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
  return new CronFieldError(`${spec.name} '${part}' is not valid: allowed are ${spec.min}-${spec.max}${names}, `
    + 'with "*", lists (a,b), ranges (a-b) and steps (*/n, a/n)');
}

function dayOfMonthMatcher(field: string): DayMatcher {
  const matchers = field.split(',').map((part): DayMatcher => {
    if (part === 'L') return (d) => d.day === d.daysInMonth;
    if (part === 'LW') return (d) => d.day === lastWeekday(d);
    const nearest = /^(\d+)W$/.exec(part);
    if (nearest) {
      const n = fieldValue(nearest[1], FIELDS.dayOfMonth, part);
      return (d) => d.nearestWeekday(n) === d.day;
    }
    const days = new Set(partValues(part, FIELDS.dayOfMonth));
    return (d) => days.has(d.day);
  });
  return (d) => matchers.some((matches) => matches(d));
}

function dayOfWeekMatcher(field: string): DayMatcher {
  const matchers = field.split(',').map((part): DayMatcher => {
    // "L" alone is the last day of the week (Saturday); "6L" the last Friday of the month.
    if (part === 'L') return (d) => d.weekday === 7;
    const last = /^(\w+)L$/.exec(part);
    if (last) {
      const weekday = fieldValue(last[1], FIELDS.dayOfWeek, part);
      return (d) => d.weekday === weekday && d.day + 7 > d.daysInMonth;
    }
    const nth = /^(\w+)#(\d+)$/.exec(part);
    if (nth) {
      const weekday = fieldValue(nth[1], FIELDS.dayOfWeek, part);
      const n = Number(nth[2]);
      if (n < 1 || n > 5) throw new CronFieldError(`day-of-week '${part}' is not valid: in "day#n", n is 1-5`);
      return (d) => d.weekday === weekday && Math.ceil(d.day / 7) === n;
    }
    const weekdays = new Set(partValues(part, FIELDS.dayOfWeek));
    return (d) => weekdays.has(d.weekday);
  });
  return (d) => matchers.some((matches) => matches(d));
}

/** Whether any day of the given months of the given years matches (stops at the first). */
function firesOnSomeDay(years: number[], months: number[], matchesDay: DayMatcher): boolean {
  for (const year of years) {
    for (const month of months) {
      const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const weekdayOf = (day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
      for (let day = 1; day <= daysInMonth; day++) {
        const date: CalendarDay = {
          day,
          weekday: weekdayOf(day),
          daysInMonth,
          nearestWeekday: (n) => nearestWeekday(n, daysInMonth, weekdayOf),
        };
        if (matchesDay(date)) return true;
      }
    }
  }
  return false;
}

/** The weekday closest to day `n` of the month, without leaving the month; none when `n` is past its end. */
function nearestWeekday(n: number, daysInMonth: number, weekdayOf: (day: number) => number): number | undefined {
  if (n > daysInMonth) return undefined;
  const weekday = weekdayOf(n);
  if (weekday === 7) return n === 1 ? 3 : n - 1; // Saturday: Friday before, or Monday after the 1st
  if (weekday === 1) return n === daysInMonth ? n - 2 : n + 1; // Sunday: Monday after, or Friday before the last
  return n;
}

function lastWeekday(d: CalendarDay): number {
  const weekdayOfLast = ((d.weekday - 1 + (d.daysInMonth - d.day)) % 7) + 1;
  if (weekdayOfLast === 7) return d.daysInMonth - 1;
  if (weekdayOfLast === 1) return d.daysInMonth - 2;
  return d.daysInMonth;
}

/**
 * A non-fatal synth warning: printed by `cdk synth`, fails only `cdk synth --strict`, and can be
 * acknowledged with `Validations.of(scope).acknowledge({ id: 'annotation::<id>', reason })`.
 */
export function warn(scope: IConstruct, id: string, message: string): void {
  Validations.of(scope).addWarning(id, message);
}

function describeRange(range: NumberRange): string {
  const unit = range.unit ? ` ${range.unit}` : '';
  const whole = range.integer ? ' (whole numbers)' : '';
  const { min, max } = range;
  if (min !== undefined && max !== undefined && !range.minExclusive) return `allowed range is ${min}-${max}${unit}${whole}`;
  const bounds = [
    min === undefined ? undefined : `${range.minExclusive ? 'greater than' : 'at least'} ${min}`,
    max === undefined ? undefined : `at most ${max}`,
  ].filter((b) => b !== undefined).join(' and ');
  return `must be a finite number${unit}${bounds ? ` ${bounds}` : ''}${whole}`;
}

/**
 * A value as the user would recognize it: strings quoted, numbers as JavaScript prints them (NaN
 * and Infinity included, which JSON alone would print as null), Durations by their `toString()`,
 * anything else as JSON.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  if (isDuration(value)) return value.toString();
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'number' && !Number.isFinite(item)) return `${VERBATIM}${item}${VERBATIM}`;
      if (isDuration(item)) return `${VERBATIM}${item.toString()}${VERBATIM}`;
      return item;
    });
    if (json === undefined) return String(value);
    return json.replace(VERBATIM_STRING, (_match, text: string) => text);
  } catch {
    return String(value);
  }
}

/** Marks a JSON string that is printed without its quotes (NaN, Infinity, a Duration). */
const VERBATIM = '\u2063\u2063';
const VERBATIM_STRING = /"\u2063\u2063(.*?)\u2063\u2063"/g;
