/**
 * `kmsw audit verify [--all]`, `segments` and `prune` over a segmented log keyed with the folder's
 * root key, and the migration of a log written as one file before segments.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEntry, chainKey, type AuditHead } from '../../../src-core/audit/chain';
import { AUDIT_LOG_FILE, DEFAULT_SEGMENT_ENTRIES, openFileAuditSink } from '../../../src-node/audit/file-audit-sink';
import { digestName, SEGMENTS_DIR, segmentName } from '../../../src-node/audit/segments';
import type { CliIo } from '../../../src-node/cli/command';
import { runCli } from '../../../src-node/cli/run';
import { openLocalKms } from '../../../src-node/host';
import { loadOrCreateRootKey } from '../../../src-node/store/root-key';
import { auditEvent } from './events';

async function kmsw(args: string[], cwd = tmpdir()) {
  let out = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {}, cwd, isTTY: false, signal: new AbortController().signal };
  const code = await runCli(args, io);
  return { code, out };
}

/** A keyring folder with a root key whose log holds 10 calls, one a day from 2026-01-01, sealed every 4: segments 1–4 and 5–8, 9–10 active. */
async function segmentedFolder() {
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-audit-seg-cli-'));
  const key = chainKey(await loadOrCreateRootKey({ dir, env: {} }));
  const sink = await openFileAuditSink({ dir, chainKey: key, segmentEntries: 4 });
  for (let i = 0; i < 10; i++) await sink.append(auditEvent({ operation: 'Encrypt', requestId: `r${i}`, time: Date.UTC(2026, 0, 1 + i) }));
  return { dir, key, sink };
}

