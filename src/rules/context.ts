/**
 * What rules read: a resource of the app model under one variant ({@link ResolvedResource}). The
 * model is built once per synthesis from the templates CDK wrote, so a rule sees every value as
 * CloudFormation will deploy it, whichever way a construct rendered it.
 */
export { asList, IAM_TYPES, isRecord, POLICY_TYPES, PRINCIPAL_TYPES } from '../model/app-model';
export type { Properties } from '../model/app-model';
export { ResolvedResource, sharedDocument } from '../model/resolved-resource';
