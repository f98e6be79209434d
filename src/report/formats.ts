/**
 * A report as text for people (a table), JSON for tools, and JUnit XML for CI systems that show
 * test results. SARIF is in `sarif.ts`.
 */
import { ReportedFinding } from './findings-report';
import { escapeControlCharacters, terminalSafeJson } from '../credentials/private/escape';

/** The findings, one block each: level, id, where, the message, and the reason of an acknowledgment. */
export function toTable(findings: readonly ReportedFinding[]): string {
  if (findings.length === 0) return 'No findings.\n';
  // Every field is escaped on its own: the line breaks between them are ours, any inside them are not.
  const safe = escapeControlCharacters;
  const blocks = findings.map(f => {
    const lines = [
      `${f.acknowledged ? `ACKNOWLEDGED ${f.level.toUpperCase()}` : f.level.toUpperCase()} ${safe(f.id)}`,
      `  ${safe(`${f.stack}/${f.logicalId}`)}${f.constructPath ? ` (${safe(f.constructPath)})` : ''}`,
      ...(f.source ? [`  at ${safe(f.source.file)}:${f.source.line}`] : []),
      `  ${safe(f.message)}`,
      ...(f.acknowledged ? [`  acknowledged: ${safe(f.acknowledged.reason)}`] : []),
    ];
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n\n${summaryLine(findings)}\n`;
}

/** `2 errors, 1 warning, 3 acknowledged`. */
export function summaryLine(findings: readonly ReportedFinding[]): string {
  const open = findings.filter(f => !f.acknowledged);
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${count(open.filter(f => f.level === 'error').length, 'error')}, ${count(open.filter(f => f.level === 'warning').length, 'warning')}, `
    + `${findings.length - open.length} acknowledged`;
}

/** The findings as JSON: the same fields as the API, acknowledged ones with their reason. */
export function toJson(findings: readonly ReportedFinding[]): string {
  return `${terminalSafeJson({
    summary: summaryLine(findings),
    findings: findings.map(f => ({
      id: f.id,
      ruleId: f.ruleId,
      level: f.level,
      message: f.message,
      stack: f.stack,
      templatePath: f.templatePath,
      logicalId: f.logicalId,
      constructPath: f.constructPath,
      source: f.source,
      acknowledged: f.acknowledged,
    })),
  }, 2)}\n`;
}

/**
 * JUnit XML: a test suite per stack, a test case per finding; open errors and warnings fail,
 * acknowledged findings are skipped with their reason.
 */
export function toJunit(findings: readonly ReportedFinding[]): string {
  const byStack = new Map<string, ReportedFinding[]>();
  for (const f of findings) byStack.set(f.stack, [...byStack.get(f.stack) ?? [], f]);
  const suites = [...byStack].map(([stack, list]) => {
    const failures = list.filter(f => !f.acknowledged).length;
    const cases = list.map(f => {
      const name = xml(`${f.id} ${f.logicalId}`);
      const body = f.acknowledged
        ? `<skipped message="${xml(`acknowledged: ${f.acknowledged.reason}`)}"/>`
        : `<failure type="${f.level}" message="${xml(f.id)}">${xml(f.message)}</failure>`;
      return `    <testcase classname="${xml(stack)}" name="${name}">${body}</testcase>`;
    });
    return `  <testsuite name="${xml(stack)}" tests="${list.length}" failures="${failures}" skipped="${list.length - failures}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = findings.filter(f => !f.acknowledged).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cdk-iam-guardrails" tests="${findings.length}" failures="${failures}">\n`
    + `${suites.join('\n')}${suites.length > 0 ? '\n' : ''}</testsuites>\n`;
}

/** Text safe inside XML attributes and elements; characters XML 1.0 cannot hold at all become `\uXXXX`. */
function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
