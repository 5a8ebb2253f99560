/**
 * The keyed, anchored chain: rewriting the log whole (recomputing every hash after deleting an entry,
 * truncating it and rewriting .head, or deleting both) fails `kmsw audit verify`, because hashes are
 * HMACs under a key derived from the root key and the keyring records the head it last saw. A log
 * written before keying is still verified, as what it is.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEntry, type AuditEntry, type AuditHead } from '../../../src-core/audit/chain';
import { openLocalKms } from '../../../src-node/host';
import { AUDIT_LOG_FILE } from '../../../src-node/audit/file-audit-sink';
import { runCli } from '../../../src-node/cli/run';
import { auditEvent } from './events';

async function keyringWithCalls(calls = 6): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-anchor-'));
  const kms = await openLocalKms({ dataDir: dir, env: {} });
  for (let i = 0; i < calls; i++) await kms.service.call('CreateKey', { Description: `key ${i}` }, kms.defaultCaller());
  await kms.close();
  return dir;
}

async function verify(dir: string): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await runCli(['audit', 'verify', '--data', dir], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, cwd: dir, isTTY: false, signal: new AbortController().signal });
  return { code, out: out.join('') };
}

const logOf = (dir: string) => join(dir, AUDIT_LOG_FILE);
async function entriesOf(dir: string): Promise<AuditEntry[]> {
  return (await readFile(logOf(dir), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
}

/** What an attacker without the root key can do: rebuild the chain from the events it wants to keep, with plain SHA-256. */
async function rewrite(dir: string, entries: AuditEntry[]): Promise<void> {
  let head: AuditHead | undefined;
  let text = '';
  for (const { event } of entries) {
    const entry = appendEntry(head, event);
    text += `${JSON.stringify(entry)}\n`;
    head = { seq: entry.seq, hash: entry.hash };
  }
  await writeFile(logOf(dir), text);
  await writeFile(`${logOf(dir)}.head`, `${JSON.stringify(head ?? { seq: 0, hash: '' }).padEnd(127)}\n`);
}

describe('the keyed, anchored audit chain', () => {
  it('verifies an untouched log with the root key, anchored by the keyring', async () => {
    const dir = await keyringWithCalls();
    const { code, out } = await verify(dir);
    assert.equal(code, 0, out);
    assert.match(out, /intact: 6 entries/);
    assert.match(out, /entries 1–6 are keyed and were checked with the root key/);
    assert.match(out, /the keyring anchors the log at entry 5/);
  });

  it('fails when an entry is deleted and every hash recomputed', async () => {
    const dir = await keyringWithCalls();
    const entries = await entriesOf(dir);
    await rewrite(dir, [...entries.slice(0, 2), ...entries.slice(3)]);
    const { code, out } = await verify(dir);
    assert.equal(code, 1, out);
    assert.match(out, /broken/);
  });

  it('fails when the log is truncated and .head rewritten to match', async () => {
    const dir = await keyringWithCalls();
    const entries = await entriesOf(dir);
    const kept = entries.slice(0, 3);
    await writeFile(logOf(dir), kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await writeFile(`${logOf(dir)}.head`, `${JSON.stringify({ seq: 3, hash: kept[2].hash }).padEnd(127)}\n`);
    const { code, out } = await verify(dir);
    assert.equal(code, 1, out);
    assert.match(out, /the keyring records entry 5 of the log, which ends at entry 3/);
  });

  it('fails when the log and its .head are both deleted', async () => {
    const dir = await keyringWithCalls();
    await rm(logOf(dir));
    await rm(`${logOf(dir)}.head`);
    const { code, out } = await verify(dir);
    assert.equal(code, 1, out);
    assert.match(out, /the keyring records entry 5 of the log, which ends at entry 0/);
  });

  it('reads a log written before keying as unkeyed, and continues it keyed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kmsw-anchor-old-'));
    let head: AuditHead | undefined;
    for (let i = 0; i < 3; i++) {
      const entry = appendEntry(head, auditEvent({ operation: 'ListKeys', requestId: `old-${i}` }));
      await appendFile(logOf(dir), `${JSON.stringify(entry)}\n`);
      head = { seq: entry.seq, hash: entry.hash };
    }
    const kms = await openLocalKms({ dataDir: dir, env: {} });
    for (let i = 0; i < 3; i++) await kms.service.call('CreateKey', {}, kms.defaultCaller());
    await kms.close();
    const { code, out } = await verify(dir);
    assert.equal(code, 0, out);
    assert.match(out, /entries 1–3 are unkeyed, written before KMS Workbench keyed its audit chain/);
    assert.match(out, /entries 4–6 are keyed and were checked with the root key/);
  });
});
