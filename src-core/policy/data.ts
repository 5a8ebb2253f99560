/**
 * The key-policy vocabulary: every kms: action, kms: condition key, global aws: key and operator.
 *
 * Source: AWS Service Authorization Reference for KMS (programmatic kms.json, 2026 snapshot), the KMS
 * developer guide permissions table (key-policy vs IAM, cross-account) and its condition-keys page (value
 * domains, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html), IAM user guide
 * condition operators and global condition keys
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html).
 * Data date: 2026-08. Counts are pinned by test/unit/policy/data.test.ts (56 actions, 95 kms: keys: the
 * reference's table rows, 38 plus the 57 RecipientAttestation keys; its prose says 98), and that test also
 * compares actions and enumerated values with the engine's KMS model.
 */

export const DATA_SOURCE = 'AWS Service Authorization Reference (KMS) + KMS developer guide permissions table, 2026-08';

export type KeySpecName =
  | 'SYMMETRIC_DEFAULT' | 'RSA_2048' | 'RSA_3072' | 'RSA_4096'
  | 'ECC_NIST_P256' | 'ECC_NIST_P384' | 'ECC_NIST_P521' | 'ECC_SECG_P256K1' | 'ECC_NIST_EDWARDS25519'
  | 'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87' | 'HMAC_224' | 'HMAC_256' | 'HMAC_384' | 'HMAC_512' | 'SM2';
export type KeyUsageName = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT';

export const KEY_SPECS: readonly KeySpecName[] = [
  'SYMMETRIC_DEFAULT', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521',
  'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
  'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2',
];
export const KEY_USAGES: readonly KeyUsageName[] = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'];

const ASYMMETRIC: KeySpecName[] = KEY_SPECS.filter((s) => s !== 'SYMMETRIC_DEFAULT' && !s.startsWith('HMAC_'));

export interface ActionInfo {
  name: string;
  access: 'Read' | 'List' | 'Write' | 'Permissions management' | 'Tagging';
  /** 'key': the action acts on a key, so a key policy can govern it; '*': account level (IAM only). */
  resource: 'key' | '*';
  /** Where a grant of this action takes effect: in a key policy (KP), only in IAM policies, or neither. */
  effectiveIn: 'KP' | 'IAM' | 'grant-only' | 'service-only';
  /** Usable by principals of another account when the key policy allows them. */
  crossAccount: boolean;
  /** A KMS API operation exists (SynchronizeMultiRegionKey is permission-only). */
  api: boolean;
  /** Action-specific condition keys (resource keys, CallerAccount and ViaService come from flags below). */
  conditionKeys: string[];
  /** Supports kms:CallerAccount / kms:ViaService. */
  callerAccount: boolean;
  viaService: boolean;
  /** Key specs / usages for which the operation can succeed; absent = every key. */
  keySpecs?: KeySpecName[];
  keyUsages?: KeyUsageName[];
  /** Needs an EXTERNAL-origin key or a multi-Region key. */
  needs?: 'external-origin' | 'multi-region';
  doc: string;
}

const EC = ['kms:EncryptionContext:${EncryptionContextKey}', 'kms:EncryptionContextKeys'];
const ALG = 'kms:EncryptionAlgorithm';
const RA = 'kms:RequestAlias';
const ATT = 'kms:RecipientAttestation:*';
const CKS = { resource: '*' as const, effectiveIn: 'IAM' as const, crossAccount: false, api: true, callerAccount: true, viaService: false, conditionKeys: [] };

function key(
  name: string,
  access: ActionInfo['access'],
  crossAccount: boolean,
  conditionKeys: string[],
  doc: string,
  extra: Partial<ActionInfo> = {},
): ActionInfo {
  return { name, access, resource: 'key', effectiveIn: 'KP', crossAccount, api: true, conditionKeys, callerAccount: true, viaService: true, doc, ...extra };
}

const ENC_USAGE: Pick<ActionInfo, 'keyUsages'> = { keyUsages: ['ENCRYPT_DECRYPT'] };
const SYM_ONLY: Pick<ActionInfo, 'keySpecs'> = { keySpecs: ['SYMMETRIC_DEFAULT'] };

