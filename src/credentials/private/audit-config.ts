/**
 * The contract between the CredentialReportAudit construct (which sets these environment
 * variables) and its Lambda handler (which reads them). Plain constants: the handler bundle must
 * not load aws-cdk-lib, and the construct must not load the AWS SDK.
 */
export const AUDIT_ENV = {
  topicArn: 'TOPIC_ARN',
  metricNamespace: 'METRIC_NAMESPACE',
  maxAccessKeyAgeDays: 'MAX_ACCESS_KEY_AGE_DAYS',
  maxUnusedAgeDays: 'MAX_UNUSED_AGE_DAYS',
  rootUsageWindowDays: 'ROOT_USAGE_WINDOW_DAYS',
  reportPollAttempts: 'REPORT_POLL_ATTEMPTS',
  reportPollDelayMs: 'REPORT_POLL_DELAY_MS',
} as const;

/** The metric with the number of all findings, next to one metric per finding type. */
export const TOTAL_FINDINGS_METRIC = 'TotalFindings';
