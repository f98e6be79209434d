/**
 * `cdk-iam-guardrails diff <before> <after>`: what a change does to IAM, for a pull request. Per
 * principal, the access gained and lost by service and access level; new findings of the rule
 * packs and new escalation paths first. The exit status gates a pipeline.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CommandIo, EXIT_FINDINGS, EXIT_NO_FINDINGS, EXIT_USAGE_OR_INPUT_ERROR } from './credential-report-command';
import { readInput } from './explain-command';
import { escapeControlCharacters } from '../credentials/private/escape';
import { AccessEntry, diffPrincipals, gainsPrivilege, PrincipalChange } from '../effective/permission-diff';
import { principalsOf } from '../effective/principal-permissions';
import { AccessLevel } from '../effective/types';
import { AppModel, StackTemplateInput } from '../model/app-model';
import { ConstructMetadataEntry, loadAssemblyMetadata } from '../model/load';
import { PACK_FAMILIES } from '../packs/pack-families';
import { reportFindings, ReportedFinding } from '../report/findings-report';
import { evaluateRules } from '../rules/engine';
import { ALL_RULES } from '../rules/index';

const PROGRAM = 'cdk-iam-guardrails diff';
const GATES = ['findings', 'escalation', 'permissions-management', 'access'] as const;
type Gate = typeof GATES[number];
const DEFAULT_GATES: readonly Gate[] = ['findings', 'escalation', 'permissions-management'];
const MAX_ROWS_PER_PRINCIPAL = 50;

export const DIFF_USAGE = `Usage: ${PROGRAM} <before> <after> [options]

What a change does to IAM: per principal (role, user, group, permission set),
the access it gains and loses by service and access level, after Denies and
its permissions boundary; new findings of the rule packs and new privilege-
escalation paths first. For pull requests: run it on the cdk.out of the base
branch and of the change.

  <before>, <after>  two cloud assemblies (cdk.out directories) or two
                     templates (JSON, or YAML with short tags). Principals are
                     matched by stack and logical id (by logical id alone
                     when both sides are single template files).

Options:
  --format table|markdown|json   output (default table); markdown fits a
                                 pull-request comment
  --fail-on <list>               what makes the exit status 1, comma-separated:
                                 findings (a new error-level finding),
                                 escalation (a new escalation path),
                                 permissions-management (new access of that
                                 level), access (any new access), or never
                                 (default findings,escalation,permissions-management)
  --pack <name>                  the rules for new findings: ${Object.keys(PACK_FAMILIES).join(', ')}
                                 (default IamBestPractices)
  --output <file>                write the report to a file instead of stdout
  -h, --help                     show this help

Exit status: 0 nothing to gate, 1 a gated change, 2 bad input.
`;

interface Side {
  readonly inputs: StackTemplateInput[];
  readonly metadata: Map<string, ConstructMetadataEntry[]>;
  readonly singleFile: boolean;
}

/** The report of a diff, for every format. */
export interface IamDiff {
  readonly newFindings: readonly ReportedFinding[];
  readonly resolvedFindings: readonly ReportedFinding[];
  readonly changes: readonly PrincipalChange[];
}

