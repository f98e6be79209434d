/**
 * Which resources in a statement are unbounded: `*`, or an ARN whose wildcards cover every
 * resource of its type (`arn:aws:iam::*:role/*`, `arn:aws:s3:::*`). A name prefix (`role/app-*`),
 * a path (`role/app/*`), a policy variable (`user/${aws:username}`) or a placeholder
 * (`<Bucket.Arn>/*`) bounds the resource; a value unknown before deployment (`<?Parameter:Name>`) does not.
 */
import { BoundedPairCache, BoundedStringCache } from './bounded-cache';
import { ActionCatalog, ActionInfo, ResourceTypeArn } from './catalog';
import { isResourceTagScoped, Statement } from './document';
import { globCovers, globMatch, globOverlaps, hasWildcard } from './glob';

const MAX_CACHED = 50_000;
const unboundedCache = new BoundedStringCache<boolean>(MAX_CACHED);

/** Whether the resource string covers every resource of some type. */
export function isUnboundedResource(resource: string): boolean {
  if (resource === '*') return true;
  if (!hasWildcard(resource) && !resource.includes('<?')) return false;
  return unboundedCache.getOrSet(resource, computeUnbounded);
}

/**
 * The unbounded resources a statement reaches: none when a resource-tag condition confines it
 * (attribute-based access control names resources by tag).
 */
export function unboundedResourcesOfStatement(statement: Statement): string[] {
  return isResourceTagScoped(statement) ? [] : unboundedResourcesOf(statement.resources, statement.notResources);
}

/** Whether a statement's resource element reaches unbounded resources (NotResource always does). */
export function unboundedResourcesOf(resources: readonly string[] | undefined, notResources: readonly string[] | undefined): string[] {
  if (notResources !== undefined) return notResources.length === 0 ? ['*'] : [`NotResource:${notResources.join(',')}`];
  if (!resources) return [];
  return resources.filter(isUnboundedResource);
}

/** The forms of one resource string every judgement reads, made once per string (see {@link formsOf}). */
interface ResourceForms {
  /**
   * Unknown values as `*`, other placeholders and policy variables as words, so that what they
   * may contain (':' or '/') is not split on: for "is every part a wildcard".
   */
  readonly masked: string;
  /** Placeholders and variables as `*` (runs of `*` as one): for "could it name a resource of this type". */
  readonly pattern: string;
  /** Whether {@link masked} matches `*`, the resource IAM authorizes actions without a resource type against. */
  readonly matchesStar: boolean;
  /** {@link pattern}'s ARN fields (see `fieldsOf`), split on first use; null when it has fewer than six. */
  fields?: readonly string[] | null;
}

const formsCache = new BoundedStringCache<ResourceForms>(MAX_CACHED);
/** Whether a resource's pattern can name a resource of a type (by the type's ARN format). */
const nameableCache = new BoundedPairCache<string, boolean>(MAX_CACHED);

/** Whether a string starts with `arn:` in any case (without lower-casing all of it). */
function isArn(value: string): boolean {
  return value.slice(0, 4).toLowerCase() === 'arn:';
}

/**
 * A resource string's forms, computed once: a statement's resources are judged against each
 * action it grants (hundreds for `s3:*` or a NotAction), and a value thousands of characters
 * long must not be rewritten for each.
 */
function formsOf(resource: string): ResourceForms {
  return formsCache.getOrSet(resource, () => {
    // A value unknown before deployment (`<?Parameter:Name>`) may be anything, `*` included: for a
    // bound, the conservative reading is a wildcard. Other placeholders name one specific thing.
    const masked = resource.replace(/<\?[^<>]*>/g, '*').replace(/<[^<>]*>/g, 'PLACEHOLDER').replace(/\$\{[^}]*\}/g, 'VARIABLE');
    return {
      masked,
      pattern: resourcePattern(resource),
      matchesStar: globMatch(masked, '*'),
    };
  });
}

const patternCache = new BoundedStringCache<string>(MAX_CACHED);

/**
 * A resource as a wildcard pattern over the strings it may stand for: a placeholder
 * (`<Bucket.Arn>`, a value unknown before deployment) or a policy variable (`${aws:username}`) may
 * be anything, and a run of `*` is one `*`.
 */
