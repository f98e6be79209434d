import { Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for bad props: it names the construct path,
 * the prop, the bad value and what is allowed, so the user can fix it without reading our code.
 */
export class GuardrailsValidationError extends Error {
  constructor(scope: IConstruct, construct: string, prop: string, value: unknown, allowed: string) {
    super(`[${scope.node.path}] ${construct}: invalid ${prop} ${describe(value)}; ${allowed}`);
    this.name = 'ValidationError';
  }
}

/**
 * Throws unless `value` is undefined, an unresolved token, or an integer within [min, max].
 * Tokens pass through: their value is only known at deploy time.
 */
export function requireIntegerInRange(
  scope: IConstruct, construct: string, prop: string,
  value: number | undefined, min: number, max: number, unit = '',
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const suffix = unit ? ` ${unit}` : '';
    throw new GuardrailsValidationError(scope, construct, prop, value, `allowed range is ${min}-${max}${suffix} (whole numbers)`);
  }
}

/**
 * Throws unless `value` is undefined or a real boolean. Catches `'yes'`, `'false'` and `0` from
 * JavaScript and Python callers, which the type system does not stop and which would otherwise be
 * passed on as given.
 */
export function requireBoolean(scope: IConstruct, construct: string, prop: string, value: unknown): void {
  // null is how JavaScript callers (and jsii for Python's None) leave an optional prop unset.
  if (value === undefined || value === null || typeof value === 'boolean') return;
  throw new GuardrailsValidationError(scope, construct, prop, value, 'allowed values are true and false');
}

/**
 * A non-fatal synth warning: printed by `cdk synth`, fails only `cdk synth --strict`, and can be
 * acknowledged with `Validations.of(scope).acknowledge({ id: 'annotation::<id>', reason })`.
 */
export function warn(scope: IConstruct, id: string, message: string): void {
  Validations.of(scope).addWarning(id, message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  // JSON.stringify would print NaN and Infinity as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
