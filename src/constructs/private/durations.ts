import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GuardrailsValidationError, requireDuration } from '../../private/validation';

/**
 * Throws unless `duration` is undefined, unresolved, or a whole number of days within [min, max].
 * AWS APIs that take an age in days (Config rule parameters, S3 lifecycle, Access Analyzer) accept
 * only whole days, so `Duration.hours(36)` is rejected rather than rounded. A plain number (no
 * unit) is rejected as not a Duration.
 */
export function requireWholeDaysInRange(
  scope: IConstruct, construct: string, prop: string,
  duration: Duration | undefined, min: number, max: number,
): void {
  requireDuration(scope, construct, prop, duration);
  if (duration === undefined || duration.isUnresolved()) return;
  const days = duration.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new GuardrailsValidationError(scope, construct, prop, duration,
      `allowed range is ${min}-${max} days (whole days)`);
  }
}

/** Whole days of a validated duration; an unresolved `Duration.days(token)` stays a token. */
export function wholeDays(duration: Duration): number {
  return duration.toDays();
}
