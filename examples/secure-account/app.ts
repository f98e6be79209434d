// The guide's account setup in one app: every construct of cdk-iam-guardrails, checked at synth time
// by cdk-nag's AwsSolutions pack and by our own IAM rule packs.
//
// In your own app, import from 'cdk-iam-guardrails'; this example imports the sources so that it
// always exercises the code in this checkout.
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  BoundedRole, RootUsageAlarm, SecureGroup, SecurityTrail, StrictPasswordPolicy,
} from '../../src';

export class SecureAccountStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    new StrictPasswordPolicy(this, 'PasswordPolicy');

    const developers = new SecureGroup(this, 'Developers', {
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
    });
    developers.addUser(new iam.User(this, 'Developer'));

    new BoundedRole(this, 'AppRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the application functions inside the developer boundary',
    });

    const trail = new SecurityTrail(this, 'Trail');
    new RootUsageAlarm(this, 'RootUsage', {
      trail,
      emails: ['security-alerts@example.com'],
      eventBridge: true,
    });
  }
}

const app = new App();
new SecureAccountStack(app, 'SecureAccount', {
  env: { account: '111111111111', region: 'us-east-1' },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
