export * from './types';
export * from './effective-permissions';
