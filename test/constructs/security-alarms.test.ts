import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CIS_FILTERS } from '../../src/constructs/private/cis-filters';
import { RootUsageAlarm } from '../../src/constructs/root-usage-alarm';
import { SecurityAlarm, SecurityAlarms } from '../../src/constructs/security-alarms';
import { SecurityTrail } from '../../src/constructs/security-trail';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'reference');
const tsv = readFileSync(path.join(FIXTURES, 'cis-cloudwatch-filters.tsv'), 'utf8');
const organizationsFile = readFileSync(path.join(FIXTURES, 'cis-organizations-filter.txt'), 'utf8');

/** control -> [cis id, pattern], straight from the reference files. */
const REFERENCE = new Map<string, [string, string]>();
for (const line of tsv.split('\n').slice(1).filter((l) => l.length > 0)) {
  const [control, cis, pattern] = line.split('\t');
  REFERENCE.set(control, [cis, pattern]);
}
// The file is the pattern followed by one newline (checked below); the pattern is the line itself.
REFERENCE.set('CIS-4.15', ['4.15', organizationsFile.replace(/\n$/, '')]);

function newStack(id: string): Stack {
  return new Stack(new App(), id, { env: { account: '111111111111', region: 'us-east-1' } });
}

const stack = newStack('All');
const trail = new SecurityTrail(stack, 'Trail');
const alarms = new SecurityAlarms(stack, 'Alarms', { trail, emails: ['security@example.com'] });
const template = Template.fromStack(stack);
const metricFilters = Object.values(template.findResources('AWS::Logs::MetricFilter'));

