/**
 * Sharing a key with another AWS account: the key-policy statements AWS documents for cross-account use
 * ("Allowing users in other accounts to use a KMS key", KMS developer guide, key-policy-modifying-external-
 * accounts), for shared AMIs and EBS snapshots, S3 replication, CloudTrail and CloudWatch Logs, added to a
 * policy; or a grant for temporary access. The key policy names the other account's root, which delegates to that
 * account's IAM policies: its administrators still have to allow their users and roles.
 */
import { ACCOUNT_ID_PATTERN, accountOfKeyArn, parseArn } from '../ids/identifiers';
import { KmsError } from '../kms-error';

export type SharePreset = 'use' | 'grant' | 'admin' | 'snapshots' | 's3-replication' | 'role-decrypt' | 'cloudtrail' | 'logs';

export interface SharedKey {
  keyArn: string;
  /** ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT: decides which "use" actions exist. */
  keyUsage: string;
}

/** What some presets need besides the account: the role for "role-decrypt", the trail for "cloudtrail". */
export interface ShareDetails {
  roleName?: string;
  trailName?: string;
}

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Principal: { AWS: string } | { Service: string };
  Action: string | string[];
  Resource: '*';
  Condition?: Record<string, Record<string, unknown>>;
}

/** The cryptographic operations of each key usage, as the console's "Allow use of the key" statement lists them. */
const USE_ACTIONS: Record<string, string[]> = {
  ENCRYPT_DECRYPT: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
  SIGN_VERIFY: ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey', 'kms:DescribeKey'],
  GENERATE_VERIFY_MAC: ['kms:GenerateMac', 'kms:VerifyMac', 'kms:DescribeKey'],
  KEY_AGREEMENT: ['kms:DeriveSharedSecret', 'kms:GetPublicKey', 'kms:DescribeKey'],
};

/**
 * What each preset allows. Administration of the key itself (policy, deletion, rotation, enabling) is
 * never effective for another account's principals, so "admin" is what AWS does let them manage:
 * grants without the AWS-resource condition, and the key's read-only details. The presets after it are
 * the cases AWS documents one by one; those for services name the service, limited to the account's
 * resources by the conditions AWS gives.
 */
export const SHARE_PRESETS: Record<SharePreset, { label: string; detail: string }> = {
  use: { label: 'Use the key', detail: 'Cryptographic operations of this key (the "Allow use of the key" statement).' },
  grant: { label: 'Let AWS services use it for that account', detail: 'CreateGrant, ListGrants, RevokeGrant when kms:GrantIsForAWSResource (EBS, RDS, … on their behalf).' },
  admin: { label: 'Manage grants and read the key', detail: 'CreateGrant, ListGrants, RevokeGrant for any grantee; DescribeKey, GetKeyRotationStatus. Other administration stays with the key\'s own account.' },
  snapshots: { label: 'Share AMIs and EBS snapshots encrypted with it', detail: 'DescribeKey, ReEncrypt*, Decrypt, and CreateGrant for AWS resources: what EC2 needs to copy or launch them in that account.' },
  's3-replication': { label: 'Destination key of S3 replication from that account', detail: 'Encrypt, for the source bucket owner\'s replication role writing replicas into a bucket of this account.' },
  'role-decrypt': { label: 'Decrypt for one role of that account', detail: 'Decrypt and DescribeKey for a role you name (its IAM policy must allow them too).' },
  cloudtrail: { label: 'CloudTrail: encrypt a trail of that account', detail: 'cloudtrail.amazonaws.com may GenerateDataKey* for the trail you name (aws:SourceArn) and DescribeKey.' },
  logs: { label: 'CloudWatch Logs: encrypt log groups of that account', detail: 'logs.<Region>.amazonaws.com may use the key for that account\'s log groups in the key\'s Region (kms:EncryptionContext:aws:logs:arn).' },
};

/** The presets that need more than the account, and what they need. */
export const PRESET_NEEDS: Partial<Record<SharePreset, keyof ShareDetails>> = { 'role-decrypt': 'roleName', cloudtrail: 'trailName' };

/** Why an account ID cannot be shared with, or undefined when it can. */
export function accountIdProblem(accountId: string, keyArn: string): string | undefined {
  if (!ACCOUNT_ID_PATTERN.test(accountId)) return 'An AWS account ID is 12 digits, e.g. 444455556666.';
  if (accountOfKeyArn(keyArn) === accountId) return `${accountId} is the key's own account: its principals are governed by the policy already.`;
  return undefined;
}

/** Why a role name (with its path, without "role/") or a trail name cannot be used, or undefined. */
export function detailProblem(detail: keyof ShareDetails, value: string): string | undefined {
  if (detail === 'roleName') return /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(value) ? undefined : 'A role name: letters, digits and +=,.@_- (a path before it with /), e.g. Reader or app/Reader.';
  return /^[A-Za-z0-9][\w.-]{2,127}$/.test(value) ? undefined : 'A trail name: 3 to 128 letters, digits, periods, underscores and dashes, starting with a letter or digit.';
}

function partitionOf(keyArn: string): string {
  return parseArn(keyArn)?.partition ?? 'aws';
}

function regionOf(keyArn: string): string {
  return parseArn(keyArn)?.region || 'us-east-1';
}