const ACTION_LIST: ActionInfo[] = [
  key('CancelKeyDeletion', 'Write', false, [], 'Cancels the scheduled deletion of a KMS key.'),
  { name: 'ConnectCustomKeyStore', access: 'Write', ...CKS, doc: 'Connects a custom key store to its backing key store.' },
  key('CreateAlias', 'Write', false, [], 'Creates an alias for a KMS key (also needs kms:CreateAlias on the alias in an IAM policy).'),
  { name: 'CreateCustomKeyStore', access: 'Write', ...CKS, doc: 'Creates a custom key store.' },
  key('CreateGrant', 'Permissions management', true, [...EC, 'kms:GrantConstraintSourceArn', 'kms:GrantConstraintType', 'kms:GrantIsForAWSResource', 'kms:GrantOperations', 'kms:GranteePrincipal', 'kms:GranteeServicePrincipal', 'kms:RetiringPrincipal', 'kms:RetiringServicePrincipal'], 'Adds a grant to a KMS key: lets the grantee use the key for the granted operations.'),
  { name: 'CreateKey', access: 'Write', resource: '*', effectiveIn: 'IAM', crossAccount: false, api: true, callerAccount: true, viaService: true, conditionKeys: ['aws:RequestTag/${TagKey}', 'aws:ResourceTag/${TagKey}', 'aws:TagKeys', 'kms:BypassPolicyLockoutSafetyCheck', 'kms:KeyOrigin', 'kms:KeySpec', 'kms:KeyUsage', 'kms:MultiRegion', 'kms:MultiRegionKeyType', 'kms:CustomerMasterKeySpec', 'kms:CustomerMasterKeyUsage'], doc: 'Creates a KMS key (account level: only an IAM policy can allow it).' },
  key('Decrypt', 'Write', true, [ALG, ...EC, RA, ATT], 'Decrypts ciphertext that was encrypted under the KMS key.', ENC_USAGE),
  key('DeleteAlias', 'Write', false, [], 'Deletes an alias (also needs kms:DeleteAlias on the alias in an IAM policy).'),
  { name: 'DeleteCustomKeyStore', access: 'Write', ...CKS, doc: 'Deletes a custom key store.' },
  key('DeleteImportedKeyMaterial', 'Write', false, [], 'Deletes imported key material.', { needs: 'external-origin' }),
  key('DeriveSharedSecret', 'Write', true, ['kms:KeyAgreementAlgorithm', RA, ATT], 'Derives a shared secret (ECDH) with a key-agreement key.', { keyUsages: ['KEY_AGREEMENT'] }),
  { name: 'DescribeCustomKeyStores', access: 'Read', ...CKS, doc: 'Lists custom key stores.' },
  key('DescribeKey', 'Read', true, [RA], 'Returns the metadata of a KMS key.'),
  key('DisableKey', 'Write', false, ['kms:TrailingDaysWithoutKeyUsage'], 'Disables a KMS key.'),
  key('DisableKeyRotation', 'Write', false, [], 'Disables automatic rotation.', SYM_ONLY),
  { name: 'DisconnectCustomKeyStore', access: 'Write', ...CKS, doc: 'Disconnects a custom key store.' },
  key('EnableKey', 'Write', false, [], 'Enables a KMS key.'),
  key('EnableKeyRotation', 'Write', false, ['kms:RotationPeriodInDays'], 'Enables automatic rotation.', SYM_ONLY),
  key('Encrypt', 'Write', true, [ALG, ...EC, RA], 'Encrypts plaintext under the KMS key.', ENC_USAGE),
  key('GenerateDataKey', 'Write', true, [ALG, ...EC, RA, ATT], 'Returns a data key encrypted under the KMS key and in plaintext.', SYM_ONLY),
  key('GenerateDataKeyPair', 'Write', true, ['kms:DataKeyPairSpec', ALG, ...EC, RA, ATT], 'Returns an asymmetric data key pair protected by the KMS key.', SYM_ONLY),
  key('GenerateDataKeyPairWithoutPlaintext', 'Write', true, ['kms:DataKeyPairSpec', ALG, ...EC, RA], 'Returns an asymmetric data key pair without the plaintext private key.', SYM_ONLY),
  key('GenerateDataKeyWithoutPlaintext', 'Write', true, [ALG, ...EC, RA], 'Returns a data key encrypted under the KMS key only.', SYM_ONLY),
  key('GenerateMac', 'Write', true, ['kms:MacAlgorithm', RA], 'Computes an HMAC with an HMAC key.', { keyUsages: ['GENERATE_VERIFY_MAC'] }),
  { name: 'GenerateRandom', access: 'Write', resource: '*', effectiveIn: 'IAM', crossAccount: false, api: true, callerAccount: false, viaService: false, conditionKeys: [ATT], doc: 'Returns random bytes (account level: only an IAM policy can allow it).' },
  key('GetKeyLastUsage', 'Read', false, [], 'Returns when the key was last used for a cryptographic operation.'),
  key('GetKeyPolicy', 'Read', false, [], 'Returns the key policy.'),
  key('GetKeyRotationStatus', 'Read', true, [], 'Returns whether automatic rotation is enabled.', SYM_ONLY),
  key('GetParametersForImport', 'Read', false, ['kms:WrappingAlgorithm', 'kms:WrappingKeySpec'], 'Returns the wrapping key and import token for importing key material.', { needs: 'external-origin' }),
  key('GetPublicKey', 'Read', true, [RA], 'Returns the public key of an asymmetric KMS key.', { keySpecs: ASYMMETRIC }),
  key('ImportKeyMaterial', 'Write', false, ['kms:ExpirationModel', 'kms:ValidTo'], 'Imports key material into an EXTERNAL-origin key.', { needs: 'external-origin' }),
  { name: 'ListAliases', access: 'List', resource: '*', effectiveIn: 'IAM', crossAccount: false, api: true, callerAccount: false, viaService: false, conditionKeys: [], doc: 'Lists aliases (account level: only an IAM policy can allow it).' },
  key('ListGrants', 'List', true, ['kms:GrantIsForAWSResource'], 'Lists the grants of a KMS key.'),
  key('ListKeyPolicies', 'List', false, [], 'Lists key policy names (always "default").'),
  key('ListKeyRotations', 'List', false, [], 'Lists completed rotations of a KMS key.', SYM_ONLY),
  { name: 'ListKeys', access: 'List', resource: '*', effectiveIn: 'IAM', crossAccount: false, api: true, callerAccount: false, viaService: false, conditionKeys: [], doc: 'Lists KMS keys (account level: only an IAM policy can allow it).' },
  key('ListResourceTags', 'List', false, [], 'Lists the tags of a KMS key.'),
  { name: 'ListRetirableGrants', access: 'List', resource: '*', effectiveIn: 'IAM', crossAccount: false, api: true, callerAccount: false, viaService: false, conditionKeys: [], doc: 'Lists grants a principal can retire (account level: only an IAM policy can allow it).' },
  key('PutKeyPolicy', 'Permissions management', false, ['kms:BypassPolicyLockoutSafetyCheck'], 'Replaces the key policy.'),
  key('ReEncryptFrom', 'Write', true, [ALG, ...EC, 'kms:ReEncryptOnSameKey', RA], 'Decrypts ciphertext under this key as part of ReEncrypt.', ENC_USAGE),
  key('ReEncryptTo', 'Write', true, [ALG, ...EC, 'kms:ReEncryptOnSameKey', RA], 'Encrypts under this key as part of ReEncrypt.', ENC_USAGE),
  key('ReplicateKey', 'Write', false, ['kms:ReplicaRegion'], 'Creates a replica of a multi-Region primary key.', { needs: 'multi-region' }),
  key('RetireGrant', 'Permissions management', true, [...EC, 'kms:GrantConstraintType'], 'Retires a grant (decided by the grant, not by the key policy).', { effectiveIn: 'grant-only', callerAccount: true, viaService: true }),
  key('RevokeGrant', 'Permissions management', true, ['kms:GrantIsForAWSResource'], 'Revokes a grant.'),
  key('RotateKeyOnDemand', 'Write', false, [], 'Rotates the key material now.', SYM_ONLY),
  key('ScheduleKeyDeletion', 'Write', false, ['kms:ScheduleKeyDeletionPendingWindowInDays', 'kms:TrailingDaysWithoutKeyUsage'], 'Schedules the deletion of a KMS key.'),
  key('Sign', 'Write', true, ['kms:MessageType', RA, 'kms:SigningAlgorithm'], 'Signs a message with an asymmetric signing key.', { keyUsages: ['SIGN_VERIFY'] }),
  key('SynchronizeMultiRegionKey', 'Write', false, [], 'Permission-only: used by the KMS multi-Region service-linked role.', { api: false, effectiveIn: 'service-only', callerAccount: false, viaService: false, needs: 'multi-region' }),
  key('TagResource', 'Tagging', false, ['aws:RequestTag/${TagKey}', 'aws:TagKeys'], 'Adds or replaces tags of a KMS key.'),
  key('UntagResource', 'Tagging', false, ['aws:TagKeys'], 'Removes tags from a KMS key.'),
  key('UpdateAlias', 'Write', false, [], 'Points an alias at another key (needs permission on both keys).'),
  { name: 'UpdateCustomKeyStore', access: 'Write', ...CKS, doc: 'Changes the settings of a custom key store.' },
  key('UpdateKeyDescription', 'Write', false, [], 'Changes the description of a KMS key.'),
  key('UpdatePrimaryRegion', 'Write', false, ['kms:PrimaryRegion'], 'Makes a replica the primary of a multi-Region key.', { needs: 'multi-region' }),
  key('Verify', 'Write', true, ['kms:MessageType', RA, 'kms:SigningAlgorithm'], 'Verifies a signature with an asymmetric signing key.', { keyUsages: ['SIGN_VERIFY'] }),
  key('VerifyMac', 'Write', true, ['kms:MacAlgorithm', RA], 'Verifies an HMAC with an HMAC key.', { keyUsages: ['GENERATE_VERIFY_MAC'] }),
];

