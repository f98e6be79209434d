import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgeThirdPartyFinding } from '../constructs/private/guardrail-resources';

// Findings of our own IamBestPracticesChecks that constructs of this library acknowledge on the
// roles they create. Warning-level findings are CDK annotations, hence the `annotation::` form.
const NO_PERMISSIONS_BOUNDARY = 'annotation::IamBestPractices-ID6';

/**
 * Acknowledges "no permissions boundary" on a service role this library creates and fully
 * controls: its trust is one AWS service and its policy is fixed by the construct, so a boundary
 * would only repeat that policy. The reason says what the role can do.
 */
export function acknowledgeServiceRoleWithoutBoundary(role: IConstruct, whatItCanDo: string): void {
  Validations.of(role).acknowledge({
    id: NO_PERMISSIONS_BOUNDARY,
    reason: `Service role created and fully controlled by cdk-iam-guardrails; ${whatItCanDo} No person or application code can add `
      + 'permissions to it, so a permissions boundary would only repeat its policy.',
  });
  acknowledgeServiceRoleInlinePolicy(role);
}

/**
 * Acknowledges cdk-nag's compliance-pack IAMNoInlinePolicy on a service role of this library (and
 * its default policy): the policy is the role's own, created and deleted with it.
 */
export function acknowledgeServiceRoleInlinePolicy(role: IConstruct): void {
  acknowledgeThirdPartyFinding(role, {
    cdkNagRule: 'IAMNoInlinePolicy',
    reason: 'The inline policy belongs to one service role that cdk-iam-guardrails creates and controls, and is deleted with it; '
      + 'unlike a managed policy it cannot be attached to any other principal.',
  });
}
