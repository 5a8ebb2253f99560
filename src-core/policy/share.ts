/**
 * Sharing a key with another AWS account: the key-policy statements AWS documents for cross-account use
 * ("Allowing users in other accounts to use a KMS key", KMS developer guide, key-policy-modifying-external-
 * accounts), added to a policy. The key policy names the other account's root, which delegates to that
 * account's IAM policies: its administrators still have to allow their users and roles.
 */
import { ACCOUNT_ID_PATTERN } from '../ids/identifiers';
import { KmsError } from '../errors';

export type SharePreset = 'use' | 'grant' | 'admin';

export interface SharedKey {
  keyArn: string;
  /** ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT: decides which "use" actions exist. */
  keyUsage: string;
}

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Principal: { AWS: string };
  Action: string[];
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
 * grants without the AWS-resource condition, and the key's read-only details.
 */
export const SHARE_PRESETS: Record<SharePreset, { label: string; detail: string }> = {
  use: { label: 'Use the key', detail: 'Cryptographic operations of this key (the "Allow use of the key" statement).' },
  grant: { label: 'Let AWS services use it for that account', detail: 'CreateGrant, ListGrants, RevokeGrant when kms:GrantIsForAWSResource (EBS, RDS, … on their behalf).' },
  admin: { label: 'Manage grants and read the key', detail: 'CreateGrant, ListGrants, RevokeGrant for any grantee; DescribeKey, GetKeyRotationStatus. Other administration stays with the key\'s own account.' },
};

/** Why an account ID cannot be shared with, or undefined when it can. */
export function accountIdProblem(accountId: string, keyArn: string): string | undefined {
  if (!ACCOUNT_ID_PATTERN.test(accountId)) return 'An AWS account ID is 12 digits, e.g. 444455556666.';
  if (accountOf(keyArn) === accountId) return `${accountId} is the key's own account: its principals are governed by the policy already.`;
  return undefined;
}

function accountOf(keyArn: string): string | undefined {
  return /^arn:[a-z-]+:kms:[^:]*:(\d{12}):/.exec(keyArn)?.[1];
}

function partitionOf(keyArn: string): string {
  return /^arn:([a-z-]+):/.exec(keyArn)?.[1] ?? 'aws';
}

/** The statements that give `accountId` the presets' access to the key, one per preset, named by Sid. */
export function shareStatements(key: SharedKey, accountId: string, presets: readonly SharePreset[]): Statement[] {
  const problem = accountIdProblem(accountId, key.keyArn);
  if (problem) throw new KmsError('ValidationException', problem);
  const principal = { AWS: `arn:${partitionOf(key.keyArn)}:iam::${accountId}:root` };
  const statement = (sid: string, actions: string[], condition?: Statement['Condition']): Statement => ({
    Sid: `${sid} (account ${accountId})`, Effect: 'Allow', Principal: principal, Action: actions, Resource: '*', ...(condition ? { Condition: condition } : {}),
  });
  return [...new Set(presets)].map((preset) => {
    switch (preset) {
      case 'use':
        return statement('Allow use of the key', USE_ACTIONS[key.keyUsage] ?? USE_ACTIONS.ENCRYPT_DECRYPT);
      case 'grant':
        return statement('Allow attachment of persistent resources', ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], { Bool: { 'kms:GrantIsForAWSResource': 'true' } });
      case 'admin':
        return statement('Allow grant management and key details', ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:DescribeKey', 'kms:GetKeyRotationStatus']);
    }
  });
}

/**
 * The policy with the sharing statements added (replacing statements of the same Sid, so sharing again
 * updates rather than repeats), formatted as the policy editor shows it.
 */
export function sharePolicy(policy: string, key: SharedKey, accountId: string, presets: readonly SharePreset[]): string {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    throw new KmsError('MalformedPolicyDocumentException', 'The key policy is not JSON: fix it in the policy editor before sharing the key.');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new KmsError('MalformedPolicyDocumentException', 'The key policy is not a JSON object.');
  const added = shareStatements(key, accountId, presets);
  const sids = new Set(added.map((s) => s.Sid));
  const existing = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const kept = existing.filter((s) => !(s && typeof s === 'object' && sids.has((s as { Sid?: unknown }).Sid as string)));
  return `${JSON.stringify({ ...doc, Statement: [...kept, ...added] }, null, 2)}\n`;
}
