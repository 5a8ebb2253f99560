import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendEntry, verifyChain, type AuditEntry } from '../../../src-core/audit/chain';
import { arnOf, auditEvent, KEY_A } from './events';

function chainOf(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const prev = entries.at(-1);
    entries.push(appendEntry(prev, auditEvent({ operation: 'DescribeKey', input: { KeyId: KEY_A }, resources: [arnOf(KEY_A)], time: Date.UTC(2026, 0, 1, 0, i) })));
  }
  return entries;
}

const clone = (entries: AuditEntry[]): AuditEntry[] => structuredClone(entries);
const headOf = (entries: AuditEntry[]) => ({ seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash });

describe('audit hash chain', () => {
  it('numbers entries from 1 and links each to the one before', () => {
    const entries = chainOf(3);
    assert.deepEqual(
      entries.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(entries[0].prevHash, '0'.repeat(64));
    assert.equal(entries[2].prevHash, entries[1].hash);
    assert.match(entries[0].hash, /^[0-9a-f]{64}$/);
    assert.deepEqual(verifyChain(entries, headOf(entries)), { ok: true, count: 3 });
    assert.deepEqual(verifyChain([]), { ok: true, count: 0 });
  });

  it('hashes the same event the same whatever order its members were written in', () => {
    const [entry] = chainOf(1);
    const reordered = { ...entry, event: Object.fromEntries(Object.entries(entry.event).reverse()) as typeof entry.event };
    assert.deepEqual(verifyChain([reordered]), { ok: true, count: 1 });
  });

  const tamperings: [string, (entries: AuditEntry[]) => AuditEntry[], number, RegExp][] = [
    ['an edited event', (e) => (e[2].event.eventName = 'Decrypt', e), 2, /entry 3 was changed after it was written/],
    ['an edited error code', (e) => (e[1].event.errorCode = 'AccessDeniedException', e), 1, /entry 2 was changed/],
    ['an edit with a recomputed hash', (e) => [...e.slice(0, 2), appendEntry(e[1], { ...e[2].event, eventName: 'Decrypt' }), ...e.slice(3)], 3, /entry 4 does not follow/],
    ['a removed entry', (e) => [...e.slice(0, 2), ...e.slice(3)], 2, /entry 3 has sequence number 4/],
    ['a removed first entry', (e) => e.slice(1), 0, /entry 1 has sequence number 2/],
    ['a removed entry with the rest renumbered', (e) => [...e.slice(0, 2), ...e.slice(3).map((x) => ({ ...x, seq: x.seq - 1 }))], 2, /entry 3 does not follow/],
    ['an inserted entry', (e) => [...e.slice(0, 2), { ...appendEntry(e[1], e[4].event) }, ...e.slice(2)], 3, /entry 4 has sequence number 3/],
    ['two entries swapped', (e) => [e[0], e[2], e[1], ...e.slice(3)], 1, /entry 2 has sequence number 3/],
    ['two entries swapped with their seq numbers', (e) => [e[0], { ...e[2], seq: 2 }, { ...e[1], seq: 3 }, ...e.slice(3)], 1, /entry 2 does not follow/],
  ];
  for (const [label, tamper, index, reason] of tamperings) {
    it(`detects ${label}`, () => {
      const entries = chainOf(5);
      const verdict = verifyChain(tamper(clone(entries)), headOf(entries));
      assert.equal(verdict.ok, false);
      if (verdict.ok) return;
      assert.equal(verdict.index, index);
      assert.match(verdict.reason, reason);
    });
  }

  it('detects entries cut off the end against the head', () => {
    const entries = chainOf(5);
    const verdict = verifyChain(entries.slice(0, 3), headOf(entries));
    assert.deepEqual(verdict, { ok: false, index: 3, reason: 'the log ends at entry 3 but its head records entry 5: entries were removed from the end' });
  });

  it('detects a log rewritten from scratch whose length matches the head', () => {
    const entries = chainOf(3);
    const rewritten = chainOf(3);
    const verdict = verifyChain(rewritten, headOf(entries));
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.match(verdict.reason, /entry 3 differs from the one the head records/);
  });

  it('reports a damaged head', () => {
    const entries = chainOf(2);
    for (const head of [{ seq: 0, hash: entries[0].hash }, { seq: 1.5, hash: entries[0].hash }, { seq: 1 } as never]) {
      const verdict = verifyChain(entries, head);
      assert.equal(verdict.ok, false);
      if (!verdict.ok) assert.match(verdict.reason, /the head kept beside the log is damaged/);
    }
  });

  it('accepts a head one entry behind the log (a crash between appending and updating the head)', () => {
    const entries = chainOf(4);
    assert.deepEqual(verifyChain(entries, headOf(entries.slice(0, 3))), { ok: true, count: 4 });
  });
});
