import { Aspects, CfnResource, IAspect, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/**
 * The tag every security resource of this library carries, so that the default permissions
 * boundary (BoundedRole.defaultBoundary) can deny changes to it with `aws:ResourceTag`.
 */
export const GUARDRAIL_TAG_KEY = 'cdk-iam-guardrails:protected';
/** The value of {@link GUARDRAIL_TAG_KEY}. */
export const GUARDRAIL_TAG_VALUE = 'true';

/**
 * Marks a construct and everything under it as a guardrail: every taggable resource gets the
 * library tag (so the default boundary denies changing it), and every S3 bucket is also
 * remembered per stack, because S3 does not evaluate `aws:ResourceTag` on bucket and object
 * actions unless ABAC is switched on for the bucket: the default boundary of the same stack denies
 * writes to those buckets by ARN instead.
 *
 * Call it once on the construct that owns the resources (idempotent).
 */
export function protectAsGuardrail(construct: IConstruct): void {
  Tags.of(construct).add(GUARDRAIL_TAG_KEY, GUARDRAIL_TAG_VALUE);
  const stack = Stack.of(construct);
  const buckets = protectedBucketsOf(stack);
  for (const child of construct.node.findAll()) {
    if (child instanceof s3.Bucket) buckets.add(child);
  }
}

const PROTECTED_BUCKETS = Symbol.for('cdk-iam-guardrails.protectedBuckets');

/** The buckets of a stack that {@link protectAsGuardrail} marked, in creation order. */
export function protectedBucketsOf(stack: Stack): Set<s3.IBucket> {
  const holder = stack as unknown as { [PROTECTED_BUCKETS]?: Set<s3.IBucket> };
  if (!holder[PROTECTED_BUCKETS]) holder[PROTECTED_BUCKETS] = new Set();
  return holder[PROTECTED_BUCKETS]!;
}

/**
 * Adds a statement to a policy once every construct of its stack exists (at synthesis, through an
 * aspect): for statements whose resources are only known then, such as the protected buckets.
 * `build` returns undefined when there is nothing to add.
 */
export function addStatementAtSynth(policy: iam.ManagedPolicy, build: () => iam.PolicyStatement | undefined): void {
  let done = false;
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (done || node !== policy) return;
      done = true;
      const statement = build();
      if (statement) policy.addStatements(statement);
    },
  };
  Aspects.of(policy).add(aspect);
}

/**
 * Tells checkov to skip one check on one resource, with the reason, through the resource's
 * `Metadata.checkov.skip` (the form checkov reads in CloudFormation templates). Skips accumulate.
 */
export function skipCheckov(resource: CfnResource, id: string, reason: string): void {
  const existing = (resource.getMetadata('checkov') ?? {}) as { skip?: Array<{ id: string; comment: string }> };
  const skip = (existing.skip ?? []).filter(entry => entry.id !== id);
  skip.push({ id, comment: reason });
  resource.addMetadata('checkov', { ...existing, skip });
}

/** cdk-nag's compliance packs that share rule names, by their rule prefix. */
const COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;

/** Which compliance packs have a rule (not every pack has every rule). */
const RULE_PACKS: { [rule: string]: readonly string[] } = {
  IAMNoInlinePolicy: COMPLIANCE_PACKS,
  IAMPolicyNoStatementsWithFullAccess: COMPLIANCE_PACKS,
  S3BucketReplicationEnabled: COMPLIANCE_PACKS,
  S3DefaultEncryptionKMS: COMPLIANCE_PACKS,
  LambdaInsideVPC: COMPLIANCE_PACKS,
  LambdaConcurrency: ['NIST.800.53.R5', 'HIPAA.Security'],
  LambdaDLQ: ['NIST.800.53.R5', 'HIPAA.Security'],
  CloudWatchLogGroupEncrypted: COMPLIANCE_PACKS,
};

/**
 * A finding that third-party checkers report on a resource of this library, judged not to apply,
 * with one reason for all of them: acknowledged in cdk-nag's NIST 800-53 rev 5, HIPAA Security and
 * PCI DSS 3.2.1 packs (where they have the rule) and skipped in checkov on `resource`.
 */
