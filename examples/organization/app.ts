// Every account of an AWS Organization under the IAM guardrails, from one stack in the management
// account: service control policies, centralized root access, the organization trail with the CIS
// alarms, organization Access Analyzers and Config rules, and a service-managed StackSet that rolls
// the per-account baseline out to every account of the workload OUs (new accounts included).
// Checked at synth time by our IAM rule packs and by cdk-nag's AwsSolutions pack.
//
//   npx cdk synth --app "npx ts-node --prefer-ts-exts app.ts"      (from this directory)
//
// In your own app, import from 'cdk-iam-guardrails'; this example imports the sources so that it
// always exercises the code in this checkout.
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { IamBestPracticesChecks, OrganizationGuardrails } from '../../src';

export class OrganizationStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    new OrganizationGuardrails(this, 'Guardrails', {
      organizationId: 'o-a1b2c3d4e5',
      // The SCPs apply to every member account under the root (never to the management account).
      scpTargetIds: ['r-a1b2'],
      // Platform engineers administer the guardrails through this role in each member account.
      administrationRoleName: 'OrganizationAccountAccessRole',
      allowedRegions: ['eu-west-1', 'us-east-1'],
      alertEmails: ['security-alerts@example.com'],
      baselineOptions: {
        organizationalUnitIds: ['ou-a1b2-workload1', 'ou-a1b2-sandbox01'],
        regions: ['eu-west-1', 'us-east-1'],
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
      },
    });
  }
}

// Run as the app (the kitchen-sink test imports the stack and adds cdk-nag's compliance packs).
if (require.main === module) {
  const app = new App();
  new OrganizationStack(app, 'Organization', {
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  Validations.of(app).addPlugins(new IamBestPracticesChecks(app), new AwsSolutionsChecks(app));
  app.synth();
}
