import * as fs from 'fs';
import * as path from 'path';
import { PolicyValidationPluginReport } from 'aws-cdk-lib';

type Report = Pick<PolicyValidationPluginReport, 'violations'>;

/** `ruleName at constructPath` of every violation of one severity, sorted. */
function named(report: Report, severity: string): string[] {
  return report.violations.filter(v => v.severity === severity).map(v => v.ruleName).sort();
}

/** Rule ids of the error-level violations (the ones that fail `cdk synth`). */
export const errorNames = (report: Report) => named(report, 'error');

/** Rule ids of the warning-level violations (fatal only with `cdk synth --strict`). */
export const warningNames = (report: Report) => named(report, 'warning');

/** One violation of CDK's `validation-report.json`, as a reader of it sees it. */
export interface ReportedViolation {
  readonly pluginName: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly description: string;
  readonly constructPaths: string[];
}

/** The violations of `validation-report.json` in a synthesized assembly directory (none when no report). */
export function validationReportOf(assemblyDirectory: string): ReportedViolation[] {
  const file = path.join(assemblyDirectory, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  type Violation = { ruleName: string; severity: string; description: string; violatingConstructs: Array<{ constructPath: string }> };
  const report = JSON.parse(fs.readFileSync(file, 'utf-8')) as { pluginReports: Array<{ pluginName: string; violations: Violation[] }> };
  return report.pluginReports.flatMap(p => p.violations.map(v => ({
    pluginName: p.pluginName,
    ruleName: v.ruleName,
    severity: v.severity,
    description: v.description,
    constructPaths: v.violatingConstructs.map(c => c.constructPath),
  })));
}