/** Runs `diff` with its arguments (after the command name); returns the exit status. */
export async function runDiffCommand(args: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'format': { type: 'string', default: 'table' },
        'fail-on': { type: 'string', default: DEFAULT_GATES.join(',') },
        'pack': { type: 'string', default: 'IamBestPractices' },
        'output': { type: 'string' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return usageError(io, (e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(DIFF_USAGE);
    return EXIT_NO_FINDINGS;
  }
  if (positionals.length !== 2) return usageError(io, `two inputs expected (<before> <after>), got ${positionals.length}`);
  const format = values.format!;
  if (!['table', 'markdown', 'json'].includes(format)) return usageError(io, `--format must be table, markdown or json, not '${format}'`);
  const families = PACK_FAMILIES[values.pack!];
  if (!families) return usageError(io, `--pack must be one of ${Object.keys(PACK_FAMILIES).join(', ')}, not '${values.pack}'`);
  const gateNames = values['fail-on']!.split(',').map(g => g.trim()).filter(g => g.length > 0);
  const unknownGate = gateNames.find(g => g !== 'never' && !GATES.includes(g as Gate));
  if (unknownGate !== undefined) return usageError(io, `--fail-on takes ${[...GATES, 'never'].join(', ')}, not '${unknownGate}'`);
  const gates = gateNames.includes('never') ? [] : gateNames as Gate[];

  let before: Side;
  let after: Side;
  try {
    before = await readSide(positionals[0], io);
    after = await readSide(positionals[1], io);
  } catch (e) {
    io.stderr(`${PROGRAM}: ${escapeControlCharacters((e as Error).message)}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }
  const byLogicalId = before.singleFile && after.singleFile;
  const rules = ALL_RULES.filter(r => families.includes(r.family));
  const findingsOf = (side: Side) => reportFindings(evaluateRules(new AppModel(side.inputs), rules),
    { packName: values.pack!, metadata: side.metadata })
    .filter(f => !f.acknowledged);
  const findingKey = (f: ReportedFinding) => `${byLogicalId ? '' : f.stack}|${f.logicalId}|${f.id}`;
  const oldFindings = findingsOf(before);
  const newFindingsAll = findingsOf(after);
  const oldKeys = new Set(oldFindings.map(findingKey));
  const newKeys = new Set(newFindingsAll.map(findingKey));
  const keyOf = byLogicalId ? (p: { logicalId: string }) => p.logicalId : undefined;
  const diff: IamDiff = {
    newFindings: newFindingsAll.filter(f => !oldKeys.has(findingKey(f))),
    resolvedFindings: oldFindings.filter(f => !newKeys.has(findingKey(f))),
    changes: diffPrincipals(principalsOf(new AppModel(before.inputs)), principalsOf(new AppModel(after.inputs)), keyOf),
  };

  const text = format === 'json' ? toJson(diff) : format === 'markdown' ? toMarkdown(diff) : toTable(diff);
  if (values.output) fs.writeFileSync(values.output, text);
  else io.stdout(text);
  return gated(diff, gates) ? EXIT_FINDINGS : EXIT_NO_FINDINGS;
}

function usageError(io: CommandIo, message: string): number {
  io.stderr(`${PROGRAM}: ${escapeControlCharacters(message)}\n\n${DIFF_USAGE}`);
  return EXIT_USAGE_OR_INPUT_ERROR;
}

async function readSide(input: string, io: CommandIo): Promise<Side> {
  const inputs = await readInput(input, io);
  const isAssembly = fs.existsSync(path.join(input, 'manifest.json'));
  return { inputs, metadata: isAssembly ? loadAssemblyMetadata(input) : new Map(), singleFile: !isAssembly };
}

/** Whether the change trips one of the gates. */
export function gated(diff: IamDiff, gates: readonly Gate[]): boolean {
  return (gates.includes('findings') && diff.newFindings.some(f => f.level === 'error'))
    || (gates.includes('escalation') && diff.changes.some(c => c.newEscalations.length > 0))
    || (gates.includes('permissions-management') && diff.changes.some(c => c.gained.some(e => e.accessLevel === AccessLevel.PERMISSIONS_MANAGEMENT)))
    || (gates.includes('access') && diff.changes.some(c => c.gained.length > 0));
}

const LEVEL_LABEL: { readonly [level: string]: string } = {
  [AccessLevel.PERMISSIONS_MANAGEMENT]: 'Permissions management',
  [AccessLevel.WRITE]: 'Write',
  [AccessLevel.TAGGING]: 'Tagging',
  [AccessLevel.READ]: 'Read',
  [AccessLevel.LIST]: 'List',
  [AccessLevel.UNKNOWN]: 'Unknown',
};

/** Entries grouped into rows: one per service, access level and resource, with its actions. */
interface Row { readonly service: string; readonly level: string; readonly resource: string; readonly actions: string[]; readonly unbounded: boolean }

function rowsOf(entries: readonly AccessEntry[]): Row[] {
  const rows = new Map<string, Row>();
  for (const e of entries) {
    const key = `${e.service}|${e.accessLevel}|${e.resource}`;
    const row = rows.get(key)
      ?? { service: e.service, level: LEVEL_LABEL[e.accessLevel] ?? e.accessLevel, resource: e.resource, actions: [], unbounded: e.unbounded };
    row.actions.push(e.action);
    rows.set(key, row);
  }
  return [...rows.values()];
}

function headline(diff: IamDiff): string {
  const escalations = diff.changes.reduce((n, c) => n + c.newEscalations.length, 0);
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${count(diff.newFindings.length, 'new finding')} (${diff.newFindings.filter(f => f.level === 'error').length} errors), `
    + `${count(escalations, 'new escalation path')}, ${count(diff.changes.filter(gainsPrivilege).length, 'principal')} gaining privilege, `
    + `${count(diff.changes.length, 'principal')} with changed access, ${count(diff.resolvedFindings.length, 'finding')} resolved`;
}

function actionsText(actions: readonly string[]): string {
  return actions.length <= 6 ? actions.join(', ') : `${actions.slice(0, 6).join(', ')} and ${actions.length - 6} more`;
}

/** Markdown for a pull-request comment: a summary, new findings and escalation paths, then each principal's changes. */
export function toMarkdown(diff: IamDiff): string {
  const md = (text: string) => escapeControlCharacters(text).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out: string[] = ['## IAM changes', '', `**${headline(diff)}**`, ''];
  if (diff.newFindings.length > 0) {
    out.push('### New findings', '', '| Level | Finding | Resource | Message |', '|---|---|---|---|');
    for (const f of diff.newFindings) out.push(`| ${f.level} | \`${md(f.id)}\` | ${md(`${f.stack}/${f.logicalId}`)} | ${md(f.message)} |`);
    out.push('');
  }
  const escalating = diff.changes.filter(c => c.newEscalations.length > 0);
  if (escalating.length > 0) {
    out.push('### New privilege-escalation paths', '');
    for (const c of escalating) for (const p of c.newEscalations) out.push(`- **${md(c.principal)}**: ${md(p)}`);
    out.push('');
  }
  if (diff.changes.length > 0) out.push('### Access gained and lost', '');
  for (const c of diff.changes) {
    out.push(`#### ${md(c.principal)} (${c.kind.toLowerCase()}, ${c.status})`, '', '| | Service | Access level | Actions | Resource |', '|---|---|---|---|---|');
    const rows = [...rowsOf(c.gained).map(r => ({ sign: '+', r })), ...rowsOf(c.lost).map(r => ({ sign: '−', r }))];
    for (const { sign, r } of rows.slice(0, MAX_ROWS_PER_PRINCIPAL)) {
      out.push(`| ${sign} | ${md(r.service)} | ${r.level} | ${md(actionsText(r.actions))} | \`${md(r.resource)}\`${r.unbounded ? ' (unbounded)' : ''} |`);
    }
    if (rows.length > MAX_ROWS_PER_PRINCIPAL) out.push(`| | | | ${rows.length - MAX_ROWS_PER_PRINCIPAL} more rows (see --format json) | |`);
    out.push('');
  }
  if (diff.resolvedFindings.length > 0) {
    out.push(`<details><summary>${diff.resolvedFindings.length} findings resolved</summary>`, '');
    for (const f of diff.resolvedFindings) out.push(`- \`${md(f.id)}\` on ${md(`${f.stack}/${f.logicalId}`)}`);
    out.push('', '</details>', '');
  }
  if (diff.newFindings.length === 0 && diff.changes.length === 0 && diff.resolvedFindings.length === 0) out.push('No change to what any principal may do.', '');
  return `${out.join('\n')}\n`;
}

/** Text for a terminal. */
export function toTable(diff: IamDiff): string {
  const out: string[] = [escapeControlCharacters(headline(diff)), ''];
  for (const f of diff.newFindings) out.push(escapeControlCharacters(`NEW ${f.level.toUpperCase()} ${f.id} on ${f.stack}/${f.logicalId}\n  ${f.message}`));
  for (const c of diff.changes) for (const p of c.newEscalations) out.push(escapeControlCharacters(`NEW ESCALATION ${c.principal}: ${p}`));
  if (out.length > 2) out.push('');
  for (const c of diff.changes) {
    out.push(escapeControlCharacters(`${c.principal} (${c.kind.toLowerCase()}, ${c.status})`));
    for (const [sign, entries] of [['+', c.gained], ['-', c.lost]] as const) {
      for (const r of rowsOf(entries)) {
        out.push(escapeControlCharacters(`  ${sign} ${r.service} ${r.level}: ${actionsText(r.actions)} on ${r.resource}${r.unbounded ? ' (unbounded)' : ''}`));
      }
    }
  }
  return `${out.join('\n')}\n`;
}

function toJson(diff: IamDiff): string {
  const finding = (f: ReportedFinding) => ({
    id: f.id, level: f.level, stack: f.stack, logicalId: f.logicalId, constructPath: f.constructPath, message: f.message,
  });
  return `${JSON.stringify({
    summary: headline(diff),
    newFindings: diff.newFindings.map(finding),
    resolvedFindings: diff.resolvedFindings.map(finding),
    principals: diff.changes,
  }, undefined, 2)}\n`;
}
