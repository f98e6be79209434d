/**
 * Placeholder during bootstrap.
 */
export class GuardrailsInfo {
  /** Library name. */
  public static readonly LIBRARY = 'cdk-iam-guardrails';
}
