// The CredentialReportAudit Lambda: generate and read the IAM credential report, evaluate it with
// the library's own CredentialReport, publish a summary to SNS and a count per finding type to
// CloudWatch. Bundled by `projen bundle` with esbuild; the AWS SDK v3 comes from the Lambda
// runtime. Endpoints come from the SDK's own configuration (AWS_ENDPOINT_URL and friends), which
// is how the integration test points this handler at moto.
import { CloudWatchClient, PutMetricDataCommand, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';
import { CredentialFindingType, CredentialReport, CredentialReportFinding } from '../../credentials/credential-report';
import { AUDIT_ENV, TOTAL_FINDINGS_METRIC } from '../../credentials/private/audit-config';
import { DEFAULT_ROOT_USAGE_WINDOW_DAYS, Thresholds, evaluateRows, thresholdsInDays } from '../../credentials/private/evaluate';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
} from '../private/password-policy-defaults';

/** What one run found; also logged, and returned to a manual `aws lambda invoke`. */
export interface AuditResult {
  readonly now: string;
  readonly rowsChecked: number;
  readonly findings: number;
  readonly countsByType: { [type: string]: number };
  readonly published: boolean;
}

interface AuditConfig {
  readonly topicArn: string;
  readonly metricNamespace: string;
  readonly maxAccessKeyAgeDays: number;
  readonly maxUnusedAgeDays: number;
  readonly rootUsageWindowDays: number;
  readonly reportPollAttempts: number;
  readonly reportPollDelayMs: number;
}

// SNS caps a message at 256 KB; list this many findings and point to the log for the rest.
const MAX_FINDINGS_IN_MESSAGE = 200;

export async function handler(event?: Partial<ScheduledEvent>): Promise<AuditResult> {
  const config = readConfig(process.env);
  // A scheduled event carries the time the schedule fired: evaluate as of then, so a retried
  // invocation gives the same answer.
  const now = eventTime(event) ?? new Date();
  const thresholds = thresholdsInDays(now, config.maxAccessKeyAgeDays, config.maxUnusedAgeDays, config.rootUsageWindowDays);

  const csv = await fetchCredentialReport(new IAMClient({}), config.reportPollAttempts, config.reportPollDelayMs);
  const report = CredentialReport.parse(csv);
  const findings = evaluateRows(report.rows, thresholds);

  const countsByType: { [type: string]: number } = {};
  for (const type of Object.values(CredentialFindingType)) countsByType[type] = 0;
  for (const finding of findings) countsByType[finding.type]++;

  await new CloudWatchClient({}).send(new PutMetricDataCommand({
    Namespace: config.metricNamespace,
    MetricData: [
      ...Object.entries(countsByType).map(([type, count]) => ({ MetricName: type, Value: count, Unit: StandardUnit.Count })),
      { MetricName: TOTAL_FINDINGS_METRIC, Value: findings.length, Unit: StandardUnit.Count },
    ],
  }));

  if (findings.length > 0) {
    await new SNSClient({}).send(new PublishCommand({
      TopicArn: config.topicArn,
      Subject: `IAM credential audit: ${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}`,
      Message: formatMessage(findings, report, thresholds),
    }));
  }

  const result: AuditResult = {
    now: now.toISOString(),
    rowsChecked: report.rows.length,
    findings: findings.length,
    countsByType,
    published: findings.length > 0,
  };
  console.log(JSON.stringify({ ...result, details: findings }));
  return result;
}

/**
 * GenerateCredentialReport starts a report (or reuses one younger than four hours) and answers
 * STARTED, INPROGRESS or COMPLETE; poll it, a bounded number of times, until COMPLETE.
 */
async function fetchCredentialReport(iam: IAMClient, attempts: number, delayMs: number): Promise<string> {
  let state: string | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    state = (await iam.send(new GenerateCredentialReportCommand({}))).State;
    if (state === 'COMPLETE') {
      const { Content } = await iam.send(new GetCredentialReportCommand({}));
      if (!Content) throw new Error('GetCredentialReport returned no content');
      // The SDK has already decoded the API's base64; CredentialReport.parse accepts either form.
      return Buffer.from(Content).toString('utf8');
    }
    if (attempt < attempts) await new Promise(resolve => setTimeout(resolve, delayMs));
  }
  throw new Error(`the credential report was not COMPLETE after ${attempts} attempts ${delayMs} ms apart (last state: ${state})`);
}

function readConfig(env: NodeJS.ProcessEnv): AuditConfig {
  const topicArn = env[AUDIT_ENV.topicArn];
  const metricNamespace = env[AUDIT_ENV.metricNamespace];
  if (!topicArn) throw new Error(`environment variable ${AUDIT_ENV.topicArn} is not set`);
  if (!metricNamespace) throw new Error(`environment variable ${AUDIT_ENV.metricNamespace} is not set`);
  return {
    topicArn,
    metricNamespace,
    maxAccessKeyAgeDays: positiveNumber(env, AUDIT_ENV.maxAccessKeyAgeDays, DEFAULT_MAX_ACCESS_KEY_AGE_DAYS),
    maxUnusedAgeDays: positiveNumber(env, AUDIT_ENV.maxUnusedAgeDays, DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS),
    rootUsageWindowDays: positiveNumber(env, AUDIT_ENV.rootUsageWindowDays, DEFAULT_ROOT_USAGE_WINDOW_DAYS),
    reportPollAttempts: positiveNumber(env, AUDIT_ENV.reportPollAttempts, 10),
    reportPollDelayMs: positiveNumber(env, AUDIT_ENV.reportPollDelayMs, 2000),
  };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, defaultValue: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return defaultValue;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new Error(`environment variable ${name} must be a positive number, got '${raw}'`);
  }
  return value;
}

function eventTime(event: Partial<ScheduledEvent> | undefined): Date | undefined {
  const time = typeof event?.time === 'string' ? Date.parse(event.time) : NaN;
  return Number.isNaN(time) ? undefined : new Date(time);
}

function formatMessage(findings: CredentialReportFinding[], report: CredentialReport, t: Thresholds): string {
  const account = report.rows.map(row => row.arn.split(':')[4]).find(id => id) ?? 'unknown';
  const day = 86_400_000;
  const lines = [
    `IAM credential report audit of account ${account} as of ${t.now.toISOString()}.`,
    `Thresholds: access keys ${t.maxAccessKeyAgeMs / day} days, unused credentials ${t.maxUnusedAgeMs / day} days, `
      + `root usage window ${t.rootUsageWindowMs / day} days.`,
    '',
    `${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}:`,
    ...findings.slice(0, MAX_FINDINGS_IN_MESSAGE).map(f => `- ${f.type}: ${f.user} (${f.credential}): ${f.detail}`),
  ];
  if (findings.length > MAX_FINDINGS_IN_MESSAGE) {
    lines.push(`... and ${findings.length - MAX_FINDINGS_IN_MESSAGE} more, listed in this function's CloudWatch Logs.`);
  }
  lines.push('', 'Review: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html');
  return lines.join('\n') + '\n';
}
