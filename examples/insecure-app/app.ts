// An app with the IAM mistakes the guide warns about. `cdk synth` here must fail and name each
// mistake by rule id: this is what a pipeline with IamBestPracticesChecks stops before deploy.
import { App, CfnOutput, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamBestPracticesChecks } from '../../src';

const app = new App();
const stack = new Stack(app, 'InsecureApp', { env: { account: '111111111111', region: 'us-east-1' } });

// Administrator access through a wildcard statement, on a role trusted by another account
// without an external id or MFA.
const admin = new iam.Role(stack, 'PartnerAdmin', { assumedBy: new iam.AccountPrincipal('222222222222') });
admin.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));

// A deployer that can pass any role to a new Lambda function: privilege escalation.
const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
deployer.addToPolicy(new iam.PolicyStatement({
  actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
  resources: ['*'],
}));

// Long-term credentials: a user with its own inline policy, an access key and a literal password.
const user = new iam.User(stack, 'Ci', { password: SecretValue.unsafePlainText('Password123!') });
user.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
const key = new iam.AccessKey(stack, 'CiKey', { user });
new CfnOutput(stack, 'CiKeyId', { value: key.accessKeyId });

// GitHub Actions federation that trusts every repository on GitHub.
const github = new iam.OpenIdConnectProvider(stack, 'GitHub', {
  url: 'https://token.actions.githubusercontent.com',
  clientIds: ['sts.amazonaws.com'],
});
new iam.Role(stack, 'GitHubDeploy', {
  assumedBy: new iam.OpenIdConnectPrincipal(github, {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
  }),
});

Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
app.synth();
