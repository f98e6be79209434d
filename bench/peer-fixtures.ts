/**
 * Runs this library's rules over the peers' own labelled IAM fixtures and reports, per peer check,
 * which of their failures we catch with the rule on the same topic, and every disagreement.
 *
 * The fixtures are read from local checkouts (never copied into this repository):
 *   npx ts-node --transpile-only bench/peer-fixtures.ts \
 *     --cfn-nag /path/to/stelligent/cfn_nag \
 *     --checkov /path/to/bridgecrewio/checkov --checkov-bin /path/to/venv/bin/checkov \
 *     [--json results.json] [--verbose]
 *
 * Labels:
 * - cfn_nag: its rule specs (`spec/custom_rules/<Rule>_spec.rb`) name, per test template, the logical
 *   ids the rule must report; every other resource of the rule's types in that template must pass.
 * - checkov: checkov itself is run on each check's example folder (`--checkov-bin`), and its passed and
 *   failed resources are the labels (its tests only assert counts).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AppModel } from '../src/model/app-model';
import { parseTemplateText } from '../src/model/template-text';
import { evaluateRules } from '../src/rules/engine';
import { ALL_RULES } from '../src/rules/index';

/** A peer check, the rules of ours on its topic, and where its fixtures are. */
interface PeerCheck {
  readonly peer: 'cfn_nag' | 'checkov';
  /** cfn_nag rule class or checkov check id. */
  readonly check: string;
  readonly topic: readonly string[];
  /** checkov: example folder under tests/cloudformation/checks/resource/aws. */
  readonly folder?: string;
  /** cfn_nag: resource types the rule looks at (resources of other types are not labelled). */
  readonly types?: readonly string[];
  /** cfn_nag: the spec file's name when it is not `<check>_spec.rb`. */
  readonly spec?: string;
}

const WILDCARD_ACTION = ['LP1', 'LP2', 'LP3', 'LP10', 'LP11', 'LP12', 'LP13'];
const WILDCARD_RESOURCE = ['LP1', 'LP2', 'LP3', 'LP6', 'LP10', 'LP11', 'LP12', 'LP13'];
const ROLE = ['AWS::IAM::Role'];
const POLICY = ['AWS::IAM::Policy'];
const MANAGED = ['AWS::IAM::ManagedPolicy'];
const USER = ['AWS::IAM::User'];

