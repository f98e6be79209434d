// The public API of cdk-iam-guardrails (jsii: TypeScript, Python).

// Secure-by-default constructs for the account setup of the IAM best-practices guide.
export * from './constructs/account-baseline';
export * from './constructs/strict-password-policy';
export * from './constructs/secure-group';
export * from './constructs/bounded-role';
export * from './constructs/security-trail';
export * from './constructs/root-usage-alarm';
export * from './constructs/security-alarms';
export * from './constructs/access-analyzer';
export * from './constructs/iam-compliance-rules';
export * from './constructs/billing-alarm';
export * from './constructs/credential-report-audit';
export * from './constructs/organization-guardrails';

// cdk-nag v3 rule packs that reject insecure IAM at synth time.
export * from './packs';

// Library pieces usable without deploying.
// What each principal of a synthesized app may effectively do, for reviews and unit tests.
export * from './effective';
export * from './conditions/conditions';
export * from './credentials/credential-report';
