// The packs read one model of the synthesized app: what CloudFormation will deploy, whatever way a
// construct rendered it. Regressions from apps nobody here wrote: the EKS IRSA pattern, a Deny
// pattern that hung the analysis, nested Stages, Fn::If, Lazy values, policies linked across stacks.
import * as path from 'path';
import { App, CfnCondition, CfnJson, CfnParameter, Fn, Lazy, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamBestPracticesChecks } from '../../src';
import { errorNames, validationReportOf, warningNames } from '../support/report';

process.env.CDK_VALIDATION = 'false';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** `ruleName @ constructPath` for every violation of a report, sorted. */
type Violations = { violations: Array<{ ruleName: string; severity?: string; violatingResources: Array<{ constructPath?: string }> }> };

function located(report: Violations): string[] {
  return report.violations.flatMap(v => v.violatingResources.map(r => `${v.severity} ${v.ruleName} @ ${r.constructPath}`)).sort();
}

describe('the EKS pod-role (IRSA) pattern', () => {
  function irsaApp(withSubject: boolean) {
    const app = new App();
    const stack = new Stack(app, 'Eks', { env: ENV });
    const cluster = new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::111111111111:role/eks-cluster', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
    });
    const provider = new iam.OidcProviderNative(stack, 'Provider', {
      url: cluster.attrOpenIdConnectIssuerUrl, clientIds: ['sts.amazonaws.com'], thumbprints: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
    });
    const issuer = Fn.select(1, Fn.split('//', cluster.attrOpenIdConnectIssuerUrl));
    const claims = withSubject
      ? { [`${issuer}:sub`]: 'system:serviceaccount:payments:api', [`${issuer}:aud`]: 'sts.amazonaws.com' }
      : { [`${issuer}:aud`]: 'sts.amazonaws.com' };
    const role = new iam.Role(stack, 'Irsa', {
      assumedBy: new iam.OpenIdConnectPrincipal(provider, { StringEquals: new CfnJson(stack, 'Cond', { value: claims }) }),
    });
    return { app, role };
  }

  test('synthesizes with the pack registered (it ran out of memory), and the subject condition is seen', () => {
    const { app } = irsaApp(true);
    Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
    const started = Date.now();
    const reported = validationReportOf(app.synth().directory);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(reported.filter(v => v.ruleName.startsWith('IamBestPractices-TR3'))).toEqual([]);
  });

  test('without a subject condition in the CfnJson, TR3 fires', () => {
    const { app } = irsaApp(false);
    expect(errorNames(new IamBestPracticesChecks().validateScope(app))).toEqual([expect.stringMatching(/^IamBestPractices-TR3\[Principal::<Provider/)]);
  });
});

test('a Deny pattern against an Allow pattern is matched in linear time (it hung synthesis)', () => {
  const app = new App();
  const stack = new Stack(app, 'Hang', { env: ENV });
  const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new iam.ManagedPolicy(stack, 'P', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*a*a*a*a*a*a*a*a*a*a*a*a*b'] }),
      new iam.PolicyStatement({ actions: ['s3:*'], resources: [`*${'a'.repeat(4000)}`] }),
    ],
  });
  const started = Date.now();
  const report = new IamBestPracticesChecks().validateScope(app);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(errorNames(report)).toContain('IamBestPractices-LP2[Action::s3:*]');
});

describe('nested Stages (every CDK Pipelines application stage)', () => {
  function stagedApp() {
    const app = new App();
    for (const name of ['Beta', 'Prod']) {
      const inner = new Stage(new Stage(app, name), 'App');
      const stack = new Stack(inner, 'Service', { env: ENV });
      const role = new iam.Role(stack, 'Task', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
    }
    return app;
  }

  test('one pack on the app reports errors and warnings of every Stage, each once per resource', () => {
    const app = stagedApp();
    Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    const reportFile = /A copy of this report can be found in: (\S+)/.exec(message)?.[1];
    const reported = validationReportOf(path.dirname(reportFile!))
      .filter(v => /LP6|TR5/.test(v.ruleName))
      .flatMap(v => v.constructPaths.map(p => `${v.severity} ${v.ruleName} @ ${p}`)).sort();
    expect(reported).toEqual([
      'error IamBestPractices-LP6[Action::iam:PassRole] @ Beta/App/Service/Task/DefaultPolicy/Resource',
      'error IamBestPractices-LP6[Action::iam:PassRole] @ Prod/App/Service/Task/DefaultPolicy/Resource',
      'warning IamBestPractices-TR5[Principal::ecs-tasks.amazonaws.com] @ Beta/App/Service/Task/Resource',
      'warning IamBestPractices-TR5[Principal::ecs-tasks.amazonaws.com] @ Prod/App/Service/Task/Resource',
    ]);
  });

  test('registered on the app and again on a Stage, a finding is still reported once', () => {
    const app = stagedApp();
    Validations.of(app).addPlugins(new IamBestPracticesChecks(app));
    Validations.of(app.node.findChild('Prod') as Stage).addPlugins(new IamBestPracticesChecks(app));
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/IamBestPractices-LP6\[Action::iam:PassRole\]:/g)).toHaveLength(2);
    expect(message.match(/Prod\/App\/Service\/Task\/DefaultPolicy\/Resource/g)).toHaveLength(1);
  });
});

