import { CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { guardDeploymentFunctions, protectAsGuardrail } from './private/guardrail-resources';
import {
  CIS_MINIMUM_PASSWORD_LENGTH, CIS_PASSWORD_REUSE_PREVENTION, PASSWORD_POLICY_DEFAULTS,
} from './private/password-policy-defaults';
import { acknowledgeServiceRoleWithoutBoundary } from '../private/acknowledgments';
import { PasswordPolicyFunction } from './strict-password-policy/password-policy-function';
import { GuardrailsValidationError, requireBoolean, requireIntegerInRange, warn } from '../private/validation';

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
   * Where the account's current policy is stricter than this one in some settings, keep the
   * account's stricter value of each setting instead of failing the deployment.
   *
   * On create, the construct reads the account's password policy. Without this opt-in, any setting
   * in which that policy is stricter than this construct's (a longer minimum length, a required
   * character class, a shorter maximum age, more passwords remembered, hard expiry, users allowed
   * to change their password) fails the deployment with a message naming each such setting, and
   * the account's policy is left as it was. With it, the policy set is the stricter of the two in
   * every setting.
   *
   * @default false
   */
  readonly keepStricterSettings?: boolean;

  /**
   * What happens to the account password policy when this construct is removed or its stack is
   * deleted.
   *
   * `RemovalPolicy.RETAIN` leaves this construct's policy in place (it is never weaker than the
   * policy it replaced). `RemovalPolicy.DESTROY` restores the policy the account had before this
   * construct first set its own (or deletes the policy if there was none), but only while the
   * account still has exactly the policy this construct set: a policy that another app or a person
   * set since is left alone. The rollback of a failed first deployment does the same. Other values
   * are treated as RETAIN.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The account's IAM password policy, set to the IAM best-practices guide's values by default.
 *
 * CloudFormation has no resource for the account password policy, so a Lambda-backed custom
 * resource sets it. The handler's role may call `iam:GetAccountPasswordPolicy`,
 * `iam:UpdateAccountPasswordPolicy` and (only with `removalPolicy: DESTROY`)
 * `iam:DeleteAccountPasswordPolicy`, nothing else.
 *
 * **Never weakens, never loses a policy.** On create, the handler reads the account's policy. If
 * any setting of it is stricter than this construct's, the deployment fails naming each such
 * setting and the account keeps its policy (or, with `keepStricterSettings: true`, the stricter
 * value of each setting is kept). The policy found is kept in the resource's own state (its
 * physical ID, which CloudFormation hands back on every update and delete), so that a delete with
 * `removalPolicy: DESTROY`, or the rollback of a failed first deployment, restores exactly that
 * policy, or deletes the policy if the account had none. With RETAIN (the default) this construct's
 * policy stays. The custom resource has a fixed logical ID in its stack, so renaming or moving the
 * construct within its stack updates the policy in place instead of replacing it.
 *
 * **One policy per account.** An account has exactly one password policy, so an app may contain
 * only one `StrictPasswordPolicy` per target account; a second one is an error at synth time.
 * Two apps (or two stacks of different apps) deployed to the same account share that one policy:
 * the one deployed last sets it. Before restoring anything on delete, the handler checks that the
 * account still has exactly the policy this resource set, and otherwise leaves the policy alone, so
 * deleting one app with DESTROY never deletes or overwrites a different policy another app set.
 * Two apps that set *identical* policies cannot be told apart this way (the account's policy is the
 * only state they share): keep `removalPolicy: DESTROY` to at most one app per account, or give
 * the account's policy a single owner.
 *
 * After create, the policy is this stack's like any other resource: an update sets what the
 * template says, and changes made by hand in the meantime are drift that the update overwrites.
 *
 * @example
 * new StrictPasswordPolicy(this, 'PasswordPolicy');
 */
export class StrictPasswordPolicy extends Construct {
  /**
   * The custom resource that sets the policy.
   */
  public readonly customResource: CustomResource;

  /**
   * The password policy this construct sets, as the `UpdateAccountPasswordPolicy` API parameters.
   */
  public readonly policyParameters: { [key: string]: any };

