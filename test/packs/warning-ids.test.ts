// Granular warnings travel as CDK annotations, and the CDK CLI reads the id back from the message
// with /\[ack: ([^\]]+)\]/. These tests pin the form that survives that (the finding in
// parentheses) and that both spellings acknowledge the warning.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamBestPracticesChecks } from '../../src';

// What the CDK CLI does to print "Acknowledge with '...'".
const CLI_ACK_PATTERN = /\[ack: ([^\]]+)\]/;

function powerUserGroup(acknowledgeAs?: string): Stack {
  const app = new App();
  const stack = new Stack(app, 'W', { env: { account: '111111111111', region: 'us-east-1' } });
  const group = new iam.Group(stack, 'Developers', {
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
  });
  if (acknowledgeAs) Validations.of(group).acknowledge({ id: acknowledgeAs, reason: 'the guide gives developers PowerUserAccess' });
  Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
  app.synth();
  return stack;
}

test('the CLI reads the whole granular id of a warning back from its message', () => {
  const [warning] = Annotations.fromStack(powerUserGroup())
    .findWarning('/W/Developers/Resource', Match.stringLikeRegexp('IamBestPractices-LP9'));
  const message = String(warning.entry.data);
  expect(message).toMatch(/^IamBestPractices-LP9\[Policy::PowerUserAccess\]: /);
  expect(CLI_ACK_PATTERN.exec(message)?.[1]).toBe('Annotation::IamBestPractices-LP9(Policy::PowerUserAccess)');
});

test.each([
  'annotation::IamBestPractices-LP9(Policy::PowerUserAccess)',
  'annotation::IamBestPractices-LP9[Policy::PowerUserAccess]',
  'IamBestPractices-LP9[Policy::PowerUserAccess]',
])('acknowledging as %s removes the warning', (id) => {
  const warnings = Annotations.fromStack(powerUserGroup(id)).findWarning('*', Match.stringLikeRegexp('IamBestPractices-LP9'));
  expect(warnings).toEqual([]);
});

test('acknowledging another finding of the same rule leaves the warning in place', () => {
  const warnings = Annotations.fromStack(powerUserGroup('annotation::IamBestPractices-LP9(Policy::AdministratorAccess)'))
    .findWarning('*', Match.stringLikeRegexp('IamBestPractices-LP9'));
  expect(warnings).toHaveLength(1);
});
