/**
 * The CloudWatch Logs metric-filter patterns of CIS AWS Foundations Benchmark v1.4 section 4.
 *
 * Copied VERBATIM from the reference files (test/fixtures/reference/cis-cloudwatch-filters.tsv and
 * cis-organizations-filter.txt): AWS Security Hub decides whether controls CloudWatch.1-14 pass by
 * comparing a log group's filter text with its own, so not a space may change. The test suite
 * compares every string here, and every pattern the constructs emit, with those files byte for byte.
 * Do not reformat these lines.
 */

/** One CIS section-4 alarm: what it watches and the exact filter Security Hub expects. */
export interface CisFilter {
  /** The Security Hub control id (`CloudWatch.1`...), or `undefined` for CIS 4.15, which has none. */
  readonly securityHubControl?: string;
  /** The CIS AWS Foundations Benchmark v1.4 recommendation id, e.g. `4.3`. */
  readonly cisId: string;
  /** The metric the filter publishes and the alarm watches. */
  readonly metricName: string;
  /** A short description, used in alarm descriptions. */
  readonly title: string;
  /** The filter pattern, verbatim. */
  readonly pattern: string;
}

/**
 * Keyed by the values of the public `SecurityAlarm` enum (the Security Hub control id, or
 * `CIS-4.15` for the one CIS alarm without a control).
 */
export const CIS_FILTERS: { readonly [key: string]: CisFilter } = {
  'CloudWatch.1': {
    securityHubControl: 'CloudWatch.1',
    cisId: '4.3',
    metricName: 'RootAccountUsage',
    title: 'Use of the root user',
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  },
  'CloudWatch.2': {
    securityHubControl: 'CloudWatch.2',
    cisId: '4.1',
    metricName: 'UnauthorizedApiCalls',
    title: 'Unauthorized API calls',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  },
  'CloudWatch.3': {
    securityHubControl: 'CloudWatch.3',
    cisId: '4.2',
    metricName: 'ConsoleSignInWithoutMfa',
    title: 'Management console sign-in without MFA',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  'CloudWatch.4': {
    securityHubControl: 'CloudWatch.4',
    cisId: '4.4',
    metricName: 'IamPolicyChanges',
    title: 'IAM policy changes',
    pattern: '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
  },
  'CloudWatch.5': {
    securityHubControl: 'CloudWatch.5',
    cisId: '4.5',
    metricName: 'CloudTrailConfigurationChanges',
    title: 'CloudTrail configuration changes',
    pattern: '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  },
  'CloudWatch.6': {
    securityHubControl: 'CloudWatch.6',
    cisId: '4.6',
    metricName: 'ConsoleAuthenticationFailures',
    title: 'Management console authentication failures',
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  },
  'CloudWatch.7': {
    securityHubControl: 'CloudWatch.7',
    cisId: '4.7',
    metricName: 'KmsKeyDisabledOrScheduledForDeletion',
    title: 'Customer managed KMS keys disabled or scheduled for deletion',
    pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
  },
  'CloudWatch.8': {
    securityHubControl: 'CloudWatch.8',
    cisId: '4.8',
    metricName: 'S3BucketPolicyChanges',
    title: 'S3 bucket policy changes',
    pattern: '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
  },
  'CloudWatch.9': {
    securityHubControl: 'CloudWatch.9',
    cisId: '4.9',
    metricName: 'ConfigConfigurationChanges',
    title: 'AWS Config configuration changes',
    pattern: '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
  },
  'CloudWatch.10': {
    securityHubControl: 'CloudWatch.10',
    cisId: '4.10',
    metricName: 'SecurityGroupChanges',
    title: 'Security group changes',
    pattern: '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
  },
  'CloudWatch.11': {
    securityHubControl: 'CloudWatch.11',
    cisId: '4.11',
    metricName: 'NetworkAclChanges',
    title: 'Network ACL changes',
    pattern: '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
  },
  'CloudWatch.12': {
    securityHubControl: 'CloudWatch.12',
    cisId: '4.12',
    metricName: 'NetworkGatewayChanges',
    title: 'Network gateway changes',
    pattern: '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
  },
  'CloudWatch.13': {
    securityHubControl: 'CloudWatch.13',
    cisId: '4.13',
    metricName: 'RouteTableChanges',
    title: 'Route table changes',
    pattern: '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
  },
  'CloudWatch.14': {
    securityHubControl: 'CloudWatch.14',
    cisId: '4.14',
    metricName: 'VpcChanges',
    title: 'VPC changes',
    pattern: '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
  },
  'CIS-4.15': {
    cisId: '4.15',
    metricName: 'OrganizationsChanges',
    title: 'AWS Organizations changes',
    pattern: '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
  },
};
