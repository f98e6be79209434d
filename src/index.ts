// Public API. Each area appends its own exports here.
export * from './credentials/credential-report';
export * from './constructs/credential-report-audit';
export * from './packs';
export * from './constructs/strict-password-policy';
export * from './constructs/secure-group';
export * from './constructs/bounded-role';
export * from './conditions/conditions';
