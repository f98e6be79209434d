import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { wholeDays } from './private/durations';
import { protectAsGuardrail } from './private/guardrail-resources';
import { checkAccessAnalyzerProps, UNUSED_ACCESS_SUFFIX } from './private/prop-checks';
import { SecurityTrail } from './security-trail';
import { acknowledgeServiceRoleWithoutBoundary } from '../private/acknowledgments';

const CONSTRUCT = 'AccessAnalyzer';

/**
 * What an analyzer treats as "inside": access from outside the zone of trust is reported.
 */
export enum AnalyzerZoneOfTrust {
  /** This account: access granted to any other account is a finding. */
  ACCOUNT = 'ACCOUNT',
  /**
   * The AWS Organization: only access from outside the organization is a finding. Deploy in the
   * management account or an Access Analyzer delegated administrator account.
   */
  ORGANIZATION = 'ORGANIZATION',
}

/**
 * Properties for AccessAnalyzer.
 */
export interface AccessAnalyzerProps {
  /**
   * The zone of trust of the analyzers.
   *
   * @default AnalyzerZoneOfTrust.ACCOUNT
   */
  readonly zoneOfTrust?: AnalyzerZoneOfTrust;

  /**
   * Name of the external-access analyzer (1-255 characters: a letter, then letters, digits, `.`,
   * `_` or `-`). The unused-access analyzer gets this name plus `-unused-access`.
   *
   * @default - CloudFormation generates the names
   */
  readonly analyzerName?: string;

  /**
   * Also create an unused-access analyzer (`ACCOUNT_UNUSED_ACCESS` or `ORGANIZATION_UNUSED_ACCESS`,
   * following `zoneOfTrust`), which reports unused roles, access keys, passwords and permissions.
   * Unlike the external-access analyzer it is charged per analyzed IAM role and user per month.
   *
   * @default false
   */
  readonly unusedAccess?: boolean;

  /**
   * How long a role, credential or permission may go unused before it is reported. Whole days,
   * 1-365. Only with `unusedAccess: true`.
   *
   * @default Duration.days(90)
   */
  readonly unusedAccessAge?: Duration;

  /**
   * Create the service role that lets Access Analyzer generate least-privilege policies from this
   * trail's logs (`aws accessanalyzer start-policy-generation ... --cloud-trail-details`): it may
   * read the trail's bucket, decrypt with the trail's key through S3, read the trail and the IAM
   * service-last-accessed data. Its ARN is a stack output (`PolicyGenerationRoleArn`), next to the
   * trail's ARN (`PolicyGenerationTrailArn`).
   *
   * @default - no policy-generation role
   */
  readonly trail?: SecurityTrail;
}

/**
 * IAM Access Analyzer for the account or the organization: an external-access analyzer (findings
 * for resources shared outside the zone of trust, Security Hub IAM.28 / CIS 1.20), optionally an
 * unused-access analyzer, and optionally the role that lets Access Analyzer generate policies from
 * a SecurityTrail's logs, as the IAM best-practices guide's "Use Access Analyzer" step needs.
 */
