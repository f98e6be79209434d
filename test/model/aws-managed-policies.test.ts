// How the model reads AWS managed policies and IAM Identity Center permission sets.
import { AppModel, IAM_TYPES, PRINCIPAL_TYPES, ResourceModel, StackTemplateInput } from '../../src/model/app-model';
import { DEFAULT_ASSIGNMENT } from '../../src/model/intrinsics';
import { ResolvedResource } from '../../src/model/resolved-resource';
import { PolicyDocument } from '../../src/policy/document';
import { awsManagedPolicy } from '../../src/policy/managed-policies';

const TRUST = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111111111111111';
const PARTITION_ARN = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });

function doc(action: string, resource = '*') {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] };
}

function modelOf(resources: { [id: string]: unknown }): AppModel {
  const input: StackTemplateInput = { name: 'S', account: '111111111111', region: 'us-east-1', template: { Resources: resources } };
  return new AppModel([input]);
}

function resourceOf(model: AppModel, logicalId: string): ResourceModel {
  const r = model.stack('S')?.resources.get(logicalId);
  if (!r) throw new Error(`${logicalId} not in the model`);
  return r;
}

function view(model: AppModel, logicalId: string): ResolvedResource {
  return new ResolvedResource(resourceOf(model, logicalId), DEFAULT_ASSIGNMENT);
}

function actionsOf(docs: readonly PolicyDocument[] | undefined): string[] {
  return (docs ?? []).flatMap(d => d.statements.flatMap(s => [...s.actions ?? []])).sort();
}

describe('AWS managed policies of a principal', () => {
  test('policies() names them and grants() holds their documents, however the ARN is written', () => {
    const model = modelOf({
      Role: {
        Type: IAM_TYPES.role,
        Properties: {
          AssumeRolePolicyDocument: TRUST,
          ManagedPolicyArns: [
            PARTITION_ARN('service-role/AWSLambdaBasicExecutionRole'),
            'arn:aws:iam::aws:policy/AWSLambda_FullAccess',
            { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/amazonssmmanagedinstancecore' },
            // The same policy twice, and one that does not exist: neither adds a document.
            'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
            'arn:aws:iam::aws:policy/NoSuchPolicy',
          ],
        },
      },
    });
    const role = view(model, 'Role');
    expect(role.policies().map(p => p.name)).toEqual([
      'AWS managed policy "AWSLambdaBasicExecutionRole"', 'AWS managed policy "AWSLambda_FullAccess"', 'AWS managed policy "AmazonSSMManagedInstanceCore"',
    ]);
    expect(role.grants()[0]).toBe(awsManagedPolicy('service-role/AWSLambdaBasicExecutionRole')!.document);
    expect(role.policies()[1].awsManaged?.name).toBe('AWSLambda_FullAccess');
    expect(role.policies()[1].resource).toBeUndefined();
    expect(role.awsManagedPolicyReferences().map(r => [r.property, r.written, r.policy?.name, r.boundary])).toEqual([
      ['ManagedPolicyArns', 'service-role/AWSLambdaBasicExecutionRole', 'AWSLambdaBasicExecutionRole', false],
      ['ManagedPolicyArns', 'AWSLambda_FullAccess', 'AWSLambda_FullAccess', false],
      ['ManagedPolicyArns', 'amazonssmmanagedinstancecore', 'AmazonSSMManagedInstanceCore', false],
      ['ManagedPolicyArns', 'service-role/AWSLambdaBasicExecutionRole', 'AWSLambdaBasicExecutionRole', false],
      ['ManagedPolicyArns', 'NoSuchPolicy', undefined, false],
    ]);
  });

  test('a user receives its groups\' AWS managed policies, prefixed with the group', () => {
    const model = modelOf({
      Group: { Type: IAM_TYPES.group, Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } },
      User: { Type: IAM_TYPES.user, Properties: { Groups: [{ Ref: 'Group' }] } },
    });
    expect(view(model, 'User').policies().map(p => p.name)).toEqual(['group "Group": AWS managed policy "ReadOnlyAccess"']);
  });

  test('boundary() reads an AWS managed policy used as a boundary', () => {
    const model = modelOf({
      Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, PermissionsBoundary: PARTITION_ARN('PowerUserAccess') } },
      Unknown: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUser' } },
    });
    expect(view(model, 'Role').boundary()).toEqual([awsManagedPolicy('PowerUserAccess')!.document]);
    expect(view(model, 'Role').grants()).toEqual([]);
    expect(view(model, 'Unknown').boundary()).toBeUndefined();
    expect(view(model, 'Role').awsManagedPolicyReferences()).toEqual([
      { property: 'PermissionsBoundary', written: 'PowerUserAccess', policy: awsManagedPolicy('PowerUserAccess'), boundary: true },
    ]);
  });

  test('nothing for other resources, and no reference when an ARN names no AWS managed policy', () => {
    const model = modelOf({
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } },
      Role: { Type: IAM_TYPES.role, Properties: { AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: ['arn:aws:iam::111111111111:policy/AdministratorAccess'] } },
    });
    expect(view(model, 'Bucket').awsManagedPolicyReferences()).toEqual([]);
    expect(view(model, 'Role').awsManagedPolicyReferences()).toEqual([]);
    expect(view(model, 'Role').policies()).toEqual([]);
  });
});

