/**
 * `cdk-iam-guardrails scan`: the rule packs over templates that already exist (a cloud assembly,
 * template files, or a directory of them; JSON or YAML with CloudFormation's short tags, SAM and
 * hand-written templates included) without running the app. Acknowledgments the app recorded in
 * the assembly are honoured and listed with their reasons.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CommandIo, EXIT_FINDINGS, EXIT_NO_FINDINGS, EXIT_USAGE_OR_INPUT_ERROR, packageVersion } from './credential-report-command';
import { escapeControlCharacters } from '../credentials/private/escape';
import { AppModel, isRecord, StackTemplateInput } from '../model/app-model';
import { ConstructMetadataEntry, loadAssemblyMetadata, loadCloudAssembly, loadSynthesizedStacks } from '../model/load';
import { parseTemplateText } from '../model/template-text';
import { PACK_FAMILIES } from '../packs/pack-families';
import { reportFindings, ReportedFinding } from '../report/findings-report';
import { toJson, toJunit, toTable } from '../report/formats';
import { toSarif } from '../report/sarif';
import { evaluateRules } from '../rules/engine';
import { ALL_RULES } from '../rules/index';

const PROGRAM = 'cdk-iam-guardrails scan';
const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
const FAIL_ON = ['error', 'warning', 'never'] as const;
const TEMPLATE_EXTENSIONS = ['.json', '.yaml', '.yml', '.template'];
const MAX_DIRECTORY_DEPTH = 8;

export const SCAN_USAGE = `Usage: ${PROGRAM} <path>... [options]

Runs the rule packs over CloudFormation templates that already exist, without
running the app: the same rules and finding ids as the packs in cdk synth.

  <path>  a cloud assembly (a cdk.out directory: every stack, nested stacks and
          Stages included, with the acknowledgments the app recorded), a
          template file (JSON, or YAML with !Ref/!Sub/!GetAtt short tags; SAM
          templates too), or a directory searched for templates

Options:
  --pack <name>               ${Object.keys(PACK_FAMILIES).join(', ')}
                              (default IamBestPractices: every rule)
  --format table|json|sarif|junit
                              output format (default table); sarif is SARIF
                              2.1.0 for code scanning, acknowledged findings as
                              suppressed results with their reason
  --output <file>             write the report to a file instead of stdout
  --fail-on error|warning|never
                              which open findings make the exit status 1
                              (default error)
  -h, --help                  show this help

Exit status: 0 no open finding at --fail-on level, 1 findings, 2 bad input.
`;

/** Runs `scan` with its arguments (after the command name); returns the exit status. */
export async function runScanCommand(args: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'pack': { type: 'string', default: 'IamBestPractices' },
        'format': { type: 'string', default: 'table' },
        'output': { type: 'string' },
        'fail-on': { type: 'string', default: 'error' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return usageError(io, (e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(SCAN_USAGE);
    return EXIT_NO_FINDINGS;
  }
  const format = values.format as typeof FORMATS[number];
  if (!FORMATS.includes(format)) return usageError(io, `--format must be one of ${FORMATS.join(', ')}, not '${values.format}'`);
  const failOn = values['fail-on'] as typeof FAIL_ON[number];
  if (!FAIL_ON.includes(failOn)) return usageError(io, `--fail-on must be one of ${FAIL_ON.join(', ')}, not '${values['fail-on']}'`);
  const families = PACK_FAMILIES[values.pack!];
  if (!families) return usageError(io, `--pack must be one of ${Object.keys(PACK_FAMILIES).join(', ')}, not '${values.pack}'`);
  if (positionals.length === 0) return usageError(io, 'give at least one cdk.out directory, template file or directory');

  const apps: ScannedApp[] = [];
  for (const target of positionals) {
    const problem = collect(target, apps);
    if (problem) {
      io.stderr(`${PROGRAM}: ${escapeControlCharacters(problem)}\n`);
      return EXIT_USAGE_OR_INPUT_ERROR;
    }
  }
  if (apps.length === 0) {
    io.stderr(`${PROGRAM}: no CloudFormation template found in ${positionals.map(escapeControlCharacters).join(', ')}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }

  const rules = ALL_RULES.filter(r => families.includes(r.family));
  const names = new Set<string>();
  const findings = apps.flatMap(app => reportFindings(evaluateRules(new AppModel(uniqueNames(app.inputs, names)), rules),
    { packName: values.pack!, metadata: app.metadata }));
  const text = render(findings, format);
  if (values.output) fs.writeFileSync(values.output, text);
  else io.stdout(text);
  return exitStatus(findings, failOn);
}

function render(findings: readonly ReportedFinding[], format: typeof FORMATS[number]): string {
  switch (format) {
    case 'json': return toJson(findings);
    case 'sarif': return `${JSON.stringify(toSarif(findings, { toolVersion: packageVersion(), baseDirectory: process.cwd() }), undefined, 2)}\n`;
    case 'junit': return toJunit(findings);
    default: return toTable(findings);
  }
}

function exitStatus(findings: readonly ReportedFinding[], failOn: typeof FAIL_ON[number]): number {
  if (failOn === 'never') return EXIT_NO_FINDINGS;
  const failing = findings.some(f => !f.acknowledged && (f.level === 'error' || failOn === 'warning'));
  return failing ? EXIT_FINDINGS : EXIT_NO_FINDINGS;
}

function usageError(io: CommandIo, message: string): number {
  io.stderr(`${PROGRAM}: ${escapeControlCharacters(message)}\n\n${SCAN_USAGE}`);
  return EXIT_USAGE_OR_INPUT_ERROR;
}

/**
 * What is evaluated together: the stacks of one cloud assembly (one app: names, exports and
 * nested stacks link across them), or one template file with the nested stacks it names. Template
 * files are independent of each other, as checkov and cfn_nag read them: a directory of templates
 * is not assumed to be one app.
 */
interface ScannedApp {
  readonly inputs: StackTemplateInput[];
  readonly metadata: Map<string, ConstructMetadataEntry[]>;
}

/**
 * Adds the templates under a path: a cloud assembly's stacks (and its metadata), one template
 * file, or every template of a directory. Returns what is wrong with the path, if anything.
 */
function collect(target: string, apps: ScannedApp[]): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return `${target}: no such file or directory`;
  }
  if (stat.isDirectory() && fs.existsSync(path.join(target, 'manifest.json'))) {
    apps.push({ inputs: loadCloudAssembly(target), metadata: loadAssemblyMetadata(target) });
    return undefined;
  }
  if (stat.isDirectory()) {
    for (const file of templateFilesUnder(target, 0)) {
      const template = readTemplate(file);
      // In a directory, files that are not templates (package.json, tsconfig.json) are passed over.
      if (typeof template !== 'string' && isTemplate(template)) apps.push({ inputs: templateInputs(file, template), metadata: new Map() });
    }
    return undefined;
  }
  const template = readTemplate(target);
  if (typeof template === 'string') return `${target}: ${template}`;
  if (!isTemplate(template)) return `${target}: not a CloudFormation template (no Resources section)`;
  apps.push({ inputs: templateInputs(target, template), metadata: new Map() });
  return undefined;
}

/** A template and the nested stacks and StackSet templates it names that can be found beside it. */
function templateInputs(file: string, template: unknown): StackTemplateInput[] {
  // loadSynthesizedStacks reads JSON itself; templates already parsed (YAML) are handed over as they are.
  if (file.endsWith('.json')) {
    const loaded = loadSynthesizedStacks([{ templatePath: file }]);
    if (loaded.length > 0) return loaded;
  }
  return [{ name: path.basename(file), template, templatePath: path.resolve(file) }];
}

function templateFilesUnder(dir: string, depth: number): string[] {
  if (depth > MAX_DIRECTORY_DEPTH) return [];
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...templateFilesUnder(full, depth + 1));
    else if (entry.isFile() && TEMPLATE_EXTENSIONS.some(ext => entry.name.endsWith(ext))) out.push(full);
  }
  return out;
}

/** The parsed template, or a string saying why it could not be read. */
function readTemplate(file: string): unknown {
  try {
    return parseTemplateText(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    return (e as Error).message;
  }
}

function isTemplate(value: unknown): boolean {
  return isRecord(value) && isRecord(value.Resources) && Object.values(value.Resources).some(r => isRecord(r) && typeof r.Type === 'string');
}

/**
 * Stack names unique across the report (two directories may both hold template.yaml), each app's
 * references among its own stacks kept: a nested stack's or StackSet's parent is renamed with it.
 */
function uniqueNames(inputs: readonly StackTemplateInput[], seen: Set<string>): StackTemplateInput[] {
  const renamed = new Map<string, string>();
  for (const input of inputs) {
    let name = input.name;
    for (let i = 2; seen.has(name); i++) name = `${input.name}~${i}`;
    seen.add(name);
    renamed.set(input.name, name);
  }
  return inputs.map(input => {
    const name = renamed.get(input.name)!;
    const parent = input.parent && { ...input.parent, name: renamed.get(input.parent.name) ?? input.parent.name };
    const stackSet = input.stackSet && { ...input.stackSet, name: renamed.get(input.stackSet.name) ?? input.stackSet.name };
    const unchanged = name === input.name && parent?.name === input.parent?.name && stackSet?.name === input.stackSet?.name;
    return unchanged ? input : { ...input, name, parent, stackSet };
  });
}
