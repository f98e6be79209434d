import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { guardAwsCustomResourceProvider, protectAsGuardrail } from './private/guardrail-resources';
import {
  CIS_MINIMUM_PASSWORD_LENGTH, CIS_PASSWORD_REUSE_PREVENTION, PASSWORD_POLICY_DEFAULTS,
} from './private/password-policy-defaults';
import { acknowledgeServiceRoleWithoutBoundary } from '../private/acknowledgments';
import { GuardrailsValidationError, requireIntegerInRange, warn } from '../private/validation';

/**
 * Properties for `StrictPasswordPolicy`. Every field defaults to the IAM best-practices guide's
 * `aws iam update-account-password-policy` command (which also meets CIS AWS Foundations 1.8 and 1.9).
 */
export interface StrictPasswordPolicyProps {
  /**
   * The minimum number of characters in an IAM user password (6-128).
   *
   * Below 14 the policy still deploys, with a synth warning: CIS AWS Foundations 1.8 asks for 14.
   *
   * @default 14
   */
  readonly minimumPasswordLength?: number;

  /**
   * Whether passwords must contain at least one non-alphanumeric character
   * (`! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`).
   *
   * @default true
   */
  readonly requireSymbols?: boolean;

  /**
   * Whether passwords must contain at least one digit (0-9).
   *
   * @default true
   */
  readonly requireNumbers?: boolean;

  /**
   * Whether passwords must contain at least one uppercase letter (A-Z).
   *
   * @default true
   */
  readonly requireUppercaseCharacters?: boolean;

  /**
   * Whether passwords must contain at least one lowercase letter (a-z).
   *
   * @default true
   */
  readonly requireLowercaseCharacters?: boolean;

  /**
   * Whether IAM users may change their own password in the console. Without it, only an
   * administrator can change a user's password, which makes rotation (and `maxPasswordAge`) painful.
   *
   * @default true
   */
  readonly allowUsersToChangePassword?: boolean;

  /**
   * How long a password stays valid before the user must change it: whole days, 1-1095.
   *
   * @default Duration.days(90)
   */
  readonly maxPasswordAge?: Duration;

  /**
   * How many previous passwords a user may not reuse (1-24).
   *
   * Below 24 the policy still deploys, with a synth warning: CIS AWS Foundations 1.9 asks for 24.
   *
   * @default 24
   */
  readonly passwordReusePrevention?: number;

  /**
   * Whether an expired password locks the user out of the console until an administrator acts.
   *
   * With hard expiry, an IAM user whose password has passed `maxPasswordAge` cannot set a new
   * password at sign-in and so cannot sign in to the AWS Management Console at all until an
   * administrator resets their password. Without it, the user is asked to choose a new password
   * at their next sign-in. Hard expiry affects console passwords only; access keys keep working.
   *
   * @default true
   */
  readonly hardExpiry?: boolean;

  /**
   * What happens to the account password policy when this construct is removed or its stack is
   * deleted.
   *
   * `RemovalPolicy.RETAIN` leaves the policy in place (the account keeps its strong policy);
   * `RemovalPolicy.DESTROY` deletes the account password policy (`iam:DeleteAccountPasswordPolicy`),
   * which returns the account to AWS's default policy. Other values are treated as RETAIN.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The account's IAM password policy, set to the IAM best-practices guide's values by default.
 *
 * CloudFormation has no resource for the account password policy, so this construct calls
 * `iam:UpdateAccountPasswordPolicy` from an `AwsCustomResource` on create and update (and
 * `iam:DeleteAccountPasswordPolicy` on delete, only with `removalPolicy: DESTROY`). Its Lambda
 * role may call those two IAM actions and nothing else.
 *
 * An account has exactly one password policy, so an app may contain only one
 * `StrictPasswordPolicy` per target account; a second one is an error.
 *
 * @example
 * new StrictPasswordPolicy(this, 'PasswordPolicy');
 */
export class StrictPasswordPolicy extends Construct {
  /**
   * The custom resource that sets the policy.
   */
  public readonly customResource: cr.AwsCustomResource;