describe('kmsw audit over segments', () => {
  it('verifies the newest segment, or every entry with --all', async () => {
    const { dir } = await segmentedFolder();
    const newest = await kmsw(['audit', 'verify', '--data', dir]);
    assert.equal(newest.code, 0, newest.out);
    assert.match(newest.out, /The newest segment of the audit log is intact: 2 entries after entry 8/);
    assert.match(newest.out, /2 sealed segments hold entries 1–8: their digests chain and carry the root key's signature/);
    assert.match(newest.out, /entries 9–10 are keyed and were checked with the root key/);
    const all = await kmsw(['audit', 'verify', '--all', '--data', dir]);
    assert.equal(all.code, 0, all.out);
    assert.match(all.out, /The audit log is intact: 10 entries/);
    assert.match(all.out, /8 sealed entries were read and checked/);
  });

  it('lists the segments', async () => {
    const { dir } = await segmentedFolder();
    const { code, out } = await kmsw(['audit', 'segments', '--data', dir]);
    assert.equal(code, 0, out);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0], /^FIRST\s+LAST\s+OLDEST\s+NEWEST\s+SIZE\s+STATE$/);
    assert.match(lines[1], /^1\s+4\s+2026-01-01T00:00:00Z\s+2026-01-04T00:00:00Z\s+0\.0 MB\s+sealed$/);
    assert.match(lines[2], /^5\s+8\s+2026-01-05T00:00:00Z\s+2026-01-08T00:00:00Z\s+0\.0 MB\s+sealed$/);
    assert.match(lines[3], /^9\s+10\s+2026-01-10T00:00:00Z\s+0\.0 MB\s+active$/);
  });

  it('exports and prunes old segments; the chain still verifies, the export matches its digest, and events after it still read', async () => {
    const { dir } = await segmentedFolder();
    const exported = join(dir, 'exported');
    const pruned = await kmsw(['audit', 'prune', '--before', '2026-01-06', '--export', 'exported', '--data', dir], dir);
    assert.equal(pruned.code, 0, pruned.out);
    assert.match(pruned.out, /Pruned 1 segment, entries 1–4, after copying them with their digests to .*exported/);
    assert.deepEqual((await readdir(exported)).sort(), [segmentName(1), digestName(1)].sort());
    const digest = JSON.parse(await readFile(join(exported, digestName(1)), 'utf8'));
    assert.equal(createHash('sha256').update(await readFile(join(exported, segmentName(1)))).digest('hex'), digest.hashValue);
    assert.equal((await readdir(join(dir, SEGMENTS_DIR))).includes(segmentName(1)), false);
    assert.equal((await readdir(join(dir, SEGMENTS_DIR))).includes(digestName(1)), true);

    for (const args of [['audit', 'verify'], ['audit', 'verify', '--all']]) {
      const { code, out } = await kmsw([...args, '--data', dir]);
      assert.equal(code, 0, out);
      assert.match(out, /entries 1–4 were pruned on .*: their digests remain and were checked/);
    }
    const list = await kmsw(['audit', 'list', '--json', '--data', dir]);
    assert.deepEqual((JSON.parse(list.out) as { requestID: string }[]).map((e) => e.requestID), ['r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    assert.match((await kmsw(['audit', 'segments', '--data', dir])).out, /^1\s+4\s+.*-\s+pruned$/m);
  });

  it('detects a segment deleted without a prune, and a prune record moved forward', async () => {
    const { dir } = await segmentedFolder();
    assert.equal((await kmsw(['audit', 'prune', '--before', '2026-01-06', '--discard', '--data', dir])).code, 0);
    await rm(join(dir, SEGMENTS_DIR, segmentName(5)));
    const deleted = await kmsw(['audit', 'verify', '--data', dir]);
    assert.equal(deleted.code, 1);
    assert.match(deleted.out, /entries 5–8 .* is missing, and no prune removed it/);
    const record = JSON.parse(await readFile(join(dir, SEGMENTS_DIR, 'pruned.json'), 'utf8'));
    const digest = JSON.parse(await readFile(join(dir, SEGMENTS_DIR, digestName(5)), 'utf8'));
    await writeFile(join(dir, SEGMENTS_DIR, 'pruned.json'), JSON.stringify({ ...record, seq: 8, hash: digest.lastEntryHash }));
    const forged = await kmsw(['audit', 'verify', '--data', dir]);
    assert.equal(forged.code, 1);
    assert.match(forged.out, /the prune record does not carry the root key's signature/);
  });

  it('refuses to prune a segment that differs from its digest, and prunes nothing', async () => {
    const { dir } = await segmentedFolder();
    await appendFile(join(dir, SEGMENTS_DIR, segmentName(1)), ' ');
    const { code, out } = await kmsw(['audit', 'prune', '--before', '2026-02-01', '--discard', '--data', dir]);
    assert.equal(code, 1);
    assert.match(out, /000000000001.jsonl differs from its digest, so nothing was pruned/);
    assert.deepEqual((await readdir(join(dir, SEGMENTS_DIR))).filter((n) => n.endsWith('.jsonl')).length, 2);
  });

  it('asks for --export or --discard, and --before', async () => {
    const { dir } = await segmentedFolder();
    assert.match((await kmsw(['audit', 'prune', '--before', '2026-01-06', '--data', dir])).out, /give --export DIR to keep a copy of the pruned segments, or --discard/);
    assert.match((await kmsw(['audit', 'prune', '--discard', '--data', dir])).out, /name the time with --before/);
  });
});

describe('a log written as one file before segments', () => {
  it('is sealed into segments on the next call, and still verifies with the keyring anchor', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kmsw-audit-migrate-'));
    let kms = await openLocalKms({ dataDir: dir, env: {} });
    for (let i = 0; i < 3; i++) await kms.service.call('CreateKey', { Description: `key ${i}` }, kms.defaultCaller());
    await kms.close();
    // Grow the one file past a segment, as the previous version wrote it: keyed entries, the head beside it.
    const key = chainKey(await loadOrCreateRootKey({ dir, env: {} }));
    const log = join(dir, AUDIT_LOG_FILE);
    const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
    let head: AuditHead = JSON.parse(lines.at(-1)!);
    let text = '';
    const extra = DEFAULT_SEGMENT_ENTRIES + 500;
    for (let i = 0; i < extra; i++) {
      const entry = appendEntry(head, auditEvent({ operation: 'Decrypt', requestId: `old-${i}` }), key);
      text += `${JSON.stringify(entry)}\n`;
      head = { seq: entry.seq, hash: entry.hash };
    }
    await appendFile(log, text);
    await writeFile(`${log}.head`, `${JSON.stringify(head).padEnd(127)}\n`);
    // Read in full before the next call appends to the log.
    const before = await (await openFileAuditSink({ dir })).read();
    const total = lines.length + extra;

    kms = await openLocalKms({ dataDir: dir, env: {} });
    await kms.service.call('CreateKey', { Description: 'after the migration' }, kms.defaultCaller());
    await kms.close();

    const folder = await readdir(join(dir, SEGMENTS_DIR));
    assert.deepEqual(folder.filter((n) => n.endsWith('.jsonl')).sort(), [segmentName(1), segmentName(DEFAULT_SEGMENT_ENTRIES + 1)]);
    const sink = await openFileAuditSink({ dir });
    const events = await sink.read();
    assert.deepEqual(events.slice(0, total), before);
    assert.equal(events.length, total + 1);
    assert.equal(events.at(-1)!.eventName, 'CreateKey');
    const newest = await kmsw(['audit', 'verify', '--data', dir]);
    assert.equal(newest.code, 0, newest.out);
    assert.match(newest.out, /intact: 1 entries after entry/);
    const all = await kmsw(['audit', 'verify', '--all', '--data', dir]);
    assert.equal(all.code, 0, all.out);
    assert.match(all.out, new RegExp(`intact: ${total + 1} entries`));
    assert.match(all.out, /the keyring anchors the log at entry \d+/);
  });
});
