/**
 * The statements of OrganizationGuardrails' service control policies, as plain policy JSON, and
 * their packing into as few SCP documents as the Organizations quotas allow. Pure: no constructs.
 */

/** Organizations quota: characters of one SCP document, whitespace included (we send it minified). */
export const SCP_MAX_CHARACTERS = 5120;
/** Organizations quota: SCPs attached to one root, OU or account, FullAWSAccess included. */
export const SCPS_PER_TARGET = 5;

/** The role a service-managed StackSet uses in every member account (named by CloudFormation). */
export const STACKSET_EXECUTION_ROLE_PATTERN = 'arn:*:iam::*:role/stacksets-exec-*';

/**
 * The tag of every guardrail resource, the one the default permissions boundary protects: the
 * baseline's constructs carry it, and OrganizationGuardrails puts it on its StackSet too, which
 * CloudFormation copies to the resources it creates in member accounts.
 */
export { GUARDRAIL_TAG_KEY, GUARDRAIL_TAG_VALUE } from './guardrail-resources';
import { GUARDRAIL_TAG_KEY, GUARDRAIL_TAG_VALUE } from './guardrail-resources';

/**
 * Actions that stay available outside the allowed regions: global services and the calls they
 * make in us-east-1. AWS's documented example SCP "Deny access to AWS based on the requested
 * AWS Region" (AWS Organizations User Guide, example SCPs, general examples).
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
  'a4b:*', 'acm:*', 'aws-marketplace-management:*', 'aws-marketplace:*', 'aws-portal:*', 'budgets:*', 'ce:*',
  'chime:*', 'cloudfront:*', 'config:*', 'cur:*', 'directconnect:*', 'ec2:DescribeRegions',
  'ec2:DescribeTransitGateways', 'ec2:DescribeVpnGateways', 'fms:*', 'globalaccelerator:*', 'health:*', 'iam:*',
  'importexport:*', 'kms:*', 'mobileanalytics:*', 'networkmanager:*', 'organizations:*', 'pricing:*', 'route53:*',
  'route53domains:*', 'route53-recovery-cluster:*', 'route53-recovery-control-config:*',
  'route53-recovery-readiness:*', 's3:GetAccountPublic*', 's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints',
  's3:PutAccountPublic*', 'shield:*', 'sts:*', 'support:*', 'trustedadvisor:*', 'waf-regional:*', 'waf:*', 'wafv2:*',
  'wellarchitected:*',
];

/** Changes to trails: stopping, deleting, or narrowing what they record. */
export const TRAIL_PROTECTED_ACTIONS: readonly string[] = [
  'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
];

/** Changes that stop or blind AWS Config recording and rules. */
export const CONFIG_PROTECTED_ACTIONS: readonly string[] = [
  'config:StopConfigurationRecorder', 'config:DeleteConfigurationRecorder', 'config:PutConfigurationRecorder',
  'config:DeleteDeliveryChannel', 'config:PutDeliveryChannel', 'config:DeleteConfigRule',
  'config:DeleteEvaluationResults', 'config:DeleteRetentionConfiguration',
];

/** Deleting analyzers, and archive rules that hide findings. */
export const ACCESS_ANALYZER_PROTECTED_ACTIONS: readonly string[] = [
  'access-analyzer:DeleteAnalyzer', 'access-analyzer:CreateArchiveRule', 'access-analyzer:UpdateArchiveRule',
  'access-analyzer:ApplyArchiveRule',
];

/** Changing or deleting the stacks a guardrail StackSet created. */
export const STACK_PROTECTED_ACTIONS: readonly string[] = [
  'cloudformation:DeleteStack', 'cloudformation:UpdateStack', 'cloudformation:CreateChangeSet',
  'cloudformation:ExecuteChangeSet', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateTerminationProtection',
  'cloudformation:ContinueUpdateRollback', 'cloudformation:CancelUpdateStack',
];

/** Changing or deleting the resources of those stacks (they carry the guardrail tag). */
export const TAGGED_RESOURCE_PROTECTED_ACTIONS: readonly string[] = [
  'lambda:Delete*', 'lambda:Update*', 'lambda:Put*', 'lambda:AddPermission', 'lambda:RemovePermission',
  'events:DeleteRule', 'events:DisableRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets',
  'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission',
  'cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:PutMetricAlarm',
  'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy',
  'iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
  'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
  'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
  'access-analyzer:DeleteAnalyzer',
];

/** The user credentials "roles, not users" forbids outside the break-glass path. */
export const USER_CREDENTIAL_ACTIONS: readonly string[] = ['iam:CreateUser', 'iam:CreateLoginProfile', 'iam:CreateAccessKey'];

