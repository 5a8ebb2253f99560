/**
 * The KeyringIndex of a keyring held whole in memory (the memory and file stores): each answer walks
 * the plain records, which costs little next to what those stores do per write anyway.
 */
import type { KeyringIndex, KeyRef } from '../ports';
import { keyDueAt } from './lifecycle';
import { peekRegionState, type KeyringState } from './state';

export function walkingIndex(state: KeyringState): KeyringIndex {
  const dueTimes = () =>
    Object.values(state.regions).flatMap((region) => Object.values(region.keys).map((key) => ({ key, due: keyDueAt(key) })));
  return {
    keyCount: (accountId, region) => Object.keys(peekRegionState(state, accountId, region)?.keys ?? {}).length,
    // Insertion order: creation order, stable across pages.
    keyIds: (accountId, region, offset, limit) => Object.keys(peekRegionState(state, accountId, region)?.keys ?? {}).slice(offset, offset + limit),
    aliasNames: (key: KeyRef) =>
      Object.values(peekRegionState(state, key.accountId, key.region)?.aliases ?? {}).filter((a) => a.targetKeyId === key.keyId).map((a) => a.aliasName),
    nextLifecycleEventAt: () => {
      let next: number | undefined;
      for (const { due } of dueTimes()) if (due !== undefined && (next === undefined || due < next)) next = due;
      return next;
    },
    dueKeys: (now) =>
      dueTimes()
        .filter(({ due }) => due !== undefined && due <= now)
        .map(({ key }) => ({ accountId: key.accountId, region: key.region, keyId: key.keyId })),
  };
}
