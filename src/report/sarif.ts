/**
 * A report as a SARIF 2.1.0 log for code scanning (GitHub, Azure DevOps): one rule per rule id
 * with its title, explanation and a link to RULES.md; one result per finding, located at the
 * app's source line when the assembly recorded one and at the resource in its template; and the
 * findings the app acknowledged as suppressed results carrying the reason.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import { ReportedFinding } from './findings-report';
import { RULE_ID_PREFIX, RuleFamily } from '../rules/rule';

const INFORMATION_URI = 'https://github.com/cdk-iam-guardrails/cdk-iam-guardrails';
const RULES_URI = `${INFORMATION_URI}/blob/main/RULES.md`;

/** The RULES.md section of each family, as GitHub writes heading anchors. */
const FAMILY_ANCHOR: { readonly [family: string]: string } = {
  [RuleFamily.LEAST_PRIVILEGE]: 'least-privilege-lp',
  [RuleFamily.PRIVILEGE_ESCALATION]: 'privilege-escalation-pe',
  [RuleFamily.IDENTITIES]: 'identities-id',
  [RuleFamily.TRUST]: 'trust-tr',
  [RuleFamily.CREDENTIALS_IN_CODE]: 'credentials-in-code-cr',
  [RuleFamily.ORGANIZATIONS]: 'organizations-or',
};

export interface SarifOptions {
  readonly toolVersion: string;
  /** Paths in the log are relative to this directory (the repository root, where code scanning resolves them). */
  readonly baseDirectory: string;
}

/** The report as a SARIF 2.1.0 log object. */
export function toSarif(findings: readonly ReportedFinding[], options: SarifOptions): object {
  const run = new SarifRunBuilder().initSimple({ toolDriverName: 'cdk-iam-guardrails', toolDriverVersion: options.toolVersion, url: INFORMATION_URI });
  const rules = new Map<string, ReportedFinding>();
  for (const f of findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, f);
  for (const [ruleId, { rule }] of rules) {
    const builder = new SarifRuleBuilder().initSimple({
      ruleId,
      shortDescriptionText: rule.title,
      fullDescriptionText: rule.explanation,
      helpUri: `${RULES_URI}#${FAMILY_ANCHOR[rule.family] ?? 'rules'}`,
    });
    Object.assign(builder.rule, {
      name: `${RULE_ID_PREFIX}${rule.id}`,
      help: { text: `${rule.title} ${rule.explanation} Every rule: ${RULES_URI}` },
      defaultConfiguration: { level: rule.level === 'Error' ? 'error' : 'warning' },
      // GitHub code scanning ranks security alerts by this number (high: 7.0-8.9, medium: 4.0-6.9).
      properties: { 'tags': ['security', 'iam', rule.family.toLowerCase()], 'security-severity': rule.level === 'Error' ? '8.0' : '5.0' },
    });
    run.addRule(builder);
  }
  const lines = new TemplateLines();
  for (const f of findings) run.addResult(resultOf(f, options.baseDirectory, lines));
  const builder = new SarifBuilder();
  builder.addRun(run);
  return builder.buildSarifOutput();
}

function resultOf(f: ReportedFinding, baseDirectory: string, lines: TemplateLines): SarifResultBuilder {
  const result = new SarifResultBuilder();
  result.setRuleId(f.ruleId);
  result.setLevel(f.level);
  result.setMessageText(`${f.id}: ${f.message}`);
  const template = f.templatePath
    ? physicalLocation(relativeUri(f.templatePath, baseDirectory), lines.lineOf(f.templatePath, f.templateLogicalId))
    : undefined;
  const source = f.source ? physicalLocation(relativeUri(f.source.file, baseDirectory), f.source.line, f.source.column) : undefined;
  const logicalLocations = [{ fullyQualifiedName: f.constructPath ?? `${f.stack}/${f.logicalId}`, kind: 'resource' }];
  // The app's source line first: code scanning shows an alert where the code can be changed.
  const primary = source ?? template;
  Object.assign(result.result, {
    locations: primary ? [{ physicalLocation: primary, logicalLocations }] : [{ logicalLocations }],
    relatedLocations: source && template ? [{ id: 1, physicalLocation: template, message: { text: `resource ${f.logicalId} in its template` } }] : undefined,
    partialFingerprints: { 'cdkIamGuardrailsFinding/v1': createHash('sha256').update(`${f.id}|${f.stack}|${f.logicalId}`).digest('hex') },
    suppressions: f.acknowledged
      ? [{ kind: 'external', status: 'accepted', justification: `Acknowledged as ${f.acknowledged.id}: ${f.acknowledged.reason}` }]
      : undefined,
  });
  return result;
}

function physicalLocation(uri: string, startLine?: number, startColumn?: number): object {
  return { artifactLocation: { uri }, region: startLine ? { startLine, ...(startColumn ? { startColumn } : {}) } : undefined };
}

/** A path as a URI relative to the base directory, with forward slashes; absolute when outside it. */
function relativeUri(file: string, baseDirectory: string): string {
  const relative = path.relative(baseDirectory, path.resolve(baseDirectory, file));
  const outside = relative.startsWith('..') || path.isAbsolute(relative);
  return (outside ? path.resolve(baseDirectory, file) : relative).split(path.sep).join('/');
}

/** The line a logical id's resource starts on in a template file, each file read once. */
class TemplateLines {
  private readonly files = new Map<string, string[] | undefined>();

  public lineOf(file: string, logicalId: string): number | undefined {
    if (!this.files.has(file)) {
      let text: string[] | undefined;
      try {
        text = fs.readFileSync(file, 'utf-8').split(/\r?\n/);
      } catch {
        text = undefined;
      }
      this.files.set(file, text);
    }
    const text = this.files.get(file);
    if (!text) return undefined;
    // JSON writes `"Id": {`, YAML `Id:`; the first such line under Resources is the resource.
    const json = `"${logicalId}":`;
    const yaml = new RegExp(`^\\s*["']?${logicalId.replace(/[^A-Za-z0-9]/g, '\\$&')}["']?\\s*:`);
    const resources = text.findIndex(l => /^\s*"?Resources"?\s*:/.test(l));
    for (let i = Math.max(resources, 0); i < text.length; i++) {
      if (text[i].includes(json) || yaml.test(text[i])) return i + 1;
    }
    return undefined;
  }
}
