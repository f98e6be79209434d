/**
 * Known IAM privilege-escalation combinations (Rhino Security Labs, cloudsplaining, pathfinding.cloud,
 * iam-vulnerable; see RULES.md), as data. A row is a list of clauses; a clause is satisfied by
 * any one of its actions; a principal escalates when every clause is allowed on an unbounded
 * resource after Deny subtraction and the permissions boundary.
 */
import { globMatch } from './glob';

export type EscalationCategory = 'self-modification' | 'pass-role' | 'take-over';

export interface EscalationRow {
  readonly category: EscalationCategory;
  /** Each clause lists alternative actions, spelled as AWS spells them. */
  readonly clauses: readonly (readonly string[])[];
  /** What an attacker does with the combination, for the finding's message. */
  readonly how: string;
  /**
   * For rows that pass a role (a clause is `iam:PassRole`): the service principals the role is
   * passed to, as `iam:PassedToService` names them. A role passed there must trust one of them.
   */
  readonly passedTo?: readonly string[];
}

export const PASS_ROLE = 'iam:PassRole';

function row(category: EscalationCategory, how: string, ...clauses: (string | string[])[]): EscalationRow {
  return { category, how, clauses: clauses.map(c => (Array.isArray(c) ? c : [c])) };
}

/** A row that passes a role to `services` and runs code with it through the other clauses. */
function pass(how: string, services: string | string[], ...clauses: (string | string[])[]): EscalationRow {
  return { ...row(PASS, how, PASS_ROLE, ...clauses), passedTo: Array.isArray(services) ? services : [services] };
}

const SELF = 'self-modification';
const PASS = 'pass-role';
const TAKE = 'take-over';

const EC2 = 'ec2.amazonaws.com';
const LAMBDA = 'lambda.amazonaws.com';
const GLUE = 'glue.amazonaws.com';
const CLOUDFORMATION = 'cloudformation.amazonaws.com';
const ECS_TASKS = 'ecs-tasks.amazonaws.com';
const SAGEMAKER = 'sagemaker.amazonaws.com';

