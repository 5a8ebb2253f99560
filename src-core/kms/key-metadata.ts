/**
 * KeyMetadata as DescribeKey, CreateKey and ReplicateKey return it: only the members that apply to
 * the key (algorithm lists for its usage, deletion facts while pending deletion, import facts for
 * EXTERNAL keys, the multi-Region configuration for multi-Region keys).
 */
import { keyArn } from '../ids/identifiers';
import { enumValues } from './model/shapes';
import type { CustomerMasterKeySpec, KeyMetadata, MultiRegionConfiguration } from './model/operations';
import { algorithmsFor } from './crypto/algorithms';
import { findKey } from './key-resolution';
import { peekRegionState, type KeyMaterialRecord, type KeyRecord, type KeyringState, type KeySpec } from './state';

/** The material encrypting new data: the CURRENT one, if it still has its secret. */
export function currentMaterial(key: KeyRecord): KeyMaterialRecord | undefined {
  return key.materials.find((m) => m.state === 'CURRENT');
}

/** The primary of a multi-Region key and its replicas' Regions (kept on the primary). */
export function multiRegionConfiguration(state: KeyringState, key: KeyRecord): MultiRegionConfiguration | undefined {
  if (!key.multiRegion) return undefined;
  const primaryRegion = key.multiRegion.primaryRegion;
  const primary = key.multiRegion.role === 'PRIMARY' ? key : findKey(state, key.accountId, primaryRegion, key.keyId);
  const replicaRegions = primary?.multiRegion?.replicaRegions ?? [];
  return {
    MultiRegionKeyType: key.multiRegion.role,
    PrimaryKey: { Arn: keyArn(primaryRegion, key.accountId, key.keyId), Region: primaryRegion },
    ReplicaKeys: replicaRegions.map((region) => ({ Arn: keyArn(region, key.accountId, key.keyId), Region: region })),
  };
}

/** The deprecated CustomerMasterKeySpec member: the key spec when the model's older enum has it. */
export function customerMasterKeySpec(spec: KeySpec): CustomerMasterKeySpec | undefined {
  return enumValues('CustomerMasterKeySpec').includes(spec) ? (spec as CustomerMasterKeySpec) : undefined;
}

export function keyMetadata(state: KeyringState, key: KeyRecord): KeyMetadata {
  const current = currentMaterial(key);
  const external = key.origin === 'EXTERNAL';
  const imported = external ? current?.import : undefined;
  const store = key.customKeyStoreId ? peekRegionState(state, key.accountId, key.region)?.customKeyStores[key.customKeyStoreId] : undefined;
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: new Date(key.createdAt),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.usage,
    KeyState: key.state,
    DeletionDate: key.state === 'PendingDeletion' && key.deletionDate !== undefined ? new Date(key.deletionDate) : undefined,
    ValidTo: imported?.validTo !== undefined && current?.secret !== undefined ? new Date(imported.validTo) : undefined,
    Origin: key.origin,
    CustomKeyStoreId: key.customKeyStoreId,
    CloudHsmClusterId: store?.type === 'AWS_CLOUDHSM' ? (store.settings.CloudHsmClusterId as string | undefined) : undefined,
    ExpirationModel: imported && current?.secret !== undefined ? imported.expirationModel : undefined,
    KeyManager: key.manager,
    CustomerMasterKeySpec: customerMasterKeySpec(key.spec),
    KeySpec: key.spec,
    ...algorithmsFor(key.spec, key.usage),
    MultiRegion: key.multiRegion !== undefined,
    MultiRegionConfiguration: multiRegionConfiguration(state, key),
    PendingDeletionWindowInDays: key.state === 'PendingReplicaDeletion' ? key.pendingWindowDays : undefined,
    CurrentKeyMaterialId: current?.secret !== undefined ? current.id : undefined,
  };
}
