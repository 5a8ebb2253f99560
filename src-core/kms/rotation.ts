/**
 * Rotating a key's material: new CURRENT material, the old kept NON_CURRENT so existing ciphertexts
 * still decrypt. A multi-Region key shares its material and rotation settings with its replicas,
 * so every change made on the primary is copied to them.
 */
import type { Random } from '../ports';
import { DAY_MS, findKey } from './key-resolution';
import { generateKeyMaterial } from './key-material';
import type { KeyMaterialRecord, KeyRecord, KeyringState } from './state';

/** The related keys of a multi-Region primary in the other Regions (none for a single-Region key). */
export function replicasOf(state: KeyringState, primary: KeyRecord): KeyRecord[] {
  if (primary.multiRegion?.role !== 'PRIMARY') return [];
  return primary.multiRegion.replicaRegions.flatMap((region) => findKey(state, primary.accountId, region, primary.keyId) ?? []);
}

/**
 * The primary's material history as a replica holds it. KMS-generated material is shared outright;
 * imported material must be imported into each replica, so a replica keeps its own secret and import
 * state per material and sees material it does not have yet as pending import.
 */
export function replicaMaterials(primary: KeyRecord, replica?: KeyRecord): KeyMaterialRecord[] {
  if (primary.origin !== 'EXTERNAL') return structuredClone(primary.materials);
  return primary.materials.map((m) => {
    const { secret: _secret, ...copy } = structuredClone(m);
    const own = replica?.materials.find((r) => r.id === m.id);
    if (own?.secret !== undefined) return { ...copy, secret: own.secret, ...(own.import ? { import: structuredClone(own.import) } : {}) };
    return copy.import ? { ...copy, import: { ...copy.import, importState: 'PENDING_IMPORT' } } : copy;
  });
}

/** Copies the primary's materials and rotation settings to its replicas (they are shared properties). */
export function syncReplicas(state: KeyringState, primary: KeyRecord): void {
  for (const replica of replicasOf(state, primary)) {
    replica.materials = replicaMaterials(primary, replica);
    replica.rotation = structuredClone(primary.rotation);
  }
}

/** Makes `material` the key's CURRENT material; the previous CURRENT one stays for decryption. */
export function installMaterial(state: KeyringState, key: KeyRecord, material: KeyMaterialRecord): void {
  for (const m of key.materials) if (m.state === 'CURRENT') m.state = 'NON_CURRENT';
  key.materials.push(material);
  syncReplicas(state, key);
}

/** Rotates a symmetric key to fresh material, dated `at`. */
export function rotateKey(state: KeyringState, key: KeyRecord, type: 'AUTOMATIC' | 'ON_DEMAND', at: number, random: Random): void {
  const material = generateKeyMaterial(key.spec, random, at);
  material.rotationType = type;
  material.rotatedAt = at;
  installMaterial(state, key, material);
}

export function rotationPeriodMs(key: KeyRecord): number {
  return key.rotation.periodDays * DAY_MS;
}