export function resourcePattern(resource: string): string {
  if (!resource.includes('<') && !resource.includes('${') && !resource.includes('**')) return resource;
  return patternCache.getOrSet(resource, r => r.replace(/<[^<>]*>/g, '*').replace(/\$\{[^}]*\}/g, '*').replace(/\*{2,}/g, '*'));
}

function computeUnbounded(resource: string): boolean {
  const masked = formsOf(resource).masked;
  if (masked.startsWith('*')) return true;
  if (!isArn(masked)) return false;
  const parts = masked.split(':');
  if (parts.length < 6) return parts.slice(1).some(isPureWildcard);
  const service = parts[2];
  if (isPureWildcard(service) || (hasWildcard(service) && !service.includes('PLACEHOLDER'))) return true;
  const resourcePart = parts.slice(5).join(':');
  const segments = resourcePart.split(/[/:]/).filter(s => s.length > 0);
  if (segments.length === 0) return false;
  const keyword = ActionCatalog.get().resourceTypeKeywords(service).get(segments[0].toLowerCase());
  const isTypeKeyword = keyword !== undefined && (!keyword || parts[4] !== '') && segments.length > 1;
  const names = isTypeKeyword ? segments.slice(1) : segments;
  return isPureWildcard(names[0]);
}

function isPureWildcard(value: string): boolean {
  return value.length > 0 && /^[*?]+$/.test(value) && value.includes('*');
}

/**
 * Whether every resource matched by `inner` is also matched by `outer` (both IAM wildcard strings).
 * Conservative: answers false when unsure, so a Deny is only applied where it certainly covers.
 */
export function resourceCovers(outer: string, inner: string): boolean {
  return globCovers(outer, inner);
}

/** A resource of a statement that reaches every resource of a type an action acts on, and why. */
export interface UnboundedResource {
  /** As written (`*`, `arn:aws:iam::*:role/*`), or `NotResource:<list>`. */
  readonly resource: string;
  /** Why it is unbounded, for messages: which part is a wildcard, or `*`, or NotResource, or an unknown value. */
  readonly why: string;
}

/** How a resource of a statement stands to one action. */
interface ResourceJudgement {
  /** Whether the resource can name something the action acts on at all (else it grants nothing). */
  readonly applies: boolean;
  /** Set when it applies and reaches every resource of one of the action's types. */
  readonly why?: string;
}

const NOT_APPLICABLE: ResourceJudgement = Object.freeze({ applies: false });
const BOUNDED: ResourceJudgement = Object.freeze({ applies: true });
const judgementCache = new BoundedPairCache<string, ResourceJudgement>(MAX_CACHED);

const UNKNOWN_VALUE = 'it holds a parameter value unknown before deployment, which may be `*`';

/**
 * The resources of a statement that reach every resource of some type `action` acts on, judged
 * by the action's resource types in the catalog:
 *
 * - a resource that cannot match any of the action's resource types grants nothing for it
 *   (`iam:PassRole` on `arn:aws:s3:::*`, `s3:PutObject` on a DynamoDB table);
 * - an action without resource types is authorized against `*` alone;
 * - a resource is unbounded when every identifying part of the type's ARN (the parts after the
 *   account: `role/${RoleNameWithPath}`, `${BucketName}/${ObjectName}`) is a wildcard. One named
 *   part bounds it: `autoScalingGroup:*:autoScalingGroupName/my-asg` is one group, `role/app-*` a
 *   name prefix, a key prefix after a wildcard bucket (`reports/*`) a key prefix;
 * - partition, region and account do not count: `arn:aws:iam::*:role/deployer` is bounded, it
 *   names one role name (IAM only passes, attaches or changes roles of the caller's own account,
 *   and another account's role is only reached if that account's own policies allow it);
 * - a policy variable bounds the resource (`user/${aws:username}` is the caller's own user), except
 *   for the actions that change the permissions of that user ({@link SELF_PERMISSION_ACTIONS}): a
 *   user who can attach policies to itself is an administrator;
 * - NotResource reaches everything but what it lists.
 */
export function unboundedResourcesForAction(statement: Statement, action: ActionInfo): UnboundedResource[] {
  if (statement.notResources !== undefined) {
    const listed = statement.notResources.join(',');
    return [{ resource: `NotResource:${listed}`, why: `NotResource grants every resource except ${listed || 'none'}` }];
  }
  const out: UnboundedResource[] = [];
  for (const resource of statement.resources ?? []) {
    const why = judgeResource(resource, action).why;
    if (why) out.push({ resource, why });
  }
  return out;
}

