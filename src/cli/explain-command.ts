import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CommandIo, EXIT_NO_FINDINGS, EXIT_USAGE_OR_INPUT_ERROR } from './credential-report-command';
import { PrincipalPermissions, principalsOf } from '../effective/principal-permissions';
import { AccessLevel, ActionPermission, DeadGrant, PolicyStatementReference } from '../effective/types';
import { AppModel, StackTemplateInput } from '../model/app-model';
import { loadCloudAssembly } from '../model/load';
import { parseTemplateText } from '../model/template-text';
import { globMatch } from '../policy/glob';

const PROGRAM = 'cdk-iam-guardrails explain';

/** Access levels from the least to the most powerful, as `--min-level` spells them. */
const LEVELS: ReadonlyArray<{ readonly flag: string; readonly level: AccessLevel; readonly label: string }> = [
  { flag: 'unknown', level: AccessLevel.UNKNOWN, label: 'Unknown' },
  { flag: 'list', level: AccessLevel.LIST, label: 'List' },
  { flag: 'read', level: AccessLevel.READ, label: 'Read' },
  { flag: 'tagging', level: AccessLevel.TAGGING, label: 'Tagging' },
  { flag: 'write', level: AccessLevel.WRITE, label: 'Write' },
  { flag: 'permissions-management', level: AccessLevel.PERMISSIONS_MANAGEMENT, label: 'Permissions management' },
];

export const EXPLAIN_USAGE = `Usage: ${PROGRAM} <cdk.out | template.json> [options]

Prints what each IAM principal (role, user, group, permission set) of a synthesized
app may effectively do: its identity policies (a user's groups' included) after
explicit Denies and its permissions boundary, by service and access level, the
resources marked when unbounded, the grants its boundary makes dead, and the
known privilege-escalation paths it opens. Resource policies and SCPs are not
part of it.

  <cdk.out>        a cloud assembly directory (every stack, Stages and nested
                   stacks included)
  <template.json>  one CloudFormation template in JSON

Options:
  --principal <name>   only principals with this logical id, Stack/LogicalId,
                       construct path or physical name; * and ? are wildcards;
                       repeatable
  --service <prefix>   only actions of this service (s3, iam, ...); repeatable,
                       or comma-separated
  --min-level <level>  only actions at this access level or above:
                       list, read, tagging, write, permissions-management
                       (default list)
  --format <format>    table (default), markdown (for a pull-request comment)
                       or json
  -h, --help           show this help

Exit status: 0 printed, 2 usage error or unreadable input.
`;

class UsageError extends Error {}

interface ExplainOptions {
  readonly help: boolean;
  readonly input: string;
  readonly principals: readonly string[];
  readonly services: readonly string[];
  readonly minLevel: AccessLevel;
  readonly format: 'table' | 'markdown' | 'json';
}

/** One principal as printed: its permissions with the filters applied. */
interface Explained {
  readonly principal: PrincipalPermissions;
  readonly actions: readonly ActionPermission[];
  readonly dead: readonly DeadGrant[];
}

/**
 * `explain <cdk.out | template.json> [options]`: returns the exit status, writes only through `io`;
 * progress goes to standard error when it is a terminal.
 */
