/**
 * Which acknowledgment ids cover a finding. Users write them in several forms, and CDK records
 * them with a prefix of its own, so the packs (reading the construct tree) and `scan` (reading
 * the assembly's metadata files) must agree on one rule.
 */
import { RULE_ID_PREFIX } from './rule';

/**
 * Whether an acknowledgment key, as CDK records it, covers a finding's id: bare, with CDK's
 * `Annotation::` prefix, namespaced by the pack's plugin name or the rules' prefix (any case),
 * with spaces written as dashes, or with the finding in parentheses (the form earlier releases
 * printed for warnings).
 */
export function acknowledgmentCovers(key: string, ruleId: string, packName: string): boolean {
  const lower = key.toLowerCase();
  const prefix = ['annotation::', `${packName.toLowerCase()}::`, `${RULE_ID_PREFIX.toLowerCase()}::`].find(p => lower.startsWith(p));
  const id = prefix ? key.slice(prefix.length) : key;
  return id === ruleId || id === ruleId.replace(/ /g, '-') || id === annotationIdOf(ruleId);
}

/**
 * The id of a finding with the finding in parentheses, `IamBestPractices-LP10(Action::iam:CreateUser)`:
 * the form earlier releases printed for warnings (the CDK CLI cut annotation ids at the first `]`).
 * Acknowledgments written that way keep working.
 */
export function annotationIdOf(ruleId: string): string {
  const open = ruleId.indexOf('[');
  return open < 0 || !ruleId.endsWith(']') ? ruleId : `${ruleId.slice(0, open)}(${ruleId.slice(open + 1, -1)})`;
}
