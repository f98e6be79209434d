// The CredentialReportAudit handler against a real IAM, SNS and CloudWatch API on loopback: moto in
// server mode (from .venv-integ, made by test/integ/setup-python.sh), no SDK mocks. The handler is
// pointed at moto only through AWS_ENDPOINT_URL, which the AWS SDK v3 reads by itself.
//
// Run: npx jest --coverage=false --testPathIgnorePatterns /node_modules/ \
//        --testMatch '<rootDir>/test/integ/credential-audit.integ.ts'
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { freePort, Moto, MOTO_CREDENTIALS, MOTO_REGION, startMoto, useMotoEnvironment } from './support/moto';
import { handler, runAudit } from '../../src/constructs/credential-report-audit/audit.lambda';

const ROOT = path.join(__dirname, '..', '..');
const REGION = MOTO_REGION;
const DAY = 86_400_000;

jest.setTimeout(120_000);

let moto: Moto;
let restoreEnvironment: () => void;
let endpoint: string;
let receiver: http.Server;
let receiverUrl: string;
const notifications: Array<{ Type: string; Subject?: string; Message: string }> = [];
let topicArn: string;

const credentials = MOTO_CREDENTIALS;

beforeAll(async () => {
  moto = await startMoto();
  endpoint = moto.endpoint;

  // Where moto delivers the topic's messages (an SNS HTTP subscription).
  receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', chunk => { body += chunk; });
    request.on('end', () => {
      notifications.push(JSON.parse(body));
      response.end('ok');
    });
  });
  await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;

  // The handler gets only what the Lambda runtime would give it, plus the endpoint override.
  restoreEnvironment = useMotoEnvironment(endpoint, { REPORT_POLL_DELAY_MS: '50' });

  const clientConfig = { endpoint, region: REGION, credentials };
  const iam = new IAMClient(clientConfig);
  const sns = new SNSClient(clientConfig);

  await iam.send(new CreateUserCommand({ UserName: 'console-no-mfa' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'console-no-mfa', Password: 'correct-Horse-battery-staple-1' }));

  await iam.send(new CreateUserCommand({ UserName: 'api-only' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'api-only' }));

  await iam.send(new CreateUserCommand({ UserName: 'console-with-mfa' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'console-with-mfa', Password: 'correct-Horse-battery-staple-2' }));
  await enableMfa(iam, 'console-with-mfa');

  await iam.send(new CreateUserCommand({ UserName: 'inactive-key' }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'inactive-key' }));
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'inactive-key', AccessKeyId: key.AccessKey!.AccessKeyId!, Status: 'Inactive' }));
  await enableMfa(iam, 'inactive-key');

  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'credential-audit' }))).TopicArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: receiverUrl }));
  process.env.TOPIC_ARN = topicArn;
});

afterAll(async () => {
  restoreEnvironment?.();
  if (receiver) await new Promise(resolve => receiver.close(resolve));
  await moto?.stop();
});

