import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_LOG_FILE, openFileAuditSink } from '../../../src-node/audit/file-audit-sink';
import { StoreError } from '../../../src-node/store/store-error';
import { runFixture } from '../store/processes';
import { arnOf, auditEvent, KEY_A, KEY_B } from './events';

const tempDir = () => mkdtemp(join(tmpdir(), 'kmsw-audit-'));

async function logWith(n: number) {
  const dir = await tempDir();
  const sink = await openFileAuditSink({ dir });
  for (let i = 0; i < n; i++) await sink.append(auditEvent({ operation: 'DescribeKey', input: { KeyId: KEY_A }, resources: [arnOf(KEY_A)], requestId: `r${i}` }));
  return { dir, sink, path: join(dir, AUDIT_LOG_FILE) };
}

async function editLines(path: string, edit: (lines: string[]) => string[]) {
  const lines = (await readFile(path, 'utf8')).split('\n').slice(0, -1);
  await writeFile(path, edit(lines).map((l) => `${l}\n`).join(''));
}

function runWorker(dir: string, count: number, label: string): Promise<unknown> {
  return runFixture(new URL('./fixtures/append-worker.ts', import.meta.url), [dir, String(count), label]).exited;
}

describe('file audit sink', () => {
  it('appends one JSON line per event and reads them back in order', async () => {
    const { sink, path } = await logWith(3);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).seq),
      [1, 2, 3],
    );
    assert.deepEqual(
      (await sink.read()).map((e) => e.requestID),
      ['r0', 'r1', 'r2'],
    );
    assert.deepEqual(await sink.verify(), { ok: true, count: 3 });
    assert.deepEqual(JSON.parse(await readFile(`${path}.head`, 'utf8')), { seq: 3, hash: JSON.parse(lines[2]).hash });
  });

  it('reads with a filter', async () => {
    const dir = await tempDir();
    const sink = await openFileAuditSink({ dir });
    await sink.append(auditEvent({ operation: 'DescribeKey', resources: [arnOf(KEY_A)] }));
    await sink.append(auditEvent({ operation: 'DescribeKey', resources: [arnOf(KEY_B)] }));
    await sink.append(auditEvent({ operation: 'DescribeKey', input: { KeyId: KEY_B }, error: { name: 'NotFoundException', message: 'not found' } }));
    assert.deepEqual(
      (await sink.read({ key: KEY_B })).map((e) => e.errorCode ?? 'ok'),
      ['ok', 'NotFoundException'],
    );
  });

  it('reads an empty log before the first call', async () => {
    const sink = await openFileAuditSink({ dir: await tempDir() });
    assert.deepEqual(await sink.read(), []);
    assert.deepEqual(await sink.verify(), { ok: true, count: 0 });
  });

  it('writes calls that arrive together in the order they arrived', async () => {
    const { sink } = await logWith(0);
    const ids = Array.from({ length: 50 }, (_, i) => `together-${i}`);
    await Promise.all(ids.map((requestId) => sink.append(auditEvent({ operation: 'ListKeys', requestId }))));
    assert.deepEqual(
      (await sink.read()).map((e) => e.requestID),
      ids,
    );
    assert.deepEqual(await sink.verify(), { ok: true, count: 50 });
  });

  it('keeps one chain when two sinks in one folder take turns', async () => {
    const { dir, sink } = await logWith(2);
    const other = await openFileAuditSink({ dir });
    await other.append(auditEvent({ operation: 'ListKeys', requestId: 'other' }));
    await sink.append(auditEvent({ operation: 'ListKeys', requestId: 'first again' }));
    await Promise.all([other.append(auditEvent({ operation: 'ListKeys' })), sink.append(auditEvent({ operation: 'ListKeys' }))]);
    assert.deepEqual(await sink.verify(), { ok: true, count: 6 });
  });

  it('keeps one chain when two processes append at the same time', async () => {
    const dir = await tempDir();
    await Promise.all([runWorker(dir, 30, 'a'), runWorker(dir, 30, 'b')]);
    const sink = await openFileAuditSink({ dir });
    assert.deepEqual(await sink.verify(), { ok: true, count: 60 });
    const ids = (await sink.read()).map((e) => e.requestID);
    assert.equal(ids.filter((id) => id.startsWith('a-')).length, 30);
    assert.equal(ids.filter((id) => id.startsWith('b-')).length, 30);
    assert.deepEqual((await readdir(dir)).sort(), [AUDIT_LOG_FILE, `${AUDIT_LOG_FILE}.head`]);
  });

  describe('detects tampering in the file', () => {
    const cases: [string, (lines: string[]) => string[], number, RegExp][] = [
      ['an edited entry', (l) => l.map((line, i) => (i === 1 ? line.replace('DescribeKey', 'ScheduleKeyDeletion') : line)), 1, /entry 2 was changed after it was written/],
      ['a removed entry', (l) => l.filter((_, i) => i !== 2), 2, /entry 3 has sequence number 4/],
      ['an inserted entry', (l) => [...l.slice(0, 2), l[1], ...l.slice(2)], 2, /entry 3 has sequence number 2/],
      ['reordered entries', (l) => [l[0], l[2], l[1], l[3]], 1, /entry 2 has sequence number 3/],
      ['entries removed from the end', (l) => l.slice(0, 2), 2, /the log ends at entry 2 but its head records entry 4/],
      ['a line that is not JSON', (l) => [l[0], 'garbage', ...l.slice(2)], 1, /line 2 is not a complete audit entry/],
    ];
    for (const [label, edit, index, reason] of cases) {
      it(label, async () => {
        const { sink, path } = await logWith(4);
        await editLines(path, edit);
        const verdict = await sink.verify();
        assert.equal(verdict.ok, false);
        if (verdict.ok) return;
        assert.equal(verdict.index, index);
        assert.match(verdict.reason, reason);
        // Entries cut off the end leave no bad entry to show; every other case names one.
        assert.equal(verdict.entry !== undefined, !label.includes('end'));
      });
    }
  });

  it('refuses to append after entries were cut off the end, and leaves the log as it is', async () => {
    const { dir, path } = await logWith(3);
    await editLines(path, (l) => l.slice(0, 1));
    const before = await readFile(path);
    const fresh = await openFileAuditSink({ dir });
    await assert.rejects(fresh.append(auditEvent({ operation: 'ListKeys' })), (e: unknown) => e instanceof StoreError && e.code === 'damaged-audit-log' && /ends at entry 1 but its head records entry 3/.test(e.message));
    assert.deepEqual(await readFile(path), before);
  });

  it('reads past a last line still being written, which verify reports as incomplete', async () => {
    const { sink, path } = await logWith(2);
    const text = await readFile(path, 'utf8');
    await writeFile(path, `${text}{"seq":3,"prevH`);
    assert.equal((await sink.read()).length, 2);
    const verdict = await sink.verify();
    assert.deepEqual(verdict, { ok: false, index: 2, reason: 'line 3 is not a complete audit entry', entry: '{"seq":3,"prevH' });
  });

  it('sets a cut-short last entry aside, and still refuses to append when the head records that entry (a cut, not a failed write)', async () => {
    const { dir, path } = await logWith(2);
    await writeFile(path, (await readFile(path, 'utf8')).slice(0, -20));
    const fresh = await openFileAuditSink({ dir });
    await assert.rejects(fresh.append(auditEvent({ operation: 'ListKeys' })), (e: unknown) => e instanceof StoreError && /ends at entry 1 but its head records entry 2: entries were removed/.test(e.message));
    assert.equal(fresh.setAsideFiles().length, 1);
  });

  it('holds no plaintext or key material', async () => {
    const dir = await tempDir();
    const sink = await openFileAuditSink({ dir });
    const plaintext = Buffer.from('the plaintext nobody may log');
    const dataKey = Buffer.from('0123456789abcdef0123456789abcdef');
    const material = Buffer.from('imported key material bytes!');
    const resources = [arnOf(KEY_A)];
    await sink.append(auditEvent({ operation: 'Encrypt', input: { KeyId: KEY_A, Plaintext: plaintext }, output: { CiphertextBlob: Buffer.from('ct'), KeyId: arnOf(KEY_A) }, resources }));
    await sink.append(auditEvent({ operation: 'GenerateDataKey', readOnly: false, input: { KeyId: KEY_A, KeySpec: 'AES_256' }, output: { Plaintext: dataKey, CiphertextBlob: Buffer.from('ct'), KeyId: arnOf(KEY_A) }, resources }));
    await sink.append(auditEvent({ operation: 'ImportKeyMaterial', readOnly: false, input: { KeyId: KEY_A, EncryptedKeyMaterial: material, ImportToken: Buffer.from('token') }, output: {}, resources }));
    const log = await readFile(join(dir, AUDIT_LOG_FILE), 'utf8');
    assert.match(log, /"eventName":"GenerateDataKey"/);
    for (const secret of [plaintext, dataKey, material]) {
      for (const form of [secret.toString('utf8'), secret.toString('base64'), secret.toString('hex'), JSON.stringify([...secret]).slice(1, -1)]) {
        assert.equal(log.includes(form), false, `the log contains ${form}`);
      }
    }
  });

  describe('appendMissing after a head the log had reached', () => {
    const withId = (eventId: string) => ({ ...auditEvent({ operation: 'CreateKey', readOnly: false, requestId: eventId }), eventID: eventId });

    it('still finds an event another writer appended after that head, over a sealed segment too', async () => {
      const dir = await tempDir();
      const sink = await openFileAuditSink({ dir, segmentEntries: 50 });
      for (let i = 0; i < 30; i++) await sink.append(auditEvent({ operation: 'DescribeKey', requestId: `r${i}` }));
      const reached = await sink.appendMissing([]);
      const other = await openFileAuditSink({ dir, segmentEntries: 50 });
      await other.appendMissing([withId('evt-x')]);
      // Enough later entries to seal the segment holding evt-x.
      for (let i = 0; i < 40; i++) await other.append(auditEvent({ operation: 'DescribeKey', requestId: `s${i}` }));
      await sink.appendMissing([withId('evt-x'), withId('evt-y')], reached ?? undefined);
      const ids = (await sink.read()).map((e) => e.eventID);
      assert.equal(ids.filter((id) => id === 'evt-x').length, 1);
      assert.equal(ids.filter((id) => id === 'evt-y').length, 1);
      assert.equal(ids.length, 72);
    });

    it('searches the whole log when it never reached that head (moved away and begun again)', async () => {
      const dir = await tempDir();
      const sink = await openFileAuditSink({ dir });
      await sink.appendMissing([withId('evt-a')]);
      const far = { seq: 500, hash: 'f'.repeat(64) };
      await sink.appendMissing([withId('evt-a')], far);
      const head = await sink.appendMissing([withId('evt-b')]);
      await sink.appendMissing([withId('evt-b')], { seq: head!.seq, hash: 'e'.repeat(64) });
      assert.deepEqual((await sink.read()).map((e) => e.eventID), ['evt-a', 'evt-b']);
    });
  });
});