export interface ScpStatementOptions {
  readonly denyRootUser: boolean;
  /** Leave privileged root sessions (`sts:AssumeRoot`, centralized root access) out of the root deny. */
  readonly allowPrivilegedRootSessions: boolean;
  readonly denyLeavingOrganization: boolean;
  readonly protectSecurityServices: boolean;
  /** The StackSet whose stacks are protected; undefined: no stacks to protect. */
  readonly guardrailStackSetName?: string;
  readonly denyIamUsers: boolean;
  /** `/break-glass/`: users under it may be created and get a password and access keys. */
  readonly breakGlassUserPath: string;
  /** Undefined: no region restriction. */
  readonly allowedRegions?: readonly string[];
  /** `aws:PrincipalArn` patterns the protection and region statements do not apply to. */
  readonly exemptPrincipalArns: readonly string[];
}

type Json = { [key: string]: unknown };

function exempting(exemptPrincipalArns: readonly string[]): Json {
  return { ArnNotLike: { 'aws:PrincipalArn': [...exemptPrincipalArns] } };
}

/** Every statement the options ask for, in a fixed order (packing keeps it). */
export function scpStatements(options: ScpStatementOptions): Json[] {
  const statements: Json[] = [];
  const exempt = exempting(options.exemptPrincipalArns);

  if (options.denyRootUser) {
    const condition: Json = { StringLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' } };
    // A privileged root session (sts:AssumeRoot from the management account or the delegated
    // administrator) is the root user too; it is how centralized root access deletes root
    // credentials and unlocks bucket policies, so it stays possible.
    if (options.allowPrivilegedRootSessions) condition.BoolIfExists = { 'aws:AssumedRoot': 'false' };
    statements.push({ Sid: 'DenyMemberAccountRootUser', Effect: 'Deny', Action: '*', Resource: '*', Condition: condition });
  }
  if (options.denyLeavingOrganization) {
    statements.push({ Sid: 'DenyLeavingTheOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' });
  }
  if (options.protectSecurityServices) {
    statements.push({
      Sid: 'ProtectCloudTrailConfigAndAccessAnalyzer',
      Effect: 'Deny',
      Action: [...TRAIL_PROTECTED_ACTIONS, ...CONFIG_PROTECTED_ACTIONS, ...ACCESS_ANALYZER_PROTECTED_ACTIONS],
      Resource: '*',
      Condition: exempt,
    });
    if (options.guardrailStackSetName !== undefined) {
      statements.push({
        Sid: 'ProtectGuardrailStacks',
        Effect: 'Deny',
        Action: [...STACK_PROTECTED_ACTIONS],
        Resource: `arn:*:cloudformation:*:*:stack/StackSet-${options.guardrailStackSetName}-*`,
        Condition: exempt,
      });
      statements.push({
        Sid: 'ProtectGuardrailResources',
        Effect: 'Deny',
        Action: [...TAGGED_RESOURCE_PROTECTED_ACTIONS],
        Resource: '*',
        Condition: { ...exempt, StringEquals: { [`aws:ResourceTag/${GUARDRAIL_TAG_KEY}`]: GUARDRAIL_TAG_VALUE } },
      });
      // Without this, removing the tag would lift the statement above.
      statements.push({
        Sid: 'ProtectGuardrailTag',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { ...exempt, 'ForAnyValue:StringEquals': { 'aws:TagKeys': GUARDRAIL_TAG_KEY } },
      });
    }
  }
  if (options.denyIamUsers) {
    statements.push({
      Sid: 'DenyIamUsersOutsideBreakGlassPath',
      Effect: 'Deny',
      Action: [...USER_CREDENTIAL_ACTIONS],
      NotResource: `arn:*:iam::*:user${options.breakGlassUserPath}*`,
    });
  }
  if (options.allowedRegions !== undefined) {
    statements.push({
      Sid: 'DenyOutsideAllowedRegions',
      Effect: 'Deny',
      NotAction: [...GLOBAL_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { ...exempt, StringNotEquals: { 'aws:RequestedRegion': [...options.allowedRegions] } },
    });
  }
  return statements;
}

/** The policy document as sent to Organizations: minified JSON. */
export function scpContent(statements: readonly Json[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * Packs statements, in order, into as few documents as fit the size quota. A statement that does
 * not fit even alone gets a document of its own (the size validation then reports it).
 */
export function packStatements(statements: readonly Json[], maxCharacters = SCP_MAX_CHARACTERS): Json[][] {
  const documents: Json[][] = [];
  let current: Json[] = [];
  for (const statement of statements) {
    if (current.length > 0 && scpContent([...current, statement]).length > maxCharacters) {
      documents.push(current);
      current = [];
    }
    current.push(statement);
  }
  if (current.length > 0) documents.push(current);
  return documents;
}
