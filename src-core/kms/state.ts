/**
 * The keyring as data: plain JSON-serialisable records, so any store can persist it and tests can
 * build it by hand. Times are epoch milliseconds on the keyring's (possibly simulated) clock.
 * Secrets are base64 text: they live only here and in the store's encrypted file, never in logs.
 */
import type { CloudTrailEvent } from '../audit/event';
import type { AuditHead } from '../audit/chain';
import type { ConnectionErrorCodeType } from './model/operations';

export type KeySpec =
  | 'SYMMETRIC_DEFAULT'
  | 'RSA_2048' | 'RSA_3072' | 'RSA_4096'
  | 'ECC_NIST_P256' | 'ECC_NIST_P384' | 'ECC_NIST_P521' | 'ECC_SECG_P256K1'
  | 'ECC_NIST_EDWARDS25519'
  | 'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87'
  | 'HMAC_224' | 'HMAC_256' | 'HMAC_384' | 'HMAC_512'
  | 'SM2';
export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT';
export type KeyState =
  | 'Creating' | 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport'
  | 'PendingReplicaDeletion' | 'Unavailable' | 'Updating';
export type Origin = 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
export type KeyManager = 'AWS' | 'CUSTOMER';
export type KeyMaterialState = 'CURRENT' | 'NON_CURRENT' | 'PENDING_ROTATION' | 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';

/** One version of a key's backing material. Ciphertext blobs name the version that made them. */
export interface KeyMaterialRecord {
  /** KeyMaterialId: 64 lowercase hex characters. */
  id: string;
  /** AES or HMAC key bytes, or a DER PKCS#8 private key, base64. Absent once imported material is deleted. */
  secret?: string;
  /** DER SubjectPublicKeyInfo, base64, for asymmetric keys. */
  publicKey?: string;
  state: KeyMaterialState;
  createdAt: number;
  rotationType?: 'AUTOMATIC' | 'ON_DEMAND';
  rotatedAt?: number;
  import?: {
    importState: 'IMPORTED' | 'PENDING_IMPORT';
    expirationModel: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
    validTo?: number;
    description?: string;
    /** SHA-256 of the material, base64, so a re-import of different material is refused even after deletion. */
    fingerprint: string;
  };
}

export interface GrantRecord {
  grantId: string;
  name?: string;
  createdAt: number;
  granteePrincipal?: string;
  granteeServicePrincipal?: string;
  retiringPrincipal?: string;
  retiringServicePrincipal?: string;
  issuingAccount: string;
  operations: string[];
  constraints?: {
    EncryptionContextSubset?: Record<string, string>;
    EncryptionContextEquals?: Record<string, string>;
    SourceArn?: string;
  };
  /** Tokens issued for this grant (each CreateGrant call issues a fresh one). */
  tokens: string[];
}

export interface LastUsage {
  at: number;
  operation: string;
  eventId: string;
  /** Absent in keyrings written before it was recorded. */
  requestId?: string;
}

export interface KeyRecord {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  createdAt: number;
  description: string;
  spec: KeySpec;
  usage: KeyUsage;
  origin: Origin;
  manager: KeyManager;
  state: KeyState;
  /** The state to return to when a transient state (Creating, Updating, Unavailable) ends. */
  stateAfterTransition?: KeyState;
  transitionAt?: number;
  deletionDate?: number;
  pendingWindowDays?: number;
  policy: string;
  tags: { TagKey: string; TagValue: string }[];
  materials: KeyMaterialRecord[];
  rotation: {
    enabled: boolean;
    periodDays: number;
    nextRotationAt?: number;
    onDemandCount: number;
    onDemandStartedAt?: number;
  };
  multiRegion?: {
    role: 'PRIMARY' | 'REPLICA';
    primaryRegion: string;
    /** Kept on the primary only. */
    replicaRegions: string[];
  };
  customKeyStoreId?: string;
  grants: GrantRecord[];
  /** Last successful use per operation; best effort, persisted with the next write. */
  lastUsage?: Record<string, LastUsage>;
}

export interface AliasRecord {
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
  updatedAt: number;
}

export interface CustomKeyStoreRecord {
  id: string;
  name: string;
  type: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  connectionState: 'CONNECTED' | 'CONNECTING' | 'FAILED' | 'DISCONNECTED' | 'DISCONNECTING';
  connectionErrorCode?: ConnectionErrorCodeType;
  createdAt: number;
  /** The type-specific settings of CreateCustomKeyStore, as given (the proxy secret excluded). */
  settings: Record<string, unknown>;
}

export interface ImportTokenRecord {
  token: string;
  keyId: string;
  wrappingAlgorithm: string;
  wrappingKeySpec: string;
  /** DER PKCS#8 private half of the wrapping key, base64. */
  wrappingPrivateKey: string;
  validTo: number;
}

/** Everything in one account and Region. */
export interface RegionState {
  keys: Record<string, KeyRecord>;
  aliases: Record<string, AliasRecord>;
  customKeyStores: Record<string, CustomKeyStoreRecord>;
  importTokens: Record<string, ImportTokenRecord>;
}

export interface KeyringState {
  format: 'kms-workbench/keyring';
  version: 1;
  /** Simulated time: added to the wall clock, so `kmsw clock advance 30d` moves every host sharing the keyring. */
  clockOffsetMs: number;
  /** Keyed by `${accountId}/${region}`. */
  regions: Record<string, RegionState>;
  /**
   * Audit events committed with the change they record and not yet known to be in the audit log:
   * written in the same transaction as the change, delivered to the log after it, and removed by a
   * later transaction once the log holds them (see KmsService).
   */
  auditOutbox?: CloudTrailEvent[];
  /**
   * The audit log's head as of the last delivery this keyring saw, written with the keyring under the
   * root key: a log cut or rewritten below it fails `kmsw audit verify` even with its .head rewritten.
   */
  auditAnchor?: AuditHead;
}

export function emptyKeyring(): KeyringState {
  return { format: 'kms-workbench/keyring', version: 1, clockOffsetMs: 0, regions: {} };
}

export function regionKey(accountId: string, region: string): string {
  return `${accountId}/${region}`;
}

/** The RegionState for an account and Region, created on first use. */
export function regionState(state: KeyringState, accountId: string, region: string): RegionState {
  const id = regionKey(accountId, region);
  return (state.regions[id] ??= { keys: {}, aliases: {}, customKeyStores: {}, importTokens: {} });
}

/** Read-only lookup that never creates a RegionState (reads must not mutate). */
export function peekRegionState(state: KeyringState, accountId: string, region: string): RegionState | undefined {
  return state.regions[regionKey(accountId, region)];
}
