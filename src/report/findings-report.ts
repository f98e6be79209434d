/**
 * The findings of a scan as a report: every finding with where it is (template, logical id,
 * construct path, and the app's source line when the assembly recorded one), its level, and, for
 * findings the app acknowledged, the reason it gave. Free of constructs: `scan` builds it from
 * templates and assembly metadata, and every output format (table, JSON, SARIF, JUnit) renders it.
 */
import { ConstructMetadataEntry } from '../model/load';
import { acknowledgmentCovers } from '../rules/acknowledgment-ids';
import { RuleFinding } from '../rules/engine';
import { GuardrailsRule } from '../rules/rule';

/** Where in the app's own source a construct was created. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** One finding of a report. */
export interface ReportedFinding {
  /** The rule id with the finding, `IamBestPractices-LP6[Action::iam:PassRole]`. */
  readonly id: string;
  readonly rule: GuardrailsRule;
  /** The rule id without the finding, `IamBestPractices-LP6`. */
  readonly ruleId: string;
  readonly level: 'error' | 'warning';
  readonly message: string;
  /** The stack's name in the report (its artifact id or file name). */
  readonly stack: string;
  readonly templatePath?: string;
  readonly logicalId: string;
  /**
   * The logical id to point at in `templatePath`: the resource's own, or for a resource of a
   * StackSet's inline TemplateBody, the StackSet's (the template is a string inside it).
   */
  readonly templateLogicalId: string;
  readonly constructPath?: string;
  /** Where the construct was created, from `aws:cdk:creationStack` metadata. */
  readonly source?: SourceLocation;
  /** The acknowledgment that waives the finding, with the id as the app wrote it and its reason. */
  readonly acknowledged?: { readonly id: string; readonly reason: string };
}

export interface ReportOptions {
  /** The pack's plugin name: acknowledgments may be namespaced by it. */
  readonly packName: string;
  /** Construct metadata by path (`Stack/Role`), from the assembly; empty for plain templates. */
  readonly metadata?: ReadonlyMap<string, readonly ConstructMetadataEntry[]>;
}

const ACKNOWLEDGED = 'aws:cdk:acknowledged-rules';
const CREATION_STACK = 'aws:cdk:creationStack';

/** The findings of an evaluation as report entries, in the order found. */
export function reportFindings(findings: readonly RuleFinding[], options: ReportOptions): ReportedFinding[] {
  const metadata = options.metadata ?? new Map<string, readonly ConstructMetadataEntry[]>();
  const pathsByLogicalId = constructPathsByLogicalId(metadata);
  return findings.map(f => {
    const constructPath = f.resource.cdkPath ?? constructPathFromMetadata(f, pathsByLogicalId);
    const ruleId = f.finding === undefined ? f.ruleId : f.ruleId.slice(0, f.ruleId.indexOf('['));
    return {
      id: f.ruleId,
      rule: f.rule,
      ruleId,
      level: f.level === 'Error' ? 'error' : 'warning',
      message: f.message,
      stack: f.resource.stack.name,
      templatePath: f.resource.stack.input.templatePath,
      logicalId: f.resource.logicalId,
      templateLogicalId: f.resource.stack.input.stackSet?.source === 'TemplateBody' ? f.resource.stack.input.stackSet.logicalId : f.resource.logicalId,
      constructPath,
      source: constructPath ? sourceOf(constructPath, metadata) : undefined,
      acknowledged: constructPath ? acknowledgmentOf(constructPath, f.ruleId, options.packName, metadata) : undefined,
    };
  });
}

/**
 * Logical id -> the construct paths CDK recorded for it (`aws:cdk:logicalId` metadata): the
 * construct of a resource when the templates carry no `aws:cdk:path` (path metadata off).
 */
function constructPathsByLogicalId(metadata: ReadonlyMap<string, readonly ConstructMetadataEntry[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [constructPath, entries] of metadata) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') out.set(entry.data, [...out.get(entry.data) ?? [], constructPath]);
    }
  }
  return out;
}

/** The recorded construct path of a finding's resource, within its stack's construct path. */
function constructPathFromMetadata(f: RuleFinding, pathsByLogicalId: ReadonlyMap<string, readonly string[]>): string | undefined {
  const candidates = pathsByLogicalId.get(f.resource.logicalId) ?? [];
  const stackPath = f.resource.stack.input.constructPath;
  const inStack = stackPath ? candidates.filter(p => p.startsWith(`${stackPath}/`)) : candidates;
  return inStack.length === 1 ? inStack[0] : undefined;
}

/** The construct and its ancestors, nearest first: `S/R/Resource`, `S/R`, `S`. */
function* selfAndAncestors(constructPath: string): IterableIterator<string> {
  for (let p = constructPath; p.length > 0; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') yield p;
}

/** The acknowledgment on the construct or an ancestor that covers a finding id. */
function acknowledgmentOf(constructPath: string, id: string, packName: string,
  metadata: ReadonlyMap<string, readonly ConstructMetadataEntry[]>): { id: string; reason: string } | undefined {
  for (const p of selfAndAncestors(constructPath)) {
    for (const entry of metadata.get(p) ?? []) {
      if (entry.type !== ACKNOWLEDGED || entry.data === null || typeof entry.data !== 'object') continue;
      for (const [key, reason] of Object.entries(entry.data as { [key: string]: unknown })) {
        if (acknowledgmentCovers(key, id, packName)) return { id: key.replace(/^annotation::/i, ''), reason: String(reason) };
      }
    }
  }
  return undefined;
}

/**
 * The first frame of the app's own code in the construct's creation stack: not Node's, not a
 * package's (node_modules), not this library's. CDK records creation stacks for every construct
 * when the app runs with debugging on (`cdk synth --debug`, or `CDK_DEBUG=true`), for a few
 * otherwise; the nearest construct of the path that has one answers.
 */
function sourceOf(constructPath: string, metadata: ReadonlyMap<string, readonly ConstructMetadataEntry[]>): SourceLocation | undefined {
  for (const p of selfAndAncestors(constructPath)) {
    for (const entry of metadata.get(p) ?? []) {
      if (entry.type !== CREATION_STACK || !Array.isArray(entry.data)) continue;
      for (const frame of entry.data) {
        const location = appFrame(String(frame));
        if (location) return location;
      }
    }
  }
  return undefined;
}

const FRAME = /\(?((?:[A-Za-z]:)?[^():\s][^():]*):(\d+):(\d+)\)?\s*$/;

function appFrame(frame: string): SourceLocation | undefined {
  const match = FRAME.exec(frame);
  if (!match) return undefined;
  const file = match[1].replace(/^file:\/\//, '');
  if (file.startsWith('node:') || file.includes('node_modules') || file.includes('/cdk-iam-guardrails/lib/') || !/[\\/]/.test(file)) return undefined;
  return { file, line: Number(match[2]), column: Number(match[3]) };
}
