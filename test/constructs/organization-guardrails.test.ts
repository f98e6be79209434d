import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  OrganizationGuardrails, OrganizationGuardrailsProps, StackSetConcurrencyMode, StackSetRegionConcurrency,
} from '../../src/constructs/organization-guardrails';
import { ROOT_ACCESS_HANDLER } from '../../src/constructs/private/root-access-handler';
import { denyApplies, ScpRequest } from '../../src/constructs/private/scp-evaluation';
import { normalizePolicyDocument, Statement } from '../../src/policy/document';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const ORG = 'o-abcdefghij';
const ROOT = 'r-ab12';
const OU = 'ou-ab12-cdefgh34';

const BASE: OrganizationGuardrailsProps = {
  organizationId: ORG,
  scpTargetIds: [ROOT],
  baselineOptions: { organizationalUnitIds: [OU] },
};

function build(props: Partial<OrganizationGuardrailsProps> = {}, env: { account: string; region: string } | undefined = ENV) {
  const stack = new Stack(new App(), 'Org', { env });
  const guardrails = new OrganizationGuardrails(stack, 'Guardrails', { ...BASE, ...props });
  return { stack, guardrails };
}

/** Synthesis errors from node.addValidation, as cdk synth would print them. */
function validationErrors(stack: Stack): string[] {
  return stack.node.findAll().flatMap((c) => c.node.validate());
}

// The default construct, synthesized once.
const defaults = build({ allowedRegions: ['eu-west-1', 'us-east-1'] });
const template = Template.fromStack(defaults.stack);

function scpStatements(t: Template): Statement[] {
  return Object.values(t.findResources('AWS::Organizations::Policy'))
    .flatMap((r: any) => normalizePolicyDocument(r.Properties.Content).statements);
}

const statements = scpStatements(template);