describe('SecurityAlarms patterns', () => {
  test('the reference files hold 14 Security Hub controls and CIS 4.15', () => {
    expect(tsv.split('\n')[0]).toBe('control\tcis_v1.4\tfilter_pattern');
    expect(organizationsFile.split('\n')).toHaveLength(2);
    expect(organizationsFile.endsWith('}\n')).toBe(true);
    expect([...REFERENCE.keys()]).toEqual([...Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`), 'CIS-4.15']);
  });

  test('the enum covers exactly the reference controls', () => {
    expect(Object.values(SecurityAlarm).sort()).toEqual([...REFERENCE.keys()].sort());
  });

  test.each([...REFERENCE.entries()])('%s: the source pattern equals the reference text byte for byte', (control, [cis, pattern]) => {
    expect(Buffer.from(CIS_FILTERS[control].pattern, 'utf8').equals(Buffer.from(pattern, 'utf8'))).toBe(true);
    expect(CIS_FILTERS[control].cisId).toBe(cis);
    expect(CIS_FILTERS[control].securityHubControl).toBe(control.startsWith('CloudWatch.') ? control : undefined);
  });

  test.each([...REFERENCE.entries()])('%s: the emitted FilterPattern equals the reference text byte for byte', (control, [, pattern]) => {
    const emitted = metricFilters.filter((f) => f.Properties.MetricTransformations[0].MetricName === CIS_FILTERS[control].metricName);
    expect(emitted).toHaveLength(1);
    expect(Buffer.from(emitted[0].Properties.FilterPattern, 'utf8').equals(Buffer.from(pattern, 'utf8'))).toBe(true);
  });
});

describe('SecurityAlarms (all)', () => {
  test('fifteen filters on the trail\'s log group, fifteen alarms with CIS settings on one topic', () => {
    expect(metricFilters).toHaveLength(15);
    for (const filter of metricFilters) {
      expect(filter.Properties).toMatchObject({
        LogGroupName: { Ref: expect.stringMatching(/^TrailLogGroup/) },
        MetricTransformations: [{ MetricNamespace: 'CISBenchmark', MetricValue: '1', MetricName: expect.any(String) }],
      });
    }
    const cwAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(cwAlarms).toHaveLength(15);
    for (const alarm of cwAlarms) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'CISBenchmark',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: expect.stringMatching(/^AlarmsAlertTopic/) }],
      });
    }
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security@example.com' });
    expect(alarms.alarms).toHaveLength(15);
  });

  test('alarm descriptions name the Security Hub control and the CIS id', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IamPolicyChanges',
      AlarmDescription: Match.stringLikeRegexp('Security Hub CloudWatch.4 / CIS AWS Foundations v1.4 4.4'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OrganizationsChanges',
      AlarmDescription: Match.stringLikeRegexp('\\(CIS AWS Foundations v1.4 4.15\\)'),
    });
  });

  test('alarm() and metricFilter() return the selected alarm', () => {
    expect(alarms.alarm(SecurityAlarm.VPC_CHANGES)).toBe(alarms.alarms[13]);
    expect(stack.resolve(alarms.metricFilter(SecurityAlarm.ROOT_ACCOUNT_USAGE).metric().metricName)).toBe('RootAccountUsage');
  });

  test('the created topic is encrypted and TLS-only', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('passes AwsSolutions', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('SecurityAlarms selection', () => {
  const s = newStack('Some');
  const logGroup = new logs.LogGroup(s, 'Logs');
  const topic = new sns.Topic(s, 'Topic');
  const some = new SecurityAlarms(s, 'Alarms', {
    logGroup, topic, namespace: 'Custom', alarms: [SecurityAlarm.ORGANIZATIONS_CHANGES, SecurityAlarm.ROOT_ACCOUNT_USAGE],
  });
  const t = Template.fromStack(s);

  test('creates only the selected alarms, in enum order, on the given topic and namespace', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.resourceCountIs('AWS::KMS::Key', 0);
    expect(some.topic).toBe(topic);
    const names = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName);
    expect(names.sort()).toEqual(['OrganizationsChanges', 'RootAccountUsage']);
    t.allResourcesProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricNamespace: 'Custom' })] });
  });

  test('asking for an alarm that was not selected is an error naming the selection', () => {
    expect(() => some.alarm(SecurityAlarm.VPC_CHANGES))
      .toThrow(/\[Some\/Alarms\] SecurityAlarms: invalid alarm 'CloudWatch.14'; not created here; selected: CloudWatch.1, CIS-4.15/);
  });
});

describe('SecurityAlarms and RootUsageAlarm share one implementation', () => {
  test('the same filter text, metric and alarm settings', () => {
    const s = newStack('Both');
    const logGroup = new logs.LogGroup(s, 'Logs');
    const root = new RootUsageAlarm(s, 'Root', { logGroup });
    const all = new SecurityAlarms(s, 'All', { logGroup, alarms: [SecurityAlarm.ROOT_ACCOUNT_USAGE] });
    const t = Template.fromStack(s).toJSON().Resources;
    const props = (construct: any) => {
      const { AlarmActions, AlarmDescription, ...rest } = t[s.getLogicalId(construct.node.defaultChild)].Properties;
      return rest;
    };
    expect(props(root.alarm)).toEqual(props(all.alarm(SecurityAlarm.ROOT_ACCOUNT_USAGE)));
    const filterProps = (f: logs.MetricFilter) => t[s.getLogicalId(f.node.defaultChild as any)].Properties;
    expect(filterProps(root.metricFilter)).toEqual(filterProps(all.metricFilter(SecurityAlarm.ROOT_ACCOUNT_USAGE)));
  });
});

describe('SecurityAlarms validation', () => {
  const s = newStack('Errors');
  const logGroup = new logs.LogGroup(s, 'Logs');
  let n = 0;
  const make = (props: any) => () => new SecurityAlarms(s, `A${n++}`, props);

  test('needs exactly one of trail and logGroup', () => {
    expect(make({})).toThrow(/\[Errors\/A\d+\] SecurityAlarms: invalid trail\/logGroup 'neither'/);
  });

  test('rejects an empty, duplicated or unknown selection', () => {
    expect(make({ logGroup, alarms: [] })).toThrow(/SecurityAlarms: invalid alarms \[\]; select at least one SecurityAlarm/);
    expect(make({ logGroup, alarms: [SecurityAlarm.VPC_CHANGES, SecurityAlarm.VPC_CHANGES] }))
      .toThrow(/invalid alarms\[1\] 'CloudWatch.14'; each alarm may be selected once/);
    expect(make({ logGroup, alarms: ['CloudWatch.99'] })).toThrow(/invalid alarms\[0\] 'CloudWatch.99'; allowed values are SecurityAlarm.ROOT_ACCOUNT_USAGE \('CloudWatch.1'\), SecurityAlarm.UNAUTHORIZED_API_CALLS \('CloudWatch.2'\)/);
  });

  test('rejects a bad namespace and bad emails', () => {
    expect(make({ logGroup, namespace: 'AWS/Mine' })).toThrow(/SecurityAlarms: invalid namespace 'AWS\/Mine'/);
    expect(make({ logGroup, emails: ['nobody'] })).toThrow(/SecurityAlarms: invalid emails\[0\] 'nobody'/);
  });
});