export interface ThirdPartyFinding {
  /** The cdk-nag compliance-pack rule name without the pack prefix, e.g. `IAMNoInlinePolicy`. */
  readonly cdkNagRule?: keyof typeof RULE_PACKS;
  /** The checkov check ids it corresponds to, e.g. `CKV_AWS_115`. */
  readonly checkov?: readonly string[];
  /** Why it does not apply (what users inherit; listed in the README). */
  readonly reason: string;
}

/**
 * Acknowledges a third-party finding on `scope` (cdk-nag, inherited by its children) and skips the
 * checkov checks on `resource` (defaults to scope's default child).
 */
export function acknowledgeThirdPartyFinding(scope: IConstruct, finding: ThirdPartyFinding, resource?: CfnResource): void {
  if (finding.cdkNagRule) {
    const rule = finding.cdkNagRule;
    Validations.of(scope).acknowledge(...RULE_PACKS[rule].map(pack => ({ id: `${pack}::${pack}-${rule}`, reason: finding.reason })));
  }
  const cfn = resource ?? (scope.node.defaultChild instanceof CfnResource ? scope.node.defaultChild : undefined);
  if (cfn) for (const id of finding.checkov ?? []) skipCheckov(cfn, id, finding.reason);
}

/**
 * Acknowledges the findings checkov and cdk-nag's compliance packs report on every Lambda function
 * of this library (reserved concurrency, VPC, dead-letter queue); `dlqReason` says what happens to a
 * failed invocation of this particular function.
 */
export function acknowledgeGuardrailFunction(fn: IConstruct, dlqReason: string): void {
  acknowledgeThirdPartyFinding(fn, {
    cdkNagRule: 'LambdaConcurrency',
    checkov: ['CKV_AWS_115'],
    reason: 'Reserved concurrency takes from the account\'s unreserved pool, and an account with the default quota of 10 cannot '
      + 'reserve any (the deployment would fail); the function runs once per schedule or deployment.',
  });
  acknowledgeThirdPartyFinding(fn, {
    cdkNagRule: 'LambdaInsideVPC',
    checkov: ['CKV_AWS_117'],
    reason: 'The function calls only AWS APIs (IAM, SNS, CloudWatch) at their public endpoints and reaches nothing in a VPC; '
      + 'a VPC would need a NAT gateway or interface endpoints and isolate nothing.',
  });
  acknowledgeThirdPartyFinding(fn, { cdkNagRule: 'LambdaDLQ', checkov: ['CKV_AWS_116'], reason: dlqReason });
}

/**
 * Every Lambda function under `scope` that runs only during deployments (a custom resource's
 * handler, aws-cdk-lib's Provider framework or AwsCustomResource function): tagged as guardrails
 * with the rest of `scope` (they may call the IAM actions of the custom resource), and the
 * findings checkov and the compliance packs report on deployment-time functions acknowledged.
 * StrictPasswordPolicy calls it on its provider.
 */
export function guardDeploymentFunctions(scope: IConstruct): void {
  protectAsGuardrail(scope);
  const functions = scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::Lambda::Function');
  for (const fn of functions) {
    const owner = fn.node.scope ?? fn;
    acknowledgeGuardrailFunction(owner,
      'Invoked synchronously during a deployment (by CloudFormation or the Provider framework): a failure fails the deployment, '
      + 'and no asynchronous event is lost.');
    skipCheckov(fn, 'CKV_AWS_173', 'The environment names functions and settings of the custom resource, no secret; Lambda encrypts it '
      + 'at rest with an AWS managed key.');
  }
}

/**
 * The Lambda function that aws-cdk-lib creates once per stack for every AwsCustomResource: tagged
 * as a guardrail (it may call the IAM actions of the stack's custom resources) and its findings
 * acknowledged. For StrictPasswordPolicy while it uses an AwsCustomResource.
 */
export function guardAwsCustomResourceProvider(customResource: IConstruct, providerUuid: string): void {
  protectAsGuardrail(customResource);
  const policy = customResource.node.tryFindChild('CustomResourcePolicy');
  if (policy) {
    acknowledgeThirdPartyFinding(policy, {
      cdkNagRule: 'IAMNoInlinePolicy',
      reason: 'The policy of one AwsCustomResource, attached by aws-cdk-lib to the provider function\'s role and deleted with it.',
    });
  }
  const provider = Stack.of(customResource).node.tryFindChild(`AWS${providerUuid.replace(/-/g, '')}`);
  if (provider) guardDeploymentFunctions(provider);
}