  constructor(scope: Construct, id: string, props: StrictPasswordPolicyProps = {}) {
    super(scope, id);
    Object.defineProperty(this, STRICT_PASSWORD_POLICY_MARKER, { value: true });
    this.rejectSecondPolicyForTheSameAccount();

    for (const prop of BOOLEAN_PROPS) requireBoolean(this, CONSTRUCT, prop, props[prop]);
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
    const destroy = (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.DESTROY;

    const provider = this.providerOfStack(destroy);
    this.customResource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::StrictPasswordPolicy',
      properties: {
        Policy: this.policyParameters,
        KeepStricterSettings: props.keepStricterSettings ?? false,
        // Read by the handler on delete: CloudFormation's own DeletionPolicy would also stop the
        // rollback of a failed create from restoring the previous policy.
        RemovalPolicy: destroy ? 'destroy' : 'retain',
      },
    });
    // The account has one policy and the app one StrictPasswordPolicy per account (so per stack):
    // a fixed logical ID makes renaming or moving the construct within its stack an in-place update
    // of the same resource, never a create of a new one followed by a delete of the old one.
    (this.customResource.node.defaultChild as CfnResource).overrideLogicalId(LOGICAL_ID);
    // The default permissions boundary denies changing what carries the guardrail tag.
    protectAsGuardrail(this);
  }

  private maxPasswordAgeDays(maxPasswordAge: Duration | undefined): number {
    if (maxPasswordAge === undefined) return PASSWORD_POLICY_DEFAULTS.maxPasswordAgeDays;
    if (!(maxPasswordAge instanceof Duration)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, 'maxPasswordAge', maxPasswordAge,
        'expected a Duration of 1-1095 whole days, e.g. Duration.days(90)');
    }
    if (maxPasswordAge.isUnresolved()) return maxPasswordAge.toDays();
    // Not integral: a Duration such as 36 hours is reported as 1.5 days by the range check below,
    // with the prop name, instead of Duration's own conversion error.
    return maxPasswordAge.toDays({ integral: false });
  }

  /**
   * The stack's provider, made once per stack at the stack's root with fixed ids: the custom
   * resource's ServiceToken must not change when the construct is renamed or moved (CloudFormation
   * does not allow updating it), and the stack has at most one StrictPasswordPolicy.
   */
  private providerOfStack(destroy: boolean): cr.Provider {
    const stack = Stack.of(this);
    const scope = new Construct(stack, PROVIDER_ID);
    const handler = new PasswordPolicyFunction(scope, 'Handler', {
      description: 'StrictPasswordPolicy: sets the account password policy, never weakening it, and restores the previous one on delete',
      timeout: Duration.minutes(1),
    });
    const actions = ['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy'];
    // Only DESTROY deletes the policy (when the account had none before): RETAIN never needs to.
    if (destroy) actions.push('iam:DeleteAccountPasswordPolicy');
    // The account password policy has no ARN: IAM supports no resource-level permissions for it.
    handler.addToRolePolicy(new iam.PolicyStatement({ actions, resources: ['*'] }));
    const provider = new cr.Provider(scope, 'Provider', { onEventHandler: handler });
    acknowledgeProviderFindings(handler, provider, actions);
    // Tagged as guardrails (the default boundary denies changing them), checkov and compliance-pack
    // findings on deployment-time functions acknowledged.
    guardDeploymentFunctions(scope);
    return provider;
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
}

/**
 * cdk-nag's findings on the handler and the provider framework, acknowledged on the exact constructs.
 * Bare rule ids: aws-cdk-lib records them as `Annotation::<id>`, the form cdk-nag 3 matches both in
 * `validateScope` and as a synth plugin.
 */
function acknowledgeProviderFindings(handler: PasswordPolicyFunction, provider: cr.Provider, actions: string[]): void {
  const basicExecution = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
  const handlerRole = handler.role!;
  Validations.of(handlerRole).acknowledge({
    id: basicExecution,
    reason: 'AWSLambdaBasicExecutionRole grants only logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents, so the ' +
      'StrictPasswordPolicy handler can write its own logs; the IAM actions it may call come from a separate inline policy.',
  });
  Validations.of(handlerRole.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${actions.join(', ')} support no resource-level permissions (the account password policy has no ARN), so IAM ` +
      'requires Resource "*"; the statement allows nothing else.',
  });
  acknowledgeServiceRoleWithoutBoundary(handlerRole, `it writes its own logs and may call only ${actions.join(', ')}.`);

  const framework = provider.node.findChild('framework-onEvent') as Construct;
  const frameworkRole = framework.node.findChild('ServiceRole');
  Validations.of(frameworkRole).acknowledge({
    id: basicExecution,
    reason: 'Role of the custom-resources Provider framework function that aws-cdk-lib creates for the StrictPasswordPolicy handler; ' +
      'AWSLambdaBasicExecutionRole grants only logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents for its own logs.',
  });
  Validations.of(frameworkRole.node.findChild('DefaultPolicy')).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(handler).getLogicalId(handler.node.defaultChild as CfnResource)}.Arn>:*]`,
    reason: 'aws-cdk-lib\'s Provider framework may invoke the StrictPasswordPolicy handler function and its versions and ' +
      'aliases (the ":*" suffix), that one function only.',
  });
  acknowledgeServiceRoleWithoutBoundary(frameworkRole,
    'it writes its own logs and may only invoke the StrictPasswordPolicy handler function.');
  Validations.of(framework.node.defaultChild!).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'Runtime of the custom-resources Provider framework function, chosen by aws-cdk-lib and not configurable; it runs ' +
      'only during deployments. Upgrading aws-cdk-lib moves it forward.',
  });
}

const CONSTRUCT = 'StrictPasswordPolicy';
const LOGICAL_ID = 'StrictPasswordPolicy';
const PROVIDER_ID = 'StrictPasswordPolicyProvider';
const STRICT_PASSWORD_POLICY_MARKER = Symbol.for('cdk-iam-guardrails.StrictPasswordPolicy');
const BOOLEAN_PROPS = [
  'requireSymbols', 'requireNumbers', 'requireUppercaseCharacters', 'requireLowercaseCharacters',
  'allowUsersToChangePassword', 'hardExpiry', 'keepStricterSettings',
] as const;

/** Two stacks may target the same account unless both name explicit, different accounts. */
function mayShareAccount(a: string, b: string): boolean {
  return Token.isUnresolved(a) || Token.isUnresolved(b) || a === b;
}
