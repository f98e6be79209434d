import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { forceMfaStatements } from './private/force-mfa-policy';
import { GuardrailsValidationError, requireBoolean } from '../private/validation';

/**
 * Properties for `SecureGroup`.
 */
export interface SecureGroupProps {
  /**
   * The name of the IAM group: up to 128 letters, digits and `+=,.@_-`.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly groupName?: string;

  /**
   * Managed policies to attach to the group, for example
   * `iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')`.
   *
   * AWS's `AdministratorAccess` is rejected unless `allowAdministratorAccess` is true.
   *
   * @default - none
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Inline policy statements for the group's members.
   *
   * An Allow of every action (`*`, or any `NotAction`) on every resource (`*`) is rejected unless
   * `allowAdministratorAccess` is true.
   *
   * @default - none
   */
  readonly statements?: iam.PolicyStatement[];

  /**
   * Whether members must sign in with MFA before they can do anything but set up their MFA device.
   *
   * When true, the group carries the Deny statement of AWS's force-MFA policy: every action other
   * than creating, enabling, listing and resyncing their own MFA device, `iam:GetUser` and
   * `sts:GetSessionToken` is denied to a request made without MFA (including requests signed with
   * access keys outside an MFA session), whatever the group's other policies allow. The statements
   * that let a member enroll their own MFA device always come with it.
   *
   * @default true
   */
  readonly requireMfa?: boolean;

  /**
   * Whether members may manage their own credentials: change their password, and create, rotate
   * and delete their own access keys, signing certificates, SSH public keys and service-specific
   * (Git) credentials.
   *
   * With `requireMfa` true and this false, a member keeps only what MFA enrollment needs (see the
   * account password policy, list MFA devices, create and enable their own virtual MFA device);
   * once signed in with MFA they have the group's other permissions, but their password and keys
   * are managed by an administrator. (Changing an expired password at sign-in is governed by the
   * account password policy, not by this group.) With both false the group carries no force-MFA
   * policy at all.
   *
   * @default true
   */
  readonly allowSelfServiceCredentials?: boolean;

  /**
   * Whether the group may be given administrator access: an Allow of `*` on `*` (or a `NotAction`
   * Allow on `*`) in `statements` or `addToPolicy`, or AWS's `AdministratorAccess` managed policy.
   *
   * Administrators are better served by a role they assume with MFA than by group membership;
   * set this only deliberately.
   *
   * @default false
   */
  readonly allowAdministratorAccess?: boolean;
}

/**
 * An IAM group for humans that carries AWS's force-MFA policy: a member can set up their own MFA
 * device and credentials, and can do nothing else until they sign in with MFA.
 *
 * The force-MFA statements live in a customer managed policy of their own (so they do not use up
 * the group's 5,120-character inline policy budget); your `statements` go to the group's inline
 * policy. Administrator access is refused unless asked for explicitly.
 *
 * @example
 * const developers = new SecureGroup(this, 'Developers', {
 *   managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
 * });
 * developers.addUser(new iam.User(this, 'Developer'));
 */
export class SecureGroup extends Construct implements iam.IGrantable {
  /**
   * The IAM group.
   */
  public readonly group: iam.Group;

  /**
   * The customer managed policy holding AWS's force-MFA statements; undefined when both
   * `requireMfa` and `allowSelfServiceCredentials` are false.
   */
  public readonly forceMfaPolicy?: iam.ManagedPolicy;

  /**
   * The principal to grant permissions to (the group).
   */
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly allowAdministratorAccess: boolean;

  constructor(scope: Construct, id: string, props: SecureGroupProps = {}) {
    super(scope, id);
    this.allowAdministratorAccess = props.allowAdministratorAccess ?? false;
    validateGroupName(this, props.groupName);
    for (const prop of ['requireMfa', 'allowSelfServiceCredentials', 'allowAdministratorAccess'] as const) {
      requireBoolean(this, CONSTRUCT, prop, props[prop]);
    }
    (props.managedPolicies ?? []).forEach((policy, index) => this.rejectAdministratorPolicy(policy, `managedPolicies[${index}]`));
    (props.statements ?? []).forEach((statement, index) => this.rejectAdministratorStatement(statement, `statements[${index}]`));

    this.group = new iam.Group(this, 'Resource', {
      groupName: props.groupName,
      managedPolicies: props.managedPolicies,
    });
    this.grantPrincipal = this.group;
    for (const statement of props.statements ?? []) this.group.addToPolicy(statement);

    const statements = forceMfaStatements({
      requireMfa: props.requireMfa ?? true,
      allowSelfServiceCredentials: props.allowSelfServiceCredentials ?? true,
    });
    if (statements.length > 0) {
      this.forceMfaPolicy = new iam.ManagedPolicy(this, 'ForceMfaPolicy', {
        description: 'Members manage their own MFA device and credentials; everything else requires signing in with MFA',
        statements,
        groups: [this.group],
      });
      this.acknowledgeForceMfaWildcards(this.forceMfaPolicy);
    }
  }

