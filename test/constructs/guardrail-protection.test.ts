// The default permissions boundary against the library's own security resources and a member's
// own MFA, decided request by request with our policy analysis (src/policy/evaluate.ts for the
// conditional statements, boundary.ts for what the boundary lets through at all), on the template.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccountBaseline } from '../../src/constructs/account-baseline';
import { BoundedRole } from '../../src/constructs/bounded-role';
import { GUARDRAIL_TAG_KEY } from '../../src/constructs/private/guardrail-resources';
import { RootUsageAlarm } from '../../src/constructs/root-usage-alarm';
import { SecureGroup } from '../../src/constructs/secure-group';
import { EMPTY_SCOPE, evaluate } from '../../src/model/intrinsics';
import { boundaryAllows } from '../../src/policy/boundary';
import { normalizePolicyDocument, PolicyDocument } from '../../src/policy/document';
import { evaluateRequest, PolicyRequest } from '../../src/policy/evaluate';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
/** Every service whose resources the library creates: the boundary must protect them even when allowed. */
const EVERY_SERVICE = ['access-analyzer', 'cloudtrail', 'cloudwatch', 'config', 'dynamodb', 'events', 'kms', 'lambda', 'logs', 's3', 'sns'];

interface Fixture {
  readonly template: any;
  readonly defaultBoundary: PolicyDocument;
  readonly wideBoundary: PolicyDocument;
  readonly forceMfa: PolicyDocument;
}

function synthesize(): Fixture {
  const stack = new Stack(new App(), 'Account', { env: { account: ACCOUNT, region: REGION } });
  const baseline = new AccountBaseline(stack, 'Baseline', { complianceRulesOptions: { createRecorder: true } });
  new RootUsageAlarm(stack, 'RootUsage', { trail: baseline.trail, topic: baseline.alertTopic, eventBridge: true });
  const group = new SecureGroup(stack, 'Developers');
  const developer = new iam.User(stack, 'Developer');
  group.addUser(developer);
  const defaultBoundary = BoundedRole.defaultBoundary(stack);
  const wideBoundary = BoundedRole.defaultBoundary(stack, EVERY_SERVICE);
  BoundedRole.applyBoundaryTo(developer, defaultBoundary);
  const template = Template.fromStack(stack).toJSON();
  const documentOf = (construct: iam.ManagedPolicy) => {
    const logicalId = stack.getLogicalId(construct.node.defaultChild as iam.CfnManagedPolicy);
    return normalizePolicyDocument(evaluate(template.Resources[logicalId].Properties.PolicyDocument, EMPTY_SCOPE));
  };
  return {
    template,
    defaultBoundary: documentOf(defaultBoundary),
    wideBoundary: documentOf(wideBoundary),
    forceMfa: documentOf(group.forceMfaPolicy!),
  };
}

const fixture = synthesize();

/** The logical ids of the template's resources of a type whose id contains `part`. */
function resourcesOf(type: string, part: string): Array<[string, any]> {
  return Object.entries<any>(fixture.template.Resources).filter(([id, r]) => r.Type === type && id.includes(part));
}

