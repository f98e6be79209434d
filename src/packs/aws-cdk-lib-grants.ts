/**
 * Which IAM resources aws-cdk-lib writes on its own, inside a construct the app created, where the
 * app cannot change what they grant: CDK Pipelines' roles, custom-resource provider roles,
 * singleton handlers (log retention, bucket notifications, auto-delete, bucket deployment). Their
 * findings are still real; the report says whose they are and how to acknowledge them.
 */
import { Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The aws-cdk-lib construct that wrote an IAM resource the app cannot change. */
export interface AwsCdkLibOwner {
  /** The construct the app created (or the singleton aws-cdk-lib added to the stack). */
  readonly construct: IConstruct;
  /** Its jsii type name, e.g. `aws-cdk-lib.pipelines.CodePipeline`. */
  readonly fqn: string;
}

// Singleton handlers are named by a fixed UUID without dashes (`LogRetentionaae0aa3c...`,
// `AWS679f53fac002430cb0da5b7982bd2287`, `Custom::CDKBucketDeployment8693BB64...`).
const SINGLETON_ID = /[0-9a-fA-F]{32}$/;
// Providers built on CustomResourceProviderBase (`Custom::S3AutoDeleteObjectsCustomResourceProvider`).
const PROVIDER_FQN = /^aws-cdk-lib\.(CustomResourceProvider|CustomResourceProviderBase)$/;
// Subsystems whose every role is generated from the app's steps, never written by it.
const GENERATING_FQN = /^aws-cdk-lib\.pipelines\./;

/**
 * The aws-cdk-lib construct that owns an IAM resource the app cannot change, if any. A role the app
 * can grant to (a Lambda function's `role`, a project's `role`) is the app's: only resources that
 * aws-cdk-lib nests inside another aws-cdk-lib construct or a scope of its own (a pipeline's build
 * project role, a CodePipeline action's role, a provider framework's function role), singletons,
 * and everything under CDK Pipelines count.
 */
export function awsCdkLibOwner(resource: IConstruct): AwsCdkLibOwner | undefined {
  const chain: { construct: IConstruct; fqn: string }[] = [];
  // Read once: aws-cdk-lib's index exports its classes through getters.
  const stackClass = Stack;
  const stageClass = Stage;
  for (let current = resource.node.scope; current && !stackClass.isStack(current) && !stageClass.isStage(current); current = current.node.scope) {
    chain.push({ construct: current, fqn: fqnOf(current) });
  }
  for (const link of chain) {
    if (SINGLETON_ID.test(link.construct.node.id) || PROVIDER_FQN.test(link.fqn)) return link;
  }
  // The outermost aws-cdk-lib construct (not aws_iam's) of the chain, and how many there are.
  let outermost: { construct: IConstruct; fqn: string } | undefined;
  let outermostIndex = -1;
  let libraryConstructs = 0;
  chain.forEach((link, index) => {
    if (!link.fqn.startsWith('aws-cdk-lib.') || link.fqn.startsWith('aws-cdk-lib.aws_iam.')) return;
    outermost = link;
    outermostIndex = index;
    libraryConstructs++;
  });
  if (!outermost) return undefined;
  if (GENERATING_FQN.test(outermost.fqn)) return outermost;
  if (libraryConstructs >= 2) return outermost;
  // A plain scope between the resource and the library construct was made by the library (a
  // pipeline's stage and action scopes): apps add their own constructs beside L2s, not inside them.
  for (let i = 0; i < outermostIndex; i++) if (chain[i].fqn === 'constructs.Construct') return outermost;
  return undefined;
}

function fqnOf(construct: IConstruct): string {
  const rtti = (construct.constructor as unknown as { [key: symbol]: { fqn?: string } | undefined })[Symbol.for('jsii.rtti')];
  return rtti?.fqn ?? construct.constructor.name;
}