  /**
   * Adds a user to the group.
   */
  public addUser(user: iam.IUser): void {
    this.group.addUser(user);
  }

  /**
   * Attaches a managed policy to the group. AWS's `AdministratorAccess` is rejected unless
   * `allowAdministratorAccess` is true.
   */
  public addManagedPolicy(policy: iam.IManagedPolicy): void {
    this.rejectAdministratorPolicy(policy, 'managedPolicy');
    this.group.addManagedPolicy(policy);
  }

  /**
   * Adds a statement to the group's inline policy. An Allow of everything on `*` is rejected
   * unless `allowAdministratorAccess` is true.
   *
   * @returns true, as the statement was added
   */
  public addToPolicy(statement: iam.PolicyStatement): boolean {
    this.rejectAdministratorStatement(statement, 'statement');
    return this.group.addToPolicy(statement);
  }

  private rejectAdministratorStatement(statement: iam.PolicyStatement, prop: string): void {
    if (this.allowAdministratorAccess || !grantsAdministratorAccess(statement)) return;
    throw new GuardrailsValidationError(this, CONSTRUCT, prop, statement.toStatementJson(),
      'an Allow of every action on every resource ("*" on "*", or NotAction on "*") is administrator access; ' +
      'grant the actions the group needs, or set allowAdministratorAccess: true deliberately');
  }

  private rejectAdministratorPolicy(policy: iam.IManagedPolicy, prop: string): void {
    if (this.allowAdministratorAccess) return;
    const arn = flattenArn(Stack.of(this).resolve(policy.managedPolicyArn));
    const statements = policy instanceof iam.ManagedPolicy ? Stack.of(policy).resolve(policy.document.toJSON())?.Statement ?? [] : [];
    if (arn?.endsWith(':iam::aws:policy/AdministratorAccess') || statements.some(isAdministratorStatementJson)) {
      throw new GuardrailsValidationError(this, CONSTRUCT, prop, arn ?? policy.node.path,
        'this managed policy grants administrator access; attach narrower policies, or set allowAdministratorAccess: true deliberately');
    }
  }

  private acknowledgeForceMfaWildcards(policy: iam.ManagedPolicy): void {
    // The policy exists only with its MFA enrollment statements, which produce all three findings.
    const reason = 'AWS\'s published force-MFA policy, verbatim: each user may act only on their own IAM user ' +
      '(${aws:username}) in any account of the partition, may create a virtual MFA device (whose name the user chooses), ' +
      'and may read the account password policy and list virtual MFA devices, which support no resource-level permissions.';
    Validations.of(policy).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:user/<aws:username>]', reason },
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:mfa/*]', reason },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason },
      { id: 'annotation::IamBestPractices-LP10[Action::iam:CreateVirtualMFADevice]', reason },
    );
  }
}

const CONSTRUCT = 'SecureGroup';
const GROUP_NAME = /^[\w+=,.@-]{1,128}$/;

function validateGroupName(scope: Construct, groupName: string | undefined): void {
  if (groupName === undefined || Token.isUnresolved(groupName)) return;
  if (!GROUP_NAME.test(groupName)) {
    throw new GuardrailsValidationError(scope, CONSTRUCT, 'groupName', groupName,
      'allowed are 1-128 letters, digits and the characters +=,.@_-');
  }
}

/** True for an Allow of every action on every resource, however the JSON spells it. */
function grantsAdministratorAccess(statement: iam.PolicyStatement): boolean {
  return isAdministratorStatementJson(statement.toStatementJson());
}

function isAdministratorStatementJson(json: any): boolean {
  if (asList(json?.Effect)[0] !== 'allow') return false;
  const coversEveryResource = asList(json.Resource).includes('*');
  const coversEveryAction = asList(json.Action).includes('*') || json.NotAction !== undefined;
  return coversEveryResource && coversEveryAction;
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string').map(item => item.trim().toLowerCase());
}

/** A resolved ARN as text, with pseudo parameters such as the partition left as placeholders. */
function flattenArn(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as any)?.['Fn::Join'];
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
    return join[1].map((part: unknown) => (typeof part === 'string' ? part : '<token>')).join('');
  }
  return undefined;
}