async function enableMfa(iam: IAMClient, userName: string): Promise<void> {
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${userName}-mfa` }));
  await iam.send(new EnableMFADeviceCommand({
    UserName: userName,
    SerialNumber: device.VirtualMFADevice!.SerialNumber!,
    AuthenticationCode1: '123456',
    AuthenticationCode2: '654321',
  }));
}

async function metricSums(namespace: string): Promise<{ [name: string]: number }> {
  const cloudwatch = new CloudWatchClient({ endpoint, region: REGION, credentials });
  const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: namespace }));
  const names = (listed.Metrics ?? []).map(m => m.MetricName!).sort();
  const data = await cloudwatch.send(new GetMetricDataCommand({
    StartTime: new Date(Date.now() - 3600_000),
    EndTime: new Date(Date.now() + 3600_000),
    MetricDataQueries: names.map((name, i) => ({
      Id: `m${i}`,
      Label: name,
      MetricStat: { Metric: { Namespace: namespace, MetricName: name }, Period: 60, Stat: 'Sum' },
    })),
  }));
  const sums: { [name: string]: number } = {};
  for (const result of data.MetricDataResults ?? []) {
    sums[result.Label!] = (result.Values ?? []).reduce((a, b) => a + b, 0);
  }
  return sums;
}

function notificationLines(): string[] {
  const published = notifications.filter(n => n.Type === 'Notification');
  expect(published).toHaveLength(1);
  notifications.length = 0;
  return published[0].Message.split('\n');
}

test('today: users without MFA are published and counted, zeros included', async () => {
  process.env.METRIC_NAMESPACE = 'IntegToday';
  notifications.length = 0;
  const result = await handler({ time: new Date().toISOString() });

  // moto's report has no <root_account> row, unlike every report IAM writes: that is a finding.
  expect(result).toMatchObject({ timeSource: 'event', rowsChecked: 4, malformedRows: 0, findings: 3, published: true });
  const lines = notificationLines();
  expect(lines[0]).toMatch(/^IAM credential report audit of account 123456789012 as of /);
  expect(lines.filter(l => l.startsWith('- '))).toEqual([
    expect.stringMatching(/^- RootAccountMissing: <root_account> \(report\): the report has no <root_account> row/),
    '- ConsoleUserWithoutMfa: console-no-mfa (mfa): console password enabled but no MFA device',
    '- UserWithoutMfa: api-only (mfa): no MFA device (no console password)',
  ]);

  expect(await metricSums('IntegToday')).toEqual({
    AccessKeyNotRotated: 0,
    ConsoleUserWithoutMfa: 1,
    CredentialStatusUnknown: 0,
    MalformedRow: 0,
    RootAccessKeyPresent: 0,
    RootAccountMissing: 1,
    RootUsedRecently: 0,
    RootWithoutMfa: 0,
    TotalFindings: 3,
    UnusedCredential: 0,
    UserWithoutMfa: 1,
  });
});

test('the shipped esbuild bundle behaves like the source', async () => {
  const bundle = path.join(ROOT, 'assets', 'constructs', 'credential-report-audit', 'audit.lambda', 'index.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} not found: run 'npx projen bundle' first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundled: { handler: typeof handler } = require(bundle);
  process.env.METRIC_NAMESPACE = 'IntegBundle';
  notifications.length = 0;
  const result = await bundled.handler({ time: new Date().toISOString() });
  expect(result).toMatchObject({ rowsChecked: 4, findings: 3, published: true });
  expect(result.countsByType).toMatchObject({ ConsoleUserWithoutMfa: 1, UserWithoutMfa: 1, RootAccountMissing: 1 });
  expect(notificationLines().filter(l => l.startsWith('- '))).toHaveLength(3);
  expect(await metricSums('IntegBundle')).toMatchObject({ TotalFindings: 3 });
});

/** The Lambda's clock 200 days from now, so that the users moto just created are old. */
const in200Days = () => new Date(Date.now() + 200 * DAY);

test('200 days later (the Lambda clock, and a scheduled event time within a retry of it): old keys and unused credentials too', async () => {
  process.env.METRIC_NAMESPACE = 'IntegLater';
  notifications.length = 0;
  const clock = in200Days();
  const eventTime = new Date(clock.getTime() - 3 * 3600_000); // a retry three hours after the schedule fired
  const result = await runAudit({ time: eventTime.toISOString() }, { clock: () => clock, log: () => undefined });

  expect(result).toMatchObject({ now: eventTime.toISOString(), timeSource: 'event', findings: 7 });
  const findings = notificationLines().filter(l => l.startsWith('- ')).map(l => l.split(' (')[0]).sort();
  expect(findings).toEqual([
    '- AccessKeyNotRotated: api-only',
    '- ConsoleUserWithoutMfa: console-no-mfa',
    '- RootAccountMissing: <root_account>',
    '- UnusedCredential: api-only',
    '- UnusedCredential: console-no-mfa',
    '- UnusedCredential: console-with-mfa',
    '- UserWithoutMfa: api-only',
  ]);
  // The inactive key is neither old nor unused: only active keys count.
  expect(await metricSums('IntegLater')).toMatchObject({ AccessKeyNotRotated: 1, UnusedCredential: 3, TotalFindings: 7 });
});

test('thresholds from the environment', async () => {
  process.env.METRIC_NAMESPACE = 'IntegThresholds';
  process.env.MAX_ACCESS_KEY_AGE_DAYS = '365';
  process.env.MAX_UNUSED_AGE_DAYS = '365';
  try {
    const result = await runAudit({}, { clock: in200Days, log: () => undefined });
    expect(result.countsByType).toMatchObject({ AccessKeyNotRotated: 0, UnusedCredential: 0, UserWithoutMfa: 1 });
  } finally {
    delete process.env.MAX_ACCESS_KEY_AGE_DAYS;
    delete process.env.MAX_UNUSED_AGE_DAYS;
  }
  notifications.length = 0;
});

test('an event time that is not plausible (1970, 200 days ahead, not a date) is not used: the clock is, and the log says why', async () => {
  process.env.METRIC_NAMESPACE = 'IntegEventTime';
  const clock = in200Days();
  const logged: string[] = [];
  for (const time of ['1970-01-01T00:00:00Z', new Date(clock.getTime() + 200 * DAY).toISOString(), 'yesterday']) {
    notifications.length = 0;
    const result = await runAudit({ time }, { clock: () => clock, log: line => logged.push(line) });
    // As of the clock, so the age findings are all there (as of 1970 there were none).
    expect(result).toMatchObject({ now: clock.toISOString(), timeSource: 'clock', findings: 7 });
    expect(result.countsByType).toMatchObject({ AccessKeyNotRotated: 1, UnusedCredential: 3 });
  }
  notifications.length = 0;
  const ignored = logged.map(line => JSON.parse(line)).filter(event => event.message === 'event time not used');
  expect(ignored.map(event => event.reason)).toEqual([
    expect.stringMatching(/^the event time is \d+ days behind the clock \(at most 24 hours is a retry\)$/),
    'the event time is 200 days ahead of the clock (at most 5 minutes is clock skew)',
    'the event time is not a date',
  ]);
  expect(ignored[0]).toMatchObject({ eventTime: '1970-01-01T00:00:00Z', now: clock.toISOString() });
});

test('the handler itself: a 1970 event time gives way to the real clock', async () => {
  process.env.METRIC_NAMESPACE = 'IntegHandler1970';
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const result = await handler({ time: '1970-01-01T00:00:00Z' });
    expect(result.timeSource).toBe('clock');
    expect(Math.abs(Date.parse(result.now) - Date.now())).toBeLessThan(60_000);
    expect(log.mock.calls.map(call => JSON.parse(call[0]).message)).toEqual([
      'event time not used', 'credential audit summary', 'credential audit findings',
    ]);
  } finally {
    log.mockRestore();
  }
  notifications.length = 0;
});

test('findings are logged in numbered parts no larger than the event limit', async () => {
  process.env.METRIC_NAMESPACE = 'IntegLogParts';
  const logged: string[] = [];
  const result = await runAudit({}, { clock: in200Days, log: line => logged.push(line), maxLogEventBytes: 1_000 });
  notifications.length = 0;
  const parts = logged.map(line => JSON.parse(line)).filter(event => event.message === 'credential audit findings');
  expect(parts.length).toBeGreaterThan(2);
  expect(parts.map(p => [p.part, p.parts])).toEqual(parts.map((_, i) => [i + 1, parts.length]));
  for (const line of logged) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(1_000);
  expect(parts.flatMap(p => p.findings)).toHaveLength(result.findings);
});

test('CloudWatch failing: the findings are still published, then the run fails naming CloudWatch', async () => {
  // Nothing listens on this port: CloudWatch is unreachable, IAM and SNS are not.
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH = `http://127.0.0.1:${await freePort()}`;
  process.env.METRIC_NAMESPACE = 'IntegNoMetrics';
  notifications.length = 0;
  const logged: string[] = [];
  try {
    await expect(runAudit({}, { log: line => logged.push(line) })).rejects.toThrow(new RegExp(
      '^credential audit incomplete: writing the metrics to CloudWatch namespace IntegNoMetrics failed \\(.+\\); '
      + 'the findings were published, the findings are in this log$'));
  } finally {
    delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
  }
  expect(notificationLines().filter(l => l.startsWith('- '))).toHaveLength(3);
  expect(logged.map(line => JSON.parse(line).message)).toEqual([
    'credential audit summary', 'credential audit findings', 'credential audit incomplete',
  ]);
});

