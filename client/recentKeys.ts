/**
 * The key picker's most-recently-used list, one per connection: a key enters it when the user picks it
 * for an operation, never by being created or listed, so "recently used" is true of every key it marks.
 */
import type { KeyEntry } from './tree/keyList';
import { keyLabel } from './tree/keyKind';

export const RECENT_LIMIT = 10;

/** The list with `keyId` first (moved there if it was already in it), at most RECENT_LIMIT long. */
export function withRecent(recent: readonly string[], keyId: string): string[] {
  return [keyId, ...recent.filter((k) => k !== keyId)].slice(0, RECENT_LIMIT);
}

/** The keys split into those used recently (most recent first) and the others (by label). */
export function byRecentUse(entries: readonly KeyEntry[], recent: readonly string[]): { recent: KeyEntry[]; others: KeyEntry[] } {
  const rank = new Map(recent.map((id, i) => [id, i]));
  const used = entries.filter((e) => rank.has(e.metadata.KeyId ?? ''));
  return {
    recent: used.sort((a, b) => (rank.get(a.metadata.KeyId ?? '') ?? 0) - (rank.get(b.metadata.KeyId ?? '') ?? 0)),
    others: entries.filter((e) => !rank.has(e.metadata.KeyId ?? '')).sort((a, b) => keyLabel(a).localeCompare(keyLabel(b))),
  };
}
