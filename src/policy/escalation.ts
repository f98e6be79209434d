/**
 * Known IAM privilege-escalation combinations (Rhino Security Labs, cloudsplaining, pathfinding.cloud,
 * iam-vulnerable; see RULES.md), as data. A row is a list of clauses; a clause is satisfied by
 * any one of its actions; a principal escalates when every clause is allowed on an unbounded
 * resource after Deny subtraction and the permissions boundary.
 */

export type EscalationCategory = 'self-modification' | 'pass-role' | 'take-over';

export interface EscalationRow {
  readonly category: EscalationCategory;
  /** Each clause lists alternative actions, spelled as AWS spells them. */
  readonly clauses: readonly (readonly string[])[];
  /** What an attacker does with the combination, for the finding's message. */
  readonly how: string;
}

const PASS_ROLE = 'iam:PassRole';

function row(category: EscalationCategory, how: string, ...clauses: (string | string[])[]): EscalationRow {
  return { category, how, clauses: clauses.map(c => (Array.isArray(c) ? c : [c])) };
}

const SELF = 'self-modification';
const PASS = 'pass-role';
const TAKE = 'take-over';

export const ESCALATION_ROWS: readonly EscalationRow[] = [
  // Self-modification: one action is enough.
  row(SELF, 'create a new default version of a policy already attached to it', 'iam:CreatePolicyVersion'),
  row(SELF, 'switch a policy attached to it to a more permissive version', 'iam:SetDefaultPolicyVersion'),
  row(SELF, 'attach any managed policy (e.g. AdministratorAccess) to a user', 'iam:AttachUserPolicy'),
  row(SELF, 'attach any managed policy to a group it belongs to', 'iam:AttachGroupPolicy'),
  row(SELF, 'attach any managed policy to a role it can use', 'iam:AttachRolePolicy'),
  row(SELF, 'write an inline policy granting anything on a user', 'iam:PutUserPolicy'),
  row(SELF, 'write an inline policy granting anything on a group', 'iam:PutGroupPolicy'),
  row(SELF, 'write an inline policy granting anything on a role', 'iam:PutRolePolicy'),
  row(SELF, 'add a user to a more privileged group', 'iam:AddUserToGroup'),
  row(SELF, 'create access keys for another, more privileged user', 'iam:CreateAccessKey'),
  row(SELF, 'set a console password for another user', 'iam:CreateLoginProfile'),
  row(SELF, 'change the console password of another user', 'iam:UpdateLoginProfile'),
  row(SELF, 'rewrite a role\'s trust policy to let itself in, then assume it', 'iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'),
  // Pass a stronger role to a compute service.
  row(PASS, 'launch an EC2 instance with a stronger role', PASS_ROLE, 'ec2:RunInstances'),
  row(PASS, 'request a spot instance with a stronger role', PASS_ROLE, 'ec2:RequestSpotInstances'),
  row(PASS, 'attach a stronger instance profile to a running instance', PASS_ROLE, 'ec2:AssociateIamInstanceProfile'),
  row(PASS, 'create a Lambda function with a stronger role and invoke it', PASS_ROLE, 'lambda:CreateFunction', 'lambda:InvokeFunction'),
  row(PASS, 'create a Lambda function with a stronger role and let a service invoke it', PASS_ROLE, 'lambda:CreateFunction', 'lambda:AddPermission'),
  row(PASS, 'create a Lambda function with a stronger role triggered by an event source', PASS_ROLE, 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'),
  row(PASS, 'create a Glue development endpoint with a stronger role', PASS_ROLE, 'glue:CreateDevEndpoint'),
  row(PASS, 'create and run a Glue job with a stronger role', PASS_ROLE, 'glue:CreateJob', ['glue:StartJobRun', 'glue:CreateTrigger']),
  row(PASS, 'repoint a Glue job to a stronger role and run it', PASS_ROLE, 'glue:UpdateJob', ['glue:StartJobRun', 'glue:CreateTrigger']),
  row(PASS, 'create a CloudFormation stack that runs with a stronger role', PASS_ROLE, 'cloudformation:CreateStack'),
  row(PASS, 'create a stack set with a stronger role and deploy instances', PASS_ROLE, 'cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'),
  row(PASS, 'update a stack set to run with a stronger role', PASS_ROLE, 'cloudformation:UpdateStackSet'),
  row(PASS, 'create a Data Pipeline that runs with a stronger role', PASS_ROLE, 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'),
  row(PASS, 'create and start a CodeBuild project with a stronger role', PASS_ROLE, 'codebuild:CreateProject', ['codebuild:StartBuild', 'codebuild:StartBuildBatch']),
  row(PASS, 'register an ECS task definition with a stronger role and run it', PASS_ROLE, 'ecs:RegisterTaskDefinition', ['ecs:RunTask', 'ecs:StartTask', 'ecs:CreateService']),
  row(PASS, 'create a SageMaker notebook instance with a stronger role', PASS_ROLE, 'sagemaker:CreateNotebookInstance'),
  row(PASS, 'create a SageMaker training job with a stronger role', PASS_ROLE, 'sagemaker:CreateTrainingJob'),
  row(PASS, 'create a SageMaker processing job with a stronger role', PASS_ROLE, 'sagemaker:CreateProcessingJob'),
  row(PASS, 'create an App Runner service with a stronger role', PASS_ROLE, 'apprunner:CreateService'),
  row(PASS, 'create an Auto Scaling group whose instances get a stronger role', PASS_ROLE, 'autoscaling:CreateLaunchConfiguration', 'autoscaling:CreateAutoScalingGroup'),
  // Take over something that already runs with a role.
  row(TAKE, 'replace the code of any Lambda function and inherit its role', 'lambda:UpdateFunctionCode'),
  row(TAKE, 'attach a malicious layer to any Lambda function', 'lambda:UpdateFunctionConfiguration'),
  row(TAKE, 'add its own SSH key to any Glue development endpoint', 'glue:UpdateDevEndpoint'),
  row(TAKE, 'update any CloudFormation stack, acting with the stack\'s role', 'cloudformation:UpdateStack'),
  row(TAKE, 'change any CloudFormation stack through a change set', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet'),
  row(TAKE, 'start a build of any CodeBuild project with a buildspec override', 'codebuild:StartBuild'),
  row(TAKE, 'start a batch build of any CodeBuild project with a buildspec override', 'codebuild:StartBuildBatch'),
  row(TAKE, 'rewrite the user data of any instance and restart it', 'ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances'),
  row(TAKE, 'publish a launch template version with new user data and make it the default', 'ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'),
  row(TAKE, 'log in to any instance with its own SSH key', 'ec2-instance-connect:SendSSHPublicKey'),
  row(TAKE, 'run commands on any managed instance', 'ssm:SendCommand'),
  row(TAKE, 'open a shell on any managed instance', 'ssm:StartSession'),
  row(TAKE, 'open a shell in any ECS container', 'ecs:ExecuteCommand'),
  row(TAKE, 'open any SageMaker notebook and use its role', 'sagemaker:CreatePresignedNotebookInstanceUrl'),
  row(TAKE, 'inject a lifecycle script into any SageMaker notebook', 'sagemaker:CreateNotebookInstanceLifecycleConfig', 'sagemaker:StopNotebookInstance',
    'sagemaker:UpdateNotebookInstance', 'sagemaker:StartNotebookInstance'),
  row(TAKE, 'create a CodeStar project from a template with the service\'s privileges', 'codestar:CreateProjectFromTemplate'),
  row(TAKE, 'create a CodeStar project with a stronger role', 'codestar:CreateProject', PASS_ROLE),
  row(TAKE, 'create a CodeStar project and add itself to it', 'codestar:CreateProject', 'codestar:AssociateTeamMember'),
  row(TAKE, 'assume any role whose trust policy lets it in', 'sts:AssumeRole'),
];

/** Every action that appears in some row, lower-cased, in a stable order. */
export const ESCALATION_ACTIONS: readonly string[] = [...new Set(
  ESCALATION_ROWS.flatMap(r => r.clauses.flat().map(a => a.toLowerCase())),
)];

export const ESCALATION_ACTION_INDEX: ReadonlyMap<string, number> = new Map(ESCALATION_ACTIONS.map((a, i) => [a, i]));

/** A row a principal satisfies, with the alternative actions that satisfied it. */
export interface EscalationMatch {
  readonly row: EscalationRow;
  readonly actions: readonly string[];
}

/** The rows satisfied by a set of allowed escalation actions (by index into ESCALATION_ACTIONS). */
export function satisfiedRows(allowed: ReadonlySet<number>): EscalationMatch[] {
  if (allowed.size === 0) return [];
  const matches: EscalationMatch[] = [];
  for (const r of ESCALATION_ROWS) {
    const chosen: string[] = [];
    let ok = true;
    for (const clause of r.clauses) {
      const hit = clause.find(a => allowed.has(ESCALATION_ACTION_INDEX.get(a.toLowerCase())!));
      if (!hit) {
        ok = false;
        break;
      }
      chosen.push(hit);
    }
    if (ok) matches.push({ row: r, actions: chosen });
  }
  return matches;
}
