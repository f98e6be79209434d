import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * AWS's published policy "Allows MFA-authenticated IAM users to manage their own credentials on the
 * Security credentials page" (reference/force-mfa-policy.json), statement for statement, with the
 * stack's partition instead of `arn:aws:`.
 *
 * The statements fall in three groups so that SecureGroup can drop the parts its props turn off:
 * - MFA_ENROLLMENT: what a user needs to set up their own MFA device while signed in without MFA;
 * - SELF_SERVICE_CREDENTIALS: managing their own password, access keys, signing certificates,
 *   SSH keys and service-specific (Git) credentials;
 * - DENY_WITHOUT_MFA: deny everything except MFA set-up unless the request was made with MFA.
 */

const ownUser = () => `arn:${Aws.PARTITION}:iam::*:user/\${aws:username}`;

/** Seeing the password policy and the MFA devices, creating and enabling their own MFA device. */
export function mfaEnrollmentStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'AllowViewAccountInfo',
      actions: ['iam:GetAccountPasswordPolicy', 'iam:ListVirtualMFADevices'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'AllowManageOwnVirtualMFADevice',
      actions: ['iam:CreateVirtualMFADevice'],
      resources: [`arn:${Aws.PARTITION}:iam::*:mfa/*`],
    }),
    new iam.PolicyStatement({
      sid: 'AllowManageOwnUserMFA',
      actions: ['iam:DeactivateMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
      resources: [ownUser()],
    }),
  ];
}

/** Managing their own password and long-lived credentials. */
export function selfServiceCredentialStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'AllowManageOwnPasswords',
      actions: ['iam:ChangePassword', 'iam:GetUser'],
      resources: [ownUser()],
    }),
    new iam.PolicyStatement({
      sid: 'AllowManageOwnAccessKeys',
      actions: ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey'],
      resources: [ownUser()],
    }),
    new iam.PolicyStatement({
      sid: 'AllowManageOwnSigningCertificates',
      actions: [
        'iam:DeleteSigningCertificate', 'iam:ListSigningCertificates',
        'iam:UpdateSigningCertificate', 'iam:UploadSigningCertificate',
      ],
      resources: [ownUser()],
    }),
    new iam.PolicyStatement({
      sid: 'AllowManageOwnSSHPublicKeys',
      actions: [
        'iam:DeleteSSHPublicKey', 'iam:GetSSHPublicKey', 'iam:ListSSHPublicKeys',
        'iam:UpdateSSHPublicKey', 'iam:UploadSSHPublicKey',
      ],
      resources: [ownUser()],
    }),
    new iam.PolicyStatement({
      sid: 'AllowManageOwnGitCredentials',
      actions: [
        'iam:CreateServiceSpecificCredential', 'iam:DeleteServiceSpecificCredential',
        'iam:ListServiceSpecificCredentials', 'iam:ResetServiceSpecificCredential',
        'iam:UpdateServiceSpecificCredential',
      ],
      resources: [ownUser()],
    }),
  ];
}

/** Everything but setting up MFA is denied unless the request was authenticated with MFA. */
export function denyWithoutMfaStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyAllExceptListedIfNoMFA',
    effect: iam.Effect.DENY,
    notActions: [
      'iam:CreateVirtualMFADevice',
      'iam:EnableMFADevice',
      'iam:GetUser',
      'iam:ListMFADevices',
      'iam:ListVirtualMFADevices',
      'iam:ResyncMFADevice',
      'sts:GetSessionToken',
    ],
    resources: ['*'],
    // IfExists: requests signed with long-term access keys carry no MFA key and are denied too.
    conditions: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  });
}

/**
 * The force-MFA policy's statements in the reference file's order, minus the groups turned off.
 * MFA enrollment stays whenever MFA is required: without it a member could not set up the device
 * that the Deny demands.
 */
export function forceMfaStatements(options: { requireMfa: boolean; allowSelfServiceCredentials: boolean }): iam.PolicyStatement[] {
  const [viewAccountInfo, createVirtualMfaDevice, manageOwnUserMfa] = mfaEnrollmentStatements();
  const [passwords, accessKeys, signingCertificates, sshKeys, gitCredentials] = selfServiceCredentialStatements();
  const includeEnrollment = options.requireMfa || options.allowSelfServiceCredentials;
  const include = (statement: iam.PolicyStatement, wanted: boolean) => (wanted ? [statement] : []);
  return [
    ...include(viewAccountInfo, includeEnrollment),
    ...include(passwords, options.allowSelfServiceCredentials),
    ...include(accessKeys, options.allowSelfServiceCredentials),
    ...include(signingCertificates, options.allowSelfServiceCredentials),
    ...include(sshKeys, options.allowSelfServiceCredentials),
    ...include(gitCredentials, options.allowSelfServiceCredentials),
    ...include(createVirtualMfaDevice, includeEnrollment),
    ...include(manageOwnUserMfa, includeEnrollment),
    ...include(denyWithoutMfaStatement(), options.requireMfa),
  ];
}