describe('IAM Identity Center permission sets', () => {
  const customerPolicies = {
    Invoke: { Type: IAM_TYPES.managedPolicy, Properties: { ManagedPolicyName: 'invoke', PolicyDocument: doc('lambda:InvokeFunction') } },
    Boundary: { Type: IAM_TYPES.managedPolicy, Properties: { ManagedPolicyName: 'dev-boundary', PolicyDocument: doc('s3:*') } },
  };

  test('are principals', () => {
    expect(PRINCIPAL_TYPES.has(IAM_TYPES.permissionSet)).toBe(true);
    expect(IAM_TYPES.permissionSet).toBe('AWS::SSO::PermissionSet');
  });

  test('grant through their inline policy, AWS managed policies and customer managed policies by name', () => {
    const model = modelOf({
      ...customerPolicies,
      PS: {
        Type: IAM_TYPES.permissionSet,
        Properties: {
          InstanceArn: INSTANCE_ARN,
          Name: 'Developers',
          InlinePolicy: JSON.stringify(doc('s3:GetObject', 'arn:aws:s3:::b/*')),
          ManagedPolicies: [PARTITION_ARN('ReadOnlyAccess')],
          CustomerManagedPolicyReferences: [{ Name: 'invoke', Path: '/' }, { Name: 'not-in-this-app' }],
          PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'dev-boundary' } },
        },
      },
    });
    const ps = view(model, 'PS');
    expect(ps.policies().map(p => p.name)).toEqual(['inline policy "InlinePolicy"', 'AWS managed policy "ReadOnlyAccess"', 'policy "invoke"']);
    expect(ps.inlinePolicies().map(p => actionsOf([p.document]))).toEqual([['s3:GetObject']]);
    expect(actionsOf(ps.boundary())).toEqual(['s3:*']);
    expect(ps.awsManagedPolicyReferences().map(r => `${r.property} ${r.policy?.name}`)).toEqual(['ManagedPolicies ReadOnlyAccess']);
    // The customer managed policies are linked to the permission set, so they are judged through it.
    const invoke = resourceOf(model, 'Invoke');
    const boundary = resourceOf(model, 'Boundary');
    expect(model.isReferencedAsManagedPolicy(invoke)).toBe(true);
    expect(view(model, 'Invoke').isEvaluatedAlone()).toBe(false);
    expect(model.isBoundaryOnly(boundary)).toBe(true);
    expect(model.linkedResources(resourceOf(model, 'PS'))).toEqual([invoke, boundary]);
  });

  test('an inline policy object, and an AWS managed boundary', () => {
    const model = modelOf({
      PS: {
        Type: IAM_TYPES.permissionSet,
        Properties: {
          InstanceArn: INSTANCE_ARN, Name: 'Ops', InlinePolicy: doc('ssm:SendCommand'), PermissionsBoundary: { ManagedPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        },
      },
    });
    const ps = view(model, 'PS');
    expect(actionsOf(ps.grants())).toEqual(['ssm:SendCommand']);
    expect(ps.boundary()).toEqual([awsManagedPolicy('ReadOnlyAccess')!.document]);
    expect(ps.awsManagedPolicyReferences().map(r => `${r.property} ${r.policy?.name} ${r.boundary}`))
      .toEqual(['PermissionsBoundary.ManagedPolicyArn ReadOnlyAccess true']);
  });

  test('without policies or boundary: nothing, no boundary', () => {
    const model = modelOf({ PS: { Type: IAM_TYPES.permissionSet, Properties: { InstanceArn: INSTANCE_ARN, Name: 'Empty' } } });
    expect(view(model, 'PS').policies()).toEqual([]);
    expect(view(model, 'PS').boundary()).toBeUndefined();
    expect(view(model, 'PS').ownPolicies()).toEqual([]);
  });
});
