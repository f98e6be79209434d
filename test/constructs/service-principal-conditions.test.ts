// Alerts cannot be spoofed: every statement of a topic policy, key policy, bucket policy or Lambda
// permission that the library writes for an AWS service principal is pinned to this account
// (aws:SourceAccount) and, where the service sends it, to the source resource (aws:SourceArn).
// Checked on the templates of every construct with every optional feature on.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccessAnalyzer } from '../../src/constructs/access-analyzer';
import { AccountBaseline } from '../../src/constructs/account-baseline';
import { BillingAlarm } from '../../src/constructs/billing-alarm';
import { CredentialReportAudit } from '../../src/constructs/credential-report-audit';
import { IamComplianceRules } from '../../src/constructs/iam-compliance-rules';
import { RootUsageAlarm } from '../../src/constructs/root-usage-alarm';
import { SecurityAlarms } from '../../src/constructs/security-alarms';
import { SecurityTrail } from '../../src/constructs/security-trail';

const ACCOUNT = '111111111111';

function templates(): any[] {
  const app = new App();
  const baseline = new Stack(app, 'Baseline', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const base = new AccountBaseline(baseline, 'Baseline', { complianceRulesOptions: { createRecorder: true } });
  new RootUsageAlarm(baseline, 'RootUsage', { trail: base.trail, topic: base.alertTopic, eventBridge: true });

  const standalone = new Stack(app, 'Standalone', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const trail = new SecurityTrail(standalone, 'Trail', { isOrganizationTrail: true, organizationId: 'o-abcdefghij', s3DataEvents: true });
  new SecurityAlarms(standalone, 'Alarms', { trail });
  new RootUsageAlarm(standalone, 'RootUsage', { trail, eventBridge: true });
  new AccessAnalyzer(standalone, 'Analyzer', { unusedAccess: true, trail });
  new IamComplianceRules(standalone, 'Rules', { createRecorder: true });
  new BillingAlarm(standalone, 'Billing', { threshold: 10 });
  new CredentialReportAudit(standalone, 'Audit');

  // A rule in another stack than its topic: the topic policy names the account's rules by pattern.
  const rules = new Stack(app, 'Rules', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new RootUsageAlarm(rules, 'RootUsage', { logGroup: trail.logGroup, topic: base.alertTopic, eventBridge: true });
  return [baseline, standalone, rules].map(stack => Template.fromStack(stack).toJSON());
}

interface ServiceStatement {
  readonly where: string;
  readonly service: string;
  readonly sid?: string;
  readonly conditions: { [operator: string]: { [key: string]: unknown } };
}

function serviceStatements(template: any): ServiceStatement[] {
  const out: ServiceStatement[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    const where = `${resource.Type} ${id}`;
    if (resource.Type === 'AWS::Lambda::Permission') {
      const p = resource.Properties;
      const conditions: ServiceStatement['conditions'] = {};
      if (p.SourceAccount) conditions.StringEquals = { 'aws:SourceAccount': p.SourceAccount };
      if (p.SourceArn) conditions.ArnLike = { 'aws:SourceArn': p.SourceArn };
      out.push({ where, service: p.Principal, conditions });
      continue;
    }
    const document = resource.Type === 'AWS::KMS::Key' ? resource.Properties.KeyPolicy
      : ['AWS::SNS::TopicPolicy', 'AWS::S3::BucketPolicy'].includes(resource.Type) ? resource.Properties.PolicyDocument : undefined;
    for (const statement of document?.Statement ?? []) {
      const services = [statement.Principal?.Service ?? []].flat();
      for (const service of services) {
        out.push({ where, service: JSON.stringify(service), sid: statement.Sid, conditions: statement.Condition ?? {} });
      }
    }
  }
  return out;
}

const keysOf = (s: ServiceStatement) => Object.values(s.conditions).flatMap(block => Object.keys(block));
const valueOf = (s: ServiceStatement, key: string) => Object.values(s.conditions).map(block => block[key]).find(v => v !== undefined);

/** Services that send aws:SourceArn with these requests (their confused-deputy pages say so). */
const SENDS_SOURCE_ARN = ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'cloudtrail.amazonaws.com', 'logging.s3.amazonaws.com'];

/**
 * Statements that cannot carry the source keys, each with what pins it instead. Anything else
 * without aws:SourceAccount fails the test.
 */
function documentedException(s: ServiceStatement): string | undefined {
  if (s.where.startsWith('AWS::KMS::Key') && s.sid === 'AllowEventDeliveryToEncryptedTopic') {
    // SNS documents aws:SourceAccount/aws:SourceArn as unsupported in a key policy for EventBridge.
    return 'publishing needs sns:Publish, which only the topic policy grants (pinned to the account and rule)';
  }
  if (s.service.includes('logs.') && s.where.startsWith('AWS::KMS::Key')) {
    const context = valueOf(s, 'kms:encryptioncontext:aws:logs:arn') ?? valueOf(s, 'kms:EncryptionContext:aws:logs:arn');
    return JSON.stringify(context ?? '').includes(ACCOUNT) ? 'the encryption context names this account\'s log groups' : undefined;
  }
  if (s.where.startsWith('AWS::S3::BucketPolicy') && s.service.includes('cloudtrail') && s.sid === undefined) {
    // aws-cdk-lib's Trail writes these; the object statement's resource is AWSLogs/<this account>/*,
    // and CloudTrail writes a trail's logs under its own account's prefix only.
    return 'written by aws-cdk-lib\'s Trail: GetBucketAcl, and PutObject under this account\'s own AWSLogs/ prefix';
  }
  return undefined;
}

const statements = templates().flatMap(serviceStatements);

describe('service-principal statements are pinned to this account', () => {
  test('there are statements of every kind to check', () => {
    const where = new Set(statements.map(s => s.where.split(' ')[0]));
    expect([...where].sort()).toEqual(['AWS::KMS::Key', 'AWS::Lambda::Permission', 'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy']);
  });

  test('each carries aws:SourceAccount of this account, or is a documented exception', () => {
    const unpinned = statements
      .filter(s => valueOf(s, 'aws:SourceAccount') !== ACCOUNT && documentedException(s) === undefined)
      .map(s => `${s.where} ${s.sid ?? ''} ${s.service}`);
    expect(unpinned).toEqual([]);
  });

  test('each of a service that sends aws:SourceArn carries it', () => {
    const missing = statements
      .filter(s => SENDS_SOURCE_ARN.some(service => s.service.includes(service)))
      .filter(s => !keysOf(s).includes('aws:SourceArn') && documentedException(s) === undefined)
      .map(s => `${s.where} ${s.sid ?? ''} ${s.service}`);
    expect(missing).toEqual([]);
  });

  test('EventBridge may publish to a topic only for this account\'s rules', () => {
    const topicGrants = statements.filter(s => s.where.startsWith('AWS::SNS::TopicPolicy') && s.service.includes('events.amazonaws.com'));
    expect(topicGrants.length).toBe(3);
    for (const grant of topicGrants) {
      expect(valueOf(grant, 'aws:SourceAccount')).toBe(ACCOUNT);
      const sourceArn = JSON.stringify(valueOf(grant, 'aws:SourceArn'));
      // The rule's own ARN in the same stack; this account's rule pattern across stacks.
      expect(sourceArn).toMatch(/RootActivityRule[0-9A-F]{8}","Arn"|:events:us-east-1:111111111111:rule\/\*/);
    }
  });

  test('CloudWatch may use an alert topic\'s key only for this account\'s alarms', () => {
    const keyGrants = statements.filter(s => s.where.startsWith('AWS::KMS::Key') && s.service.includes('cloudwatch.amazonaws.com'));
    expect(keyGrants.length).toBeGreaterThan(0);
    for (const grant of keyGrants) {
      expect(valueOf(grant, 'aws:SourceAccount')).toBe(ACCOUNT);
      expect(JSON.stringify(valueOf(grant, 'aws:SourceArn'))).toContain(':cloudwatch:us-east-1:111111111111:alarm:*');
    }
  });
});