test('SNS failing: the metrics are still written, then the run fails naming the topic', async () => {
  process.env.METRIC_NAMESPACE = 'IntegNoTopic';
  const saved = process.env.TOPIC_ARN;
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:deleted-topic';
  try {
    await expect(runAudit({}, { log: () => undefined })).rejects.toThrow(new RegExp(
      '^credential audit incomplete: publishing the 3 findings to arn:aws:sns:us-east-1:123456789012:deleted-topic failed '
      + '\\(NotFound.*\\); the metrics were written, the findings are in this log$'));
  } finally {
    process.env.TOPIC_ARN = saved;
  }
  expect(await metricSums('IntegNoTopic')).toMatchObject({ RootAccountMissing: 1, UserWithoutMfa: 1, TotalFindings: 3 });
});

test('a row that cannot be read is a finding of its own, and the other rows are still checked', async () => {
  // moto writes the report without CSV quoting, so a user name with a comma (IAM allows one)
  // becomes a row with too many fields: the kind of damage one row of a report can have.
  const iam = new IAMClient({ endpoint, region: REGION, credentials });
  await iam.send(new CreateUserCommand({ UserName: 'ops,admin' }));
  process.env.METRIC_NAMESPACE = 'IntegMalformed';
  notifications.length = 0;
  try {
    const result = await runAudit({}, { log: () => undefined });
    expect(result).toMatchObject({ rowsChecked: 4, malformedRows: 1, findings: 4 });
    expect(notificationLines().filter(l => l.startsWith('- '))).toEqual([
      expect.stringMatching(/^- RootAccountMissing: /),
      '- ConsoleUserWithoutMfa: console-no-mfa (mfa): console password enabled but no MFA device',
      '- UserWithoutMfa: api-only (mfa): no MFA device (no console password)',
      expect.stringMatching(/^- MalformedRow: ops \(report\): this row could not be read, so none of its checks ran: expected 22 fields like the header, found 24 \(the row begins 'ops,admin,arn:aws:iam::123456789012:user\/ops,admin,/),
    ]);
    expect(await metricSums('IntegMalformed')).toMatchObject({ MalformedRow: 1, TotalFindings: 4 });
  } finally {
    await iam.send(new DeleteUserCommand({ UserName: 'ops,admin' }));
  }
});

test('a header-only report is not a clean bill of health: the missing root row is published, the other types counted as zeros', async () => {
  // A fresh account: moto's reset wipes the users, and the report has only the header.
  await moto.reset();
  const sns = new SNSClient({ endpoint, region: REGION, credentials });
  process.env.TOPIC_ARN = (await sns.send(new CreateTopicCommand({ Name: 'credential-audit' }))).TopicArn!;
  await sns.send(new SubscribeCommand({ TopicArn: process.env.TOPIC_ARN, Protocol: 'http', Endpoint: receiverUrl }));
  process.env.METRIC_NAMESPACE = 'IntegEmpty';
  notifications.length = 0;

  const result = await handler({});
  expect(result).toMatchObject({ timeSource: 'clock', rowsChecked: 0, findings: 1, published: true });
  expect(notificationLines().filter(l => l.startsWith('- '))).toEqual([
    expect.stringMatching(/^- RootAccountMissing: <root_account> \(report\): the report has no <root_account> row/),
  ]);
  const sums = await metricSums('IntegEmpty');
  expect(Object.keys(sums)).toHaveLength(11);
  expect(sums).toMatchObject({ RootAccountMissing: 1, TotalFindings: 1, UserWithoutMfa: 0, MalformedRow: 0 });
});

test('a report that never completes fails after the bounded retries', async () => {
  await moto.reset();
  process.env.REPORT_POLL_ATTEMPTS = '1';
  try {
    // moto answers STARTED to the first GenerateCredentialReport of a fresh account.
    await expect(handler({})).rejects.toThrow('the credential report was not COMPLETE after 1 attempts 50 ms apart (last state: STARTED)');
  } finally {
    delete process.env.REPORT_POLL_ATTEMPTS;
  }
});

describe('configuration errors fail before any AWS call', () => {
  test.each([
    ['TOPIC_ARN', '', 'environment variable TOPIC_ARN is not set'],
    ['METRIC_NAMESPACE', '', 'environment variable METRIC_NAMESPACE is not set'],
    ['MAX_ACCESS_KEY_AGE_DAYS', 'ninety', "environment variable MAX_ACCESS_KEY_AGE_DAYS must be a positive number, got 'ninety'"],
    ['MAX_UNUSED_AGE_DAYS', '0', "environment variable MAX_UNUSED_AGE_DAYS must be a positive number, got '0'"],
    ['REPORT_POLL_ATTEMPTS', '-1', "environment variable REPORT_POLL_ATTEMPTS must be a positive number, got '-1'"],
  ])('%s=%j', async (name, value, message) => {
    const saved = { TOPIC_ARN: process.env.TOPIC_ARN, METRIC_NAMESPACE: process.env.METRIC_NAMESPACE };
    process.env.TOPIC_ARN = saved.TOPIC_ARN ?? 'arn:aws:sns:us-east-1:123456789012:x';
    process.env.METRIC_NAMESPACE = 'IntegConfig';
    process.env[name] = value;
    try {
      await expect(handler({})).rejects.toThrow(message);
    } finally {
      delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