/**
 * Every row of /work/shared/reference/privilege-escalation.md (Rhino Security Labs, cloudsplaining,
 * pathfinding.cloud, iam-vulnerable), plus the rows of those lists it does not spell out: Glue
 * interactive sessions, Step Functions, EventBridge Scheduler, SSM automation and associations,
 * CodeBuild project updates, ECS task-role overrides and service updates, SageMaker tuning jobs and
 * Studio, Bedrock AgentCore code interpreters, App Runner updates.
 */
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
  pass('launch an EC2 instance with a stronger role', EC2, 'ec2:RunInstances'),
  pass('request a spot instance with a stronger role', EC2, 'ec2:RequestSpotInstances'),
  pass('attach a stronger instance profile to a running instance', EC2, 'ec2:AssociateIamInstanceProfile'),
  pass('create a Lambda function with a stronger role and invoke it', LAMBDA, 'lambda:CreateFunction', 'lambda:InvokeFunction'),
  pass('create a Lambda function with a stronger role and let a service invoke it', LAMBDA, 'lambda:CreateFunction', 'lambda:AddPermission'),
  pass('create a Lambda function with a stronger role triggered by an event source', LAMBDA, 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'),
  pass('create a Glue development endpoint with a stronger role', GLUE, 'glue:CreateDevEndpoint'),
  pass('create and run a Glue job with a stronger role', GLUE, 'glue:CreateJob', ['glue:StartJobRun', 'glue:CreateTrigger']),
  pass('repoint a Glue job to a stronger role and run it', GLUE, 'glue:UpdateJob', ['glue:StartJobRun', 'glue:CreateTrigger']),
  pass('open a Glue interactive session with a stronger role and run code in it', GLUE, 'glue:CreateSession', 'glue:RunStatement'),
  pass('create a CloudFormation stack that runs with a stronger role', CLOUDFORMATION, 'cloudformation:CreateStack'),
  pass('update a CloudFormation stack to run with a stronger role', CLOUDFORMATION, 'cloudformation:UpdateStack'),
  pass('create and execute a change set that runs with a stronger role', CLOUDFORMATION, 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet'),
  pass('create a stack set with a stronger role and deploy instances', CLOUDFORMATION, 'cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'),
  pass('update a stack set to run with a stronger role', CLOUDFORMATION, 'cloudformation:UpdateStackSet'),
  pass('create a Data Pipeline that runs with a stronger role', ['datapipeline.amazonaws.com', 'elasticmapreduce.amazonaws.com'],
    'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'),
  pass('create and start a CodeBuild project with a stronger role', 'codebuild.amazonaws.com', 'codebuild:CreateProject',
    ['codebuild:StartBuild', 'codebuild:StartBuildBatch']),
  pass('repoint a CodeBuild project to a stronger role and start it', 'codebuild.amazonaws.com', 'codebuild:UpdateProject',
    ['codebuild:StartBuild', 'codebuild:StartBuildBatch']),
  pass('register an ECS task definition with a stronger role and run it', ECS_TASKS, 'ecs:RegisterTaskDefinition',
    ['ecs:RunTask', 'ecs:StartTask', 'ecs:CreateService', 'ecs:UpdateService']),
  pass('run an ECS task overriding its task role with a stronger one', ECS_TASKS, ['ecs:RunTask', 'ecs:StartTask']),
  pass('create a SageMaker notebook instance with a stronger role', SAGEMAKER, 'sagemaker:CreateNotebookInstance'),
  pass('create a SageMaker training job with a stronger role', SAGEMAKER, 'sagemaker:CreateTrainingJob'),
  pass('create a SageMaker processing job with a stronger role', SAGEMAKER, 'sagemaker:CreateProcessingJob'),
  pass('create a SageMaker tuning job whose training runs with a stronger role', SAGEMAKER, 'sagemaker:CreateHyperParameterTuningJob'),
  pass('create an App Runner service with a stronger role', ['tasks.apprunner.amazonaws.com', 'build.apprunner.amazonaws.com'], 'apprunner:CreateService'),
  pass('repoint an App Runner service to a stronger role', ['tasks.apprunner.amazonaws.com', 'build.apprunner.amazonaws.com'], 'apprunner:UpdateService'),
  pass('create an Auto Scaling group whose instances get a stronger role', EC2, 'autoscaling:CreateLaunchConfiguration', 'autoscaling:CreateAutoScalingGroup'),
  pass('create a state machine with a stronger role and start it (it can call any AWS API)', 'states.amazonaws.com',
    'states:CreateStateMachine', 'states:StartExecution'),
  pass('schedule any AWS API call made with a stronger role (EventBridge Scheduler universal targets)', 'scheduler.amazonaws.com', 'scheduler:CreateSchedule'),
  pass('start an SSM automation that runs with a stronger role', 'ssm.amazonaws.com', 'ssm:StartAutomationExecution'),
  pass('create a Bedrock AgentCore code interpreter with a stronger role and run code in it', 'bedrock-agentcore.amazonaws.com',
    'bedrock-agentcore:CreateCodeInterpreter', 'bedrock-agentcore:StartCodeInterpreterSession', 'bedrock-agentcore:InvokeCodeInterpreter'),
  // Take over something that already runs with a role.
  row(TAKE, 'replace the code of any Lambda function and inherit its role', 'lambda:UpdateFunctionCode'),
  row(TAKE, 'attach a malicious layer to any Lambda function (or change its handler or environment)', 'lambda:UpdateFunctionConfiguration'),
  row(TAKE, 'add its own SSH key to any Glue development endpoint', 'glue:UpdateDevEndpoint'),
  row(TAKE, 'update any CloudFormation stack, acting with the stack\'s role', 'cloudformation:UpdateStack'),
  row(TAKE, 'change any CloudFormation stack through a change set', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet'),
  row(TAKE, 'start a build of any CodeBuild project with a buildspec override', 'codebuild:StartBuild'),
  row(TAKE, 'start a batch build of any CodeBuild project with a buildspec override', 'codebuild:StartBuildBatch'),
  row(TAKE, 'rewrite the buildspec of any CodeBuild project and build it', 'codebuild:UpdateProject', ['codebuild:StartBuild', 'codebuild:StartBuildBatch']),
  row(TAKE, 'rewrite the user data of any instance and restart it', 'ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances'),
  row(TAKE, 'publish a launch template version with new user data and make it the default', 'ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'),
  row(TAKE, 'log in to any instance with its own SSH key', 'ec2-instance-connect:SendSSHPublicKey'),
  row(TAKE, 'run commands on any managed instance', 'ssm:SendCommand'),
  row(TAKE, 'open a shell on any managed instance', 'ssm:StartSession'),
  row(TAKE, 'associate any SSM document (commands) with any managed instance', 'ssm:CreateAssociation'),
  row(TAKE, 'open a shell in any ECS container', 'ecs:ExecuteCommand'),
  row(TAKE, 'open any SageMaker notebook and use its role', 'sagemaker:CreatePresignedNotebookInstanceUrl'),
  row(TAKE, 'open any SageMaker Studio profile and use its execution role', 'sagemaker:CreatePresignedDomainUrl'),
  row(TAKE, 'inject a lifecycle script into any SageMaker notebook', 'sagemaker:CreateNotebookInstanceLifecycleConfig', 'sagemaker:StopNotebookInstance',
    'sagemaker:UpdateNotebookInstance', 'sagemaker:StartNotebookInstance'),
  row(TAKE, 'create a CodeStar project from a template with the service\'s privileges', 'codestar:CreateProjectFromTemplate'),
  { ...row(TAKE, 'create a CodeStar project with a stronger role', 'codestar:CreateProject', PASS_ROLE), passedTo: ['codestar.amazonaws.com'] },
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

/**
 * Where a principal may pass roles: `'any'` service, or only the services its `iam:PassedToService`
 * conditions name (values may be wildcards, `ec2.amazonaws.com`, `*.amazonaws.com`).
 */
export type PassTargets = 'any' | readonly string[];

/** Whether a row's pass-role clause is usable with roles passed only to `passTo`. */
export function rowAcceptsPassTargets(r: EscalationRow, passTo: PassTargets): boolean {
  if (passTo === 'any' || !r.passedTo) return true;
  return r.passedTo.some(service => passTo.some(allowed => globMatch(allowed, service)));
}

/**
 * The rows satisfied by a set of allowed escalation actions (by index into ESCALATION_ACTIONS),
 * pass-role rows only for the services roles may be passed to.
 */
export function satisfiedRows(allowed: ReadonlySet<number>, passTo: PassTargets = 'any'): EscalationMatch[] {
  if (allowed.size === 0) return [];
  const matches: EscalationMatch[] = [];
  for (const r of ESCALATION_ROWS) {
    if (!rowAcceptsPassTargets(r, passTo)) continue;
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
