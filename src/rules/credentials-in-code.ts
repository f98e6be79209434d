/**
 * Credentials-in-code rules (CR): AWS access keys written into a template wherever it carries code
 * or configuration: Lambda environments and inline code, ECS container environments, CodeBuild
 * plaintext variables and inline buildspecs, EC2 user data, `AWS::CloudFormation::Init` and
 * `AWS::CloudFormation::Authentication` metadata (on any resource), Secrets Manager literals,
 * Step Functions definitions and plaintext SSM parameters; and EC2 instances that would need such
 * keys for lack of a role.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, ResolvedResource } from './context';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily, sanitizeFinding } from './rule';
import {
  accessKeyIdsIn, isLiteralUnderSecretKeyName, jsonLeaves, maskCredential, parseJsonObject, scanText, secretAccessKeysIn, ValueContext,
} from '../policy/credentials';
import { isObject } from '../policy/document';

/** What a reviewer is told to do, by the kind of place a credential was found in. */
type LocationKind = 'lambda-env' | 'lambda-code' | 'container-env' | 'codebuild-env' | 'codebuild-buildspec' | 'user-data'
| 'cfn-init' | 'cfn-authentication' | 'secret' | 'state-machine' | 'ssm';

/** One place a value can hide a credential, named for the finding. */
interface Location {
  /** The finding's subject: the property path, e.g. `Environment.EnvironmentVariables.AWS_KEY`. */
  readonly path: string;
  readonly kind: LocationKind;
  readonly text: string;
  readonly context: ValueContext;
}

const SCANNED_TYPES = new Set([
  'AWS::Lambda::Function', 'AWS::ECS::TaskDefinition', 'AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate',
  'AWS::AutoScaling::LaunchConfiguration', 'AWS::SSM::Parameter', 'AWS::CodeBuild::Project', 'AWS::SecretsManager::Secret',
  'AWS::StepFunctions::StateMachine', 'AWS::Serverless::Function',
]);

const INIT = 'AWS::CloudFormation::Init';
const AUTHENTICATION = 'AWS::CloudFormation::Authentication';

function locationsOf(r: ResolvedResource): Location[] | undefined {
  const metadata = r.resource.metadata;
  const hasMetadata = metadata[INIT] !== undefined || metadata[AUTHENTICATION] !== undefined;
  if (!SCANNED_TYPES.has(r.type) && !hasMetadata) return undefined;
  return r.memo('credential-locations', () => [...propertyLocations(r), ...(hasMetadata ? metadataLocations(r) : [])]);
}

/** A value stored under a name (an environment variable, a JSON key): the name helps judge it. */
function named(path: string, kind: LocationKind, name: string, value: unknown): Location {
  return { path, kind, text: scanText(value), context: { name, freeText: false } };
}

/** Code, a script or a file: a token in it needs more than its shape to be a key. */
function freeText(path: string, kind: LocationKind, value: unknown): Location {
  return { path, kind, text: scanText(value), context: { freeText: true } };
}

/**
 * The leaves of a JSON value (a state machine definition, a secret's JSON), each named by its key:
 * `DefinitionString.States.Call.Parameters.Headers.X-Api-Key`.
 */
function jsonLocations(prefix: string, kind: LocationKind, value: unknown): Location[] {
  return jsonLeaves(value).map(leaf => {
    const key = leaf.path.length > 0 ? leaf.path[leaf.path.length - 1] : prefix;
    return { path: [prefix, ...leaf.path].join('.'), kind, text: leaf.text, context: { name: key, freeText: false } };
  });
}

/** A JSON document written as text (a definition string, a secret string), or the text itself. */
function jsonTextLocations(prefix: string, kind: LocationKind, value: unknown): Location[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') return jsonLocations(prefix, kind, value);
  const parsed = parseJsonObject(value);
  return parsed !== undefined ? jsonLocations(prefix, kind, parsed) : [named(prefix, kind, prefix, value)];
}

