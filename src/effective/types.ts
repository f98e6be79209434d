// The data the effective-permissions API returns: jsii structs and enums (TypeScript and Python).

/** The kind of an IAM principal. */
export enum PrincipalKind {
  /** `AWS::IAM::Role`. */
  ROLE = 'ROLE',
  /** `AWS::IAM::User`. */
  USER = 'USER',
  /** `AWS::IAM::Group`. */
  GROUP = 'GROUP',
  /** `AWS::SSO::PermissionSet`: IAM Identity Center provisions it as a role in each account it is assigned to. */
  PERMISSION_SET = 'PERMISSION_SET',
}

/** Access levels as the AWS Service Authorization Reference names them. */
export enum AccessLevel {
  /** List resources (e.g. `s3:ListBucket`). */
  LIST = 'LIST',
  /** Read resources and their data (e.g. `s3:GetObject`). */
  READ = 'READ',
  /** Create, change or delete resources (e.g. `s3:PutObject`, `s3:DeleteObject`). */
  WRITE = 'WRITE',
  /** Change who can do what (e.g. `iam:PutRolePolicy`, `s3:PutBucketPolicy`). */
  PERMISSIONS_MANAGEMENT = 'PERMISSIONS_MANAGEMENT',
  /** Change tags (e.g. `s3:PutObjectTagging`). */
  TAGGING = 'TAGGING',
  /** An action the action catalog does not know (a misspelling, a value unknown before deployment). */
  UNKNOWN = 'UNKNOWN',
}

/** How an `allows` question was decided, in IAM's order: an explicit Deny wins, then an Allow is needed, then the boundary must allow it. */
export enum DecisionKind {
  /** An identity policy allows it, no Deny applies, and the boundary (if any) lets it through. */
  ALLOWED = 'ALLOWED',
  /** A Deny statement without conditions applies (in an identity policy or the boundary). */
  EXPLICIT_DENY = 'EXPLICIT_DENY',
  /** No identity policy allows it. */
  IMPLICIT_DENY = 'IMPLICIT_DENY',
  /** An identity policy allows it, but the permissions boundary never does. */
  BOUNDARY = 'BOUNDARY',
}

/** One statement of one policy. */
export interface PolicyStatementReference {
  /** The policy: `inline policy "Name"`, `policy "Name"`, `AWS managed policy "Name"`, `group "G": ...` for a user's group. */
  readonly policy: string;
  /** `statement "Sid"`, or `statement #2` (1-based) when it has no Sid. */
  readonly statement: string;
  /**
   * The statement's Sid.
   * @default - the statement has no Sid
   */
  readonly sid?: string;
  /** 0-based position of the statement in its policy. */
  readonly index: number;
  /** Whether the statement has a Condition (it may not apply to every request). */
  readonly conditional: boolean;
}

/** Where a principal is effectively allowed an action. */
export interface ResourcePermission {
  /**
   * The resource as the grant writes it, references as placeholders (`<Bucket.Arn>/*`), or narrowed
   * to the boundary's pattern; `*` for a NotResource grant.
   */
  readonly resource: string;
  /** Resources carved out of it: a NotResource list, or the resources of a Deny narrower than the grant. */
  readonly exceptions: string[];
  /** Whether it reaches every resource of a type the action acts on (`*`, `arn:aws:s3:::*`). */
  readonly unbounded: boolean;
  /** Whether every statement that grants it has a Condition. */
  readonly conditional: boolean;
  /** The statements that allow it. */
  readonly grantedBy: PolicyStatementReference[];
  /** Deny statements that remove part of it, or may remove it (conditional Denies). */
  readonly limitedBy: PolicyStatementReference[];
}

/** An action a principal is effectively allowed, after Denies and its boundary. */
export interface ActionPermission {
  /** As AWS spells it (`s3:GetObject`); as written when the catalog does not know it. */
  readonly action: string;
  /** The service prefix, lower-cased (`s3`). */
  readonly service: string;
  readonly accessLevel: AccessLevel;
  readonly resources: ResourcePermission[];
  /** Whether some of its resources are unbounded. */
  readonly unbounded: boolean;
  /** Whether every grant of it is conditional. */
  readonly conditional: boolean;
}

/** The actions of one service at one access level. */
export interface ServiceAccess {
  /** The service prefix, lower-cased. */
  readonly service: string;
  readonly accessLevel: AccessLevel;
  /** The actions, as AWS spells them. */
  readonly actions: string[];
  /** The actions allowed on some unbounded resource. */
  readonly unboundedActions: string[];
}

/** A grant the permissions boundary makes dead: the principal can never use it. */
export interface DeadGrant {
  readonly action: string;
  readonly accessLevel: AccessLevel;
  /** The resource as the grant writes it. */
  readonly resource: string;
  /** The statement that grants it. */
  readonly grantedBy: PolicyStatementReference;
  /** The boundary policy's name. */
  readonly boundary: string;
}

/** A grant an explicit Deny (without conditions) removes entirely. */
export interface DeniedGrant {
  readonly action: string;
  readonly resource: string;
  readonly grantedBy: PolicyStatementReference;
  readonly deniedBy: PolicyStatementReference;
}

/** A known privilege-escalation path the principal's effective permissions allow. */
export interface EscalationPath {
  /** `self-modification`, `pass-role` or `take-over`. */
  readonly category: string;
  /** What an attacker does with it. */
  readonly description: string;
  /** The actions that make it, one per step. */
  readonly actions: string[];
  /**
   * For a path that passes a role: the services the role is passed to.
   * @default - the path passes no role
   */
  readonly passedTo?: string[];
}

/** The answer to `allows(action, resource)`, with why. */
export interface PermissionDecision {
  readonly allowed: boolean;
  readonly decision: DecisionKind;
  /** The action asked about, as asked. */
  readonly action: string;
  /** The concrete action decided on: for a pattern (`s3:Delete*`), the first allowed action it stands for, else the first. */
  readonly matchedAction: string;
  /**
   * The resource asked about, tokens evaluated to placeholders (`<Bucket.Arn>/*`).
   * @default - no resource was given: allowed on some resource
   */
  readonly resource?: string;
  /** The identity-policy statements that allow it. */
  readonly allowedBy: PolicyStatementReference[];
  /** The Deny statements that deny it. */
  readonly deniedBy: PolicyStatementReference[];
  /** The boundary statements that let it through. */
  readonly boundaryAllowedBy: PolicyStatementReference[];
  /** Deny statements with conditions that may apply: the request is then denied. */
  readonly conditionalDenies: PolicyStatementReference[];
  /**
   * The permissions boundary's name.
   * @default - the principal has no permissions boundary this analysis can read
   */
  readonly boundary?: string;
  /** Whether every statement that allows it has a Condition. */
  readonly conditional: boolean;
  /** One sentence: which policy and statement allow it, which Deny or boundary blocks it. */
  readonly reason: string;
}

/** Options for `EffectivePermissions.fromTemplate`. */
export interface TemplateOptions {
  /**
   * The stack's name, which principals' display names start with.
   * @default 'Template'
   */
  readonly stackName?: string;
  /**
   * The account the template deploys to: `AWS::AccountId` in ARNs takes it.
   * @default - unknown: `AWS::AccountId` matches any account
   */
  readonly account?: string;
  /**
   * The region the template deploys to.
   * @default - unknown: `AWS::Region` matches any region
   */
  readonly region?: string;
}
