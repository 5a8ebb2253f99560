/**
 * Clock-driven changes: transient states ending, scheduled deletions happening. They are applied
 * lazily, on the first request at or after the time they fall due, so a simulated clock jump of
 * 30 days takes effect on the next call.
 */
import type { Random } from '../ports';
import type { KeyRecord, KeyringState, RegionState } from './state';

function keysOf(state: KeyringState): { region: RegionState; key: KeyRecord }[] {
  return Object.values(state.regions).flatMap((region) => Object.values(region.keys).map((key) => ({ region, key })));
}

/** Earliest time at which `advanceLifecycle` would change something, or undefined. */
export function nextLifecycleEventAt(state: KeyringState): number | undefined {
  let next: number | undefined;
  const consider = (t: number | undefined) => {
    if (t !== undefined && (next === undefined || t < next)) next = t;
  };
  for (const { key } of keysOf(state)) {
    consider(key.transitionAt);
    if (key.state === 'PendingDeletion') consider(key.deletionDate);
  }
  return next;
}

/** Applies every change due at `now`; returns whether anything changed. */
export function advanceLifecycle(state: KeyringState, now: number, _random: Random): boolean {
  let changed = false;
  for (const { region, key } of keysOf(state)) {
    if (key.transitionAt !== undefined && key.transitionAt <= now) {
      key.state = key.stateAfterTransition ?? 'Enabled';
      delete key.transitionAt;
      delete key.stateAfterTransition;
      changed = true;
    }
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) {
      deleteKey(region, key);
      changed = true;
    }
  }
  return changed;
}

function deleteKey(region: RegionState, key: KeyRecord): void {
  delete region.keys[key.keyId];
  for (const [name, alias] of Object.entries(region.aliases)) {
    if (alias.targetKeyId === key.keyId) delete region.aliases[name];
  }
}
