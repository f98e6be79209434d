/**
 * Classes of actions that make a grant on every resource worse than an ordinary write, as data:
 * reads of sensitive data (data exfiltration) and destructive writes. Access levels come from the
 * catalog (`catalog.ts`); these lists only add what the catalog's levels cannot say.
 */
import { ActionInfo } from './catalog';

/**
 * Reads that return sensitive data, read on every resource: data exfiltration. The core is the
 * list cloudsplaining uses and checkov's CKV_AWS_108 reuses (`s3:GetObject`, `ssm:GetParameter`,
 * `ssm:GetParameters`, `ssm:GetParametersByPath`, `secretsmanager:GetSecretValue`), plus reads of
 * the same kind. Access level as the catalog has it, each checked by a test:
 *
 * | action | catalog level | what it returns |
 * |---|---|---|
 * | s3:GetObject, s3:GetObjectVersion | Read | object contents |
 * | ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath, ssm:GetParameterHistory | Read | parameters, SecureStrings decrypted |
 * | secretsmanager:GetSecretValue | Read | secrets |
 * | kms:Decrypt | Write | plaintext of anything encrypted under the key (narrowed by kms:ViaService) |
 * | dynamodb:GetItem, BatchGetItem, Query, Scan, PartiQLSelect | Read | table items |
 * | rds-data:ExecuteStatement, BatchExecuteStatement | Write | query results of Aurora databases |
 * | lambda:GetFunction | Read | a presigned URL to the function code (and its environment) |
 * | ecr:GetDownloadUrlForLayer, ecr:BatchGetImage | Read | container images |
 * | sqs:ReceiveMessage | Read | queue messages |
 * | kinesis:GetRecords | Read | stream records |
 * | codecommit:GitPull | Read | repository contents |
 * | ec2:GetPasswordData | Read | Windows administrator passwords |
 *
 * Left out: `secretsmanager:BatchGetSecretValue` (no resource type, and it also needs
 * GetSecretValue on each secret), `ecr:GetAuthorizationToken` (a token, no data).
 */
export const SENSITIVE_READ_ACTIONS: readonly string[] = [
  's3:GetObject', 's3:GetObjectVersion',
  'ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory',
  'secretsmanager:GetSecretValue',
  'kms:Decrypt',
  'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PartiQLSelect',
  'rds-data:ExecuteStatement', 'rds-data:BatchExecuteStatement',
  'lambda:GetFunction',
  'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage',
  'sqs:ReceiveMessage',
  'kinesis:GetRecords',
  'codecommit:GitPull',
  'ec2:GetPasswordData',
];

const SENSITIVE = new Set(SENSITIVE_READ_ACTIONS.map(a => a.toLowerCase()));

/** Whether the action reads sensitive data (see {@link SENSITIVE_READ_ACTIONS}). */
export function isSensitiveRead(action: ActionInfo): boolean {
  return SENSITIVE.has(action.key);
}

/** Name prefixes of destructive writes: they delete or end a resource or its data. */
const DESTRUCTIVE_PREFIXES = ['delete', 'terminate', 'destroy', 'purge'];

/**
 * Destructive by name but not by effect: removing a setting (`logs:DeleteRetentionPolicy`, which
 * the CDK LogRetention function needs on `*`, keeps logs longer), a configuration or tags.
 */
const NOT_DESTRUCTIVE_SUFFIXES = ['policy', 'policies', 'configuration', 'config', 'tags', 'tagging', 'tag'];

/** Destructive actions whose names do not say so. */
const DESTRUCTIVE_ACTIONS = new Set(['kms:schedulekeydeletion', 'kms:disablekey', 'ec2:deletesnapshot', 'backup:deleterecoverypoint']);

/**
 * Whether a Write deletes or ends a resource or its data: `Delete*`, `Terminate*`, `Destroy*`,
 * `Purge*` (not the removal of a setting, a configuration or tags), and `kms:ScheduleKeyDeletion`,
 * `kms:DisableKey`. Permission-changing deletions (`s3:DeleteBucketPolicy`) are Permissions
 * management in the catalog and reported as such.
 */
export function isDestructiveWrite(action: ActionInfo): boolean {
  if (action.accessLevel !== 'Write') return false;
  if (DESTRUCTIVE_ACTIONS.has(action.key)) return true;
  const name = action.key.slice(action.key.indexOf(':') + 1);
  if (!DESTRUCTIVE_PREFIXES.some(p => name.startsWith(p))) return false;
  return !NOT_DESTRUCTIVE_SUFFIXES.some(s => name.endsWith(s));
}
