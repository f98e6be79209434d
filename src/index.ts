// Public API. Each area appends its own exports here.
export * from './credentials/credential-report';
export * from './constructs/credential-report-audit';
export * from './packs';
