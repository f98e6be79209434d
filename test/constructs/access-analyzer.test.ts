import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccessAnalyzer, AnalyzerZoneOfTrust } from '../../src/constructs/access-analyzer';
import { SecurityTrail } from '../../src/constructs/security-trail';

function newStack(id: string, app = new App()): Stack {
  return new Stack(app, id, { env: { account: '111111111111', region: 'eu-west-1' } });
}

// Shared: account analyzer + unused access + policy-generation role from a trail.
const stack = newStack('Full');
const trail = new SecurityTrail(stack, 'Trail');
const analyzer = new AccessAnalyzer(stack, 'Analyzer', { trail, unusedAccess: true });
const template = Template.fromStack(stack);

describe('AccessAnalyzer', () => {
  test('an external-access analyzer for the account and an unused-access analyzer with 90 days', () => {
    template.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 2);
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT', AnalyzerConfiguration: Match.absent() });
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', {
      Type: 'ACCOUNT_UNUSED_ACCESS',
      AnalyzerConfiguration: { UnusedAccessConfiguration: { UnusedAccessAge: 90 } },
    });
    expect(analyzer.unusedAccessAnalyzer).toBeDefined();
    expect(analyzer.analyzerArn).toBe(analyzer.analyzer.attrArn);
  });

  test('the policy-generation role trusts only Access Analyzer acting for this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'access-analyzer.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        }],
      },
      MaxSessionDuration: 3600,
    });
  });

  test('the role may read the trail, its bucket, and decrypt with its key through S3 only', () => {
    const roleId = stack.getLogicalId(analyzer.policyGenerationRole!.node.defaultChild as any);
    const role = template.toJSON().Resources[roleId];
    const bucketId = stack.getLogicalId(trail.bucket.node.defaultChild as any);
    const keyId = stack.getLogicalId(trail.key.node.defaultChild as any);
    const trailId = stack.getLogicalId(trail.trail.node.defaultChild as any);
    expect(role.Properties.Policies).toHaveLength(1);
    expect(role.Properties.Policies[0].PolicyDocument.Statement).toEqual([
      { Sid: 'ReadTheTrail', Effect: 'Allow', Action: 'cloudtrail:GetTrail', Resource: { 'Fn::GetAtt': [trailId, 'Arn'] } },
      {
        Sid: 'ListTrailsAndReadServiceLastAccessed',
        Effect: 'Allow',
        Action: ['cloudtrail:ListTrails', 'iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails'],
        Resource: '*',
      },
      { Sid: 'ListTheTrailBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] } },
      {
        Sid: 'ReadTheTrailLogFiles',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      },
      {
        Sid: 'DecryptTheLogFilesThroughS3',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      },
    ]);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('outputs the role ARN and the trail ARN for start-policy-generation', () => {
    const outputs = template.toJSON().Outputs;
    const roleOutput = Object.entries<any>(outputs).find(([k]) => k.startsWith('AnalyzerPolicyGenerationRoleArn'))![1];
    const trailOutput = Object.entries<any>(outputs).find(([k]) => k.startsWith('AnalyzerPolicyGenerationTrailArn'))![1];
    expect(roleOutput.Value).toEqual(stack.resolve(analyzer.policyGenerationRole!.roleArn));
    expect(trailOutput.Value).toEqual(stack.resolve(trail.trail.trailArn));
    expect(roleOutput.Description).toMatch(/accessRole/);
  });

  test('passes AwsSolutions with exactly two narrow acknowledgments on the role, plus our no-boundary finding for this fixed service role', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    const acks = analyzer.policyGenerationRole!.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
    const ids = acks.flatMap((m) => Object.keys(m.data)).map((id) => id.replace(/^annotation::/i, ''));
    const bucketId = stack.getLogicalId(trail.bucket.node.defaultChild as any);
    // Plus the compliance packs' IAMNoInlinePolicy, acknowledged on every service role of the library.
    const inline = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map(pack => `${pack}::${pack}-IAMNoInlinePolicy`);
    expect(ids.sort()).toEqual(['AwsSolutions-IAM5[Resource::*]', `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, 'IamBestPractices-ID6', ...inline].sort());
  });
});

describe('AccessAnalyzer options', () => {
  test('organization zone with a name, custom unused-access age, no role', () => {
    const s = newStack('Org');
    const org = new AccessAnalyzer(s, 'Analyzer', {
      zoneOfTrust: AnalyzerZoneOfTrust.ORGANIZATION, analyzerName: 'org-analyzer', unusedAccess: true, unusedAccessAge: Duration.days(30),
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ORGANIZATION', AnalyzerName: 'org-analyzer' });
    t.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', {
      Type: 'ORGANIZATION_UNUSED_ACCESS',
      AnalyzerName: 'org-analyzer-unused-access',
      AnalyzerConfiguration: { UnusedAccessConfiguration: { UnusedAccessAge: 30 } },
    });
    t.resourceCountIs('AWS::IAM::Role', 0);
    expect(org.policyGenerationRole).toBeUndefined();
    expect(new AwsSolutionsChecks().validateScope(s).violations).toEqual([]);
  });

  test('defaults: one account analyzer only', () => {
    const s = newStack('Plain');
    const plain = new AccessAnalyzer(s, 'Analyzer');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 1);
    t.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT' });
    expect(plain.unusedAccessAnalyzer).toBeUndefined();
    expect(t.toJSON().Outputs).toBeUndefined();
  });

  test('a trail in another stack leaves the bucket-objects wildcard for the app to acknowledge', () => {
    const app = new App();
    const trailStack = newStack('TrailStack', app);
    const otherTrail = new SecurityTrail(trailStack, 'Trail');
    const s = newStack('AnalyzerStack', app);
    new AccessAnalyzer(s, 'Analyzer', { trail: otherTrail });
    const violations = new AwsSolutionsChecks().validateScope(s).violations;
    expect(violations.map((v: any) => v.ruleName)).toEqual([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::.*\/\*\]$/)]);
  });
});

describe('AccessAnalyzer validation', () => {
  const s = newStack('Errors');
  let n = 0;
  const make = (props: any) => () => new AccessAnalyzer(s, `A${n++}`, props);

  test.each([
    ['age 0', { unusedAccess: true, unusedAccessAge: Duration.days(0) }, /\[Errors\/A\d+\] AccessAnalyzer: invalid unusedAccessAge Duration.days\(0\); allowed range is 1-365 days/],
    ['age 366', { unusedAccess: true, unusedAccessAge: Duration.days(366) }, /invalid unusedAccessAge Duration.days\(366\); allowed range is 1-365 days/],
    ['age in hours', { unusedAccess: true, unusedAccessAge: Duration.hours(36) }, /invalid unusedAccessAge Duration.hours\(36\); allowed range is 1-365 days \(whole days\)/],
    ['age without unusedAccess', { unusedAccessAge: Duration.days(30) }, /invalid unusedAccessAge Duration.days\(30\); only allowed together with unusedAccess: true/],
    ['name starting with a digit', { analyzerName: '1starts-with-digit' }, /AccessAnalyzer: invalid analyzerName '1starts-with-digit'; 1-255 characters/],
    ['name too long', { analyzerName: 'a'.repeat(256) }, /invalid analyzerName 'a{256}'; 1-255 characters/],
    ['name too long for the suffix', { analyzerName: 'a'.repeat(250), unusedAccess: true }, /invalid analyzerName 'a{250}'; 1-241 characters/],
  ])('rejects %s', (_case, props, message) => {
    expect(make(props)).toThrow(message);
  });

  test('tokens pass', () => {
    expect(make({
      analyzerName: Lazy.string({ produce: () => 'x' }),
      unusedAccess: true,
      unusedAccessAge: Duration.days(Lazy.number({ produce: () => 7 })),
    })).not.toThrow();
  });
});
