/**
 * The segmented audit log: the active file is sealed into segments with chained digests once full,
 * readers and `verify` see one log across them, `verifyAll` reads every sealed entry, and tampering
 * with a segment, a digest or the folder is detected.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_LOG_FILE, openFileAuditSink, type FileAuditSink } from '../../../src-node/audit/file-audit-sink';
import { digestName, SEGMENTS_DIR, segmentName } from '../../../src-node/audit/segments';
import { runFixture } from '../store/processes';
import { auditEvent } from './events';

const tempDir = () => mkdtemp(join(tmpdir(), 'kmsw-segments-'));
const KEY = new Uint8Array(randomBytes(32));

async function appendN(sink: FileAuditSink, n: number, label = 'r'): Promise<void> {
  for (let i = 0; i < n; i++) await sink.append(auditEvent({ operation: 'DescribeKey', requestId: `${label}${i}`, time: Date.UTC(2026, 0, 1, 0, 0, i) }));
}

async function segmentedLog(entries: number, segmentEntries = 4, chainKey: Uint8Array | null = KEY) {
  const dir = await tempDir();
  const sink = await openFileAuditSink({ dir, chainKey: chainKey ?? undefined, segmentEntries });
  await appendN(sink, entries);
  return { dir, sink, folder: join(dir, SEGMENTS_DIR) };
}

describe('segmented audit log', () => {
  it('seals the active file into segments with digests once it is full, and reads one log across them', async () => {
    const { dir, sink, folder } = await segmentedLog(10);
    // Sealed at the 5th and 9th appends: segments 1–4 and 5–8; 9–10 are active.
    assert.deepEqual((await readdir(folder)).sort(), [digestName(1), segmentName(1), digestName(5), segmentName(5)].sort());
    assert.equal((await readFile(join(dir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n').length, 2);
    const digest = JSON.parse(await readFile(join(folder, digestName(5)), 'utf8'));
    assert.equal(digest.firstSeq, 5);
    assert.equal(digest.lastSeq, 8);
    assert.match(digest.previousDigestHashValue, /^[0-9a-f]{64}$/);
    assert.match(digest.digestSignature, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      (await sink.read()).map((e) => e.requestID),
      Array.from({ length: 10 }, (_, i) => `r${i}`),
    );
    assert.deepEqual(
      (await sink.read({ operations: ['DescribeKey'] })).length,
      10,
    );
    const newest = await sink.readNewest(5);
    assert.deepEqual(
      newest.events.map((e) => e.requestID),
      ['r5', 'r6', 'r7', 'r8', 'r9'],
    );
    assert.equal(newest.total, 10);
  });

  it('verifies the newest segment against the digests, and every entry with verifyAll', async () => {
    const { sink } = await segmentedLog(10);
    const newest = await sink.verify();
    assert.equal(newest.ok, true);
    assert.equal(newest.ok && newest.count, 2);
    assert.equal(newest.ok && newest.sealed?.walked, false);
    assert.match(String(newest.ok && newest.notes), /2 sealed segments hold entries 1–8/);
    const all = await sink.verifyAll();
    assert.equal(all.ok, true, JSON.stringify(all));
    assert.match(String(all.ok && all.notes), /8 sealed entries were read/);
  });

  it('starts a new active file right after sealing, and the next opener continues the chain', async () => {
    const { dir, sink } = await segmentedLog(4);
    await appendN(sink, 1, 'next');
    const other = await openFileAuditSink({ dir, chainKey: KEY, segmentEntries: 4 });
    await appendN(other, 1, 'other');
    assert.deepEqual((await other.readNewest(2)).events.map((e) => e.requestID), ['next0', 'other0']);
    assert.equal((await other.verifyAll()).ok, true);
  });

  it('keeps one chain when two processes append and seal at the same time', async () => {
    const dir = await tempDir();
    const worker = (label: string) => runFixture(new URL('./fixtures/append-worker.ts', import.meta.url), [dir, '40', label, '7']).exited;
    await Promise.all([worker('a'), worker('b')]);
    const sink = await openFileAuditSink({ dir, segmentEntries: 7 });
    const all = await sink.verifyAll();
    assert.equal(all.ok, true, JSON.stringify(all));
    const ids = (await sink.read()).map((e) => e.requestID);
    assert.equal(ids.length, 80);
    assert.equal(new Set(ids).size, 80);
  });

  it('finishes a seal cut short: segments written, the active file not yet removed', async () => {
    const { dir, folder } = await segmentedLog(6);
    // Entries 1–4 are sealed; put them back at the head of the active file, as a crash before its removal leaves it.
    const sealed = await readFile(join(folder, segmentName(1)), 'utf8');
    const active = join(dir, AUDIT_LOG_FILE);
    await writeFile(active, sealed + (await readFile(active, 'utf8')));
    const sink = await openFileAuditSink({ dir, chainKey: KEY, segmentEntries: 4 });
    assert.deepEqual((await sink.read()).map((e) => e.requestID), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    assert.equal((await sink.verify()).ok, true);
    await appendN(sink, 3, 'more');
    assert.equal((await sink.verifyAll()).ok, true);
    assert.equal((await sink.read()).length, 9);
  });

  describe('detects tampering', () => {
    const cases: [string, (dir: string, folder: string) => Promise<void>, 'verify' | 'verifyAll', RegExp][] = [
      ['an edited entry in a sealed segment', async (_, folder) => {
        const path = join(folder, segmentName(1));
        await writeFile(path, (await readFile(path, 'utf8')).replace('"r1"', '"rX"'));
      }, 'verifyAll', /entry 2 was changed after it was written/],
      ['a sealed segment cut short', async (_, folder) => {
        const path = join(folder, segmentName(5));
        await writeFile(path, (await readFile(path, 'utf8')).split('\n').slice(0, 2).join('\n') + '\n');
      }, 'verifyAll', /ends at entry 6, but its digest records entries 5–8/],
      ['a removed segment', async (_, folder) => rm(join(folder, segmentName(1))), 'verify', /entries 1–4 .* is missing, and no prune removed it/],
      ['a removed segment and digest', async (_, folder) => {
        await rm(join(folder, segmentName(1)));
        await rm(join(folder, digestName(1)));
      }, 'verify', /starts at entry 5, not 1/],
      ['an edited digest', async (_, folder) => {
        const path = join(folder, digestName(1));
        await writeFile(path, (await readFile(path, 'utf8')).replace(/"newestEventTime": "[^"]*"/, '"newestEventTime": "2020-01-01T00:00:00Z"'));
      }, 'verify', /digest of 000000000001.jsonl does not carry the root key's signature/],
      ['a digest rewritten whole (the digest after it hashes the old one)', async (_, folder) => {
        const path = join(folder, digestName(1));
        await writeFile(path, (await readFile(path, 'utf8')).replace('{', '{ '));
      }, 'verify', /the digest before 000000000005.jsonl's was changed/],
      ['entries removed from the end of the active segment', async (dir) => {
        await writeFile(join(dir, AUDIT_LOG_FILE), (await readFile(join(dir, AUDIT_LOG_FILE), 'utf8')).split('\n')[0] + '\n');
      }, 'verify', /the log ends at entry 9 but its head records entry 10/],
    ];
    for (const [label, tamper, check, reason] of cases) {
      it(label, async () => {
        const { dir, folder } = await segmentedLog(10);
        await tamper(dir, folder);
        const sink = await openFileAuditSink({ dir, chainKey: KEY, segmentEntries: 4 });
        const verdict = await sink[check]();
        assert.equal(verdict.ok, false, JSON.stringify(verdict));
        assert.match(!verdict.ok ? verdict.reason : '', reason);
      });
    }
  });

  it('seals an unkeyed log without signatures and verifies it', async () => {
    const { sink, folder } = await segmentedLog(9, 4, null);
    const digest = JSON.parse(await readFile(join(folder, digestName(1)), 'utf8'));
    assert.equal(digest.digestSignature, undefined);
    assert.equal((await sink.verifyAll()).ok, true);
  });

  it('keeps appending to the active file when it cannot be sealed (a damaged entry), and verify names the damage', async () => {
    const { dir, sink } = await segmentedLog(3);
    const path = join(dir, AUDIT_LOG_FILE);
    const lines = (await readFile(path, 'utf8')).split('\n');
    await writeFile(path, [...lines.slice(0, 2), 'not an entry', ...lines.slice(2)].join('\n'));
    await appendN(sink, 3, 'after');
    assert.deepEqual(await readdir(join(dir, SEGMENTS_DIR)).catch(() => []), [], 'nothing was sealed');
    assert.equal((await sink.read({ operations: ['DescribeKey'] }).catch((e: Error) => e.message)).toString().includes('line 3 is not a complete audit entry'), true);
    const verdict = await sink.verify();
    assert.equal(verdict.ok, false);
    assert.match(!verdict.ok ? verdict.reason : '', /line 3 is not a complete audit entry/);
  });
});