function propertyLocations(r: ResolvedResource): Location[] {
  // Evaluated values: Fn::Join, Fn::Sub and Fn::Base64 are text here, and each Fn::If branch is read.
  const props = r.properties;
  switch (r.type) {
    case 'AWS::Lambda::Function':
    case 'AWS::Serverless::Function': {
      // A SAM template before its transform carries the same environment, and inline code in InlineCode.
      const env = isObject(props.Environment) ? props.Environment.Variables : undefined;
      const variables = isObject(env) ? Object.entries(env).map(([name, value]) => named(`Environment.${name}`, 'lambda-env', name, value)) : [];
      const code = isObject(props.Code) ? props.Code.ZipFile : props.InlineCode;
      return code === undefined ? variables : [...variables, freeText('Code.ZipFile', 'lambda-code', code)];
    }
    case 'AWS::ECS::TaskDefinition':
      return asList(props.ContainerDefinitions).filter(isObject).flatMap((container, i) => {
        const containerName = typeof container.Name === 'string' ? container.Name : `#${i}`;
        return asList(container.Environment).filter(isObject).map(entry => {
          const variable = typeof entry.Name === 'string' ? entry.Name : '?';
          return named(`${containerName}.Environment.${variable}`, 'container-env', variable, entry.Value);
        });
      });
    case 'AWS::CodeBuild::Project': {
      const env = isObject(props.Environment) ? props.Environment : {};
      // PARAMETER_STORE and SECRETS_MANAGER values are names of secrets, read when the build starts.
      const variables = asList(env.EnvironmentVariables).filter(isObject)
        .filter(v => v.Type === undefined || (typeof v.Type === 'string' && v.Type.toUpperCase() === 'PLAINTEXT'))
        .map(v => {
          const variable = typeof v.Name === 'string' ? v.Name : '?';
          return named(`Environment.EnvironmentVariables.${variable}`, 'codebuild-env', variable, v.Value);
        });
      const buildSpec = isObject(props.Source) ? props.Source.BuildSpec : undefined;
      return typeof buildSpec === 'string' ? [...variables, freeText('Source.BuildSpec', 'codebuild-buildspec', buildSpec)] : variables;
    }
    case 'AWS::EC2::Instance':
    case 'AWS::AutoScaling::LaunchConfiguration':
      return props.UserData === undefined ? [] : [freeText('UserData', 'user-data', props.UserData)];
    case 'AWS::EC2::LaunchTemplate': {
      const data = isObject(props.LaunchTemplateData) ? props.LaunchTemplateData.UserData : undefined;
      return data === undefined ? [] : [freeText('LaunchTemplateData.UserData', 'user-data', data)];
    }
    case 'AWS::SSM::Parameter': {
      // SecureString cannot be created by CloudFormation; String and StringList are plaintext.
      if (typeof props.Type === 'string' && !['String', 'StringList'].includes(props.Type)) return [];
      const name = typeof props.Name === 'string' ? props.Name : 'Value';
      return props.Value === undefined ? [] : [named('Value', 'ssm', name, props.Value)];
    }
    case 'AWS::SecretsManager::Secret': {
      // A literal SecretString (or a template of the generated one) is in the template for anyone to read.
      const generated = isObject(props.GenerateSecretString) ? props.GenerateSecretString.SecretStringTemplate : undefined;
      return [
        ...jsonTextLocations('SecretString', 'secret', props.SecretString),
        ...jsonTextLocations('GenerateSecretString.SecretStringTemplate', 'secret', generated),
      ];
    }
    case 'AWS::StepFunctions::StateMachine': {
      const substitutions = isObject(props.DefinitionSubstitutions) ? props.DefinitionSubstitutions : {};
      return [
        ...jsonTextLocations('Definition', 'state-machine', props.Definition),
        ...jsonTextLocations('DefinitionString', 'state-machine', props.DefinitionString),
        ...Object.entries(substitutions).map(([name, value]) => named(`DefinitionSubstitutions.${name}`, 'state-machine', name, value)),
      ];
    }
    default:
      return [];
  }
}

/**
 * `AWS::CloudFormation::Init` (files, commands and their environment, any other section of each
 * config) and `AWS::CloudFormation::Authentication` (S3 or basic credentials for cfn-init), on
 * any resource: cfn-init reads them from the template.
 */