/** The request context a resource's tags give (aws:ResourceTag/<key>), read from the template. */
function tagContext(logicalId: string): { [key: string]: string } {
  const tags: Array<{ Key: string; Value: string }> = fixture.template.Resources[logicalId].Properties.Tags ?? [];
  return Object.fromEntries(tags.map(tag => [`aws:ResourceTag/${tag.Key}`, tag.Value]));
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** Security resources of the library, one of each kind, with an action that changes it. */
const GUARDRAILS: Array<[string, string, string, string]> = [
  // [what, resource type, logical id part, changing action]
  ['the password-policy handler function', 'AWS::Lambda::Function', 'StrictPasswordPolicyProviderHandler', 'lambda:UpdateFunctionCode'],
  ['the password-policy Provider framework function', 'AWS::Lambda::Function', 'StrictPasswordPolicyProviderframeworkonEvent', 'lambda:UpdateFunctionConfiguration'],
  ['the credential audit function', 'AWS::Lambda::Function', 'CredentialAuditFunction', 'lambda:UpdateFunctionCode'],
  ['the audit function (invoking it with a crafted event)', 'AWS::Lambda::Function', 'CredentialAuditFunction', 'lambda:InvokeFunction'],
  ['the trail log group', 'AWS::Logs::LogGroup', 'BaselineTrailLogGroup', 'logs:DeleteLogGroup'],
  ['the trail log group metric filters', 'AWS::Logs::LogGroup', 'BaselineTrailLogGroup', 'logs:DeleteMetricFilter'],
  ['the trail', 'AWS::CloudTrail::Trail', 'BaselineTrail', 'cloudtrail:StopLogging'],
  ['the trail key', 'AWS::KMS::Key', 'BaselineTrailKey', 'kms:ScheduleKeyDeletion'],
  ['the alert topic (fake alerts)', 'AWS::SNS::Topic', 'BaselineAlertTopic', 'sns:Publish'],
  ['the alert topic (its policy)', 'AWS::SNS::Topic', 'BaselineAlertTopic', 'sns:SetTopicAttributes'],
  ['a CIS alarm', 'AWS::CloudWatch::Alarm', 'RootAccountUsageAlarm', 'cloudwatch:DisableAlarmActions'],
  ['the analyzer', 'AWS::AccessAnalyzer::Analyzer', 'AccessAnalyzer', 'access-analyzer:DeleteAnalyzer'],
  ['the root-activity rule', 'AWS::Events::Rule', 'RootActivityRule', 'events:DisableRule'],
];

describe('the default boundary protects the guardrails', () => {
  test.each(GUARDRAILS)('%s carries the guardrail tag', (_what, type, part) => {
    const found = resourcesOf(type, part);
    expect(found.length).toBeGreaterThan(0);
    for (const [id] of found) expect(tagContext(id)).toEqual(expect.objectContaining({ [`aws:ResourceTag/${GUARDRAIL_TAG_KEY}`]: 'true' }));
  });

  test.each(GUARDRAILS)('%s: %s... cannot be changed under the boundary, even with the service allowed', (_what, type, part, action) => {
    const [[id]] = resourcesOf(type, part);
    const request: PolicyRequest = { action, resource: arn(action.split(':')[0], id), context: tagContext(id) };
    expect(evaluateRequest([fixture.wideBoundary], request)).toBe('ExplicitDeny');
    expect(evaluateRequest([fixture.defaultBoundary], request)).not.toBe('Allow');
  });

  test('the same actions on a resource of the developer\'s own (untagged) pass the boundary', () => {
    for (const [, , , action] of GUARDRAILS) {
      expect({ action, decision: evaluateRequest([fixture.wideBoundary], { action, resource: arn(action.split(':')[0], 'mine'), context: {} }) })
        .toEqual({ action, decision: 'Allow' });
    }
    expect(evaluateRequest([fixture.defaultBoundary], { action: 'lambda:UpdateFunctionCode', resource: arn('lambda', 'function:mine') })).toBe('Allow');
  });

  test('reads of the guardrails stay open (query the trail log group, describe the function)', () => {
    const [[logGroup]] = resourcesOf('AWS::Logs::LogGroup', 'BaselineTrailLogGroup');
    const [[fn]] = resourcesOf('AWS::Lambda::Function', 'CredentialAuditFunction');
    expect(evaluateRequest([fixture.defaultBoundary], { action: 'logs:FilterLogEvents', resource: arn('logs', logGroup), context: tagContext(logGroup) })).toBe('Allow');
    expect(evaluateRequest([fixture.defaultBoundary], { action: 'lambda:GetFunctionConfiguration', resource: arn('lambda', fn), context: tagContext(fn) })).toBe('Allow');
  });

  test('nobody under the boundary can take the tag off, or put it on', () => {
    const [[fn]] = resourcesOf('AWS::Lambda::Function', 'CredentialAuditFunction');
    const untag = { action: 'lambda:UntagResource', resource: arn('lambda', fn), context: { ...tagContext(fn), 'aws:TagKeys': [GUARDRAIL_TAG_KEY] } };
    expect(evaluateRequest([fixture.wideBoundary], untag)).toBe('ExplicitDeny');
    const tagOwn = { action: 'lambda:TagResource', resource: arn('lambda', 'function:mine'), context: { 'aws:TagKeys': ['team', GUARDRAIL_TAG_KEY] } };
    expect(evaluateRequest([fixture.wideBoundary], tagOwn)).toBe('ExplicitDeny');
    const otherTag = { action: 'lambda:TagResource', resource: arn('lambda', 'function:mine'), context: { 'aws:TagKeys': ['team'] } };
    expect(evaluateRequest([fixture.wideBoundary], otherTag)).toBe('Allow');
  });

  describe('S3 buckets (S3 evaluates aws:ResourceTag only with ABAC on): denied by ARN, unconditionally', () => {
    const buckets = () => Object.entries<any>(fixture.template.Resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => id);
    test('the stack has the trail and Config buckets and their access-log buckets', () => {
      expect(buckets().length).toBe(4);
    });
    test.each([
      ['s3:PutBucketPolicy', ''],
      ['s3:DeleteBucketPolicy', ''],
      ['s3:PutLifecycleConfiguration', ''],
      ['s3:PutObject', '/AWSLogs/111111111111/CloudTrail/forged.json.gz'],
      ['s3:DeleteObjectVersion', '/AWSLogs/111111111111/CloudTrail/x.json.gz'],
    ])('%s on every protected bucket%s', (action, suffix) => {
      for (const bucket of buckets()) {
        const resource = `<${bucket}.Arn>${suffix}`;
        expect({ bucket, decision: evaluateRequest([fixture.wideBoundary], { action, resource }) }).toEqual({ bucket, decision: 'ExplicitDeny' });
        // The Deny has no condition, so our grant analysis subtracts it too.
        expect({ bucket, allows: boundaryAllows([fixture.defaultBoundary], action, resource) }).toEqual({ bucket, allows: false });
      }
    });
    test('another bucket stays writable', () => {
      expect(evaluateRequest([fixture.defaultBoundary], { action: 's3:PutObject', resource: 'arn:aws:s3:::my-data/k' })).toBe('Allow');
      expect(boundaryAllows([fixture.defaultBoundary], 's3:PutBucketPolicy', 'arn:aws:s3:::my-data')).toBe(true);
    });
  });

  test.each([
    'config:StopConfigurationRecorder', 'config:DeleteDeliveryChannel', 'config:DeleteConfigRule', 'config:PutConfigRule',
    'access-analyzer:CreateArchiveRule', 'access-analyzer:UpdateFindings',
  ])('%s (no resource tag to go by) is denied everywhere', (action) => {
    expect(evaluateRequest([fixture.wideBoundary], { action, resource: '*' })).toBe('ExplicitDeny');
    expect(boundaryAllows([fixture.wideBoundary], action, '*')).toBe(false);
  });
});

describe('the default boundary lets a member manage their own MFA and credentials', () => {
  const USER = 'arn:<AWS::Partition>:iam::<AWS::AccountId>:user/';
  const MFA = 'arn:<AWS::Partition>:iam::<AWS::AccountId>:mfa/';
  const alice = { 'aws:username': 'alice' };
  const signedInWithoutMfa = { ...alice, 'aws:MultiFactorAuthPresent': 'false' };

  test.each([
    ['iam:CreateVirtualMFADevice', `${MFA}alice`],
    ['iam:EnableMFADevice', `${USER}alice`],
    ['iam:ListMFADevices', `${USER}alice`],
    ['iam:ResyncMFADevice', `${USER}alice`],
    ['iam:ChangePassword', `${USER}alice`],
    ['iam:CreateAccessKey', `${USER}alice`],
  ])('%s on %s: allowed by the boundary and by the force-MFA policy', (action, resource) => {
    expect(evaluateRequest([fixture.defaultBoundary], { action, resource, context: alice })).toBe('Allow');
    expect(evaluateRequest([fixture.forceMfa], { action, resource, context: { ...alice, 'aws:MultiFactorAuthPresent': 'true' } })).toBe('Allow');
  });

  test('enrolment works signed in without MFA, as the force-MFA policy intends', () => {
    for (const [action, resource] of [['iam:CreateVirtualMFADevice', `${MFA}alice`], ['iam:EnableMFADevice', `${USER}alice`]]) {
      const request = { action, resource, context: signedInWithoutMfa };
      expect({ action, boundary: evaluateRequest([fixture.defaultBoundary], request), identity: evaluateRequest([fixture.forceMfa], request) })
        .toEqual({ action, boundary: 'Allow', identity: 'Allow' });
    }
  });

  test.each([
    ['another user\'s MFA', 'iam:EnableMFADevice', `${USER}bob`, alice],
    ['another user\'s device', 'iam:CreateVirtualMFADevice', `${MFA}bob`, alice],
    ['another user\'s access keys', 'iam:CreateAccessKey', `${USER}bob`, alice],
    ['a policy on their own user', 'iam:AttachUserPolicy', `${USER}alice`, alice],
    ['removing their own boundary', 'iam:DeleteUserPermissionsBoundary', `${USER}alice`, alice],
    ['a role', 'iam:CreateRole', 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/x', alice],
    ['PassRole', 'iam:PassRole', 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/x', alice],
    ['a role session (no aws:username) on any user', 'iam:EnableMFADevice', `${USER}alice`, {}],
  ])('denies %s', (_what, action, resource, context) => {
    expect(evaluateRequest([fixture.defaultBoundary], { action, resource, context })).toBe('ExplicitDeny');
  });

  test('IAM, Organizations and account actions stay denied for grants (boundary analysis)', () => {
    expect(boundaryAllows([fixture.defaultBoundary], 'iam:CreateRole', '*')).toBe(false);
    expect(boundaryAllows([fixture.defaultBoundary], 'iam:AttachUserPolicy', 'arn:aws:iam::111111111111:user/x')).toBe(false);
    expect(boundaryAllows([fixture.defaultBoundary], 'organizations:LeaveOrganization', '*')).toBe(false);
  });
});
