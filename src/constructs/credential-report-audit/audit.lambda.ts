// The CredentialReportAudit Lambda: generate and read the IAM credential report, evaluate it with
// the library's own analysis, publish a summary to SNS and a count per finding type to
// CloudWatch. It reports whatever else fails rather than stopping at it: a row it cannot read is
// a MalformedRow finding, metrics and SNS are sent independently (a failure of either fails the
// run afterwards, naming it), findings are logged first in parts CloudWatch Logs accepts, and an
// implausible event time gives way to the clock. Bundled by `projen bundle` with esbuild; the AWS
// SDK v3 comes from the Lambda runtime. Endpoints come from the SDK's own configuration
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDWATCH and friends), which is how the integration test
// points this handler at moto, and CloudWatch alone at a closed port.
import { CloudWatchClient, PutMetricDataCommand, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';
import { CredentialFindingType, CredentialReportFinding, CredentialReportRow } from '../../credentials/credential-report';
import { AUDIT_ENV, TOTAL_FINDINGS_METRIC } from '../../credentials/private/audit-config';
import { decodeReportBytes } from '../../credentials/private/decode';
import { escapeControlCharacters, truncate } from '../../credentials/private/escape';
import { DEFAULT_ROOT_USAGE_WINDOW_DAYS, Thresholds, evaluateRows, thresholdsInDays } from '../../credentials/private/evaluate';
import { MAX_LOG_EVENT_BYTES, splitIntoLogEvents } from '../../credentials/private/log-events';
import { parseCredentialReportLenient } from '../../credentials/private/parse';
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_CREDENTIAL_AGE_DAYS,
} from '../private/password-policy-defaults';

/** What one run found; also logged, and returned to a manual `aws lambda invoke`. */
export interface AuditResult {
  readonly now: string;
  /** Where `now` came from: the scheduled event's time, or the Lambda's clock. */
  readonly timeSource: 'event' | 'clock';
  readonly rowsChecked: number;
  /** Rows that could not be read; each is also a `MalformedRow` finding. */
  readonly malformedRows: number;
  readonly findings: number;
  readonly countsByType: { [type: string]: number };
  readonly published: boolean;
}

/** What the handler uses besides AWS: its clock, where it logs, how large a log event may be. */
export interface AuditOptions {
  readonly clock?: () => Date;
  readonly log?: (line: string) => void;
  readonly maxLogEventBytes?: number;
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

// SNS caps a message at 256 KB; list this many findings, each line cut at MAX_MESSAGE_LINE
// characters, and point to the log for the rest.
const MAX_FINDINGS_IN_MESSAGE = 200;
const MAX_MESSAGE_LINE = 600;

/**
 * How far the scheduled event's time may be from the Lambda's clock and still be used. Behind:
 * EventBridge retries a failed delivery for up to 24 hours, and a retry should evaluate as of
 * the original schedule. Ahead: only clock skew, a few minutes at most. Anything else (a 1970
 * timestamp, a hand-written test event, a year-2100 one) would move every age and hide or invent
 * findings, so the clock is used instead and the reason logged.
 */
export const MAX_EVENT_TIME_BEHIND_MS = 24 * 60 * 60 * 1000;
export const MAX_EVENT_TIME_AHEAD_MS = 5 * 60 * 1000;

export async function handler(event?: Partial<ScheduledEvent>): Promise<AuditResult> {
  return runAudit(event);
}

/**
 * One audit run. Findings are logged first (so they are never lost), then the metrics and the SNS
 * message are sent independently: one failing does not stop the other. If either failed, the run
 * then fails with an error naming what failed and what was still delivered, so the function's
 * Errors alarm fires.
 */
export async function runAudit(event?: Partial<ScheduledEvent>, options: AuditOptions = {}): Promise<AuditResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const config = readConfig(process.env);
  const { now, timeSource, reason } = evaluationTime(event, (options.clock ?? (() => new Date()))());
  if (reason) log(JSON.stringify({ message: 'event time not used', reason, eventTime: truncate(String(event?.time), 100), now: now.toISOString() }));
  const thresholds = thresholdsInDays(now, config.maxAccessKeyAgeDays, config.maxUnusedAgeDays, config.rootUsageWindowDays);

  const csv = await fetchCredentialReport(new IAMClient({}), config.reportPollAttempts, config.reportPollDelayMs);
  let report;
  try {
    report = parseCredentialReportLenient(csv);
  } catch (e) {
    throw new Error(`the credential report from GetCredentialReport could not be read: ${(e as Error).message}`);
  }
  const findings = evaluateRows(report.rows, thresholds, report.malformed);

  const countsByType: { [type: string]: number } = {};
  for (const type of Object.values(CredentialFindingType)) countsByType[type] = 0;
  for (const finding of findings) countsByType[finding.type]++;

  const result: AuditResult = {
    now: now.toISOString(),
    timeSource,
    rowsChecked: report.rows.length,
    malformedRows: report.malformed.length,
    findings: findings.length,
    countsByType,
    published: findings.length > 0,
  };
  log(JSON.stringify({ message: 'credential audit summary', ...result }));
  for (const line of splitIntoLogEvents({ message: 'credential audit findings' }, 'findings', findings, options.maxLogEventBytes ?? MAX_LOG_EVENT_BYTES)) {
    log(line);
  }