function metadataLocations(r: ResolvedResource): Location[] {
  const metadata = r.resource.metadata;
  const out: Location[] = [];
  const init = r.resource.stack.evaluate(metadata[INIT], r.assignment);
  if (isObject(init)) {
    for (const [configName, config] of Object.entries(init)) {
      if (configName === 'configSets' || !isObject(config)) continue;
      const prefix = `Metadata.${INIT}.${configName}`;
      for (const [section, content] of Object.entries(config)) {
        if (section === 'files' && isObject(content)) {
          for (const [file, spec] of Object.entries(content)) out.push(freeText(`${prefix}.files.${file}`, 'cfn-init', spec));
        } else if (section === 'commands' && isObject(content)) {
          for (const [command, spec] of Object.entries(content)) {
            if (!isObject(spec)) continue;
            const { env, ...rest } = spec;
            out.push(freeText(`${prefix}.commands.${command}`, 'cfn-init', rest));
            if (isObject(env)) {
              for (const [variable, value] of Object.entries(env)) {
                out.push(named(`${prefix}.commands.${command}.env.${variable}`, 'cfn-init', variable, value));
              }
            }
          }
        } else {
          out.push(freeText(`${prefix}.${section}`, 'cfn-init', content));
        }
      }
    }
  }
  const authentication = r.resource.stack.evaluate(metadata[AUTHENTICATION], r.assignment);
  if (isObject(authentication)) {
    for (const [name, spec] of Object.entries(authentication)) {
      if (!isObject(spec)) continue;
      for (const [field, value] of Object.entries(spec)) {
        out.push(named(`Metadata.${AUTHENTICATION}.${name}.${field}`, 'cfn-authentication', field, value));
      }
    }
  }
  return out;
}

function hasAccessKeyId(l: Location): boolean {
  return accessKeyIdsIn(l.text).length > 0;
}

function hasSecretAccessKey(l: Location): boolean {
  if (secretAccessKeysIn(l.text, l.context).length > 0) return true;
  return l.context.name !== undefined && isLiteralUnderSecretKeyName(l.context.name, l.text);
}

/** CR1: an AWS access key id in code or configuration. */
export function accessKeyIdInCode(r: ResolvedResource): NagRuleResult {
  const locations = locationsOf(r);
  if (!locations) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(locations.filter(hasAccessKeyId).map(l => `AccessKeyId::${l.path}`), true);
}

/** CR2: a secret access key in code or configuration. */
export function secretAccessKeyInCode(r: ResolvedResource): NagRuleResult {
  const locations = locationsOf(r);
  if (!locations) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(locations.filter(hasSecretAccessKey).map(l => `SecretAccessKey::${l.path}`), true);
}

/** The location a finding names, found again on the resource (findings are sanitized: compare so). */
function locationOf(finding: string | undefined, r: ResolvedResource | undefined): Location | undefined {
  if (!finding || !r) return undefined;
  const kind = finding.slice(0, finding.indexOf('::') + 2);
  return locationsOf(r)?.find(l => sanitizeFinding(`${kind}${l.path}`) === finding);
}

/** What was found, masked: `AKIA************MPLE`. */
function whatWasFound(finding: string | undefined, l: Location | undefined): string {
  if (!l) return '';
  if (finding?.startsWith('AccessKeyId::')) {
    const ids = [...new Set(accessKeyIdsIn(l.text))];
    return ids.length > 0 ? ` (${ids.slice(0, 3).map(maskCredential).join(', ')})` : '';
  }
  const keys = [...new Set(secretAccessKeysIn(l.text, l.context))];
  if (keys.length > 0) return ` (${keys.slice(0, 3).map(maskCredential).join(', ')})`;
  return l.context.name !== undefined ? ` (a literal value under the name "${l.context.name}", which announces a secret key)` : '';
}