const CHECKS: readonly PeerCheck[] = [
  { peer: 'cfn_nag', check: 'IamPolicyWildcardActionRule', topic: WILDCARD_ACTION, types: POLICY },
  { peer: 'cfn_nag', check: 'IamManagedPolicyWildcardActionRule', topic: WILDCARD_ACTION, types: MANAGED },
  { peer: 'cfn_nag', check: 'IamRoleWildcardActionOnPermissionsPolicyRule', topic: WILDCARD_ACTION, types: ROLE },
  { peer: 'cfn_nag', check: 'IamPolicyWildcardResourceRule', topic: WILDCARD_RESOURCE, types: POLICY },
  { peer: 'cfn_nag', check: 'IamManagedPolicyWildcardResourceRule', topic: WILDCARD_RESOURCE, types: MANAGED },
  { peer: 'cfn_nag', check: 'IamRoleWildcardResourceOnPermissionsPolicyRule', topic: WILDCARD_RESOURCE, types: ROLE },
  { peer: 'cfn_nag', check: 'IamPolicyNotActionRule', topic: ['LP4'], types: POLICY },
  { peer: 'cfn_nag', check: 'IamManagedPolicyNotActionRule', topic: ['LP4'], types: MANAGED },
  { peer: 'cfn_nag', check: 'IamRoleNotActionOnPermissionsPolicyRule', topic: ['LP4'], types: ROLE },
  { peer: 'cfn_nag', check: 'IamPolicyNotResourceRule', topic: ['LP5'], types: POLICY },
  { peer: 'cfn_nag', check: 'IamManagedPolicyNotResourceRule', topic: ['LP5'], types: MANAGED },
  { peer: 'cfn_nag', check: 'IamRoleNotResourceOnPermissionsPolicyRule', topic: ['LP5'], types: ROLE },
  { peer: 'cfn_nag', check: 'IamPolicyPassRoleWildcardResourceRule', spec: 'IamPolicyPassRoleResourceWildcard', topic: ['LP6', 'PE2', 'LP1'], types: POLICY },
  { peer: 'cfn_nag', check: 'IamManagedPolicyPassRoleWildcardResourceRule', spec: 'IamManagedPolicyPassRoleResourceWildcard', topic: ['LP6', 'PE2', 'LP1'], types: MANAGED },
  { peer: 'cfn_nag', check: 'IamRolePassRoleWildcardResourceRule', spec: 'IamRolePassRoleResourceWildcard', topic: ['LP6', 'PE2', 'LP1'], types: ROLE },
  { peer: 'cfn_nag', check: 'IamRoleAdministratorAccessPolicyRule', topic: ['LP8', 'LP9'], types: ROLE },
  { peer: 'cfn_nag', check: 'IamRoleElevatedManagedPolicyRule', topic: ['LP8', 'LP9'], types: ROLE },
  { peer: 'cfn_nag', check: 'IamRoleNotPrincipalOnTrustPolicyRule', topic: ['TR4'], types: ROLE },
  { peer: 'cfn_nag', check: 'IamRoleNotActionOnTrustPolicyRule', topic: ['TR1', 'TR4'], types: ROLE },
  { peer: 'cfn_nag', check: 'IamRoleWildcardActionOnTrustPolicyRule', topic: ['TR1', 'TR2'], types: ROLE },
  { peer: 'cfn_nag', check: 'PolicyOnUserRule', topic: ['ID2'], types: POLICY },
  { peer: 'cfn_nag', check: 'ManagedPolicyOnUserRule', topic: ['ID2'], types: MANAGED },
  { peer: 'cfn_nag', check: 'UserHasInlinePolicyRule', topic: ['ID1'], types: USER },
  { peer: 'cfn_nag', check: 'UserMissingGroupRule', topic: ['ID3'], types: USER },
  { peer: 'cfn_nag', check: 'IAMUserLoginProfilePasswordRule', topic: ['ID5'], types: USER },
  { peer: 'cfn_nag', check: 'IamUserLoginProfilePasswordResetRule', topic: ['ID5'], types: USER },
  { peer: 'checkov', check: 'CKV_AWS_107', folder: 'Cloudsplaining_IAMCredentialsExposure', topic: ['PE1', 'LP1', 'LP2', 'LP3', 'LP12'] },
  { peer: 'checkov', check: 'CKV_AWS_108', folder: 'Cloudsplaining_IAMRole', topic: ['LP12', 'LP1', 'LP2', 'LP3'] },
  { peer: 'checkov', check: 'CKV_AWS_108', folder: 'Cloudsplaining_IAMUser', topic: ['LP12', 'LP1', 'LP2', 'LP3'] },
  { peer: 'checkov', check: 'CKV_AWS_108', folder: 'Cloudsplaining_IAMGroup', topic: ['LP12', 'LP1', 'LP2', 'LP3'] },
  { peer: 'checkov', check: 'CKV_AWS_108', folder: 'Cloudsplaining_ManagedPolicy', topic: ['LP12', 'LP1', 'LP2', 'LP3'] },
  { peer: 'checkov', check: 'CKV_AWS_109', folder: 'Cloudsplaining_IAMPermissionsManagement', topic: ['LP11', 'LP1', 'LP2', 'LP3', 'PE1'] },
  { peer: 'checkov', check: 'CKV_AWS_110', folder: 'Cloudsplaining_IAMRole', topic: ['PE1', 'PE2', 'PE3', 'PE4', 'LP1', 'LP6'] },
  { peer: 'checkov', check: 'CKV_AWS_111', folder: 'Cloudsplaining_IAMWriteAccess', topic: ['LP10', 'LP13', 'LP11', 'LP1', 'LP2', 'LP3'] },
  { peer: 'checkov', check: 'CKV_AWS_60', folder: 'example_IAMRoleAllowsPublicAssume', topic: ['TR1'] },
  { peer: 'checkov', check: 'CKV_AWS_61', folder: 'example_IAMRoleAllowAssumeFromAccount', topic: ['TR2'] },
  { peer: 'checkov', check: 'CKV_AWS_62', folder: 'example_IAMAdminPolicyDocument', topic: ['LP1'] },
  { peer: 'checkov', check: 'CKV_AWS_63', folder: 'example_IAMStarActionPolicyDocument', topic: ['LP1'] },
  { peer: 'checkov', check: 'CKV_AWS_40', folder: 'example_IAMPolicyAttachedToGroupOrRoles', topic: ['ID1', 'ID2'] },
  { peer: 'checkov', check: 'CKV_AWS_45', folder: 'example_LambdaEnvironmentCredentials', topic: ['CR1', 'CR2'] },
  { peer: 'checkov', check: 'CKV_AWS_46', folder: 'example_EC2Credentials', topic: ['CR1', 'CR2'] },
];