/** All 56 kms: actions, keyed by name without the prefix (e.g. `Decrypt`). */
export const KMS_ACTIONS: Readonly<Record<string, ActionInfo>> = Object.fromEntries(ACTION_LIST.map((a) => [a.name, a]));
export const KMS_ACTION_NAMES: readonly string[] = ACTION_LIST.map((a) => a.name);

/** Operations a grant can allow (GrantOperation enum): grant operation X authorizes action kms:X. */
export const GRANT_OPERATIONS: readonly string[] = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'Sign', 'Verify',
  'GetPublicKey', 'CreateGrant', 'RetireGrant', 'DescribeKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac', 'VerifyMac', 'DeriveSharedSecret',
];

// ---------------------------------------------------------------------------------------------------
// Condition keys

export type ConditionType = 'String' | 'ArrayOfString' | 'Numeric' | 'Bool' | 'Date' | 'ARN' | 'ArrayOfARN' | 'IPAddress' | 'Binary';

export interface ConditionKeyInfo {
  /** Canonical spelling; templated keys end in `${…}` (matched by prefix). */
  name: string;
  type: ConditionType;
  /** Multi-valued in the request: needs ForAnyValue/ForAllValues. */
  multi: boolean;
  /** KMS rejects a key policy that uses this key (MalformedPolicyDocumentException). */
  forbiddenInKeyPolicy?: boolean;
  /** Which kms: actions supply it; 'all' = every action (global keys), 'key' = every key-resource action. */
  actions: 'all' | 'key' | 'key+create' | string[];
  values?: readonly string[];
  deprecated?: string;
  /** Per-key value rules: 12-digit account, region, alias name, service principal, hex digest, numeric range. */
  format?: 'account' | 'region' | 'alias' | 'via-service' | 'service-principal' | 'hex-digest' | 'principal-arn';
  range?: [number, number];
  doc: string;
}

