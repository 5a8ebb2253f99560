/**
 * The key picker's recently-used list: only keys picked for an operation are in it, most recent first,
 * bounded; keys never used are listed apart, by label, never marked "recently used".
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byRecentUse, RECENT_LIMIT, withRecent } from '../../../client/recentKeys';
import type { KeyEntry } from '../../../client/tree/keyList';

const entry = (id: string, alias: string): KeyEntry => ({ metadata: { KeyId: id, KeySpec: 'SYMMETRIC_DEFAULT', KeyState: 'Enabled' }, aliases: [`alias/${alias}`] });
const keys = [entry('k1', 'zeta'), entry('k2', 'alpha'), entry('k3', 'mid'), entry('k4', 'beta')];
const labels = (list: KeyEntry[]) => list.map((e) => e.aliases[0]);

describe('recently used keys', () => {
  it('an empty list marks no key recent: a key that was only created or listed is among the others', () => {
    const { recent, others } = byRecentUse(keys, []);
    assert.deepEqual(recent, []);
    assert.deepEqual(labels(others), ['alias/alpha', 'alias/beta', 'alias/mid', 'alias/zeta']);
  });

  it('lists used keys most recent first, the rest by label, and ignores used keys that are gone', () => {
    const { recent, others } = byRecentUse(keys, ['k3', 'gone', 'k1']);
    assert.deepEqual(labels(recent), ['alias/mid', 'alias/zeta']);
    assert.deepEqual(labels(others), ['alias/alpha', 'alias/beta']);
  });

  it('a pick moves the key to the front once, and the list stays bounded', () => {
    assert.deepEqual(withRecent(['k1', 'k2', 'k3'], 'k3'), ['k3', 'k1', 'k2']);
    assert.deepEqual(withRecent([], 'k1'), ['k1']);
    const full = Array.from({ length: RECENT_LIMIT }, (_, i) => `old-${i}`);
    const next = withRecent(full, 'new');
    assert.equal(next.length, RECENT_LIMIT);
    assert.equal(next[0], 'new');
    assert.ok(!next.includes(`old-${RECENT_LIMIT - 1}`));
  });
});