/** One labelled resource: the peer says it fails (or passes) its check. */
interface Label {
  readonly check: PeerCheck;
  readonly file: string;
  readonly logicalId: string;
  readonly fails: boolean;
}

interface Outcome extends Label {
  /** Our error-level rules on the resource, on the check's topic. */
  readonly topicErrors: string[];
  /** All our findings on the resource, `level rule[finding]`. */
  readonly ours: string[];
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const labels: Label[] = [];
  if (args['cfn-nag']) labels.push(...cfnNagLabels(args['cfn-nag']));
  if (args.checkov) labels.push(...checkovLabels(args.checkov, args['checkov-bin']));
  if (labels.length === 0) throw new Error('give --cfn-nag <checkout> and/or --checkov <checkout> --checkov-bin <checkov>');
  const outcomes = labels.map(evaluateLabel);
  printSummary(outcomes, args.verbose !== undefined);
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(outcomes.map(o => ({ ...o, check: o.check.check, peer: o.check.peer })), null, 1));
}

function parseArgs(argv: string[]): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    out[argv[i].slice(2)] = next && !next.startsWith('--') ? argv[++i] : '';
  }
  return out;
}

/** cfn_nag: each `read_test_template(...)` of a rule spec, with the ids the spec expects. */
function cfnNagLabels(root: string): Label[] {
  const labels: Label[] = [];
  for (const check of CHECKS.filter(c => c.peer === 'cfn_nag')) {
    const spec = path.join(root, 'spec', 'custom_rules', `${check.spec ?? check.check}_spec.rb`);
    if (!fs.existsSync(spec)) continue;
    const text = fs.readFileSync(spec, 'utf-8');
    const cases: { template: string; failing?: Set<string>; allFail?: boolean }[] = [];
    for (const block of text.split(/\n\s*context ['"]/).slice(1)) {
      // `expected_logical_resource_ids = %w[A B]` after `read_test_template('...')`.
      const template = /read_test_template\(\s*'([^']+)'/.exec(block)?.[1] ?? /template_name = '([^']+)'/.exec(block)?.[1];
      const expected = /expected_logical_resource_ids\s*=\s*(%w\[([^\]]*)\]|\[\s*\])/.exec(block);
      if (template && expected) cases.push({ template, failing: new Set((expected[2] ?? '').split(/\s+/).filter(Boolean)) });
      // `expect(violation).to_not be_nil` (every resource of the rule's types fails) or `to be_nil`.
      else if (template && /to_not be_nil/.test(block)) cases.push({ template, allFail: true });
      else if (template && /to be_nil/.test(block)) cases.push({ template, allFail: false });
    }
    if (/password_rule_test_sets/.test(text)) {
      // The password rules name their templates after the helper's test descriptions.
      const helper = fs.readFileSync(path.join(root, 'spec', 'password_rule_spec_helper.rb'), 'utf-8');
      const sets = /def password_rule_test_sets[\s\S]*?\{([\s\S]*?)\}/.exec(helper)?.[1] ?? '';
      for (const m of sets.matchAll(/'([^']+)':\s*'(pass|fail)'/g)) {
        const template = `yaml/iam_user/iam_user_login_profile_password_${m[1].replace(/ /g, '_').toLowerCase()}.yaml`;
        cases.push({ template, allFail: m[2] === 'fail' });
      }
    }
    for (const c of cases) {
      const file = path.join(root, 'spec', 'test_templates', c.template);
      if (!fs.existsSync(file)) continue;
      for (const [logicalId, type] of templateResources(file)) {
        if (!check.types!.includes(type)) continue;
        labels.push({ check, file, logicalId, fails: c.failing ? c.failing.has(logicalId) : c.allFail === true });
      }
    }
  }
  return labels;
}

/** checkov: its own verdicts on each check's example folder. */
function checkovLabels(root: string, bin: string | undefined): Label[] {
  if (!bin) throw new Error('--checkov needs --checkov-bin <path to the checkov executable>');
  const labels: Label[] = [];
  for (const check of CHECKS.filter(c => c.peer === 'checkov')) {
    const dir = path.join(root, 'tests', 'cloudformation', 'checks', 'resource', 'aws', check.folder!);
    if (!fs.existsSync(dir)) continue;
    let output = '';
    try {
      output = execFileSync(bin, ['-d', dir, '--framework', 'cloudformation', '-c', check.check, '-o', 'json', '--compact', '--skip-download'],
        { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? ''; // checkov exits 1 when a check fails
    }
    const parsed = JSON.parse(output || '{}');
    const reports = Array.isArray(parsed) ? parsed : [parsed];
    for (const report of reports) {
      for (const [list, fails] of [[report.results?.failed_checks, true], [report.results?.passed_checks, false]] as const) {
        for (const result of list ?? []) {
          const logicalId = String(result.resource).split('.').slice(1).join('.');
          labels.push({ check, file: path.join(dir, String(result.file_path).replace(/^\//, '')), logicalId, fails });
        }
      }
    }
  }
  return labels;
}

const findingsByFile = new Map<string, Map<string, { level: string; rule: string; id: string }[]>>();

function evaluateLabel(label: Label): Outcome {
  let byResource = findingsByFile.get(label.file);
  if (!byResource) {
    byResource = new Map();
    const template = readTemplate(label.file);
    const model = new AppModel([{ name: 'Fixture', template, templatePath: label.file }]);
    for (const f of evaluateRules(model, ALL_RULES)) {
      const list = byResource.get(f.resource.logicalId) ?? [];
      list.push({ level: f.level === 'Error' ? 'error' : 'warning', rule: f.rule.id, id: f.ruleId.replace(/^IamBestPractices-/, '') });
      byResource.set(f.resource.logicalId, list);
    }
    findingsByFile.set(label.file, byResource);
  }
  const ours = byResource.get(label.logicalId) ?? [];
  return {
    ...label,
    topicErrors: [...new Set(ours.filter(f => f.level === 'error' && label.check.topic.includes(f.rule)).map(f => f.rule))],
    ours: ours.map(f => `${f.level} ${f.id}`),
  };
}

function printSummary(outcomes: Outcome[], verbose: boolean): void {
  const rows = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const key = `${o.check.peer} ${o.check.check}`;
    rows.set(key, [...(rows.get(key) ?? []), o]);
  }
  console.log('| peer check | their failures | caught, rule on topic | caught, other error | their passes | our topic errors on passes |');
  console.log('|---|---|---|---|---|---|');
  const totals = [0, 0, 0, 0, 0];
  for (const [key, list] of rows) {
    const fails = list.filter(o => o.fails);
    const passes = list.filter(o => !o.fails);
    const topic = fails.filter(o => o.topicErrors.length > 0).length;
    const other = fails.filter(o => o.topicErrors.length === 0 && o.ours.some(f => f.startsWith('error'))).length;
    const falseAlarms = passes.filter(o => o.topicErrors.length > 0).length;
    [fails.length, topic, other, passes.length, falseAlarms].forEach((n, i) => totals[i] += n);
    console.log(`| ${key} | ${fails.length} | ${topic} | ${other} | ${passes.length} | ${falseAlarms} |`);
  }
  console.log(`| total | ${totals.join(' | ')} |`);
  console.log('\nDisagreements (their failure without our error on topic; their pass with our error on topic):');
  for (const o of outcomes) {
    const disagree = o.fails ? o.topicErrors.length === 0 : o.topicErrors.length > 0;
    if (!disagree && !verbose) continue;
    const rel = o.file.replace(/^.*?(spec\/test_templates|tests\/cloudformation\/checks\/resource\/aws)\//, '');
    console.log(`${disagree ? '!' : ' '} ${o.check.peer} ${o.check.check} ${o.fails ? 'FAIL' : 'PASS'} ${rel} ${o.logicalId}: ${o.ours.join(', ') || '(no finding)'}`);
  }
}

function templateResources(file: string): [string, string][] {
  const template = readTemplate(file) as { Resources?: { [id: string]: { Type?: string } } };
  return Object.entries(template.Resources ?? {}).map(([id, r]) => [id, String(r?.Type)]);
}

const templates = new Map<string, unknown>();

/** A CloudFormation template, JSON or YAML with the short intrinsic tags (`!Ref`, `!Sub`, `!GetAtt a.b`). */
function readTemplate(file: string): unknown {
  let template = templates.get(file);
  if (template === undefined) {
    const text = fs.readFileSync(file, 'utf-8');
    template = parseTemplateText(text);
    templates.set(file, template);
  }
  return template;
}

main();