  /**
   * The password policy this construct sets, as the `UpdateAccountPasswordPolicy` API parameters.
   */
  public readonly policyParameters: { [key: string]: any };

  constructor(scope: Construct, id: string, props: StrictPasswordPolicyProps = {}) {
    super(scope, id);
    Object.defineProperty(this, STRICT_PASSWORD_POLICY_MARKER, { value: true });
    this.rejectSecondPolicyForTheSameAccount();

    const minimumPasswordLength = props.minimumPasswordLength ?? PASSWORD_POLICY_DEFAULTS.minimumPasswordLength;
    const passwordReusePrevention = props.passwordReusePrevention ?? PASSWORD_POLICY_DEFAULTS.passwordReusePrevention;
    const maxPasswordAgeDays = this.maxPasswordAgeDays(props.maxPasswordAge);

    requireIntegerInRange(this, CONSTRUCT, 'minimumPasswordLength', minimumPasswordLength, 6, 128, 'characters');
    requireIntegerInRange(this, CONSTRUCT, 'passwordReusePrevention', passwordReusePrevention, 1, 24, 'passwords');
    requireIntegerInRange(this, CONSTRUCT, 'maxPasswordAge', maxPasswordAgeDays, 1, 1095, 'days');

    if (!Token.isUnresolved(minimumPasswordLength) && minimumPasswordLength < CIS_MINIMUM_PASSWORD_LENGTH) {
      warn(this, 'StrictPasswordPolicyShortMinimumLength',
        `minimumPasswordLength ${minimumPasswordLength} is below the ${CIS_MINIMUM_PASSWORD_LENGTH} characters that CIS AWS Foundations 1.8 requires`);
    }
    if (!Token.isUnresolved(passwordReusePrevention) && passwordReusePrevention < CIS_PASSWORD_REUSE_PREVENTION) {
      warn(this, 'StrictPasswordPolicyLowReusePrevention',
        `passwordReusePrevention ${passwordReusePrevention} is below the ${CIS_PASSWORD_REUSE_PREVENTION} previous passwords that CIS AWS Foundations 1.9 requires`);
    }

    this.policyParameters = {
      MinimumPasswordLength: minimumPasswordLength,
      RequireSymbols: props.requireSymbols ?? PASSWORD_POLICY_DEFAULTS.requireSymbols,
      RequireNumbers: props.requireNumbers ?? PASSWORD_POLICY_DEFAULTS.requireNumbers,
      RequireUppercaseCharacters: props.requireUppercaseCharacters ?? PASSWORD_POLICY_DEFAULTS.requireUppercaseCharacters,
      RequireLowercaseCharacters: props.requireLowercaseCharacters ?? PASSWORD_POLICY_DEFAULTS.requireLowercaseCharacters,
      AllowUsersToChangePassword: props.allowUsersToChangePassword ?? PASSWORD_POLICY_DEFAULTS.allowUsersToChangePassword,
      MaxPasswordAge: maxPasswordAgeDays,
      PasswordReusePrevention: passwordReusePrevention,
      HardExpiry: props.hardExpiry ?? PASSWORD_POLICY_DEFAULTS.hardExpiry,
    };

    const updatePolicy: cr.AwsSdkCall = {
      service: 'IAM',
      action: 'updateAccountPasswordPolicy',
      parameters: this.policyParameters,
      // The account has one password policy, so the resource's identity never changes: an update
      // of any field is an in-place update, never a replacement that would delete the policy.
      physicalResourceId: cr.PhysicalResourceId.of(PHYSICAL_RESOURCE_ID),
    };
    const destroy = (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.DESTROY;

    this.customResource = new cr.AwsCustomResource(this, 'Resource', {
      resourceType: 'Custom::StrictPasswordPolicy',
      onCreate: updatePolicy,
      onUpdate: updatePolicy,
      onDelete: destroy ? {
        service: 'IAM',
        action: 'deleteAccountPasswordPolicy',
        // Someone already deleted it by hand: the stack deletion should still succeed.
        ignoreErrorCodesMatching: 'NoSuchEntity',
      } : undefined,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: destroy
            ? ['iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy']
            : ['iam:UpdateAccountPasswordPolicy'],
          resources: ['*'],
        }),
      ]),
      // The SDK bundled with the Lambda runtime has these IAM calls; downloading the latest SDK
      // at deploy time would need internet access from the function and slow every deployment.
      installLatestAwsSdk: false,
    });

    this.acknowledgeAwsSolutionsFindings();
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }

  private maxPasswordAgeDays(maxPasswordAge: Duration | undefined): number {
    if (maxPasswordAge === undefined) return PASSWORD_POLICY_DEFAULTS.maxPasswordAgeDays;
    if (maxPasswordAge.isUnresolved()) return maxPasswordAge.toDays();
    // Not integral: a Duration such as 36 hours is reported as 1.5 days by the range check below,
    // with the prop name, instead of Duration's own conversion error.
    return maxPasswordAge.toDays({ integral: false });
  }

  private rejectSecondPolicyForTheSameAccount(): void {
    const account = Stack.of(this).account;
    const other = this.node.root.node.findAll().find(construct =>
      construct !== this
      && (construct as any)[STRICT_PASSWORD_POLICY_MARKER] === true
      && mayShareAccount(account, Stack.of(construct).account));
    if (other) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'instance', this.node.path,
        `an account has one password policy and '${other.node.path}' already sets it; ` +
        'keep one StrictPasswordPolicy per account (stacks with explicit, different accounts may each have one)');
    }
  }

  private acknowledgeAwsSolutionsFindings(): void {
    // Bare rule ids: aws-cdk-lib records them as `Annotation::<id>`, the form cdk-nag 3 matches both
    // in `validateScope` and as a synth plugin. (A namespaced `AwsSolutions::<id>` is stored as is
    // and not matched by cdk-nag 3.0.2's own check.)
    Validations.of(this.customResource.node.findChild('CustomResourcePolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'iam:UpdateAccountPasswordPolicy and iam:DeleteAccountPasswordPolicy support no resource-level ' +
        'permissions (the account password policy has no ARN), so IAM requires Resource "*"; the statement allows nothing else.',
    });

    // aws-cdk-lib creates one Lambda function per stack for every AwsCustomResource, with a fixed
    // id derived from its UUID; its role and runtime are not configurable through our props.
    const provider = Stack.of(this).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!provider) return;
    const serviceRole = provider.node.tryFindChild('ServiceRole');
    if (serviceRole) {
      Validations.of(serviceRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'Role of the AwsCustomResource provider function that aws-cdk-lib creates once per stack; AWSLambdaBasicExecutionRole ' +
        'grants only logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents so the function can write its own logs. ' +
        'The IAM actions it may call come from a separate, least-privilege inline policy per custom resource.',
      });
      acknowledgeServiceRoleWithoutBoundary(serviceRole,
        'it writes its own logs and calls only the actions each AwsCustomResource in the stack names (here iam:UpdateAccountPasswordPolicy and iam:DeleteAccountPasswordPolicy).');
    }
    guardAwsCustomResourceProvider(this.customResource, cr.AwsCustomResource.PROVIDER_FUNCTION_UUID);
    const fn = provider.node.defaultChild;
    if (fn) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
        'Runtime of the AwsCustomResource provider function, chosen by aws-cdk-lib (the newest Node.js runtime it knows for the region) ' +
        'and not configurable; it runs only during deployments. Upgrading aws-cdk-lib moves it forward.',
      });
    }
  }
}

const CONSTRUCT = 'StrictPasswordPolicy';
const PHYSICAL_RESOURCE_ID = 'account-password-policy';
const STRICT_PASSWORD_POLICY_MARKER = Symbol.for('cdk-iam-guardrails.StrictPasswordPolicy');

/** Two stacks may target the same account unless both name explicit, different accounts. */
function mayShareAccount(a: string, b: string): boolean {
  return Token.isUnresolved(a) || Token.isUnresolved(b) || a === b;
}