describe('Fn::If: every branch is analysed, and the message names the condition', () => {
  function conditional(statement: (condition: CfnCondition) => object) {
    const app = new App();
    const stack = new Stack(app, 'Cond', { env: ENV });
    const condition = new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(new CfnParameter(stack, 'Env', { default: 'dev' }).valueAsString, 'prod') });
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    });
    new iam.CfnPolicy(stack, 'Policy', { policyName: 'p', roles: [role.ref], policyDocument: { Statement: [statement(condition)] } });
    return new IamBestPracticesChecks().validateScope(app);
  }

  test.each([
    ['a whole statement', (c: CfnCondition) => Fn.conditionIf(c.logicalId, { Effect: 'Allow', Action: '*', Resource: '*' }, Fn.ref('AWS::NoValue')), 'LP1[Action::*]'],
    ['Action: *', (c: CfnCondition) => ({ Effect: 'Allow', Action: Fn.conditionIf(c.logicalId, 's3:GetObject', '*'), Resource: '*' }), 'LP1[Action::*]'],
    ['iam:PassRole in a list', (c: CfnCondition) => ({ Effect: 'Allow', Action: ['s3:GetObject', Fn.conditionIf(c.logicalId, 'iam:PassRole', Fn.ref('AWS::NoValue'))], Resource: '*' }), 'LP6[Action::iam:PassRole]'],
    ['Resource: *', (c: CfnCondition) => ({ Effect: 'Allow', Action: 'iam:PassRole', Resource: Fn.conditionIf(c.logicalId, 'arn:aws:iam::111111111111:role/app', '*') }), 'LP6[Action::iam:PassRole]'],
  ])('%s', (_name, statement, expected) => {
    const report = conditional(statement as (c: CfnCondition) => object);
    const violation = report.violations.find(v => v.ruleName === `IamBestPractices-${expected}`);
    expect(violation?.description).toMatch(/Only when condition IsProd is (true|false)\./);
  });

  test('a trust policy with Principal: * on one branch', () => {
    const app = new App();
    const stack = new Stack(app, 'Trust', { env: ENV });
    const condition = new CfnCondition(stack, 'Open', { expression: Fn.conditionEquals('a', 'b') });
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Principal: Fn.conditionIf(condition.logicalId, '*', { Service: 'lambda.amazonaws.com' }), Action: 'sts:AssumeRole' }],
      },
    });
    expect(errorNames(new IamBestPracticesChecks().validateScope(app))).toEqual(['IamBestPractices-TR1[Principal::*]']);
  });

  test('a parameter whose default is * is every resource', () => {
    const app = new App();
    const stack = new Stack(app, 'Param', { env: ENV });
    const target = new CfnParameter(stack, 'Target', { default: '*' });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [target.valueAsString] }));
    expect(errorNames(new IamBestPracticesChecks().validateScope(app))).toContain('IamBestPractices-LP6[Action::iam:PassRole]');
  });
});

