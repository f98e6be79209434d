/**
 * Credentials-in-code rules (CR): AWS access keys written into Lambda or ECS environments, EC2 user
 * data or plaintext SSM parameters, and EC2 instances that would need such keys for lack of a role.
 */
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, ResolvedResource } from './context';
import { findingsResult, findingSubject, GuardrailsRule, RuleFamily } from './rule';
import {
  findAccessKeyIds, findSecretAccessKeys, isSecretKeyName, literalText, looksLikeSecretAccessKey,
} from '../policy/credentials';
import { isObject } from '../policy/document';

/** One place a value can hide a credential, named for the finding. */
interface Location {
  readonly name: string;
  /** The variable's name when the location is an environment variable. */
  readonly variable?: string;
  readonly text: string;
}

const SCANNED_TYPES = new Set([
  'AWS::Lambda::Function', 'AWS::ECS::TaskDefinition', 'AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate',
  'AWS::AutoScaling::LaunchConfiguration', 'AWS::SSM::Parameter',
]);

function locationsOf(r: ResolvedResource): Location[] | undefined {
  if (!SCANNED_TYPES.has(r.type)) return undefined;
  return r.memo('credential-locations', () => collectLocations(r));
}

function collectLocations(r: ResolvedResource): Location[] {
  // Evaluated values: Fn::Join, Fn::Sub and Fn::Base64 are text here, and each Fn::If branch is read.
  const props = r.properties;
  switch (r.type) {
    case 'AWS::Lambda::Function': {
      const env = isObject(props.Environment) ? props.Environment.Variables : undefined;
      if (!isObject(env)) return [];
      return Object.entries(env).map(([name, value]) => ({ name: `Environment.${name}`, variable: name, text: literalText(value) }));
    }
    case 'AWS::ECS::TaskDefinition':
      return asList(props.ContainerDefinitions).filter(isObject).flatMap((container, i) => {
        const containerName = typeof container.Name === 'string' ? container.Name : `#${i}`;
        return asList(container.Environment).filter(isObject).map(entry => {
          const variable = typeof entry.Name === 'string' ? entry.Name : '?';
          return { name: `${containerName}.Environment.${variable}`, variable, text: literalText(entry.Value) };
        });
      });
    case 'AWS::EC2::Instance':
    case 'AWS::AutoScaling::LaunchConfiguration':
      return props.UserData === undefined ? [] : [{ name: 'UserData', text: literalText(props.UserData) }];
    case 'AWS::EC2::LaunchTemplate': {
      const data = isObject(props.LaunchTemplateData) ? props.LaunchTemplateData.UserData : undefined;
      return data === undefined ? [] : [{ name: 'LaunchTemplateData.UserData', text: literalText(data) }];
    }
    case 'AWS::SSM::Parameter': {
      // SecureString cannot be created by CloudFormation; String and StringList are plaintext.
      if (typeof props.Type === 'string' && !['String', 'StringList'].includes(props.Type)) return [];
      return props.Value === undefined ? [] : [{ name: 'Value', text: literalText(props.Value) }];
    }
    default:
      return [];
  }
}

/** CR1: an AWS access key id in code or configuration. */
export function accessKeyIdInCode(r: ResolvedResource): NagRuleResult {
  const locations = locationsOf(r);
  if (!locations) return NagRuleCompliance.NOT_APPLICABLE;
  return findingsResult(locations.filter(l => findAccessKeyIds(l.text).length > 0).map(l => `AccessKeyId::${l.name}`), true);
}

/** CR2: a secret access key in code or configuration. */
export function secretAccessKeyInCode(r: ResolvedResource): NagRuleResult {
  const locations = locationsOf(r);
  if (!locations) return NagRuleCompliance.NOT_APPLICABLE;
  const hits = locations.filter(l => {
    if (l.variable !== undefined) {
      const value = l.text.trim();
      if (looksLikeSecretAccessKey(value)) return true;
      return isSecretKeyName(l.variable) && value.length > 0 && !value.startsWith('<') && !value.includes('{{resolve:');
    }
    return findSecretAccessKeys(l.text).length > 0;
  });
  return findingsResult(hits.map(l => `SecretAccessKey::${l.name}`), true);
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
    title: 'An AWS access key id appears in a Lambda or ECS environment, EC2 user data or a plaintext SSM parameter.',
    explanation: 'Keys in templates end up in source control, the CloudFormation console and logs; anyone who reads them can use them.',
    check: accessKeyIdInCode,
    describe: f => `An AWS access key id (AKIA.../ASIA...) is written into ${findingSubject(f)}. Fix: delete and rotate the key; `
      + 'give the workload a role (the function\'s, task\'s or instance\'s role) instead, or read secrets from Secrets Manager at run time.',
  },
  {
    id: 'CR2',
    family: FAMILY,
    level: NagMessageLevel.ERROR,
    title: 'A secret access key (or a value shaped like one) appears in a Lambda or ECS environment, EC2 user data or a plaintext SSM parameter.',
    explanation: 'A secret access key in a template is a leaked credential.',
    check: secretAccessKeyInCode,
    describe: f => `A value shaped like an AWS secret access key is written into ${findingSubject(f)}. Fix: delete and rotate the key; `
      + 'use the workload\'s role instead, or Secrets Manager (secret.grantRead) for third-party secrets.',
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