const FIX: { readonly [kind in LocationKind]: string } = {
  'lambda-env': 'remove the variable and let the SDK use the function\'s role (grant it what the key allowed); for a third-party '
    + 'secret, put it in Secrets Manager, pass only its ARN and read it at run time (secret.grantRead(fn)).',
  'lambda-code': 'remove the key from the inline code and let the SDK use the function\'s role (grant it what the key allowed); '
    + 'for a third-party secret, read it from Secrets Manager at run time (secret.grantRead(fn)).',
  'container-env': 'remove the variable and give the task role what the key allowed; for a third-party secret use '
    + 'container secrets (secrets: { X: ecs.Secret.fromSecretsManager(secret) }), which ECS injects at start.',
  'codebuild-env': 'remove the variable and give the project\'s role what the key allowed; for a third-party secret use a '
    + 'SECRETS_MANAGER or PARAMETER_STORE variable (environmentVariables: { X: { type: BuildEnvironmentVariableType.SECRETS_MANAGER, '
    + 'value: secret.secretArn } }).',
  'codebuild-buildspec': 'remove the key from the buildspec and give the project\'s role what the key allowed; for a third-party '
    + 'secret use env.secrets-manager in the buildspec or a SECRETS_MANAGER variable.',
  'user-data': 'remove the key from the user data and give the instance a role (instance profile) with what the key allowed; '
    + 'for a third-party secret, read it from Secrets Manager at boot with the instance role.',
  'cfn-init': 'remove the key from the cfn-init metadata and give the instance a role (instance profile) with what the key allowed; '
    + 'for a third-party secret, fetch it from Secrets Manager in a command with the instance role.',
  'cfn-authentication': 'use the instance role for cfn-init downloads (AWS::CloudFormation::Authentication type S3 with roleName, '
    + 'not accessKeyId/secretKey).',
  'secret': 'a SecretString written in the template is readable by anyone who reads the template: generate the value '
    + '(generateSecretString) or set it after deployment, and do not store AWS keys at all: give the workload a role.',
  'state-machine': 'remove the key from the definition and give the state machine\'s role what the key allowed; for a third-party '
    + 'secret, read it at run time (an aws-sdk:secretsmanager:getSecretValue task, or an EventBridge connection for HTTP tasks).',
  'ssm': 'String and StringList parameters are plaintext: do not store AWS keys there (give the workload a role); for '
    + 'third-party secrets use Secrets Manager or a SecureString parameter created outside the template.',
};

function describeCredential(what: string, finding: string | undefined, r: ResolvedResource | undefined): string {
  const l = locationOf(finding, r);
  const where = l ? l.path : findingSubject(finding);
  const fix = l ? FIX[l.kind] : 'give the workload a role instead, or read secrets from Secrets Manager at run time.';
  return `${what} is written into ${where}${whatWasFound(finding, l)}. Fix: delete and rotate the key; ${fix}`;
}

/** CR3: an EC2 instance without an instance profile (so its software would need access keys). */
export function instanceWithoutProfile(r: ResolvedResource): NagRuleResult {
  if (r.type !== 'AWS::EC2::Instance') return NagRuleCompliance.NOT_APPLICABLE;
  return r.properties.IamInstanceProfile === undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

const FAMILY = RuleFamily.CREDENTIALS_IN_CODE;

export const CREDENTIALS_IN_CODE_RULES: readonly GuardrailsRule[] = [
  {
    id: 'CR1',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'An AWS access key id is written into code or configuration of the template (environments, inline code, user data, '
      + 'cfn-init metadata, buildspecs, secrets, state machines, plaintext SSM parameters).',
    explanation: 'Keys in templates end up in source control, the CloudFormation console and logs; anyone who reads them can use them.',
    check: accessKeyIdInCode,
    describe: (f, r) => describeCredential('An AWS access key id (AKIA.../ASIA...)', f, r),
  },
  {
    id: 'CR2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A secret access key (or a value shaped like one, or a literal under a secret-key name) is written into code or '
      + 'configuration of the template.',
    explanation: 'A secret access key in a template is a leaked credential.',
    check: secretAccessKeyInCode,
    describe: (f, r) => describeCredential('An AWS secret access key (or a value shaped like one)', f, r),
  },
  {
    id: 'CR3',
    family: FAMILY,
    level: NagMessageLevel.WARN,
    title: 'An EC2 instance has no IAM instance profile.',
    explanation: 'Without a role, software on the instance that calls AWS needs long-term access keys.',
    check: instanceWithoutProfile,
    describe: () => 'The EC2 instance has no IAM instance profile. Fix: give it a role (ec2.Instance creates one; for CfnInstance set '
      + 'iamInstanceProfile) so software on it uses temporary credentials.',
  },
];
