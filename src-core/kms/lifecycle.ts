/**
 * Clock-driven changes: transient states ending, scheduled deletions happening, automatic rotation,
 * imported material expiring. They are applied lazily, on the first request at or after the time
 * they fall due, so a simulated clock jump of 30 days takes effect on the next call.
 */
import type { KeyringIndex, Random } from '../ports';
import { DAY_MS, findKey } from './key-resolution';
import { rotateKey, rotationPeriodMs, syncReplicas } from './rotation';
import { peekRegionState, type KeyRecord, type KeyringState, type RegionState } from './state';

/** How many missed automatic rotations one pass catches up on, so a jump of centuries stays cheap. */
const MAX_CATCH_UP_ROTATIONS = 100;

/** Automatic rotation runs only for enabled keys, and on the primary of a multi-Region key (replicas follow it). */
function rotationDueAt(key: KeyRecord): number | undefined {
  if (!key.rotation.enabled || key.state !== 'Enabled' || key.multiRegion?.role === 'REPLICA') return undefined;
  return key.rotation.nextRotationAt;
}

/** When imported material still in use expires (its secret is then deleted). */
function expiryAt(key: KeyRecord): number | undefined {
  let first: number | undefined;
  for (const m of key.materials) {
    const validTo = m.import?.validTo;
    if (m.secret !== undefined && validTo !== undefined && (first === undefined || validTo < first)) first = validTo;
  }
  return first;
}

/** Earliest time at which `advanceLifecycle` would change `key`, or undefined (stores index keys by it). */
export function keyDueAt(key: KeyRecord): number | undefined {
  let next: number | undefined;
  const consider = (t: number | undefined) => {
    if (t !== undefined && (next === undefined || t < next)) next = t;
  };
  consider(key.transitionAt);
  if (key.state === 'PendingDeletion') consider(key.deletionDate);
  consider(rotationDueAt(key));
  consider(expiryAt(key));
  return next;
}

/** A change the keyring's clock made, for its audit event (as CloudTrail records KMS's own DeleteKey and RotateKey). */
export interface LifecycleChange {
  eventName: 'DeleteKey' | 'RotateKey';
  key: KeyRecord;
  at: number;
}

/**
 * Applies every change due at `now` to the keys the store's index names as due; returns whether
 * anything changed. Deletions and rotations are also passed to `report`.
 */
export function advanceLifecycle(state: KeyringState, index: KeyringIndex, now: number, random: Random, report: (change: LifecycleChange) => void = () => undefined): boolean {
  let changed = false;
  // Deletions are collected and applied after the walk, so no key is skipped or visited twice.
  const deletions: { region: RegionState; key: KeyRecord }[] = [];
  for (const ref of index.dueKeys(now)) {
    const region = peekRegionState(state, ref.accountId, ref.region);
    const key = region?.keys[ref.keyId];
    if (!region || !key) continue;
    if (key.transitionAt !== undefined && key.transitionAt <= now) {
      key.state = key.stateAfterTransition ?? 'Enabled';
      delete key.transitionAt;
      delete key.stateAfterTransition;
      changed = true;
    }
    changed = rotateIfDue(state, key, now, random, report) || changed;
    changed = expireImportedMaterial(key, now) || changed;
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) deletions.push({ region, key });
  }
  for (const { region, key } of deletions) {
    deleteKey(state, index, region, key);
    report({ eventName: 'DeleteKey', key, at: key.deletionDate! });
  }
  return changed || deletions.length > 0;
}

function rotateIfDue(state: KeyringState, key: KeyRecord, now: number, random: Random, report: (change: LifecycleChange) => void): boolean {
  let due = rotationDueAt(key);
  let rotations = 0;
  while (due !== undefined && due <= now && rotations < MAX_CATCH_UP_ROTATIONS) {
    rotateKey(state, key, 'AUTOMATIC', due, random);
    report({ eventName: 'RotateKey', key, at: due });
    key.rotation.nextRotationAt = due + rotationPeriodMs(key);
    syncReplicas(state, key);
    due = key.rotation.nextRotationAt;
    rotations++;
  }
  if (due !== undefined && due <= now) {
    key.rotation.nextRotationAt = now + rotationPeriodMs(key);
    syncReplicas(state, key);
  }
  return rotations > 0;
}

/**
 * Imported material whose ValidTo has passed is deleted at once; a key left without usable current
 * material waits in PendingImport for the same material to be imported again (a key pending deletion
 * stays pending deletion).
 */
function expireImportedMaterial(key: KeyRecord, now: number): boolean {
  let changed = false;
  for (const m of key.materials) {
    if (m.secret === undefined || m.import?.validTo === undefined || m.import.validTo > now) continue;
    delete m.secret;
    m.import.importState = 'PENDING_IMPORT';
    changed = true;
  }
  const current = key.materials.find((m) => m.state === 'CURRENT');
  if (changed && current?.secret === undefined && key.state !== 'PendingDeletion' && key.state !== 'PendingReplicaDeletion') {
    key.state = 'PendingImport';
  }
  return changed;
}

function deleteKey(state: KeyringState, index: KeyringIndex, region: RegionState, key: KeyRecord): void {
  for (const name of index.aliasNames(key)) delete region.aliases[name];
  delete region.keys[key.keyId];
  if (key.multiRegion?.role === 'REPLICA') forgetReplica(state, key);
}

/**
 * A deleted replica leaves its primary's replica list; a primary waiting in PendingReplicaDeletion
 * for its last replica then starts its own waiting period.
 */
function forgetReplica(state: KeyringState, replica: KeyRecord): void {
  const primary = findKey(state, replica.accountId, replica.multiRegion!.primaryRegion, replica.keyId);
  if (primary?.multiRegion?.role !== 'PRIMARY') return;
  primary.multiRegion.replicaRegions = primary.multiRegion.replicaRegions.filter((r) => r !== replica.region);
  if (primary.state === 'PendingReplicaDeletion' && primary.multiRegion.replicaRegions.length === 0) {
    primary.state = 'PendingDeletion';
    primary.deletionDate = (replica.deletionDate ?? 0) + (primary.pendingWindowDays ?? 30) * DAY_MS;
  }
}