  const [metrics, publish] = await Promise.allSettled([
    new CloudWatchClient({}).send(new PutMetricDataCommand({
      Namespace: config.metricNamespace,
      MetricData: [
        ...Object.entries(countsByType).map(([type, count]) => ({ MetricName: type, Value: count, Unit: StandardUnit.Count })),
        { MetricName: TOTAL_FINDINGS_METRIC, Value: findings.length, Unit: StandardUnit.Count },
      ],
    })),
    findings.length === 0 ? Promise.resolve(undefined) : new SNSClient({}).send(new PublishCommand({
      TopicArn: config.topicArn,
      Subject: `IAM credential audit: ${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}`,
      Message: formatMessage(findings, report.rows, thresholds),
    })),
  ]);

  const failures: string[] = [];
  if (metrics.status === 'rejected') {
    failures.push(`writing the metrics to CloudWatch namespace ${config.metricNamespace} failed (${describeError(metrics.reason)})`);
  }
  if (publish.status === 'rejected') {
    failures.push(`publishing the ${findings.length} findings to ${config.topicArn} failed (${describeError(publish.reason)})`);
  }
  if (failures.length > 0) {
    const delivered = [
      metrics.status === 'fulfilled' ? 'the metrics were written' : undefined,
      publish.status === 'fulfilled' && findings.length > 0 ? 'the findings were published' : undefined,
      'the findings are in this log',
    ].filter(Boolean).join(', ');
    const message = `credential audit incomplete: ${failures.join('; ')}; ${delivered}`;
    log(JSON.stringify({ message: 'credential audit incomplete', failures, delivered }));
    throw new Error(message);
  }
  return result;
}

/**
 * The time to evaluate ages against: the scheduled event's, when it is within the bounds above
 * of the Lambda's clock, else the clock (with the reason, for the log).
 */
export function evaluationTime(
  event: Partial<ScheduledEvent> | undefined,
  clock: Date,
): { now: Date; timeSource: 'event' | 'clock'; reason?: string } {
  if (event?.time === undefined) return { now: clock, timeSource: 'clock' };
  const time = typeof event.time === 'string' ? Date.parse(event.time) : NaN;
  if (Number.isNaN(time)) {
    return { now: clock, timeSource: 'clock', reason: 'the event time is not a date' };
  }
  const behind = clock.getTime() - time;
  if (behind > MAX_EVENT_TIME_BEHIND_MS) {
    return { now: clock, timeSource: 'clock', reason: `the event time is ${formatHours(behind)} behind the clock (at most 24 hours is a retry)` };
  }
  if (-behind > MAX_EVENT_TIME_AHEAD_MS) {
    return { now: clock, timeSource: 'clock', reason: `the event time is ${formatHours(-behind)} ahead of the clock (at most 5 minutes is clock skew)` };
  }
  return { now: new Date(time), timeSource: 'event' };
}

function formatHours(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours.toFixed(1)} hours`;
}

function describeError(reason: unknown): string {
  if (reason instanceof Error) return truncate(`${reason.name}: ${reason.message}`, 500);
  return truncate(String(reason), 500);
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
      // The SDK has already decoded the API's base64; these are the CSV's bytes.
      try {
        return decodeReportBytes(Content, 'the GetCredentialReport content');
      } catch (e) {
        throw new Error(`the credential report from GetCredentialReport could not be read: ${(e as Error).message}`);
      }
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

/**
 * The e-mail/SMS text: escaped (a report field could carry control characters to a mail client
 * or a chat integration) and cut per line, so that the message stays under SNS's 256 KB.
 */
function formatMessage(findings: CredentialReportFinding[], rows: readonly CredentialReportRow[], t: Thresholds): string {
  const account = rows.map(row => row.arn.split(':')[4]).find(id => id && /^\d{12}$/.test(id)) ?? 'unknown';
  const day = 86_400_000;
  const line = (text: string) => truncate(escapeControlCharacters(text), MAX_MESSAGE_LINE);
  const lines = [
    `IAM credential report audit of account ${account} as of ${t.now.toISOString()}.`,
    `Thresholds: access keys ${t.maxAccessKeyAgeMs / day} days, unused credentials ${t.maxUnusedAgeMs / day} days, `
      + `root usage window ${t.rootUsageWindowMs / day} days.`,
    '',
    `${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}:`,
    ...findings.slice(0, MAX_FINDINGS_IN_MESSAGE).map(f => line(`- ${f.type}: ${f.user || `(line ${f.lineNumber})`} (${f.credential}): ${f.detail}`)),
  ];
  if (findings.length > MAX_FINDINGS_IN_MESSAGE) {
    lines.push(`... and ${findings.length - MAX_FINDINGS_IN_MESSAGE} more, listed in this function's CloudWatch Logs.`);
  }
  lines.push('', 'Review: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html');
  return lines.join('\n') + '\n';
}