export class AccessAnalyzer extends Construct {
  /** The external-access analyzer. */
  public readonly analyzer: accessanalyzer.CfnAnalyzer;
  /** ARN of the external-access analyzer. */
  public readonly analyzerArn: string;
  /** The unused-access analyzer, when `unusedAccess` is true. */
  public readonly unusedAccessAnalyzer?: accessanalyzer.CfnAnalyzer;
  /** The policy-generation service role, when `trail` is given. */
  public readonly policyGenerationRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: AccessAnalyzerProps = {}) {
    super(scope, id);
    const zone = props.zoneOfTrust ?? AnalyzerZoneOfTrust.ACCOUNT;
    checkAccessAnalyzerProps({ scope: this, construct: CONSTRUCT }, props, AnalyzerZoneOfTrust);

    this.analyzer = new accessanalyzer.CfnAnalyzer(this, 'ExternalAccess', {
      type: zone,
      analyzerName: props.analyzerName,
    });
    this.analyzerArn = this.analyzer.attrArn;

    if (props.unusedAccess) {
      const age = props.unusedAccessAge ?? Duration.days(90);
      this.unusedAccessAnalyzer = new accessanalyzer.CfnAnalyzer(this, 'UnusedAccess', {
        type: `${zone}_UNUSED_ACCESS`,
        analyzerName: props.analyzerName === undefined ? undefined : `${props.analyzerName}${UNUSED_ACCESS_SUFFIX}`,
        analyzerConfiguration: { unusedAccessConfiguration: { unusedAccessAge: wholeDays(age) } },
      });
    }

    if (props.trail) {
      this.policyGenerationRole = this.createPolicyGenerationRole(props.trail);
    }
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }

  /**
   * The permissions AWS documents for the policy-generation service role, scoped to one trail,
   * its bucket and its key. Trusts only Access Analyzer acting for this account.
   */
  private createPolicyGenerationRole(trail: SecurityTrail): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'PolicyGenerationRole', {
      description: 'Lets IAM Access Analyzer read CloudTrail logs to generate least-privilege policies',
      assumedBy: new iam.ServicePrincipal('access-analyzer.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        PolicyGeneration: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadTheTrail',
              actions: ['cloudtrail:GetTrail'],
              resources: [trail.trail.trailArn],
            }),
            new iam.PolicyStatement({
              sid: 'ListTrailsAndReadServiceLastAccessed',
              actions: ['cloudtrail:ListTrails', 'iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'ListTheTrailBucket',
              actions: ['s3:ListBucket'],
              resources: [trail.bucket.bucketArn],
            }),
            new iam.PolicyStatement({
              sid: 'ReadTheTrailLogFiles',
              actions: ['s3:GetObject'],
              resources: [trail.bucket.arnForObjects('*')],
            }),
            new iam.PolicyStatement({
              sid: 'DecryptTheLogFilesThroughS3',
              actions: ['kms:Decrypt'],
              resources: [trail.key.keyArn],
              conditions: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
            }),
          ],
        }),
      },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudtrail:ListTrails and iam:GetServiceLastAccessedDetails support no resource-level permissions, and '
        + 'iam:GenerateServiceLastAccessedDetails must reach whichever principal a policy is generated for (AWS documents "*" for all three).',
    });
    const objectsFinding = this.bucketObjectsFinding(trail.bucket);
    if (objectsFinding) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${objectsFinding}]`,
        reason: 'Policy generation reads every CloudTrail log file of the trail; the wildcard covers the objects of the trail bucket only.',
      });
    }

    acknowledgeServiceRoleWithoutBoundary(role,
      'Access Analyzer may only read this trail (its bucket, its key through S3, its configuration) and service last-accessed data.');

    new CfnOutput(this, 'PolicyGenerationRoleArn', {
      description: 'accessRole for aws accessanalyzer start-policy-generation --cloud-trail-details',
      value: role.roleArn,
    });
    new CfnOutput(this, 'PolicyGenerationTrailArn', {
      description: 'cloudTrailArn for aws accessanalyzer start-policy-generation --cloud-trail-details',
      value: trail.trail.trailArn,
    });
    return role;
  }

  /**
   * cdk-nag names a wildcard resource by the bucket's logical id, known here only when the trail
   * is in this stack. Across stacks the reference is an import, and the finding stays visible
   * for the app to acknowledge.
   */
  private bucketObjectsFinding(bucket: s3.IBucket): string | undefined {
    const cfnBucket = bucket.node.defaultChild;
    if (!(cfnBucket instanceof s3.CfnBucket) || Stack.of(cfnBucket) !== Stack.of(this)) return undefined;
    const logicalId = Stack.of(this).resolve(cfnBucket.logicalId);
    return `Resource::<${logicalId}.Arn>/*`;
  }
}
