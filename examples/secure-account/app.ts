// The IAM best-practices guide for one account, in one app: every construct of cdk-iam-guardrails,
// checked at synth time by our IAM rule packs and by cdk-nag's AwsSolutions pack.
//
//   npx projen synth:example      (from the repository root)
//
// In your own app, import from 'cdk-iam-guardrails'; this example imports the sources so that it
// always exercises the code in this checkout.
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  AccountBaseline, BoundedRole, Conditions, IamBestPracticesChecks, RootUsageAlarm, SecureGroup, SecurityAlarm,
} from '../../src';

export class SecureAccountStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Password policy, trail, CIS alarms, Access Analyzer, Config rules, billing alarm and the
    // daily credential audit, all alerting one list. Root usage gets its own alarm below, with
    // the EventBridge rule that reports it within seconds.
    const baseline = new AccountBaseline(this, 'Baseline', {
      alertEmails: ['security-alerts@example.com'],
      alarms: Object.values(SecurityAlarm).filter((alarm) => alarm !== SecurityAlarm.ROOT_ACCOUNT_USAGE),
      accessAnalyzerOptions: { unusedAccess: true },
      billingThreshold: 200,
    });
    new RootUsageAlarm(this, 'RootUsage', { trail: baseline.trail, topic: baseline.alertTopic, eventBridge: true });

    // The guide's "Use Groups for Permissions": people get permissions through groups that
    // require MFA.
    const developers = new SecureGroup(this, 'Developers', { groupName: 'Developers' });
    developers.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess'));
    const developer = new iam.User(this, 'Developer', { userName: 'developer' });
    developers.addUser(developer);
    // The guide's `aws iam put-user-permissions-boundary --user-name developer`: PowerUserAccess
    // stays inside the developer boundary. People work with data and logs; code reaches Lambda
    // through the deployment pipeline only: a person allowed lambda:UpdateFunctionCode on every
    // function acts with any function's role (IamBestPractices-PE3). Every member of the group
    // carries this boundary, so the group's PowerUserAccess is judged on them.
    BoundedRole.applyBoundaryTo(developer, BoundedRole.defaultBoundary(this, ['s3', 'dynamodb', 'logs', 'cloudwatch']));
    Validations.of(developers.group).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/PowerUserAccess]',
        reason: 'The guide gives developers PowerUserAccess through a group that forces MFA; members carry the developer boundary.',
      },
      {
        id: 'annotation::IamBestPractices-LP9[Policy::PowerUserAccess]',
        reason: 'The guide gives developers PowerUserAccess through a group that forces MFA; members carry the developer boundary.',
      },
    );

    // The guide's "Use Roles, Not Users" and "Use Permission Boundaries": workloads get roles
    // that can never leave the developer boundary.
    const appRole = new BoundedRole(this, 'AppRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the application functions inside the developer boundary',
    });
    appRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::my-bucket/specific-path/*'],
    }));
    // cdk-nag's AwsSolutions flags even the guide's own least-privilege example (objects under one
    // prefix of one bucket); IamBestPracticesChecks knows this resource is bounded.
    Validations.of(appRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:aws:s3:::my-bucket/specific-path/*]',
      reason: 'Read access to the objects under one prefix of one bucket: the guide\'s least-privilege example.',
    });

    // Cross-account access for auditors: an external id and MFA, never shared credentials.
    const auditor = new BoundedRole(this, 'AuditorRole', {
      assumedBy: new iam.AccountPrincipal('222222222222'),
      externalIds: ['auditor-7f3c9a'],
      requireMfa: true,
      allowedServices: ['s3', 'cloudtrail', 'config', 'access-analyzer'],
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecurityAudit')],
    });
    Validations.of(auditor).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/SecurityAudit]',
        reason: 'AWS keeps SecurityAudit read-only and current; the boundary narrows it to the audited services.',
      },
      {
        id: 'IamBestPractices-LP15[Policy::SecurityAudit]',
        reason: 'The boundary narrows SecurityAudit to the audited services on purpose: the rest of it is meant to be unusable.',
      },
    );

    // The guide's Secure Conditions as a guardrail on the developers.
    developers.addToPolicy(Conditions.denyWithoutSecureTransport());
  }
}

// Run as the app (the kitchen-sink test imports the stack and adds cdk-nag's compliance packs).
if (require.main === module) {
  const app = new App();
  new SecureAccountStack(app, 'SecureAccount', {
    env: { account: '111111111111', region: 'us-east-1' },
  });
  Validations.of(app).addPlugins(new IamBestPracticesChecks(app), new AwsSolutionsChecks(app));
  app.synth();
}