/** The statements that give `accountId` the presets' access to the key, named by Sid. */
export function shareStatements(key: SharedKey, accountId: string, presets: readonly SharePreset[], details: ShareDetails = {}): Statement[] {
  const problem = accountIdProblem(accountId, key.keyArn);
  if (problem) throw new KmsError('ValidationException', problem);
  for (const preset of presets) {
    const need = PRESET_NEEDS[preset];
    if (!need) continue;
    const value = details[need];
    const why = value === undefined ? `"${SHARE_PRESETS[preset].label}" needs ${need === 'roleName' ? 'a role name' : 'a trail name'}.` : detailProblem(need, value);
    if (why) throw new KmsError('ValidationException', why);
  }
  const partition = partitionOf(key.keyArn);
  const region = regionOf(key.keyArn);
  const root = { AWS: `arn:${partition}:iam::${accountId}:root` };
  const statement = (sid: string, principal: Statement['Principal'], actions: Statement['Action'], condition?: Statement['Condition']): Statement => ({
    Sid: `${sid} (account ${accountId})`, Effect: 'Allow', Principal: principal, Action: actions, Resource: '*', ...(condition ? { Condition: condition } : {}),
  });
  const forAwsResources = { Bool: { 'kms:GrantIsForAWSResource': 'true' } };
  return [...new Set(presets)].flatMap((preset) => {
    switch (preset) {
      case 'use':
        return [statement('Allow use of the key', root, USE_ACTIONS[key.keyUsage] ?? USE_ACTIONS.ENCRYPT_DECRYPT)];
      case 'grant':
        return [statement('Allow attachment of persistent resources', root, ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], forAwsResources)];
      case 'admin':
        return [statement('Allow grant management and key details', root, ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:DescribeKey', 'kms:GetKeyRotationStatus'])];
      case 'snapshots':
        return [
          statement('Allow use of the key for shared AMIs and snapshots', root, ['kms:DescribeKey', 'kms:ReEncrypt*', 'kms:Decrypt']),
          statement('Allow EC2 grants for shared AMIs and snapshots', root, 'kms:CreateGrant', forAwsResources),
        ];
      case 's3-replication':
        return [statement('Allow S3 replication into this account', root, ['kms:Encrypt'])];
      case 'role-decrypt':
        return [statement(`Allow decrypt for role ${details.roleName}`, { AWS: `arn:${partition}:iam::${accountId}:role/${details.roleName}` }, ['kms:Decrypt', 'kms:DescribeKey'])];
      case 'cloudtrail': {
        const sourceArn = { StringEquals: { 'aws:SourceArn': `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${details.trailName}` } };
        return [
          statement('Allow CloudTrail to encrypt logs', { Service: 'cloudtrail.amazonaws.com' }, 'kms:GenerateDataKey*', {
            ...sourceArn, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${accountId}:trail/*` },
          }),
          statement('Allow CloudTrail to describe key', { Service: 'cloudtrail.amazonaws.com' }, 'kms:DescribeKey', sourceArn),
        ];
      }
      case 'logs':
        return [statement('Allow CloudWatch Logs to use the key', { Service: `logs.${region}.amazonaws.com` }, ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${accountId}:log-group:*` },
        })];
    }
  });
}

/** A CreateGrant request for temporary access: undone by retiring or revoking it, no policy change. */
export interface TemporaryGrant {
  KeyId: string;
  GranteePrincipal: string;
  RetiringPrincipal: string;
  Operations: ('Decrypt' | 'DescribeKey' | 'Encrypt' | 'GenerateDataKey')[];
  Constraints?: { EncryptionContextSubset: Record<string, string> };
  Name: string;
}

/**
 * Temporary access for a role of another account through a grant ("Creating grants", KMS developer guide,
 * create-grant-overview): the role may decrypt (and describe the key), only with the encryption context
 * given when there is one (EncryptionContextSubset), and may retire the grant itself when it is done; the
 * key's account can revoke it at any time.
 */
export function temporaryGrant(key: SharedKey, accountId: string, roleName: string, context: Record<string, string> = {}): TemporaryGrant {
  const problem = accountIdProblem(accountId, key.keyArn) ?? detailProblem('roleName', roleName);
  if (problem) throw new KmsError('ValidationException', problem);
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') throw new KmsError('ValidationException', 'A decrypt grant needs an encryption key (key usage ENCRYPT_DECRYPT).');
  const pairs = Object.entries(context);
  if (pairs.length > 8) throw new KmsError('ValidationException', 'A grant constraint holds at most 8 encryption context pairs.');
  const role = `arn:${partitionOf(key.keyArn)}:iam::${accountId}:role/${roleName}`;
  return {
    KeyId: key.keyArn,
    GranteePrincipal: role,
    RetiringPrincipal: role,
    Operations: ['Decrypt', 'DescribeKey'],
    ...(pairs.length ? { Constraints: { EncryptionContextSubset: context } } : {}),
    Name: `temporary-decrypt-${accountId}-${roleName.replace(/[^\w-]/g, '-')}`.slice(0, 256),
  };
}

/**
 * The policy with the sharing statements added (replacing statements of the same Sid, so sharing again
 * updates rather than repeats), formatted as the policy editor shows it.
 */
export function sharePolicy(policy: string, key: SharedKey, accountId: string, presets: readonly SharePreset[], details: ShareDetails = {}): string {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    throw new KmsError('MalformedPolicyDocumentException', 'The key policy is not JSON: fix it in the policy editor before sharing the key.');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new KmsError('MalformedPolicyDocumentException', 'The key policy is not a JSON object.');
  const added = shareStatements(key, accountId, presets, details);
  const sids = new Set(added.map((s) => s.Sid));
  const existing = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const kept = existing.filter((s) => !(s && typeof s === 'object' && sids.has((s as { Sid?: unknown }).Sid as string)));
  return `${JSON.stringify({ ...doc, Statement: [...kept, ...added] }, null, 2)}\n`;
}
