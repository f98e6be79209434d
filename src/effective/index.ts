export * from './types';
export { PrincipalPermissions } from './principal-permissions';
export * from './effective-permissions';
