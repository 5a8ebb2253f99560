/**
 * Shared set-ups of the key-management tests: a connected CloudHSM key store, and imported material
 * placed straight into the keyring (the import operations are tested on their own; here only what the
 * key-management side does with such material matters).
 */
import type { KeyMaterialRecord } from '../../../src-core/kms/state';
import { ACCOUNT, REGION, type TestKms } from './harness';

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