const MEMBER = '222222222222';
const PRINCIPALS = {
  root: `arn:aws:iam::${MEMBER}:root`,
  developer: `arn:aws:iam::${MEMBER}:role/Developer`,
  administration: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`,
  stackSets: `arn:aws:iam::${MEMBER}:role/stacksets-exec-0123456789abcdef`,
};

/** Whether any SCP statement denies the request (unknown counts as a deny, as in the lockout check). */
function denied(req: ScpRequest): boolean {
  return statements.some((s) => denyApplies(s, req) !== 'no');
}

function request(principal: keyof typeof PRINCIPALS, action: string, extra: Partial<ScpRequest> = {}): ScpRequest {
  return { action, resource: '*', principalArn: PRINCIPALS[principal], context: { 'aws:RequestedRegion': 'eu-west-1' }, ...extra };
}

const TAGGED = { 'aws:RequestedRegion': 'eu-west-1', 'aws:ResourceTag/cdk-iam-guardrails:protected': 'true' };
const GUARDRAIL_STACK = `arn:aws:cloudformation:eu-west-1:${MEMBER}:stack/StackSet-cdk-iam-guardrails-baseline-1234/abcd`;

describe('OrganizationGuardrails service control policies, evaluated with our own policy analysis', () => {
  test('fit in one SCP of at most 5,120 characters, attached to the given root', () => {
    const policies = Object.values(template.findResources('AWS::Organizations::Policy')) as any[];
    expect(policies.length).toBeGreaterThanOrEqual(1);
    for (const p of policies) {
      expect(p.Properties.Type).toBe('SERVICE_CONTROL_POLICY');
      expect(p.Properties.TargetIds).toEqual([ROOT]);
      expect(JSON.stringify(p.Properties.Content).length).toBeLessThanOrEqual(5120);
    }
    expect(validationErrors(defaults.stack)).toEqual([]);
  });

  test.each([
    ['s3:GetObject'], ['iam:CreateAccessKey'], ['ec2:RunInstances'], ['sts:GetCallerIdentity'],
  ])('the member account root user is denied %s', (action) => {
    expect(denied(request('root', action))).toBe(true);
  });

  test('a privileged root session (sts:AssumeRoot, aws:AssumedRoot true) is not denied by the root statement', () => {
    expect(denied(request('root', 's3:DeleteBucketPolicy', { context: { 'aws:RequestedRegion': 'eu-west-1', 'aws:AssumedRoot': 'true' } }))).toBe(false);
  });

  test('without allowPrivilegedRootSessions, privileged root sessions are denied too', () => {
    const strict = scpStatements(Template.fromStack(build({ allowPrivilegedRootSessions: false }).stack));
    const r = request('root', 's3:DeleteBucketPolicy', { context: { 'aws:AssumedRoot': 'true' } });
    expect(strict.some((s) => denyApplies(s, r) === 'yes')).toBe(true);
  });

  test.each(['developer', 'administration', 'stackSets'] as const)('%s may not leave the organization', (who) => {
    expect(denied(request(who, 'organizations:LeaveOrganization'))).toBe(true);
  });

  test.each([
    ['cloudtrail:StopLogging'], ['cloudtrail:DeleteTrail'], ['cloudtrail:PutEventSelectors'], ['config:StopConfigurationRecorder'],
    ['config:DeleteConfigRule'], ['access-analyzer:DeleteAnalyzer'], ['access-analyzer:CreateArchiveRule'],
  ])('a developer role is denied %s; the administration and StackSets roles are not', (action) => {
    expect(denied(request('developer', action))).toBe(true);
    expect(denied(request('administration', action))).toBe(false);
    expect(denied(request('stackSets', action))).toBe(false);
  });

  test('the guardrail stacks: a developer cannot delete or update them, the administration role can', () => {
    for (const action of ['cloudformation:DeleteStack', 'cloudformation:UpdateStack', 'cloudformation:ExecuteChangeSet']) {
      expect(denied(request('developer', action, { resource: GUARDRAIL_STACK }))).toBe(true);
      expect(denied(request('administration', action, { resource: GUARDRAIL_STACK }))).toBe(false);
    }
    // Other stacks are the teams' own.
    expect(denied(request('developer', 'cloudformation:DeleteStack', { resource: `arn:aws:cloudformation:eu-west-1:${MEMBER}:stack/app/1` }))).toBe(false);
  });

  test('the guardrail resources (tagged by the StackSet): protected from developers, not from the administration role', () => {
    for (const action of ['lambda:UpdateFunctionCode', 'events:DisableRule', 'sns:DeleteTopic', 'iam:PutRolePolicy', 'kms:ScheduleKeyDeletion']) {
      expect(denied(request('developer', action, { context: TAGGED }))).toBe(true);
      expect(denied(request('administration', action, { context: TAGGED }))).toBe(false);
      // The same action on an untagged resource is the team's business.
      expect(denied(request('developer', action))).toBe(false);
    }
    // Removing the tag would lift the protection.
    const untag = (key: string) => request('developer', 'lambda:UntagResource', { context: { 'aws:RequestedRegion': 'eu-west-1', 'aws:TagKeys': [key] } });
    expect(denied(untag('cdk-iam-guardrails:protected'))).toBe(true);
    expect(denied(untag('team'))).toBe(false);
  });

  test('roles, not users: no IAM users, passwords or access keys outside the break-glass path, for anyone', () => {
    const user = (path: string) => `arn:aws:iam::${MEMBER}:user${path}`;
    for (const action of ['iam:CreateUser', 'iam:CreateLoginProfile', 'iam:CreateAccessKey']) {
      expect(denied(request('developer', action, { resource: user('/alice') }))).toBe(true);
      expect(denied(request('developer', action, { resource: user('/team/alice') }))).toBe(true);
      expect(denied(request('administration', action, { resource: user('/bob') }))).toBe(true);
      expect(denied(request('administration', action, { resource: user('/break-glass/bob') }))).toBe(false);
    }
    expect(denied(request('developer', 'iam:CreateRole', { resource: `arn:aws:iam::${MEMBER}:role/app` }))).toBe(false);
  });

  test('a custom break-glass path', () => {
    const custom = scpStatements(Template.fromStack(build({ breakGlassUserPath: '/emergency/' }).stack));
    const r = (path: string) => request('developer', 'iam:CreateUser', { resource: `arn:aws:iam::${MEMBER}:user${path}` });
    expect(custom.some((s) => denyApplies(s, r('/emergency/ops')) !== 'no')).toBe(false);
    expect(custom.some((s) => denyApplies(s, r('/break-glass/ops')) !== 'no')).toBe(true);
  });

  test('region restriction: regional actions outside the allowed regions are denied, global services and the administration role are not', () => {
    const outside = { 'aws:RequestedRegion': 'ap-south-1' };
    expect(denied(request('developer', 'ec2:RunInstances', { context: outside }))).toBe(true);
    expect(denied(request('developer', 'ec2:RunInstances'))).toBe(false);
    for (const action of ['iam:CreateRole', 'sts:AssumeRole', 'organizations:DescribeOrganization', 'route53:ChangeResourceRecordSets', 'support:CreateCase']) {
      expect(denied(request('developer', action, { context: { 'aws:RequestedRegion': 'us-east-1' } }))).toBe(false);
    }
    expect(denied(request('administration', 'ec2:TerminateInstances', { context: outside }))).toBe(false);
  });

  test('no region restriction unless asked for', () => {
    const open = scpStatements(Template.fromStack(build().stack));
    const r = request('developer', 'ec2:RunInstances', { context: { 'aws:RequestedRegion': 'ap-south-1' } });
    expect(open.some((s) => denyApplies(s, r) !== 'no')).toBe(false);
  });

  test('ordinary work of a developer role is not denied', () => {
    for (const action of ['s3:PutObject', 'dynamodb:PutItem', 'lambda:CreateFunction', 'iam:PassRole', 'cloudtrail:LookupEvents']) {
      expect(denied(request('developer', action))).toBe(false);
    }
  });

  test('each statement can be switched off', () => {
    const none = build({ denyRootUser: false, denyLeavingOrganization: false, denyIamUsers: false });
    const sids = scpStatements(Template.fromStack(none.stack)).map((s) => s.sid);
    expect(sids).not.toContain('DenyMemberAccountRootUser');
    expect(sids).not.toContain('DenyLeavingTheOrganization');
    expect(sids).not.toContain('DenyIamUsersOutsideBreakGlassPath');
    expect(sids).toContain('ProtectCloudTrailConfigAndAccessAnalyzer');
  });

  test('a different administration role is exempt instead', () => {
    const custom = scpStatements(Template.fromStack(build({ administrationRoleName: 'platform/GuardrailAdmin' }).stack));
    const admin = { ...request('developer', 'cloudtrail:StopLogging'), principalArn: `arn:aws:iam::${MEMBER}:role/platform/GuardrailAdmin` };
    expect(custom.some((s) => denyApplies(s, admin) !== 'no')).toBe(false);
    expect(custom.some((s) => denyApplies(s, request('administration', 'cloudtrail:StopLogging')) !== 'no')).toBe(true);
  });
});

describe('OrganizationGuardrails SCP quota and lockout validation', () => {
  test('too many SCPs per target, counting FullAWSAccess and existing ones', () => {
    const { stack } = build({ existingScpsPerTarget: 4 });
    const errors = validationErrors(stack);
    expect(errors.join('\n')).toMatch(/Org\/Guardrails\] OrganizationGuardrails: invalid number of SCPs per target 6 .*at most 5/);
    expect(validationErrors(build({ existingScpsPerTarget: 3 }).stack)).toEqual([]);
  });

  test('existingScpsPerTarget out of range is an error at construction', () => {
    expect(() => build({ existingScpsPerTarget: 5 })).toThrow(/existingScpsPerTarget 5; allowed range is 0-4/);
  });

  test('an SCP over 5,120 characters is reported with its size', () => {
    const long = new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['s3:DeleteBucket'],
      resources: Array.from({ length: 120 }, (_, i) => `arn:aws:s3:::protected-bucket-with-a-long-name-${i}`),
    });
    const errors = validationErrors(build({ additionalScpStatements: [long] }).stack);
    expect(errors.join('\n')).toMatch(/invalid size of service control policy 2 \d{4} characters \(minified\); AWS Organizations allows at most 5120/);
  });

  test('an additional statement that locks out the administration role fails synthesis, naming it', () => {
    const lockout = new iam.PolicyStatement({ sid: 'DenyAllCloudTrail', effect: iam.Effect.DENY, actions: ['cloudtrail:*'], resources: ['*'] });
    const errors = validationErrors(build({ additionalScpStatements: [lockout] }).stack);
    expect(errors.join('\n')).toMatch(/statement DenyAllCloudTrail of service control policy 1 denies cloudtrail:StopLogging on \* to the administration role arn:aws:iam::111111111111:role\/OrganizationAccountAccessRole/);
  });

  test('an additional statement that exempts the administration role passes', () => {
    const exempting = new iam.PolicyStatement({
      sid: 'DenyAllCloudTrailExceptAdmins',
      effect: iam.Effect.DENY,
      actions: ['cloudtrail:*'],
      resources: ['*'],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': 'arn:*:iam::*:role/OrganizationAccountAccessRole' } },
    });
    expect(validationErrors(build({ additionalScpStatements: [exempting] }).stack)).toEqual([]);
  });

  test('an additional statement with an operator we cannot evaluate is reported as a possible lockout', () => {
    const unknown = new iam.PolicyStatement({
      sid: 'DenyByDate',
      effect: iam.Effect.DENY,
      actions: ['config:*'],
      resources: ['*'],
      conditions: { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
    });
    expect(validationErrors(build({ additionalScpStatements: [unknown] }).stack).join('\n')).toMatch(/DenyByDate .* may deny config:/);
  });

  test.each([
    [{ scpTargetIds: [] }, /invalid scpTargetIds \[\]; give the root/],
    [{ scpTargetIds: ['root'] }, /invalid scpTargetIds 'root'/],
    [{ breakGlassUserPath: 'break-glass' }, /invalid breakGlassUserPath 'break-glass'/],
    [{ breakGlassUserPath: '/' }, /invalid breakGlassUserPath '\/'/],
    [{ allowedRegions: ['Europe'] }, /invalid allowedRegions 'Europe'/],
    [{ allowedRegions: [] }, /invalid allowedRegions \[\]/],
    [{ organizationId: 'org-1' }, /invalid organizationId 'org-1'/],
    [{ administrationRoleName: 'Admin*' }, /invalid administrationRoleName 'Admin\*'/],
    [{ additionalScpStatements: [new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })] }, /additionalScpStatements\[0\].*a Deny statement/],
  ])('rejects %j', (props, message) => {
    expect(() => build(props as Partial<OrganizationGuardrailsProps>)).toThrow(message);
  });
});

describe('OrganizationGuardrails centralized root access', () => {
  test('an inline custom resource enables both features and trusted access for IAM only', () => {
    template.hasResourceProperties('Custom::OrganizationsRootAccess', {
      Features: ['RootCredentialsManagement', 'RootSessions'],
      Destroy: 'false',
    });
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('centralized root access') } });
    const [fn] = Object.values(functions) as any[];
    expect(fn.Properties.Code.ZipFile.length).toBeLessThanOrEqual(4096);
    expect(fn.Properties.Code.ZipFile).toContain('ListOrganizationsFeaturesCommand');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'organizations:EnableAWSServiceAccess',
          Condition: { StringEquals: { 'organizations:ServicePrincipal': 'iam.amazonaws.com' } },
        })]),
      },
    });
  });

  test('RETAIN (default) grants no Disable action; DESTROY does', () => {
    const policyText = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policyText).toContain('iam:EnableOrganizationsRootSessions');
    expect(policyText).not.toContain('iam:DisableOrganizationsRoot');
    expect(policyText).not.toContain('organizations:DisableAWSServiceAccess');
    const destroy = Template.fromStack(build({ rootAccessRemovalPolicy: RemovalPolicy.DESTROY }).stack);
    destroy.hasResourceProperties('Custom::OrganizationsRootAccess', { Destroy: 'true' });
    expect(JSON.stringify(destroy.toJSON())).toContain('iam:DisableOrganizationsRootSessions');
  });

  test('the handler remembers what was enabled before and only undoes its own changes', () => {
    expect(ROOT_ACCESS_HANDLER).toMatch(/before=/);
    expect(ROOT_ACCESS_HANDLER).toMatch(/if \(!before\.includes\(f\)\) await I\.send\(new iam\[F\[f\]\[1\]\]/);
  });
});

describe('OrganizationGuardrails trail, analyzer and Config rules', () => {
  test('an organization trail with the CIS alarms on its log group', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsOrganizationTrail: true, IsMultiRegionTrail: true });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(15);
  });

  test('organization analyzers for external and unused access', () => {
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ORGANIZATION' });
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ORGANIZATION_UNUSED_ACCESS' });
  });

  test('the Config rules of IamComplianceRules as organization rules, with their parameters', () => {
    const rules = Object.values(template.findResources('AWS::Config::OrganizationConfigRule')) as any[];
    expect(rules.length).toBe(19);
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
      OrganizationManagedRuleMetadata: { RuleIdentifier: 'IAM_PASSWORD_POLICY', InputParameters: Match.stringLikeRegexp('"MinimumPasswordLength":"14"') },
    });
    template.resourceCountIs('AWS::Config::ConfigRule', 0);
  });

  test('excluded rules and accounts', () => {
    const t = Template.fromStack(build({ configRulesOptions: { excludeRules: ['ROOT_ACCOUNT_HARDWARE_MFA_ENABLED'] }, configRulesExcludedAccounts: ['333333333333'] }).stack);
    expect(Object.keys(t.findResources('AWS::Config::OrganizationConfigRule')).length).toBe(18);
    t.hasResourceProperties('AWS::Config::OrganizationConfigRule', { ExcludedAccounts: ['333333333333'] });
  });
});

describe('OrganizationGuardrails per-account baseline StackSet', () => {
  const [stackSet] = Object.values(template.findResources('AWS::CloudFormation::StackSet')) as any[];
  const inner = JSON.parse(stackSet.Properties.TemplateBody);

  test('service-managed, auto-deployed to the OUs in the stack region and us-east-1', () => {
    expect(stackSet.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [OU] }, Regions: ['eu-west-1', 'us-east-1'] }],
      OperationPreferences: {
        FailureTolerancePercentage: 10, MaxConcurrentPercentage: 25, RegionConcurrencyType: 'PARALLEL', ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_IAM'],
      Tags: [{ Key: 'cdk-iam-guardrails:protected', Value: 'true' }],
    });
    expect(Buffer.byteLength(stackSet.Properties.TemplateBody)).toBeLessThanOrEqual(51200);
  });

  test('operation preferences, regions and retention are configurable', () => {
    const t = Template.fromStack(build({
      baselineOptions: {
        organizationalUnitIds: [OU, 'ou-ab12-zzzzzzzz'],
        regions: ['eu-west-1', 'us-east-1', 'eu-central-1'],
        retainStacksOnAccountRemoval: true,
        failureToleranceCount: 1,
        maxConcurrentCount: 2,
        regionConcurrency: StackSetRegionConcurrency.SEQUENTIAL,
        concurrencyMode: StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE,
      },
    }).stack);
    t.hasResourceProperties('AWS::CloudFormation::StackSet', {
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [OU, 'ou-ab12-zzzzzzzz'] }, Regions: ['eu-west-1', 'us-east-1', 'eu-central-1'] }],
      OperationPreferences: { FailureToleranceCount: 1, MaxConcurrentCount: 2, RegionConcurrencyType: 'SEQUENTIAL', ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE' },
    });
  });

  test.each([
    [{ organizationalUnitIds: [] }, /organizationalUnitIds \[\]/],
    [{ organizationalUnitIds: ['sales'] }, /organizationalUnitIds 'sales'/],
    [{ organizationalUnitIds: [OU], regions: ['us-east-1'] }, /regions \["us-east-1"\]; must include eu-west-1/],
    [{ organizationalUnitIds: [OU], regions: ['eu-west-1'] }, /must include us-east-1/],
    [{ organizationalUnitIds: [OU], failureToleranceCount: 1, failureTolerancePercentage: 5 }, /not both/],
    [{ organizationalUnitIds: [OU], maxConcurrentPercentage: 0 }, /maxConcurrentPercentage 0; allowed range is 1-100/],
    [{ organizationalUnitIds: [OU], failureTolerancePercentage: 101 }, /failureTolerancePercentage 101; allowed range is 0-100/],
    [{ organizationalUnitIds: [OU], failureToleranceCount: 0, maxConcurrentCount: 3, concurrencyMode: StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE }, /at most failureToleranceCount \+ 1 \(1\)/],
    [{ organizationalUnitIds: [OU], stackSetName: '1-bad' }, /stackSetName '1-bad'/],
  ])('rejects baselineOptions %j', (baselineOptions, message) => {
    expect(() => build({ baselineOptions: baselineOptions as any })).toThrow(message);
  });

  test('needs a stack with an explicit region, and targets', () => {
    const agnostic = new Stack(new App(), 'Agnostic');
    expect(() => new OrganizationGuardrails(agnostic, 'Guardrails', BASE)).toThrow(/explicit env.region/);
    expect(() => build({ baselineOptions: undefined })).toThrow(/give baselineOptions.organizationalUnitIds/);
  });

  test('the inner template holds the library\'s baseline constructs, account-wide parts only in the home region', () => {
    const resources = Object.values(inner.Resources) as any[];
    const ofType = (type: string) => resources.filter((r) => r.Type === type);
    expect(inner.Conditions.IsHomeRegion).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] });
    expect(inner.Conditions.IsUsEast1).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    const [password] = ofType('Custom::StrictPasswordPolicy');
    expect(password.Condition).toBe('IsHomeRegion');
    const [rule] = ofType('AWS::Events::Rule').filter((r) => r.Properties.EventPattern !== undefined);
    expect(rule.Condition).toBe('IsUsEast1');
    const [analyzer] = ofType('AWS::AccessAnalyzer::Analyzer');
    expect(analyzer.Properties.Type).toBe('ACCOUNT');
    expect(analyzer.Condition).toBeUndefined();
    // Every Lambda function gets its code from the organization-readable bucket, never from a bootstrap bucket.
    for (const fn of ofType('AWS::Lambda::Function')) {
      expect(fn.Condition).toBe('IsHomeRegion');
      expect(fn.Properties.Code).toEqual({ S3Bucket: { Ref: 'AssetBucketName' }, S3Key: { Ref: expect.stringMatching(/^AssetKey\d$/) } });
    }
    expect(JSON.stringify(inner)).not.toMatch(/cdk-hnb659fds|BootstrapVersion|AWS::CDK::Metadata/);
  });

  test('a billing alarm in us-east-1 only when a threshold is given', () => {
    expect(JSON.stringify(inner)).not.toContain('EstimatedCharges');
    const t = Template.fromStack(build({ baselineOptions: { organizationalUnitIds: [OU], billingThreshold: 50 } }).stack);
    const [s] = Object.values(t.findResources('AWS::CloudFormation::StackSet')) as any[];
    const alarms = Object.values(JSON.parse(s.Properties.TemplateBody).Resources as any).filter((r: any) => r.Type === 'AWS::CloudWatch::Alarm'
      && r.Properties.MetricName === 'EstimatedCharges') as any[];
    expect(alarms).toHaveLength(1);
    expect(alarms[0].Condition).toBe('IsUsEast1');
  });

  test('each asset is copied to the organization-readable bucket and passed as a StackSet parameter', () => {
    const keys = Object.keys(inner.Parameters).filter((k) => k.startsWith('AssetKey'));
    expect(keys.length).toBe(3); // the password-policy handler, its Provider framework function and the credential audit
    const params = stackSet.Properties.Parameters as any[];
    expect(params.map((p) => p.ParameterKey).sort()).toEqual(['AssetBucketName', ...keys].sort());
    const copies = Object.values(template.findResources('Custom::CopyStackSetAsset')) as any[];
    expect(copies).toHaveLength(keys.length);
    for (const key of keys) {
      expect(params.find((p) => p.ParameterKey === key).ParameterValue).toMatch(/^assets\/[0-9a-f]{64}\.zip$/);
    }
    const dependsOn = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0].DependsOn as string[];
    expect(dependsOn.some((d) => d.startsWith('GuardrailsCopyBaselineAsset'))).toBe(true);
  });

  test('the asset bucket lets principals of the organization read the copied code, and nothing else', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: Match.stringLikeRegexp('^GuardrailsAssetBucket[0-9A-F]') } },
    })) as any[];
    expect(policies).toHaveLength(1);
    const doc = normalizePolicyDocument(policies[0].Properties.PolicyDocument);
    const allows = doc.statements.filter((s) => s.effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0].principal?.wildcard).toBe(true);
    expect(allows[0].actions).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(allows[0].conditions).toEqual([{ operator: 'StringEquals', key: 'aws:principalorgid', values: [ORG] }]);
    expect(JSON.stringify(policies[0].Properties.PolicyDocument.Statement.find((st: any) => st.Effect === 'Allow').Resource)).toContain('/assets/*');
    // TLS only.
    expect(doc.statements.some((s) => s.effect === 'Deny' && s.conditions.some((c) => c.key === 'aws:securetransport'))).toBe(true);
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { LogFilePrefix: 'AssetBucket/' },
    });
  });

  test('without assets (password policy and audit off) there is no asset bucket', () => {
    const t = Template.fromStack(build({ baselineOptions: { organizationalUnitIds: [OU], passwordPolicy: false, credentialAudit: false } }).stack);
    expect(Object.keys(t.findResources('Custom::CopyStackSetAsset'))).toHaveLength(0);
    const [s] = Object.values(t.findResources('AWS::CloudFormation::StackSet')) as any[];
    expect(s.Properties.Parameters).toBeUndefined();
  });

  test('parts switched off', () => {
    const { stack, guardrails } = build({
      serviceControlPolicies: false,
      centralizedRootAccess: false,
      organizationTrail: false,
      organizationAccessAnalyzer: false,
      organizationConfigRules: false,
      baseline: false,
      baselineOptions: undefined,
    });
    const t = Template.fromStack(stack);
    expect(guardrails.stackSet).toBeUndefined();
    expect(Object.keys(t.toJSON().Resources ?? {})).toHaveLength(0);
  });
});