/** Whether a statement's Resource/NotResource element can name anything the action acts on. */
export function resourcesApplyTo(statement: Statement, action: ActionInfo): boolean {
  if (statement.notResources !== undefined) return true;
  return (statement.resources ?? []).some(r => judgeResource(r, action).applies);
}

/** How one resource string stands to one catalog action (memoized: apps repeat both). */
export function judgeResource(resource: string, action: ActionInfo): ResourceJudgement {
  // By resource, then action: no key joining the two (a resource may be thousands of characters).
  return judgementCache.getOrSet(resource, action.key, () => computeJudgement(resource, action));
}

function computeJudgement(resource: string, action: ActionInfo): ResourceJudgement {
  if (resource === '*') return { applies: true, why: '`*` is every resource' };
  // For "could it match": a placeholder or policy variable may stand for anything.
  const forms = formsOf(resource);
  const { matchesStar } = forms;
  const arns = ActionCatalog.get().resourceTypeArns(action.service);
  const types = action.resourceTypes.map(t => arns.get(t)).filter((t): t is ResourceTypeArn => t !== undefined);
  if (types.length === 0) {
    // Without a resource type IAM authorizes the request against "*": only a pattern matching it grants.
    // A placeholder names one resource of the app, never `*`; an unknown parameter may be `*`.
    if (!matchesStar) return NOT_APPLICABLE;
    return { applies: true, why: resource.includes('<?') ? UNKNOWN_VALUE : `\`${resource}\` matches \`*\`, every resource` };
  }
  let applies = false;
  for (const type of types) {
    // The same types come back for every action of a service.
    if (!nameableCache.getOrSet(resource, type.arn, () => canName(forms, type))) continue;
    applies = true;
    const why = unboundedWithin(resource, type, action);
    if (why) return { applies, why };
  }
  return applies ? BOUNDED : NOT_APPLICABLE;
}

const typePatterns = new Map<string, readonly string[]>();

/**
 * The ARN format as wildcards, one per field (partition, service, region, account, then the
 * resource part): each `${Variable}` at least one character.
 */
function typeFields(type: ResourceTypeArn): readonly string[] {
  let fields = typePatterns.get(type.arn);
  if (fields === undefined) {
    const all = type.arn.replace(/\$\{[^}]*\}/g, '?*').split(':');
    fields = [...all.slice(0, 5), all.slice(5).join(':')];
    typePatterns.set(type.arn, fields);
  }
  return fields;
}

/**
 * Whether the wildcard pattern of a resource (placeholders and variables already wildcards) can name a
 * resource of `type`. Field by field, so that a variable of the format never stands for a colon
 * (`arn:aws:s3:::b/*` names no access-point object: its region and account are empty).
 */
function canName(forms: ResourceForms, type: ResourceTypeArn): boolean {
  const fields = typeFields(type);
  const given = fieldsOf(forms);
  // Fewer fields: a wildcard in the last one may stand for the colons of the others.
  if (given === undefined) return globOverlaps(forms.pattern, fields.join(':'));
  for (let i = 0; i < 5; i++) if (!globOverlaps(given[i], fields[i])) return false;
  return globOverlaps(given[5], fields[5]);
}

/** The pattern's first five fields and the rest (the resource part), or undefined when it has fewer than six; split once. */
function fieldsOf(forms: ResourceForms): readonly string[] | undefined {
  if (forms.fields === undefined) {
    const all = forms.pattern.split(':');
    forms.fields = all.length < 6 ? null : [...all.slice(0, 5), all.slice(5).join(':')];
  }
  return forms.fields ?? undefined;
}

/**
 * Why a resource that can match `type` reaches every resource of it, or undefined when one of
 * the type's identifying parts is named.
 */
