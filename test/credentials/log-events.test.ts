// The audit Lambda's findings log: CloudWatch Logs rejects or truncates an event over 256 KB, and
// a single "details" line reached 3.9 MB at 5,000 users.
import { CredentialFindingType, CredentialKind, CredentialReportFinding } from '../../src/credentials/credential-report';
import { MAX_LOG_EVENT_BYTES, splitIntoLogEvents } from '../../src/credentials/private/log-events';

const CLOUDWATCH_LOGS_EVENT_LIMIT = 256 * 1024 - 26;

function finding(i: number, detail = 'console password enabled but no MFA device'): CredentialReportFinding {
  return {
    type: CredentialFindingType.CONSOLE_USER_WITHOUT_MFA,
    user: `user-${i}-${'x'.repeat(40)}`,
    arn: `arn:aws:iam::123456789012:user/team/user-${i}-${'x'.repeat(40)}`,
    credential: CredentialKind.MFA,
    detail,
    lineNumber: i + 2,
  };
}

test('5,000 users with 4 findings each: numbered parts under the limit, every finding once, in order', () => {
  const findings = Array.from({ length: 20_000 }, (_, i) => finding(i));
  const lines = splitIntoLogEvents({ message: 'credential audit findings' }, 'findings', findings);
  expect(lines.length).toBeGreaterThan(10);
  for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LOG_EVENT_BYTES);
  expect(MAX_LOG_EVENT_BYTES).toBeLessThan(CLOUDWATCH_LOGS_EVENT_LIMIT - 1000); // room for the runtime's prefix
  const parsed = lines.map(line => JSON.parse(line));
  expect(parsed.map(p => [p.message, p.part, p.parts])).toEqual(lines.map((_, i) => ['credential audit findings', i + 1, lines.length]));
  expect(parsed.flatMap(p => p.findings)).toEqual(findings);
});

test('one part when it fits, and one (empty) part when there is nothing', () => {
  expect(splitIntoLogEvents({ message: 'm' }, 'findings', [finding(1)]).map(l => JSON.parse(l))).toEqual([
    { message: 'm', part: 1, parts: 1, findings: [finding(1)] },
  ]);
  expect(splitIntoLogEvents({ message: 'm' }, 'findings', []).map(l => JSON.parse(l))).toEqual([{ message: 'm', part: 1, parts: 1, findings: [] }]);
});

test('a finding too large on its own (a huge malformed field) is cut to fit and says so', () => {
  const huge = finding(7, 'x'.repeat(1_000_000));
  const lines = splitIntoLogEvents({ message: 'm' }, 'findings', [finding(1), huge, finding(2)], 20_000);
  for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(20_000);
  const all = lines.flatMap(l => JSON.parse(l).findings);
  expect(all).toHaveLength(3);
  expect(all[1]).toMatchObject({ truncated: true, lineNumber: 9, user: huge.user });
  expect(all[1].detail).toMatch(/^x{4096}\.\.\. \(995904 more characters\)$/);
});

test('multi-byte text is measured in bytes, not characters', () => {
  const findings = Array.from({ length: 500 }, (_, i) => finding(i, '日本語'.repeat(100)));
  const lines = splitIntoLogEvents({ message: 'm' }, 'findings', findings, 50_000);
  for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(50_000);
  expect(lines.flatMap(l => JSON.parse(l).findings)).toHaveLength(500);
});
