/**
 * AWS Organizations authorization policies: service control policies (SCPs) cap what the
 * principals of member accounts may do, resource control policies (RCPs) cap what the resources of
 * member accounts accept. Neither grants anything. What AWS Organizations rejects at deployment
 * (size, elements the policy type does not support) and what silently has no effect (a misspelt
 * action, an RCP on a service RCPs do not cover) is decided here, free of constructs.
 */
import { ActionCatalog } from './catalog';
import { PolicyDocument, Statement } from './document';
import { hasWildcard } from './glob';

/** The CloudFormation type of an organization policy. */
export const ORGANIZATION_POLICY_TYPE = 'AWS::Organizations::Policy';

export const SERVICE_CONTROL_POLICY = 'SERVICE_CONTROL_POLICY';
export const RESOURCE_CONTROL_POLICY = 'RESOURCE_CONTROL_POLICY';

/** The organization policy types written in IAM's policy grammar. */
export type AuthorizationPolicyType = typeof SERVICE_CONTROL_POLICY | typeof RESOURCE_CONTROL_POLICY;

/**
 * AWS Organizations' quota on the document of an SCP or an RCP: 5,120 characters, white space
 * included (Organizations quotas, "Maximum size of a policy document").
 */
export const MAX_AUTHORIZATION_POLICY_CHARACTERS = 5_120;

/**
 * The services whose resources RCPs apply to (AWS Organizations, "List of AWS services that support
 * RCPs", as of 2025). A statement on any other service's actions has no effect.
 */
export const RCP_SERVICES: readonly string[] = [
  's3', 'sts', 'kms', 'sqs', 'secretsmanager', 'ecr', 'aoss', 'cognito-identity', 'logs', 'dynamodb',
];

/** `SERVICE_CONTROL_POLICY` / `RESOURCE_CONTROL_POLICY`, or undefined for tag, backup and other policy types. */
export function authorizationPolicyType(type: unknown): AuthorizationPolicyType | undefined {
  return type === SERVICE_CONTROL_POLICY || type === RESOURCE_CONTROL_POLICY ? type : undefined;
}

/** How Organizations counts a policy's characters: the text as sent; an object as compact JSON (the least it can be). */
export function authorizationPolicySize(content: unknown): number | undefined {
  if (typeof content === 'string') return content.length;
  if (content === null || typeof content !== 'object') return undefined;
  try {
    return JSON.stringify(content).length;
  } catch {
    return undefined;
  }
}

/** One policy element AWS Organizations rejects in a statement of a policy type. */
export interface UnsupportedElement {
  /** `Principal`, `NotPrincipal`, `NotAction`, `Effect: Allow`, `Principal other than "*"`. */
  readonly element: string;
  readonly statement: Statement;
  /** Why, in the words of the policy type's grammar. */
  readonly reason: string;
}

/**
 * The elements of each statement the policy type does not accept: SCPs name no principal (they
 * apply to every principal of the accounts they are attached to); RCPs deny only, name every
 * principal (`"*"`), and have no NotAction or NotPrincipal.
 */
export function unsupportedElements(doc: PolicyDocument, type: AuthorizationPolicyType): UnsupportedElement[] {
  const out: UnsupportedElement[] = [];
  for (const statement of doc.statements) {
    if (statement.notPrincipal) {
      out.push({ element: 'NotPrincipal', statement, reason: `${typeLabel(type)}s do not support NotPrincipal` });
    }
    if (type === SERVICE_CONTROL_POLICY) {
      if (statement.principal) {
        out.push({ element: 'Principal', statement, reason: 'SCPs apply to every principal of the accounts they are attached to and take no Principal' });
      }
      continue;
    }
    if (statement.effect === 'Allow') {
      out.push({ element: 'Allow', statement, reason: 'RCPs only deny: Allow is reserved to the AWS managed RCPFullAWSAccess' });
    }
    if (statement.notActions) out.push({ element: 'NotAction', statement, reason: 'RCPs do not support NotAction' });
    if (!statement.principal || !statement.principal.wildcard) {
      out.push({ element: 'Principal', statement, reason: 'an RCP statement must name every principal ("Principal": "*") and narrow with conditions' });
    }
  }
  return out;
}

/** An action pattern a statement names that matches no IAM action. */
export interface UnknownAction {
  readonly action: string;
  readonly statement: Statement;
  /** Where it is written: `Action` or `NotAction`. */
  readonly element: 'Action' | 'NotAction';
}

/**
 * Action patterns that match no action (checked against the service authorization reference): in
 * a Deny they deny nothing, in a NotAction they exempt nothing, so the guardrail is not what it reads.
 */
export function unknownActionsOf(doc: PolicyDocument): UnknownAction[] {
  const catalog = ActionCatalog.get();
  const out: UnknownAction[] = [];
  for (const statement of doc.statements) {
    for (const [element, list] of [['Action', statement.actions], ['NotAction', statement.notActions]] as const) {
      for (const action of list ?? []) {
        const validity = catalog.check(action);
        if (validity === 'unknown-action' || validity === 'unknown-service') out.push({ action, statement, element });
      }
    }
  }
  return out;
}

/** An RCP statement's actions on services RCPs do not apply to. */
export interface IneffectiveRcpActions {
  readonly statement: Statement;
  /** The services named, lower-cased, each once. */
  readonly services: readonly string[];
}

/** Actions of RCP statements whose service RCPs do not cover: those parts of the statement have no effect. */
export function actionsOutsideRcpServices(doc: PolicyDocument): IneffectiveRcpActions[] {
  const out: IneffectiveRcpActions[] = [];
  for (const statement of doc.statements) {
    const services = new Set<string>();
    for (const action of statement.actions ?? []) {
      const colon = action.indexOf(':');
      if (colon <= 0 || action.includes('<')) continue;
      const service = action.slice(0, colon).toLowerCase();
      // `s3*:Get*` may match a covered service; judge only what names one service.
      if (hasWildcard(service)) continue;
      if (!RCP_SERVICES.includes(service)) services.add(service);
    }
    if (services.size > 0) out.push({ statement, services: [...services] });
  }
  return out;
}

/** `SCP` or `RCP`. */
export function typeLabel(type: AuthorizationPolicyType): string {
  return type === SERVICE_CONTROL_POLICY ? 'SCP' : 'RCP';
}
