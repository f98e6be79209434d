/**
 * Placeholders are how evaluated CloudFormation values (`src/model/intrinsics.ts`) carry what
 * intrinsics refer to: `<Bucket.Arn>`, `<AWS::Partition>` name one specific thing and are never
 * wildcards; `<?Parameter:Name>` is a value unknown before deployment. The format follows what
 * cdk-nag prints for granular findings, so acknowledgments look familiar.
 */

/** Matches one placeholder anywhere in a string. */
export const PLACEHOLDER_PATTERN = /<[^<>]*>/g;

/** Whether a string contains at least one placeholder. */
export function hasPlaceholder(value: string): boolean {
  return value.includes('<') && /<[^<>]*>/.test(value);
}
