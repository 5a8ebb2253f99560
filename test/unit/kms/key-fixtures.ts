/**
 * Shared set-ups of the key-management tests: a connected CloudHSM key store, and imported material
 * placed straight into the keyring (the import operations are tested on their own; here only what the
 * key-management side does with such material matters).
 */
import type { Caller } from '../../../src-core/kms/operation-context';
import type { KeyMaterialRecord } from '../../../src-core/kms/state';
import { ACCOUNT, REGION, rootCaller, type TestKms } from './harness';

export async function connectedCloudHsmStore(kms: TestKms): Promise<string> {
  const { CustomKeyStoreId: id } = await kms.call('CreateCustomKeyStore', {
    CustomKeyStoreName: 'hsm', CloudHsmClusterId: 'cluster-234567abcdef', TrustAnchorCertificate: 'cert', KeyStorePassword: 'password1',
  });
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: id });
  return id;
}

export interface ImportedMaterial {
  /** One hex digit, repeated to make the 64-character KeyMaterialId; also the fill byte of the secret. */
  tag: string;
  state?: KeyMaterialRecord['state'];
  validTo?: number;
}

/** Adds imported material to an EXTERNAL key and enables it, as a completed ImportKeyMaterial would. */
export async function addImportedMaterial(kms: TestKms, keyId: string, material: ImportedMaterial, region = REGION): Promise<void> {
  await kms.store.transact((state) => {
    const key = state.regions[`${ACCOUNT}/${region}`].keys[keyId];
    key.state = 'Enabled';
    key.materials.push({
      id: material.tag.repeat(64),
      secret: Buffer.alloc(32, parseInt(material.tag, 16)).toString('base64'),
      state: material.state ?? 'CURRENT',
      createdAt: 0,
      import: {
        importState: 'IMPORTED',
        expirationModel: material.validTo === undefined ? 'KEY_MATERIAL_DOES_NOT_EXPIRE' : 'KEY_MATERIAL_EXPIRES',
        ...(material.validTo === undefined ? {} : { validTo: material.validTo }),
        fingerprint: `fingerprint-${material.tag}`,
      },
    });
  });
}

/** A key brought into a state through real calls: its ID, its ARN in its Region, that Region's caller, and its key store if any. */
export interface KeyInState {
  keyId: string;
  arn: string;
  caller: Caller;
  store?: string;
}

const home = rootCaller();
const west = rootCaller(ACCOUNT, 'us-west-2');

async function created(kms: TestKms, body: Record<string, unknown> = {}): Promise<KeyInState> {
  const { KeyMetadata } = await kms.call('CreateKey', body);
  return { keyId: KeyMetadata.KeyId as string, arn: KeyMetadata.Arn as string, caller: home };
}

/** One set-up per key state of the key-state table (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html), in the table's column order. */
export const KEY_IN_STATE = {
  Enabled: (kms: TestKms) => created(kms),
  Disabled: async (kms: TestKms) => {
    const key = await created(kms);
    await kms.call('DisableKey', { KeyId: key.keyId });
    return key;
  },
  PendingDeletion: async (kms: TestKms) => {
    const key = await created(kms);
    await kms.call('ScheduleKeyDeletion', { KeyId: key.keyId, PendingWindowInDays: 7 });
    return key;
  },
  PendingImport: (kms: TestKms) => created(kms, { Origin: 'EXTERNAL' }),
  Unavailable: async (kms: TestKms): Promise<KeyInState> => {
    const store = await connectedCloudHsmStore(kms);
    const key = await created(kms, { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: store });
    await kms.call('DisconnectCustomKeyStore', { CustomKeyStoreId: store });
    return { ...key, store };
  },
  /** A fresh replica is `Creating` in its Region. */
  Creating: async (kms: TestKms): Promise<KeyInState> => {
    const key = await created(kms, { MultiRegion: true });
    const { ReplicaKeyMetadata } = await kms.call('ReplicateKey', { KeyId: key.keyId, ReplicaRegion: 'us-west-2' });
    return { keyId: key.keyId, arn: ReplicaKeyMetadata.Arn, caller: west };
  },
  /** The new primary is `Updating` right after UpdatePrimaryRegion (addressed there, so primary-only operations reach the state check). */
  Updating: async (kms: TestKms): Promise<KeyInState> => {
    const key = await created(kms, { MultiRegion: true });
    await kms.call('ReplicateKey', { KeyId: key.keyId, ReplicaRegion: 'us-west-2' });
    kms.clock.advance(1000);
    await kms.call('UpdatePrimaryRegion', { KeyId: key.keyId, PrimaryRegion: 'us-west-2' });
    return { keyId: key.keyId, arn: key.arn.replace(`:${REGION}:`, ':us-west-2:'), caller: west };
  },
} satisfies Record<string, (kms: TestKms) => Promise<KeyInState>>;