const ENC_ALGS = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const;
const SIGN_ALGS = [
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512', 'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'ED25519_SHA_512', 'ED25519_PH_SHA_512',
  'ML_DSA_SHAKE_256', 'SM2DSA',
] as const;
const DATA_KEY_PAIR_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'SM2'] as const;
const ENC_EC_ACTIONS = ['CreateGrant', 'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'RetireGrant'];
const ALG_ACTIONS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'];
const RA_ACTIONS = ['Decrypt', 'DeriveSharedSecret', 'DescribeKey', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GetPublicKey', 'ReEncryptFrom', 'ReEncryptTo', 'Sign', 'Verify', 'VerifyMac'];
const ATT_ACTIONS = ['Decrypt', 'DeriveSharedSecret', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateRandom'];

const KMS_KEY_LIST: ConditionKeyInfo[] = [
  { name: 'kms:BypassPolicyLockoutSafetyCheck', type: 'Bool', multi: false, actions: ['CreateKey', 'PutKeyPolicy'], doc: 'The BypassPolicyLockoutSafetyCheck parameter of CreateKey/PutKeyPolicy.' },
  { name: 'kms:CallerAccount', type: 'String', multi: false, actions: 'key+create', format: 'account', doc: 'The AWS account ID of the caller.' },
  { name: 'kms:CustomerMasterKeySpec', type: 'String', multi: false, actions: 'key+create', values: KEY_SPECS, deprecated: 'kms:KeySpec', doc: 'Deprecated: use kms:KeySpec.' },
  { name: 'kms:CustomerMasterKeyUsage', type: 'String', multi: false, actions: 'key+create', values: KEY_USAGES, deprecated: 'kms:KeyUsage', doc: 'Deprecated: use kms:KeyUsage.' },
  { name: 'kms:DataKeyPairSpec', type: 'String', multi: false, actions: ['GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext'], values: DATA_KEY_PAIR_SPECS, doc: 'The KeyPairSpec of a GenerateDataKeyPair request.' },
  { name: 'kms:EncryptionAlgorithm', type: 'String', multi: false, actions: ALG_ACTIONS, values: ENC_ALGS, doc: 'The encryption algorithm of the request.' },
  { name: 'kms:EncryptionContext:${EncryptionContextKey}', type: 'String', multi: false, actions: ENC_EC_ACTIONS, doc: 'The value of one encryption-context pair of the request (symmetric keys only); the key part is case-insensitive.' },
  { name: 'kms:EncryptionContextKeys', type: 'ArrayOfString', multi: true, actions: ENC_EC_ACTIONS, doc: 'The keys of the encryption context of the request.' },
  { name: 'kms:ExpirationModel', type: 'String', multi: false, actions: ['ImportKeyMaterial'], values: ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'], doc: 'The ExpirationModel of an ImportKeyMaterial request.' },
  { name: 'kms:GrantConstraintSourceArn', type: 'ARN', multi: false, actions: ['CreateGrant'], doc: 'The SourceArn constraint of a CreateGrant request.' },
  { name: 'kms:GrantConstraintType', type: 'String', multi: false, actions: ['CreateGrant', 'RetireGrant'], values: ['EncryptionContextEquals', 'EncryptionContextSubset', 'SourceArn'], doc: 'The type of constraint of the grant.' },
  { name: 'kms:GrantIsForAWSResource', type: 'Bool', multi: false, actions: ['CreateGrant', 'ListGrants', 'RevokeGrant'], doc: 'True when an integrated AWS service calls on the principal\'s behalf.' },
  { name: 'kms:GrantOperations', type: 'ArrayOfString', multi: true, actions: ['CreateGrant'], values: GRANT_OPERATIONS, doc: 'The operations of a CreateGrant request.' },
  { name: 'kms:GranteePrincipal', type: 'String', multi: false, actions: ['CreateGrant'], format: 'principal-arn', doc: 'The grantee principal of a CreateGrant request.' },
  { name: 'kms:GranteeServicePrincipal', type: 'String', multi: false, actions: ['CreateGrant'], format: 'service-principal', doc: 'The grantee service principal of a CreateGrant request.' },
  { name: 'kms:KeyAgreementAlgorithm', type: 'String', multi: false, actions: ['DeriveSharedSecret'], values: ['ECDH'], doc: 'The key agreement algorithm of DeriveSharedSecret.' },
  { name: 'kms:KeyOrigin', type: 'String', multi: false, actions: 'key+create', values: ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'], doc: 'The origin of the key material.' },
  { name: 'kms:KeySpec', type: 'String', multi: false, actions: 'key+create', values: KEY_SPECS, doc: 'The key spec of the KMS key.' },
  { name: 'kms:KeyUsage', type: 'String', multi: false, actions: 'key+create', values: KEY_USAGES, doc: 'The key usage of the KMS key.' },
  { name: 'kms:MacAlgorithm', type: 'String', multi: false, actions: ['GenerateMac', 'VerifyMac'], values: ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'], doc: 'The MAC algorithm of the request.' },
  { name: 'kms:MessageType', type: 'String', multi: false, actions: ['Sign', 'Verify'], values: ['RAW', 'DIGEST', 'EXTERNAL_MU'], doc: 'The MessageType of Sign/Verify.' },
  { name: 'kms:MultiRegion', type: 'Bool', multi: false, actions: 'key+create', doc: 'Whether the KMS key is multi-Region.' },
  { name: 'kms:MultiRegionKeyType', type: 'String', multi: false, actions: 'key+create', values: ['PRIMARY', 'REPLICA'], doc: 'Primary or replica multi-Region key.' },
  { name: 'kms:PrimaryRegion', type: 'String', multi: false, actions: ['UpdatePrimaryRegion'], format: 'region', doc: 'The new primary Region of UpdatePrimaryRegion.' },
  { name: 'kms:ReEncryptOnSameKey', type: 'Bool', multi: false, actions: ['ReEncryptFrom', 'ReEncryptTo'], doc: 'True when ReEncrypt uses the same key for source and destination.' },
  { name: 'kms:RecipientAttestation:ImageSha384', type: 'String', multi: false, actions: ATT_ACTIONS, format: 'hex-digest', doc: 'The image digest in a Nitro Enclaves attestation document.' },
  ...Array.from({ length: 32 }, (_, i): ConditionKeyInfo => ({ name: `kms:RecipientAttestation:PCR${i}`, type: 'String', multi: false, actions: ATT_ACTIONS, format: 'hex-digest', doc: `Platform configuration register ${i} of a Nitro Enclaves attestation document.` })),
  ...Array.from({ length: 24 }, (_, i): ConditionKeyInfo => ({ name: `kms:RecipientAttestation:NitroTPMPCR${i}`, type: 'String', multi: false, actions: ATT_ACTIONS, format: 'hex-digest', doc: `PCR ${i} of a NitroTPM attestation document.` })),
  { name: 'kms:ReplicaRegion', type: 'String', multi: false, actions: ['ReplicateKey'], format: 'region', doc: 'The Region of the replica ReplicateKey creates.' },
  { name: 'kms:RequestAlias', type: 'String', multi: false, actions: RA_ACTIONS, format: 'alias', doc: 'The alias name used to identify the key in the request (only when the request used an alias).' },
  { name: 'kms:ResourceAliases', type: 'ArrayOfString', multi: true, actions: 'key', format: 'alias', forbiddenInKeyPolicy: true, doc: 'The aliases of the KMS key (IAM policies only).' },
  { name: 'kms:RetiringPrincipal', type: 'String', multi: false, actions: ['CreateGrant'], format: 'principal-arn', doc: 'The retiring principal of a CreateGrant request.' },
  { name: 'kms:RetiringServicePrincipal', type: 'String', multi: false, actions: ['CreateGrant'], format: 'service-principal', doc: 'The retiring service principal of a CreateGrant request.' },
  { name: 'kms:RotationPeriodInDays', type: 'Numeric', multi: false, actions: ['EnableKeyRotation'], range: [90, 2560], doc: 'The RotationPeriodInDays of EnableKeyRotation (90–2560).' },
  { name: 'kms:ScheduleKeyDeletionPendingWindowInDays', type: 'Numeric', multi: false, actions: ['ScheduleKeyDeletion'], range: [7, 30], doc: 'The PendingWindowInDays of ScheduleKeyDeletion (7–30).' },
  { name: 'kms:SigningAlgorithm', type: 'String', multi: false, actions: ['Sign', 'Verify'], values: SIGN_ALGS, doc: 'The signing algorithm of Sign/Verify.' },
  { name: 'kms:TrailingDaysWithoutKeyUsage', type: 'Numeric', multi: false, actions: ['DisableKey', 'ScheduleKeyDeletion'], doc: 'Days since the key was last used for a cryptographic operation.' },
  { name: 'kms:ValidTo', type: 'Date', multi: false, actions: ['ImportKeyMaterial'], doc: 'The ValidTo of ImportKeyMaterial.' },
  { name: 'kms:ViaService', type: 'String', multi: false, actions: 'key+create', format: 'via-service', doc: 'The AWS service (`<service>.<region>.amazonaws.com`) that called KMS on the principal\'s behalf.' },
  { name: 'kms:WrappingAlgorithm', type: 'String', multi: false, actions: ['GetParametersForImport'], values: ['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE'], doc: 'The wrapping algorithm of GetParametersForImport.' },
  { name: 'kms:WrappingKeySpec', type: 'String', multi: false, actions: ['GetParametersForImport'], values: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'], doc: 'The wrapping key spec of GetParametersForImport.' },
];

const GLOBAL_KEY_LIST: ConditionKeyInfo[] = [
  { name: 'aws:RequestTag/${TagKey}', type: 'String', multi: false, actions: ['CreateKey', 'TagResource'], doc: 'A tag value in the request.' },
  { name: 'aws:ResourceTag/${TagKey}', type: 'String', multi: false, actions: 'key+create', forbiddenInKeyPolicy: true, doc: 'A tag of the KMS key (IAM policies only).' },
  { name: 'aws:TagKeys', type: 'ArrayOfString', multi: true, actions: ['CreateKey', 'TagResource', 'UntagResource'], doc: 'The tag keys in the request.' },
  { name: 'aws:PrincipalTag/${TagKey}', type: 'String', multi: false, actions: 'all', doc: 'A tag attached to the calling principal.' },
  { name: 'aws:PrincipalOrgID', type: 'String', multi: false, actions: 'all', doc: 'The AWS Organizations ID of the caller\'s account.' },
  { name: 'aws:PrincipalOrgPaths', type: 'ArrayOfString', multi: true, actions: 'all', doc: 'The Organizations paths of the caller\'s account.' },
  { name: 'aws:PrincipalAccount', type: 'String', multi: false, actions: 'all', format: 'account', doc: 'The account of the calling principal.' },
  { name: 'aws:PrincipalArn', type: 'ARN', multi: false, actions: 'all', doc: 'The ARN of the calling principal (role ARN for assumed-role sessions).' },
  { name: 'aws:PrincipalIsAWSService', type: 'Bool', multi: false, actions: 'all', doc: 'True when an AWS service principal makes the call.' },
  { name: 'aws:PrincipalServiceName', type: 'String', multi: false, actions: 'all', doc: 'The service principal name making the call.' },
  { name: 'aws:PrincipalServiceNamesList', type: 'ArrayOfString', multi: true, actions: 'all', doc: 'All service principal names of the service making the call.' },
  { name: 'aws:PrincipalType', type: 'String', multi: false, actions: 'all', values: ['Account', 'User', 'FederatedUser', 'AssumedRole', 'Anonymous'], doc: 'The type of the calling principal.' },
  { name: 'aws:userid', type: 'String', multi: false, actions: 'all', doc: 'The unique ID of the caller.' },
  { name: 'aws:username', type: 'String', multi: false, actions: 'all', doc: 'The IAM user name of the caller.' },
  { name: 'aws:SourceAccount', type: 'String', multi: false, actions: 'all', format: 'account', doc: 'The account of the resource on whose behalf a service calls.' },
  { name: 'aws:SourceArn', type: 'ARN', multi: false, actions: 'all', doc: 'The ARN of the resource on whose behalf a service calls.' },
  { name: 'aws:SourceOrgID', type: 'String', multi: false, actions: 'all', doc: 'The organization of the source resource.' },
  { name: 'aws:SourceOrgPaths', type: 'ArrayOfString', multi: true, actions: 'all', doc: 'The Organizations paths of the source resource.' },
  { name: 'aws:SecureTransport', type: 'Bool', multi: false, actions: 'all', doc: 'True when the request used TLS.' },
  { name: 'aws:SourceIp', type: 'IPAddress', multi: false, actions: 'all', doc: 'The caller\'s IP address (not set for calls through VPC endpoints or AWS services).' },
  { name: 'aws:VpcSourceIp', type: 'IPAddress', multi: false, actions: 'all', doc: 'The caller\'s IP address within a VPC (through a VPC endpoint).' },
  { name: 'aws:SourceVpc', type: 'String', multi: false, actions: 'all', doc: 'The VPC of the VPC endpoint used.' },
  { name: 'aws:SourceVpce', type: 'String', multi: false, actions: 'all', doc: 'The VPC endpoint used.' },
  { name: 'aws:SourceVpcArn', type: 'ARN', multi: false, actions: 'all', doc: 'The ARN of the VPC of the VPC endpoint used.' },
  { name: 'aws:AssumedRoot', type: 'Bool', multi: false, actions: 'all', doc: 'True when the caller is a root session assumed by a management account (centralized root access).' },
  { name: 'aws:ChatbotSourceArn', type: 'ARN', multi: false, actions: 'all', doc: 'The chat channel configuration ARN when the call comes through AWS Chatbot.' },
  { name: 'aws:ViaAWSService', type: 'Bool', multi: false, actions: 'all', doc: 'True when an AWS service makes the call on the principal\'s behalf.' },
  { name: 'aws:CalledVia', type: 'ArrayOfString', multi: true, actions: 'all', doc: 'The services that made the call chain (forward access sessions).' },
  { name: 'aws:CalledViaFirst', type: 'String', multi: false, actions: 'all', doc: 'The first service in aws:CalledVia.' },
  { name: 'aws:CalledViaLast', type: 'String', multi: false, actions: 'all', doc: 'The last service in aws:CalledVia.' },
  { name: 'aws:RequestedRegion', type: 'String', multi: false, actions: 'all', format: 'region', doc: 'The Region the request was sent to.' },
  { name: 'aws:CurrentTime', type: 'Date', multi: false, actions: 'all', doc: 'The date and time of the request.' },
  { name: 'aws:EpochTime', type: 'Date', multi: false, actions: 'all', doc: 'The time of the request in epoch seconds.' },
  { name: 'aws:TokenIssueTime', type: 'Date', multi: false, actions: 'all', doc: 'When the caller\'s temporary credentials were issued.' },
  { name: 'aws:MultiFactorAuthPresent', type: 'Bool', multi: false, actions: 'all', doc: 'True when the caller signed in with MFA (absent for long-term credentials).' },
  { name: 'aws:MultiFactorAuthAge', type: 'Numeric', multi: false, actions: 'all', doc: 'Seconds since MFA authentication.' },
  { name: 'aws:ResourceAccount', type: 'String', multi: false, actions: 'all', format: 'account', doc: 'The account that owns the KMS key.' },
  { name: 'aws:ResourceOrgID', type: 'String', multi: false, actions: 'all', doc: 'The organization of the key\'s account.' },
  { name: 'aws:ResourceOrgPaths', type: 'ArrayOfString', multi: true, actions: 'all', doc: 'The Organizations paths of the key\'s account.' },
  { name: 'aws:VpceAccount', type: 'String', multi: false, actions: 'all', format: 'account', doc: 'The account owning the VPC endpoint used.' },
  { name: 'aws:VpceOrgID', type: 'String', multi: false, actions: 'all', doc: 'The organization owning the VPC endpoint used.' },
  { name: 'aws:VpceOrgPaths', type: 'ArrayOfString', multi: true, actions: 'all', doc: 'The Organizations paths owning the VPC endpoint used.' },
  { name: 'aws:SourceIdentity', type: 'String', multi: false, actions: 'all', doc: 'The source identity set when the role was assumed.' },
  { name: 'aws:FederatedProvider', type: 'String', multi: false, actions: 'all', doc: 'The identity provider of a federated caller.' },
  { name: 'aws:UserAgent', type: 'String', multi: false, actions: 'all', doc: 'The caller\'s HTTP user agent.' },
  { name: 'aws:referer', type: 'String', multi: false, actions: 'all', doc: 'The HTTP referer of the request.' },
  { name: 'aws:Ec2InstanceSourceVpc', type: 'String', multi: false, actions: 'all', doc: 'The VPC of the EC2 instance whose role credentials made the call.' },
  { name: 'aws:Ec2InstanceSourcePrivateIPv4', type: 'IPAddress', multi: false, actions: 'all', doc: 'The private IPv4 of the EC2 instance whose role credentials made the call.' },
  { name: 'aws:SourceInstanceARN', type: 'ARN', multi: false, actions: 'all', doc: 'The EC2 instance ARN whose role credentials made the call.' },
];

/** kms: condition keys (95 with the expanded attestation keys). */
export const KMS_CONDITION_KEYS: readonly ConditionKeyInfo[] = KMS_KEY_LIST;
export const GLOBAL_CONDITION_KEYS: readonly ConditionKeyInfo[] = GLOBAL_KEY_LIST;
const EXACT = new Map<string, ConditionKeyInfo>();
const TEMPLATED: { prefix: string; info: ConditionKeyInfo }[] = [];
for (const info of [...KMS_KEY_LIST, ...GLOBAL_KEY_LIST]) {
  const t = info.name.indexOf('${');
  if (t >= 0) TEMPLATED.push({ prefix: info.name.slice(0, t).toLowerCase(), info });
  else EXACT.set(info.name.toLowerCase(), info);
}

/** Looks a condition key up case-insensitively; templated keys (EncryptionContext:x, RequestTag/x) by prefix. */
export function lookupConditionKey(name: string): ConditionKeyInfo | undefined {
  const lower = name.toLowerCase();
  const exact = EXACT.get(lower);
  if (exact) return exact;
  for (const t of TEMPLATED) if (lower.startsWith(t.prefix) && lower.length > t.prefix.length) return t.info;
  return undefined;
}

/** All keys for completion: kms: then aws:. */
export const CONDITION_KEYS: readonly ConditionKeyInfo[] = [...KMS_CONDITION_KEYS, ...GLOBAL_CONDITION_KEYS];

/** Does `action` (bare name) supply the condition key? */
export function keySupportsAction(info: ConditionKeyInfo, action: string): boolean {
  const a = KMS_ACTIONS[action];
  if (!a) return false;
  if (info.actions === 'all') return true;
  if (info.actions === 'key') return a.resource === 'key';
  if (info.actions === 'key+create') {
    if (info.name === 'kms:CallerAccount') return a.callerAccount;
    if (info.name === 'kms:ViaService') return a.viaService;
    return a.resource === 'key' || a.name === 'CreateKey';
  }
  return info.actions.includes(action);
}

// ---------------------------------------------------------------------------------------------------
// Operators

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

export interface OperatorInfo {
  name: string;
  family: OperatorFamily;
  /** True for the Not… operators: a missing key makes them true. */
  negated: boolean;
  /** Wildcards `*`/`?` in values are honoured. */
  wildcards: boolean;
  ignoreCase?: boolean;
  doc: string;
}

const OPERATOR_LIST: OperatorInfo[] = [
  { name: 'StringEquals', family: 'String', negated: false, wildcards: false, doc: 'Exact, case-sensitive match.' },
  { name: 'StringNotEquals', family: 'String', negated: true, wildcards: false, doc: 'Negated exact match.' },
  { name: 'StringEqualsIgnoreCase', family: 'String', negated: false, wildcards: false, ignoreCase: true, doc: 'Exact match ignoring case.' },
  { name: 'StringNotEqualsIgnoreCase', family: 'String', negated: true, wildcards: false, ignoreCase: true, doc: 'Negated match ignoring case.' },
  { name: 'StringLike', family: 'String', negated: false, wildcards: true, doc: 'Case-sensitive match with `*` and `?` wildcards.' },
  { name: 'StringNotLike', family: 'String', negated: true, wildcards: true, doc: 'Negated wildcard match.' },
  { name: 'NumericEquals', family: 'Numeric', negated: false, wildcards: false, doc: 'Number equal.' },
  { name: 'NumericNotEquals', family: 'Numeric', negated: true, wildcards: false, doc: 'Number not equal.' },
  { name: 'NumericLessThan', family: 'Numeric', negated: false, wildcards: false, doc: 'Request value < policy value.' },
  { name: 'NumericLessThanEquals', family: 'Numeric', negated: false, wildcards: false, doc: 'Request value ≤ policy value.' },
  { name: 'NumericGreaterThan', family: 'Numeric', negated: false, wildcards: false, doc: 'Request value > policy value.' },
  { name: 'NumericGreaterThanEquals', family: 'Numeric', negated: false, wildcards: false, doc: 'Request value ≥ policy value.' },
  { name: 'DateEquals', family: 'Date', negated: false, wildcards: false, doc: 'Same instant (ISO 8601 or epoch seconds).' },
  { name: 'DateNotEquals', family: 'Date', negated: true, wildcards: false, doc: 'Different instant.' },
  { name: 'DateLessThan', family: 'Date', negated: false, wildcards: false, doc: 'Request time before the policy time.' },
  { name: 'DateLessThanEquals', family: 'Date', negated: false, wildcards: false, doc: 'Request time at or before the policy time.' },
  { name: 'DateGreaterThan', family: 'Date', negated: false, wildcards: false, doc: 'Request time after the policy time.' },
  { name: 'DateGreaterThanEquals', family: 'Date', negated: false, wildcards: false, doc: 'Request time at or after the policy time.' },
  { name: 'Bool', family: 'Bool', negated: false, wildcards: false, doc: 'Boolean match ("true"/"false").' },
  { name: 'BinaryEquals', family: 'Binary', negated: false, wildcards: false, doc: 'Byte-for-byte match of base64 values.' },
  { name: 'IpAddress', family: 'IpAddress', negated: false, wildcards: false, doc: 'Address in the CIDR range.' },
  { name: 'NotIpAddress', family: 'IpAddress', negated: true, wildcards: false, doc: 'Address outside the CIDR range.' },
  { name: 'ArnEquals', family: 'Arn', negated: false, wildcards: true, doc: 'ARN match, each of the six parts with wildcards (same as ArnLike).' },
  { name: 'ArnLike', family: 'Arn', negated: false, wildcards: true, doc: 'ARN match with wildcards per part.' },
  { name: 'ArnNotEquals', family: 'Arn', negated: true, wildcards: true, doc: 'Negated ArnEquals.' },
  { name: 'ArnNotLike', family: 'Arn', negated: true, wildcards: true, doc: 'Negated ArnLike.' },
  { name: 'Null', family: 'Null', negated: false, wildcards: false, doc: '"true": the key is absent from the request; "false": it is present.' },
];

/** Base operators keyed by exact (case-sensitive) name. */
export const OPERATORS: Readonly<Record<string, OperatorInfo>> = Object.fromEntries(OPERATOR_LIST.map((o) => [o.name, o]));

export interface ParsedOperator {
  base: OperatorInfo;
  qualifier?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
}

/** Splits `ForAllValues:StringLikeIfExists` into its parts; undefined for an unknown operator. */
export function parseOperator(text: string): ParsedOperator | undefined {
  let rest = text;
  let qualifier: ParsedOperator['qualifier'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon);
    if (q !== 'ForAnyValue' && q !== 'ForAllValues') return undefined;
    qualifier = q;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = OPERATORS[rest];
  return base ? { base, qualifier, ifExists } : undefined;
}

/** Every `kms:` service-prefix match is case-insensitive; this is the canonical action for a name. */
export function canonicalAction(name: string): string | undefined {
  const lower = name.toLowerCase();
  return ACTION_LIST.find((a) => a.name.toLowerCase() === lower)?.name;
}

/** AWS service principals commonly seen in key policies; used only to phrase hints, never to reject. */
export const SERVICE_PRINCIPAL_PATTERN = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$|^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|api\.aws)$/;
