/**
 * The key policies KMS writes itself: the default policy of CreateKey and ReplicateKey when no
 * Policy is given, and the policy of an AWS managed key (`alias/aws/<service>`).
 */
import { accountRootArn, partitionOf } from '../ids/identifiers';

/** AWS's default key policy: the owning account gets kms:*, which also turns on IAM policies for the key. */
export function defaultKeyPolicy(accountId: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(partitionOf(region), accountId) },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
}

/**
 * The policy of an AWS managed key: principals of the account may use it only through the service
 * it belongs to, and may read its metadata directly; nobody may change or delete it.
 */
export function awsManagedKeyPolicy(service: string, accountId: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: `auto-${service}-2`,
    Statement: [
      {
        Sid: `Allow access through ${service} for all principals in the account that are authorized to use ${service}`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(partitionOf(region), accountId) },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  });
}
