/**
 * Commit and audit survive SIGKILL together: a process killed after committing a change but before
 * appending its event, or after appending but before emptying the keyring's outbox, leaves a folder
 * whose next opener audits the change exactly once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalKms } from '../../../src-node/host';
import { AUDIT_LOG_FILE, openFileAuditSink } from '../../../src-node/audit/file-audit-sink';
import { runFixture } from '../store/processes';
import { runCli } from '../../../src-node/cli/run';

async function createKeyAndDie(dir: string, when: 'before-append' | 'after-append'): Promise<void> {
  const { exited } = runFixture(new URL('./fixtures/kill-before-audit.ts', import.meta.url), [dir, when]);
  assert.equal(await exited, 'SIGKILL');
}

async function createKeyEvents(dir: string) {
  const audit = await openFileAuditSink({ dir });
  return (await audit.read({ operations: ['CreateKey'] })).map((e) => (e.responseElements as { keyMetadata: { keyId: string } }).keyMetadata.keyId);
}

describe('a process killed between commit and audit append', () => {
  for (const when of ['before-append', 'after-append'] as const) {
    it(`(${when}) leaves a change the next process audits exactly once`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kmsw-commit-audit-'));
      await createKeyAndDie(dir, when);
      const kms = await openLocalKms({ dataDir: dir, env: {} });
      const { Keys } = (await kms.service.call('ListKeys', {}, kms.defaultCaller())).output as { Keys: { KeyId: string }[] };
      assert.equal(Keys.length, 1, 'the committed key is there');
      await kms.service.call('TagResource', { KeyId: Keys[0].KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }] }, kms.defaultCaller());
      await kms.close();
      assert.deepEqual(await createKeyEvents(dir), [Keys[0].KeyId], 'one CreateKey event, for that key');
      const audit = await openFileAuditSink({ dir });
      assert.equal((await audit.verify()).ok, true);
    });
  }
});

describe('a damaged audit log tail', () => {
  for (const [label, damage] of [
    ['one stray byte', 'x'],
    ['a partial line (a full disk)', '{"seq":3,"prevHash":"ab'],
  ] as const) {
    it(`(${label}) is set aside and the next mutation is audited`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kmsw-audit-tail-'));
      const kms = await openLocalKms({ dataDir: dir, env: {} });
      const caller = kms.defaultCaller();
      await kms.service.call('CreateKey', {}, caller);
      await appendFile(join(dir, AUDIT_LOG_FILE), damage);
      const { output } = await kms.service.call('CreateKey', { Description: 'after the damage' }, caller);
      await kms.close();
      assert.deepEqual((await createKeyEvents(dir)).slice(-1), [(output.KeyMetadata as { KeyId: string }).KeyId]);
      const audit = await openFileAuditSink({ dir });
      assert.equal((await audit.verify()).ok, true);
      const aside = audit.setAsideFiles();
      assert.equal(aside.length, 1);
      assert.equal(await readFile(aside[0], 'utf8'), damage, 'the damaged bytes are kept');
      const out: string[] = [];
      assert.equal(await runCli(['audit', 'verify', '--data', dir], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, cwd: dir, isTTY: false, signal: new AbortController().signal }), 0);
      assert.match(out.join(''), /not a whole entry were found after entry 1 and set aside in .*damaged-after-1-.*\n.*The audit log is intact: 2 entries/s);
    });
  }

  it('recovers once an append that failed can be made again (the space returned)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kmsw-audit-full-'));
    const kms = await openLocalKms({ dataDir: dir, env: {} });
    const caller = kms.defaultCaller();
    // The log cannot be appended to (a folder in its place stands in for a full disk): the change is still made and reported as made.
    await mkdir(join(dir, AUDIT_LOG_FILE));
    const { output } = await kms.service.call('CreateKey', { Description: 'while the disk was full' }, caller);
    const keyId = (output.KeyMetadata as { KeyId: string }).KeyId;
    await rmdir(join(dir, AUDIT_LOG_FILE));
    await kms.service.call('TagResource', { KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: '1' }] }, caller);
    await kms.close();
    assert.deepEqual(await createKeyEvents(dir), [keyId]);
  });
});
