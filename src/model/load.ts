/**
 * Reads the templates of a cloud assembly (or the list CDK gives validation plugins) into
 * {@link StackTemplateInput}s: every stack of every nested assembly (Stages), and every nested
 * stack found through its parent's `AWS::CloudFormation::Stack` resource.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isRecord, StackTemplateInput } from './app-model';
import { parseTemplateText } from './template-text';

/** A stack as CDK lists it for validation plugins. */
export interface SynthesizedStack {
  readonly templatePath: string;
  readonly stackConstructPath?: string;
  readonly accountId?: string;
  readonly region?: string;
}

/** The templates of stacks CDK synthesized, with their nested stacks; each template once. */
export function loadSynthesizedStacks(stacks: readonly SynthesizedStack[]): StackTemplateInput[] {
  const out: StackTemplateInput[] = [];
  const seen = new Set<string>();
  const assetIndex = new Map<string, Map<string, string>>();
  const names = new Set<string>();
  // Stacks of different Stages may share a file name: names qualify references, so keep them unique.
  const stackNameOf = (file: string) => {
    const base = baseNameOf(file);
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}~${i}`;
    names.add(name);
    return name;
  };
  for (const stack of stacks) {
    const file = path.resolve(stack.templatePath);
    if (seen.has(file)) continue;
    seen.add(file);
    const template = readJson(file);
    if (template === undefined) continue;
    const input: StackTemplateInput = {
      name: stackNameOf(file),
      template,
      templatePath: file,
      constructPath: stack.stackConstructPath,
      account: stack.accountId,
      region: stack.region,
    };
    out.push(input);
    addNestedStacks(input, seen, assetIndex, out, stackNameOf, 0);
  }
  return out;
}

/** Every stack template of a cloud assembly directory, nested assemblies included. */
export function loadCloudAssembly(directory: string): StackTemplateInput[] {
  return loadSynthesizedStacks(stackArtifactsOf(directory));
}

/** A stack artifact of a cloud assembly: its template, environment and construct metadata file. */
interface StackArtifact extends SynthesizedStack {
  /** The artifact's metadata: inline in the manifest, or the file it names (`<artifact>.metadata.json`). */
  readonly metadata?: unknown;
  readonly metadataFile?: string;
}

/** The stack artifacts of an assembly and of the assemblies nested in it (Stages). */
function stackArtifactsOf(directory: string): StackArtifact[] {
  const stacks: StackArtifact[] = [];
  const visit = (dir: string, depth: number) => {
    const manifest = readJson(path.join(dir, 'manifest.json'));
    if (!isRecord(manifest) || !isRecord(manifest.artifacts) || depth > 16) return;
    for (const artifact of Object.values(manifest.artifacts)) {
      if (!isRecord(artifact)) continue;
      const props = isRecord(artifact.properties) ? artifact.properties : {};
      if (artifact.type === 'aws:cloudformation:stack' && typeof props.templateFile === 'string') {
        const env = typeof artifact.environment === 'string' ? /^aws:\/\/([^/]*)\/(.*)$/.exec(artifact.environment) : null;
        stacks.push({
          templatePath: path.join(dir, props.templateFile),
          accountId: env && env[1] !== 'unknown-account' ? env[1] : undefined,
          region: env && env[2] !== 'unknown-region' ? env[2] : undefined,
          stackConstructPath: typeof artifact.displayName === 'string' ? artifact.displayName : undefined,
          metadata: artifact.metadata,
          metadataFile: typeof artifact.additionalMetadataFile === 'string' ? path.join(dir, artifact.additionalMetadataFile) : undefined,
        });
      } else if (artifact.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
        visit(path.join(dir, props.directoryName), depth + 1);
      }
    }
  };
  visit(directory, 0);
  return stacks;
}

/** One construct metadata entry CDK recorded in the assembly (`aws:cdk:acknowledged-rules`, `aws:cdk:creationStack`, ...). */
export interface ConstructMetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/**
 * The construct metadata of every stack of an assembly, by construct path without the leading
 * slash (`Stack/Role`): what the app acknowledged, with its reasons, and where constructs were
 * created when the app ran with stack traces on.
 */
export function loadAssemblyMetadata(directory: string): Map<string, ConstructMetadataEntry[]> {
  const out = new Map<string, ConstructMetadataEntry[]>();
  for (const stack of stackArtifactsOf(directory)) {
    for (const source of [stack.metadata, stack.metadataFile ? readJson(stack.metadataFile) : undefined]) {
      if (!isRecord(source)) continue;
      for (const [constructPath, entries] of Object.entries(source)) {
        if (!Array.isArray(entries)) continue;
        const key = constructPath.replace(/^\//, '');
        const list = out.get(key) ?? [];
        for (const entry of entries) if (isRecord(entry) && typeof entry.type === 'string') list.push({ type: entry.type, data: entry.data });
        out.set(key, list);
      }
    }
  }
  return out;
}

function addNestedStacks(
  parent: StackTemplateInput, seen: Set<string>, assetIndex: Map<string, Map<string, string>>, out: StackTemplateInput[],
  stackNameOf: (file: string) => string, depth: number,
): void {
  const resources = isRecord(parent.template) && isRecord(parent.template.Resources) ? parent.template.Resources : {};
  if (!parent.templatePath || depth > 16) return;
  const dir = path.dirname(parent.templatePath);
  for (const logicalId of Object.keys(resources)) {
    const resource = resources[logicalId];
    if (isRecord(resource) && resource.Type === 'AWS::CloudFormation::StackSet') {
      addStackSetTemplate(parent, logicalId, resource, dir, seen, assetIndex, out, stackNameOf);
      continue;
    }
    if (!isRecord(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = nestedTemplateFile(resource, dir, assetIndex);
    if (!file || seen.has(file)) continue;
    const template = readJson(file);
    if (template === undefined) continue;
    seen.add(file);
    const input: StackTemplateInput = {
      name: stackNameOf(file),
      template,
      templatePath: file,
      account: parent.account,
      region: parent.region,
      parent: { name: parent.name, logicalId },
    };
    out.push(input);
    addNestedStacks(input, seen, assetIndex, out, stackNameOf, depth + 1);
  }
}

/**
 * The template a StackSet deploys, when the app holds it: written inline as `TemplateBody` (JSON
 * or YAML), or a file asset of the assembly its TemplateURL names. A body that is not plain text
 * (built with intrinsics) or does not parse is left out: it cannot be judged before deployment.
 */
function addStackSetTemplate(
  parent: StackTemplateInput, logicalId: string, resource: { [key: string]: unknown }, dir: string, seen: Set<string>,
  assetIndex: Map<string, Map<string, string>>, out: StackTemplateInput[], stackNameOf: (file: string) => string,
): void {
  const props = isRecord(resource.Properties) ? resource.Properties : {};
  let template: unknown;
  let source: string;
  let templatePath = parent.templatePath;
  if (typeof props.TemplateBody === 'string') {
    try {
      template = parseTemplateText(props.TemplateBody);
    } catch {
      return;
    }
    source = 'TemplateBody';
  } else {
    const file = props.TemplateURL !== undefined ? nestedTemplateFile(resource, dir, assetIndex) : undefined;
    if (!file || seen.has(file)) return;
    template = readTemplateFile(file);
    if (template === undefined) return;
    seen.add(file);
    source = path.basename(file);
    templatePath = file;
  }
  if (!isRecord(template)) return;
  out.push({
    name: stackNameOf(`${parent.name}.${logicalId}`),
    template,
    // An inline body has no file of its own: findings point at the file that declares the StackSet.
    templatePath,
    account: undefined,
    region: undefined,
    stackSet: { name: parent.name, logicalId, source },
  });
}

/**
 * The file of a nested stack's template: from the asset path metadata CDK writes when asset
 * metadata is on, otherwise by matching the asset hash in its TemplateURL with the assets manifests.
 */
function nestedTemplateFile(resource: { [key: string]: unknown }, dir: string, assetIndex: Map<string, Map<string, string>>): string | undefined {
  const metadata = isRecord(resource.Metadata) ? resource.Metadata : {};
  const assetPath = metadata['aws:asset:path'];
  if (typeof assetPath === 'string' && assetPath.endsWith('.json')) return path.resolve(dir, assetPath);
  const url = JSON.stringify(isRecord(resource.Properties) ? resource.Properties.TemplateURL : undefined) ?? '';
  const hash = /([0-9a-f]{64})\.json/.exec(url)?.[1];
  if (!hash) return undefined;
  let index = assetIndex.get(dir);
  if (!index) {
    index = new Map();
    for (const name of safeReaddir(dir)) {
      if (!name.endsWith('.assets.json')) continue;
      const assets = readJson(path.join(dir, name));
      const files = isRecord(assets) && isRecord(assets.files) ? assets.files : {};
      for (const [id, file] of Object.entries(files)) {
        const source = isRecord(file) && isRecord(file.source) ? file.source : {};
        if (typeof source.path === 'string') index.set(id, path.resolve(dir, source.path));
      }
    }
    assetIndex.set(dir, index);
  }
  return index.get(hash);
}

/** `Stage-Stack.template.json` -> `Stage-Stack`. */
function baseNameOf(file: string): string {
  return path.basename(file).replace(/\.template\.json$/, '').replace(/\.json$/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** A template file of the assembly: JSON, or YAML for templates a construct ships as a file. */
function readTemplateFile(file: string): unknown {
  try {
    return parseTemplateText(fs.readFileSync(file, 'utf-8'));
  } catch {
    return undefined;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
