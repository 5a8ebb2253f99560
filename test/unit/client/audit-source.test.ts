/** The audit panel's log source over a real file audit sink: reading, change detection and chain checks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogSource } from '../../../client/audit/source';
import { appendEntry, type AuditHead } from '../../../src-core/audit/chain';
import { AUDIT_LOG_FILE, openFileAuditSink } from '../../../src-node/audit/file-audit-sink';
import { arnOf, auditEvent, KEY_A } from '../audit/events';

const tempDir = () => mkdtemp(join(tmpdir(), 'kmsw-audit-panel-'));

describe('audit log source', () => {
  it('an absent log is empty, verified, and unchanged until something is appended', async () => {
    const dir = await tempDir();
    const source = new AuditLogSource(dir);
    assert.deepEqual(await source.load(), { events: [] });
    assert.deepEqual(await source.verify(), { ok: true, count: 0 });
    assert.equal(await source.changed(), false);

    const writer = await openFileAuditSink({ dir });
    await writer.append(auditEvent({ operation: 'Encrypt', resources: [arnOf(KEY_A)], eventId: 'a1' }));
    assert.equal(await source.changed(), true, 'another writer appended');
    assert.deepEqual((await source.load()).events.map((e) => e.eventID), ['a1']);
    assert.equal(await source.changed(), false, 'load() takes the new state as seen');
    assert.deepEqual(await source.verify(), { ok: true, count: 1 });
  });

  it('an edited entry breaks the chain at that entry; the events still load', async () => {
    const dir = await tempDir();
    const writer = await openFileAuditSink({ dir });
    for (const id of ['b1', 'b2', 'b3']) await writer.append(auditEvent({ operation: 'Decrypt', eventId: id }));
    const path = join(dir, AUDIT_LOG_FILE);
    await writeFile(path, (await readFile(path, 'utf8')).replace('"eventName":"Decrypt","awsRegion"', '"eventName":"Encrypt","awsRegion"'));

    const source = new AuditLogSource(dir);
    const verdict = await source.verify();
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.index, 0);
    assert.deepEqual((await source.load()).events.map((e) => e.eventName), ['Encrypt', 'Decrypt', 'Decrypt']);
  });

  it('a line that is not an entry comes back as a load error, not a throw', async () => {
    const dir = await tempDir();
    const writer = await openFileAuditSink({ dir });
    await writer.append(auditEvent({ operation: 'Decrypt' }));
    await writeFile(join(dir, AUDIT_LOG_FILE), 'not json\n', { flag: 'a' });
    const snapshot = await new AuditLogSource(dir).load();
    assert.deepEqual(snapshot.events, []);
    assert.match(String(snapshot.error), /line 2 is not a complete audit entry/);
  });

  it('loads only the newest 10,000 events of a longer log, and says so', async () => {
    const dir = await tempDir();
    let head: AuditHead | undefined;
    let text = '';
    for (let i = 0; i < 10_050; i++) {
      const entry = appendEntry(head, auditEvent({ operation: 'Decrypt', eventId: `n${i}` }));
      text += `${JSON.stringify(entry)}\n`;
      head = { seq: entry.seq, hash: entry.hash };
    }
    await writeFile(join(dir, AUDIT_LOG_FILE), text);
    const snapshot = await new AuditLogSource(dir).load();
    assert.equal(snapshot.events.length, 10_000);
    assert.equal(snapshot.events[0].eventID, 'n50');
    assert.equal(snapshot.events.at(-1)!.eventID, 'n10049');
    assert.equal(snapshot.notice, "Showing the newest 10,000 of 10,050 calls; 'kmsw audit export' writes them all.");
  });
});
