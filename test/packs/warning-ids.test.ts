// Warnings are violations of severity `warning` in the validation report. Users acknowledge them in
// every form earlier releases and the CDK CLI print: bare, `annotation::`, namespaced by the pack,
// and with the finding in parentheses (the form warnings had as CDK annotations).
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamBestPracticesChecks } from '../../src';
import { validationReportOf } from '../support/report';

function powerUserGroupWarnings(acknowledgeAs?: string) {
  const app = new App();
  const stack = new Stack(app, 'W', { env: { account: '111111111111', region: 'us-east-1' } });
  const group = new iam.Group(stack, 'Developers', {
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
  });
  if (acknowledgeAs) Validations.of(group).acknowledge({ id: acknowledgeAs, reason: 'the guide gives developers PowerUserAccess' });
  Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
  return validationReportOf(app.synth().directory).filter(v => v.ruleName.startsWith('IamBestPractices-LP9'));
}

test('the report carries the whole granular id of a warning, and its message names the finding', () => {
  const [warning, ...rest] = powerUserGroupWarnings();
  expect(rest).toEqual([]);
  expect(warning.ruleName).toBe('IamBestPractices-LP9[Policy::PowerUserAccess]');
  expect(warning.severity).toBe('warning');
  expect(warning.constructPaths).toEqual(['W/Developers/Resource']);
  expect(warning.description).toMatch(/^IamBestPractices-LP9\[Policy::PowerUserAccess\]: The AWS managed policy PowerUserAccess is attached/);
});

test.each([
  'annotation::IamBestPractices-LP9(Policy::PowerUserAccess)',
  'annotation::IamBestPractices-LP9[Policy::PowerUserAccess]',
  'IamBestPractices-LP9[Policy::PowerUserAccess]',
  'IamBestPractices::IamBestPractices-LP9[Policy::PowerUserAccess]',
])('acknowledging as %s removes the warning', (id) => {
  expect(powerUserGroupWarnings(id)).toEqual([]);
});

test('acknowledging another finding of the same rule leaves the warning in place', () => {
  expect(powerUserGroupWarnings('annotation::IamBestPractices-LP9(Policy::AdministratorAccess)')).toHaveLength(1);
});
