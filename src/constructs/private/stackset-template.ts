/**
 * Synthesizes the template of a service-managed StackSet from ordinary constructs, and lists the
 * file assets (Lambda code) it needs, so that they can be copied where every member account can
 * read them.
 *
 * Why not a NestedStack or a sibling Stack: a StackSet deploys its template in accounts that are
 * not bootstrapped, so CDK's default synthesizer (which points assets at the bootstrap bucket of
 * the deploying account) cannot be used, and a sibling Stack would be deployed by `cdk deploy` as
 * a stack of its own. The template is built in a private App with a synthesizer that turns every
 * file asset into two StackSet parameters (bucket and key) instead, much like cdklabs'
 * cdk-stacksets does; OrganizationGuardrails then copies each asset into a bucket the
 * organization may read and passes bucket and key as StackSet parameters.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  App, CfnCondition, CfnParameter, CfnResource, DockerImageAssetLocation, DockerImageAssetSource, FileAssetLocation,
  FileAssetSource, ISynthesisSession, Stack, StackSynthesizer,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/** A file asset of the StackSet template: where it is on disk, and the parameter naming its key. */
export interface StackSetFileAsset {
  readonly sourceHash: string;
  /** Absolute path of the staged directory or file. */
  readonly path: string;
  /** The template parameter that receives the object key of the copied asset. */
  readonly keyParameterName: string;
}

/** The template parameter that receives the name of the bucket holding the copied assets. */
export const ASSET_BUCKET_PARAMETER = 'AssetBucketName';

class StackSetAssetSynthesizer extends StackSynthesizer {
  public readonly assets: StackSetFileAsset[] = [];
  private bucket?: CfnParameter;
  private outdir = '';

  public setOutdir(outdir: string): void {
    this.outdir = outdir;
  }

  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!asset.fileName) {
      throw new Error(`StackSet template: asset ${asset.sourceHash} has no file (executable assets cannot reach member accounts)`);
    }
    const stack = this.boundStack;
    this.bucket ??= new CfnParameter(stack, ASSET_BUCKET_PARAMETER, {
      type: 'String',
      description: 'Bucket (in this region) holding the Lambda code of this StackSet, readable by the organization',
    });
    let known = this.assets.find((a) => a.sourceHash === asset.sourceHash);
    if (!known) {
      known = {
        sourceHash: asset.sourceHash,
        path: path.resolve(this.outdir, asset.fileName),
        keyParameterName: `AssetKey${this.assets.length}`,
      };
      this.assets.push(known);
      new CfnParameter(stack, known.keyParameterName, { type: 'String', description: `Object key of asset ${asset.sourceHash}` });
    }
    const bucketName = this.bucket.valueAsString;
    const keyValue = (stack.node.findChild(known.keyParameterName) as CfnParameter).valueAsString;
    return {
      bucketName,
      objectKey: keyValue,
      httpUrl: `https://s3.${stack.region}.${stack.urlSuffix}/${bucketName}/${keyValue}`,
      s3ObjectUrl: `s3://${bucketName}/${keyValue}`,
    };
  }

  public addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error('StackSet template: container image assets cannot reach member accounts');
  }

  public synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    this.emitArtifact(session, {});
  }
}

/** What `synthesizeStackSetTemplate` produces. */
export interface StackSetTemplate {
  /** The template, as an object. */
  readonly template: { [key: string]: any };
  /** The file assets the template refers to through parameters. */
  readonly assets: readonly StackSetFileAsset[];
}

/**
 * Builds a stack with `build`, applies the given conditions to every CloudFormation resource
 * (`conditionOf` returns undefined for resources that exist in every region), and synthesizes it.
 */
export function synthesizeStackSetTemplate(
  build: (stack: Stack) => void,
  conditionOf: (resource: CfnResource, stack: Stack) => CfnCondition | undefined,
): StackSetTemplate {
  // An explicit, fresh output directory: under `cdk synth`, CDK_OUTDIR would otherwise make this
  // App write into (and over) the real cloud assembly.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iam-guardrails-stackset-'));
  const app = new App({ outdir, analyticsReporting: false, autoSynth: false });
  const synthesizer = new StackSetAssetSynthesizer();
  synthesizer.setOutdir(outdir);
  const stack = new Stack(app, 'StackSetTemplate', { synthesizer, analyticsReporting: false });
  build(stack);
  for (const resource of cfnResourcesOf(stack)) {
    const condition = conditionOf(resource, stack);
    if (condition) resource.cfnOptions.condition = condition;
  }
  const template = app.synth().getStackByName(stack.stackName).template;
  return { template, assets: synthesizer.assets };
}

function cfnResourcesOf(scope: IConstruct): CfnResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
}

/** Whether `construct` is `scope` or inside it. */
export function isWithin(construct: IConstruct, scope: Construct): boolean {
  return construct.node.scopes.includes(scope);
}