export async function runExplainCommand(args: string[], io: CommandIo, terminal = process.stderr.isTTY === true): Promise<number> {
  let options: ExplainOptions;
  try {
    options = parseOptions(args);
  } catch (e) {
    if (!(e instanceof UsageError) && !(e instanceof TypeError && 'code' in e)) throw e;
    io.stderr(`${PROGRAM}: ${(e as Error).message}\nRun '${PROGRAM} --help' for usage.\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }
  if (options.help) {
    io.stdout(EXPLAIN_USAGE);
    return EXIT_NO_FINDINGS;
  }

  let inputs: StackTemplateInput[];
  try {
    inputs = await readInput(options.input, io);
  } catch (e) {
    io.stderr(`${PROGRAM}: ${(e as Error).message}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }

  const all = principalsOf(new AppModel(inputs));
  const chosen = options.principals.length === 0 ? all : all.filter(p => options.principals.some(name => namesPrincipal(p, name)));
  if (options.principals.length > 0 && chosen.length === 0) {
    io.stderr(`${PROGRAM}: no principal matches ${options.principals.map(p => `'${p}'`).join(', ')} `
      + `(principals: ${all.map(p => p.displayName).join(', ') || 'none'})\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }

  const explained: Explained[] = [];
  chosen.forEach((principal, i) => {
    if (terminal) io.stderr(`\r${PROGRAM}: ${i + 1}/${chosen.length} principals (${principal.displayName})\u001b[K`);
    explained.push(explain(principal, options));
  });
  if (terminal && chosen.length > 0) io.stderr('\r\u001b[K');
  const filtered = options.services.length > 0 || options.minLevel !== AccessLevel.LIST;
  const shown = filtered ? explained.filter(e => e.actions.length > 0 || e.dead.length > 0) : explained;

  switch (options.format) {
    case 'json':
      io.stdout(JSON.stringify({ principals: shown.map(toJson) }, undefined, 2) + '\n');
      break;
    case 'markdown':
      io.stdout(formatMarkdown(shown, options));
      break;
    default:
      io.stdout(formatTable(shown, options));
  }
  return EXIT_NO_FINDINGS;
}

function parseOptions(args: string[]): ExplainOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'principal': { type: 'string', multiple: true },
      'service': { type: 'string', multiple: true },
      'min-level': { type: 'string' },
      'format': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true, input: '', principals: [], services: [], minLevel: AccessLevel.LIST, format: 'table' };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <cdk.out | template.json>' : `one input expected, got ${positionals.length}`);
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'markdown' && format !== 'json') throw new UsageError(`--format must be table, markdown or json, not '${format}'`);
  const levelFlag = (values['min-level'] ?? 'list').toLowerCase().replace(/[ _]/g, '-');
  const level = LEVELS.find(l => l.flag === levelFlag);
  if (!level) throw new UsageError(`--min-level must be one of ${LEVELS.slice(1).map(l => l.flag).join(', ')}, not '${values['min-level']}'`);
  const services = (values.service ?? []).flatMap(s => s.split(',')).map(s => s.trim().toLowerCase()).filter(s => s.length > 0);
  return { help: false, input: positionals[0], principals: values.principal ?? [], services, minLevel: level.level, format };
}

/** The stacks of a cloud assembly directory, or of one JSON template. */
export async function readInput(input: string, io: CommandIo): Promise<StackTemplateInput[]> {
  let isDirectory: boolean;
  try {
    isDirectory = fs.statSync(input).isDirectory();
  } catch (e) {
    throw new Error(`cannot read ${input}: ${(e as Error).message}`);
  }
  if (isDirectory) {
    if (!fs.existsSync(path.join(input, 'manifest.json'))) throw new Error(`${input} is not a cloud assembly (no manifest.json); run 'cdk synth' first`);
    const stacks = loadCloudAssembly(input);
    if (stacks.length === 0) throw new Error(`${input}: the cloud assembly has no stack template`);
    return stacks;
  }
  const read = await io.readFile(input);
  const text = typeof read === 'string' ? read : Buffer.from(read).toString('utf-8');
  let template: unknown;
  try {
    template = parseTemplateText(text);
  } catch (e) {
    throw new Error(`${input}: ${(e as Error).message}`);
  }
  const name = path.basename(input).replace(/\.template\.json$/, '').replace(/\.json$/, '');
  return [{ name, template, templatePath: path.resolve(input) }];
}

function namesPrincipal(p: PrincipalPermissions, name: string): boolean {
  const candidates = [p.displayName, p.logicalId, p.constructPath, p.constructPath?.replace(/\/Resource$/, ''), p.physicalName];
  return candidates.some(c => c !== undefined && globMatch(name, c));
}

function levelIndex(level: AccessLevel): number {
  return LEVELS.findIndex(l => l.level === level);
}

function levelLabel(level: AccessLevel): string {
  return LEVELS.find(l => l.level === level)?.label ?? level;
}

function explain(principal: PrincipalPermissions, options: ExplainOptions): Explained {
  const min = levelIndex(options.minLevel);
  const keep = (service: string, level: AccessLevel) => (options.services.length === 0 || options.services.includes(service))
    && levelIndex(level) >= min;
  const actions = principal.actions.filter(a => keep(a.service, a.accessLevel));
  const dead = principal.deadGrants.filter(d => keep(serviceOf(d.action), d.accessLevel));
  return { principal, actions, dead };
}

function serviceOf(action: string): string {
  return action.slice(0, Math.max(0, action.indexOf(':'))).toLowerCase();
}

function toJson(e: Explained): unknown {
  const p = e.principal;
  return {
    principal: p.displayName,
    kind: p.kind,
    logicalId: p.logicalId,
    stack: p.stackName,
    constructPath: p.constructPath,
    name: p.physicalName,
    boundary: p.boundary,
    policies: p.policies,
    relatedPrincipals: p.relatedPrincipals,
    services: groups(e.actions).map(g => ({
      service: g.service,
      accessLevel: g.level,
      actions: g.actions.map(a => a.action),
      unboundedActions: g.actions.filter(a => a.unbounded).map(a => a.action),
    })),
    actions: e.actions,
    deadGrants: e.dead,
    deniedGrants: p.deniedGrants,
    escalationPaths: p.escalationPaths,
  };
}

interface Group {
  readonly service: string;
  readonly level: AccessLevel;
  readonly actions: ActionPermission[];
}

/** Actions by service and access level, in the order the analysis sorts them (most powerful level first). */
function groups(actions: readonly ActionPermission[]): Group[] {
  const out: Group[] = [];
  for (const a of actions) {
    const last = out[out.length - 1];
    if (last && last.service === a.service && last.level === a.accessLevel) last.actions.push(a);
    else out.push({ service: a.service, level: a.accessLevel, actions: [a] });
  }
  return out;
}

const MAX_LISTED = 6;

function listed(items: readonly string[], limit = MAX_LISTED): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')}, … (${items.length} in all)`;
}

/** The resources of a group, each once, an unbounded one marked `(unbounded)`, carve-outs after `except`. */
function resourcesOf(group: Group): string[] {
  const seen = new Map<string, string>();
  for (const a of group.actions) {
    for (const r of a.resources) {
      const text = `${r.resource}${r.exceptions.length > 0 ? ` except ${r.exceptions.join(', ')}` : ''}${r.unbounded ? ' (unbounded)' : ''}`
        + (r.conditional ? ' (conditional)' : '');
      seen.set(text, text);
    }
  }
  return [...seen.values()];
}

function refText(ref: PolicyStatementReference): string {
  return `${ref.policy} ${ref.statement}`;
}

function heading(p: PrincipalPermissions): string {
  const kind = p.kind.replace('_', ' ').toLowerCase();
  const extras = [p.physicalName ? `name ${p.physicalName}` : '', p.constructPath ? `path ${p.constructPath}` : ''].filter(x => x);
  return `${kind} ${p.displayName}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

function filterNote(options: ExplainOptions): string {
  const parts = [
    options.services.length > 0 ? `services ${options.services.join(', ')}` : '',
    options.minLevel !== AccessLevel.LIST ? `access level ${levelLabel(options.minLevel)} and above` : '',
  ].filter(x => x);
  return parts.length > 0 ? `Showing ${parts.join('; ')}.` : '';
}

function formatTable(explained: readonly Explained[], options: ExplainOptions): string {
  const lines: string[] = [];
  const note = filterNote(options);
  if (note) lines.push(note, '');
  if (explained.length === 0) lines.push('No principal to show.');
  for (const e of explained) {
    const p = e.principal;
    lines.push(heading(p));
    lines.push(`  boundary: ${p.boundary ?? 'none'}`);
    lines.push(`  policies: ${p.policies.length > 0 ? p.policies.join('; ') : 'none'}`);
    if (p.relatedPrincipals.length > 0) lines.push(`  ${p.kind === 'GROUP' ? 'members' : 'groups'}: ${p.relatedPrincipals.join(', ')}`);
    const rows = groups(e.actions).map(g => [g.service, levelLabel(g.level), listed(g.actions.map(a => a.action)), listed(resourcesOf(g), 3)]);
    if (rows.length === 0) {
      lines.push('  allowed: nothing');
    } else {
      lines.push(...table(['SERVICE', 'ACCESS LEVEL', 'ACTIONS', 'RESOURCES'], rows).map(l => `  ${l}`));
    }
    if (e.dead.length > 0) {
      lines.push(`  dead under the boundary (${e.dead.length}):`);
      for (const d of deadSummary(e.dead)) lines.push(`    ${d}`);
    }
    for (const d of p.deniedGrants.slice(0, 10)) lines.push(`  denied: ${d.action} on ${d.resource} by ${refText(d.deniedBy)}`);
    if (p.escalationPaths.length > 0) {
      lines.push(`  escalation paths (${p.escalationPaths.length}):`);
      for (const x of p.escalationPaths) lines.push(`    - ${x.description} (${x.actions.join(' + ')})`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Dead grants by statement and resource: `sqs:SendMessage, sqs:GetQueueUrl on <Queue.Arn> (policy "P" statement #2)`. */
function deadSummary(dead: readonly DeadGrant[]): string[] {
  const byPlace = new Map<string, string[]>();
  for (const d of dead) {
    const key = `${d.resource}\u0000${refText(d.grantedBy)}`;
    byPlace.set(key, [...byPlace.get(key) ?? [], d.action]);
  }
  return [...byPlace].map(([key, actions]) => {
    const [resource, ref] = key.split('\u0000');
    return `${listed(actions)} on ${resource} (${ref})`;
  });
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)];
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatMarkdown(explained: readonly Explained[], options: ExplainOptions): string {
  const lines: string[] = ['## Effective IAM permissions', ''];
  const note = filterNote(options);
  if (note) lines.push(note, '');
  if (explained.length === 0) lines.push('No principal to show.', '');
  for (const e of explained) {
    const p = e.principal;
    lines.push(`### ${md(heading(p))}`, '');
    lines.push(`- **Boundary:** ${md(p.boundary ?? 'none')}`);
    lines.push(`- **Policies:** ${md(p.policies.length > 0 ? p.policies.join('; ') : 'none')}`);
    if (p.relatedPrincipals.length > 0) lines.push(`- **${p.kind === 'GROUP' ? 'Members' : 'Groups'}:** ${md(p.relatedPrincipals.join(', '))}`);
    lines.push('');
    const grouped = groups(e.actions);
    if (grouped.length === 0) {
      lines.push('Allowed: nothing.', '');
    } else {
      lines.push('| Service | Access level | Actions | Resources |', '| --- | --- | --- | --- |');
      for (const g of grouped) {
        const level = g.level === AccessLevel.PERMISSIONS_MANAGEMENT || g.level === AccessLevel.WRITE ? `**${levelLabel(g.level)}**` : levelLabel(g.level);
        lines.push(`| ${md(g.service)} | ${level} | ${md(listed(g.actions.map(a => a.action)))} | ${md(listed(resourcesOf(g), 3))} |`);
      }
      lines.push('');
    }
    if (e.dead.length > 0) {
      lines.push(`**Dead under the boundary** (${e.dead.length}):`, '');
      for (const d of deadSummary(e.dead)) lines.push(`- ${md(d)}`);
      lines.push('');
    }
    if (p.deniedGrants.length > 0) {
      lines.push('**Denied:**', '');
      for (const d of p.deniedGrants.slice(0, 10)) lines.push(`- ${md(`${d.action} on ${d.resource} by ${refText(d.deniedBy)}`)}`);
      lines.push('');
    }
    if (p.escalationPaths.length > 0) {
      lines.push(`**Escalation paths** (${p.escalationPaths.length}):`, '');
      for (const x of p.escalationPaths) lines.push(`- ${md(x.description)} (${md(x.actions.join(' + '))})`);
      lines.push('');
    }
  }
  return lines.join('\n');
}