describe('Lazy values are read as resolved', () => {
  test('a Lazy resource list that resolves to * is unbounded (LP13), a Lazy narrowing condition narrows', () => {
    const app = new App();
    const stack = new Stack(app, 'Lazy', { env: ENV });
    const role = new iam.Role(stack, 'Creation', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['eks:DeleteCluster'], resources: Lazy.list({ produce: () => ['*'] }) }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['sqs:DeleteQueue'],
      resources: ['*'],
      conditions: { StringEquals: Lazy.any({ produce: () => ({ 'aws:ResourceTag/team': 'payments' }) }) },
    }));
    const report = new IamBestPracticesChecks().validateScope(app);
    expect(errorNames(report)).toContain('IamBestPractices-LP13[Action::eks:DeleteCluster]');
    expect([...errorNames(report), ...warningNames(report)].filter(n => n.includes('sqs:DeleteQueue'))).toEqual([]);
  });
});

describe('policies and boundaries linked across the app', () => {
  test('escalation split across two stacks (an automatic cross-stack reference) is one principal', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared', { env: ENV });
    const role = new iam.Role(shared, 'Deployer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
    const other = new Stack(app, 'Other', { env: ENV });
    new iam.Policy(other, 'Functions', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['lambda:CreateFunction', 'lambda:InvokeFunction'], resources: ['*'] })],
    });
    expect(located(new IamBestPracticesChecks().validateScope(app)).filter(l => l.includes('PE2'))).toEqual([
      'error IamBestPractices-PE2[Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction] @ Shared/Deployer/Resource',
    ]);
  });

  test('a boundary referenced by name is a ceiling, not a grant', () => {
    const app = new App();
    const stack = new Stack(app, 'Bounded', { env: ENV });
    new iam.ManagedPolicy(stack, 'Boundary', {
      managedPolicyName: 'dev-boundary',
      statements: [new iam.PolicyStatement({ actions: ['s3:*', 'lambda:*'], resources: ['*'] })],
    });
    const role = new iam.Role(stack, 'Dev', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'ByName', 'dev-boundary'),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }));
    expect(errorNames(new IamBestPracticesChecks().validateScope(app))).toEqual([]);
  });

  test('a policy attached to a role the app only imports by name says so', () => {
    const app = new App();
    const stack = new Stack(app, 'Imported', { env: ENV });
    new iam.Policy(stack, 'P', {
      roles: [iam.Role.fromRoleName(stack, 'Existing', 'legacy-deployer')],
      statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] })],
    });
    const lp6 = new IamBestPracticesChecks().validateScope(app).violations.find(v => v.ruleName === 'IamBestPractices-LP6[Action::iam:PassRole]');
    expect(lp6?.description).toContain('attached to legacy-deployer, outside this app');
  });
});

describe('L2-written resources get exactly the findings of the equivalent L1 template', () => {
  test('service trust, Lazy wildcard, AWS managed policy by name and by ARN', () => {
    const app = new App();
    const l2 = new Stack(app, 'L2', { env: ENV });
    const l2role = new iam.Role(l2, 'Task', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    l2role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:DeleteQueue', 'iam:PassRole'], resources: Lazy.list({ produce: () => ['*'] }) }));
    const l1 = new Stack(app, 'L1', { env: ENV });
    const l1role = new iam.CfnRole(l1, 'Task', {
      assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    });
    new iam.CfnPolicy(l1, 'TaskDefaultPolicy', {
      policyName: 'default',
      roles: [l1role.ref],
      policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:DeleteQueue', 'iam:PassRole'], Resource: '*' }] },
    });
    // A group with an administrator-like AWS managed policy (LP9, a warning), written both ways.
    new iam.Group(l2, 'Developers', { managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')] });
    new iam.CfnGroup(l1, 'Developers', {
      managedPolicyArns: [Fn.join('', ['arn:', Fn.ref('AWS::Partition'), ':iam::aws:policy/PowerUserAccess'])],
    });
    const report = new IamBestPracticesChecks().validateScope(app);
    const byStack = (prefix: string) => report.violations
      .filter(v => v.violatingResources.some(r => r.constructPath?.startsWith(`${prefix}/`)))
      .map(v => `${v.severity} ${v.ruleName}`).sort();
    expect(byStack('L2')).toEqual(byStack('L1'));
    expect(byStack('L2')).toEqual(expect.arrayContaining([
      'warning IamBestPractices-TR5[Principal::ecs-tasks.amazonaws.com]',
      'error IamBestPractices-LP13[Action::sqs:DeleteQueue]',
      'warning IamBestPractices-LP9[Policy::PowerUserAccess]',
      'error IamBestPractices-LP6[Action::iam:PassRole]',
    ]));
  });
});
