// Public API. Each area appends its own exports here.
export * from './credentials/credential-report';
export * from './constructs/credential-report-audit';
export * from './packs';
export * from './constructs/strict-password-policy';
export * from './constructs/secure-group';
export * from './constructs/bounded-role';
export * from './conditions/conditions';
export * from './constructs/security-trail';
export * from './constructs/root-usage-alarm';
export * from './constructs/security-alarms';
export * from './constructs/access-analyzer';
export * from './constructs/iam-compliance-rules';
export * from './constructs/billing-alarm';
export * from './constructs/account-baseline';
