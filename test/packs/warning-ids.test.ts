// Warnings are violations of severity `warning` in the validation report. Users acknowledge them in
// every form earlier releases and the CDK CLI print: bare, `annotation::`, namespaced by the pack,
// and with the finding in parentheses (the form warnings had as CDK annotations).
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamBestPracticesChecks } from '../../src';
import { validationReportOf } from '../support/report';

// AdministratorAccess on a group is only a warning (LP9): PowerUserAccess would also be an error,
// since it lets the group take over any Lambda function or stack (PE3).
function administratorGroupWarnings(acknowledgeAs?: string) {
  const app = new App();
  const stack = new Stack(app, 'W', { env: { account: '111111111111', region: 'us-east-1' } });
  const group = new iam.Group(stack, 'Developers', {
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
  });
  if (acknowledgeAs) Validations.of(group).acknowledge({ id: acknowledgeAs, reason: 'the break-glass group of the guide' });
  Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
  return validationReportOf(app.synth().directory).filter(v => v.ruleName.startsWith('IamBestPractices-LP9'));
}

test('the report carries the whole granular id of a warning, and its message names the finding', () => {
  const [warning, ...rest] = administratorGroupWarnings();
  expect(rest).toEqual([]);
  expect(warning.ruleName).toBe('IamBestPractices-LP9[Policy::AdministratorAccess]');
  expect(warning.severity).toBe('warning');
  expect(warning.constructPaths).toEqual(['W/Developers/Resource']);
  expect(warning.description).toMatch(/^IamBestPractices-LP9\[Policy::AdministratorAccess\]: The AWS managed policy AdministratorAccess is attached/);
});

test.each([
  'annotation::IamBestPractices-LP9(Policy::AdministratorAccess)',
  'annotation::IamBestPractices-LP9[Policy::AdministratorAccess]',
  'IamBestPractices-LP9[Policy::AdministratorAccess]',
  'IamBestPractices::IamBestPractices-LP9[Policy::AdministratorAccess]',
])('acknowledging as %s removes the warning', (id) => {
  expect(administratorGroupWarnings(id)).toEqual([]);
});

test('acknowledging another finding of the same rule leaves the warning in place', () => {
  expect(administratorGroupWarnings('annotation::IamBestPractices-LP9(Policy::PowerUserAccess)')).toHaveLength(1);
});