function unboundedWithin(resource: string, type: ResourceTypeArn, action: ActionInfo): string | undefined {
  if (type.type === 'user' && SELF_PERMISSION_ACTIONS.has(action.key) && /\$\{aws:username\}/i.test(resource)) {
    return `\`\${aws:username}\` is the principal's own user, and ${action.name} changes its permissions: `
      + 'a user who can change its own policies is an administrator';
  }
  const unknown = resource.includes('<?');
  const masked = formsOf(resource).masked;
  if (masked.startsWith('*')) return unknown ? UNKNOWN_VALUE : `\`${resource}\` starts with a wildcard: every ${type.type}`;
  // A placeholder ARN (`<Bucket.Arn>/*`) names one resource of the app.
  if (!isArn(masked)) return undefined;
  const parts = masked.split(':');
  if (parts.length < 6) {
    return parts.slice(1).some(isPureWildcard) ? (unknown ? UNKNOWN_VALUE : `\`${resource}\` ends in a wildcard: every ${type.type}`) : undefined;
  }
  const resourceSegments = splitSegments(parts.slice(5).join(':'));
  const typeSegments = splitSegments(type.arn.split(':').slice(5).join(':'));
  const open: string[] = [];
  for (let i = 0; i < typeSegments.length; i++) {
    const segment = resourceSegments[i];
    if (segment === undefined) return undefined;
    const variable = variableName(typeSegments[i]);
    const last = i === resourceSegments.length - 1;
    if (isPureWildcard(segment)) {
      // A trailing wildcard stands for everything after it, named parts included.
      if (last) {
        open.push(...typeSegments.slice(i).map(variableName).filter((v): v is string => v !== undefined));
        break;
      }
      if (variable) open.push(variable);
      continue;
    }
    if (variable) return undefined;
  }
  // Segments beyond the type's last one belong to its last part (a path, an object key).
  if (resourceSegments.slice(typeSegments.length).some(s => !isPureWildcard(s))) return undefined;
  if (unknown) return UNKNOWN_VALUE;
  const named = open.length > 0 ? open.join(' and ') : 'identifying part';
  return `its ${named} ${open.length > 1 ? 'are wildcards' : 'is a wildcard'}: every ${type.type} of the account`;
}

function splitSegments(value: string): string[] {
  return value.split(/[/:]/).filter(s => s.length > 0);
}

function variableName(segment: string): string | undefined {
  const match = /\$\{([^}]*)\}/.exec(segment);
  return match ? match[1] : undefined;
}

/**
 * The IAM actions that change the permissions of the user or role they act on: attaching,
 * writing or removing its policies (a removed policy may have held a Deny) and its permissions
 * boundary. On the principal itself, any of them makes it an administrator.
 */
export const SELF_PERMISSION_ACTIONS: ReadonlySet<string> = new Set([
  'iam:attachuserpolicy', 'iam:putuserpolicy', 'iam:detachuserpolicy', 'iam:deleteuserpolicy',
  'iam:putuserpermissionsboundary', 'iam:deleteuserpermissionsboundary',
  'iam:attachrolepolicy', 'iam:putrolepolicy', 'iam:detachrolepolicy', 'iam:deleterolepolicy',
  'iam:putrolepermissionsboundary', 'iam:deleterolepermissionsboundary',
]);

/**
 * Whether a statement lets the principal change its own permissions: the actions of
 * {@link SELF_PERMISSION_ACTIONS} it allows (AWS spelling) on a resource that can be the principal
 * itself: its own user through `${aws:username}`, every user or role (`*`, `user/*`, NotResource),
 * or one of `selfArns` (how the app names the principal, e.g. `<Role.Arn>`). Conditions are not
 * read: a conditioned grant is still a grant the principal may meet.
 */
export function changesOwnPermissions(statement: Statement, selfArns: readonly string[] = []): string[] {
  if (statement.effect !== 'Allow') return [];
  const catalog = ActionCatalog.get();
  const out: string[] = [];
  for (const key of SELF_PERMISSION_ACTIONS) {
    const allowed = statement.actions
      ? statement.actions.some(p => globMatch(p, key))
      : statement.notActions !== undefined && !statement.notActions.some(p => globMatch(p, key));
    if (!allowed) continue;
    const info = catalog.lookup(key);
    if (!info) continue;
    const self = statement.notResources !== undefined
      || (statement.resources ?? []).some(r => judgeResource(r, info).why !== undefined
        || (/\$\{aws:username\}/i.test(r) && judgeResource(r, info).applies)
        || selfArns.some(arn => globMatch(r, arn) || r === arn));
    if (self) out.push(info.name);
  }
  return out;
}
