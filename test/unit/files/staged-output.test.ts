import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAbandonedTempFiles } from '../../../src-node/files/staged-output';

test('temp files of another host or of the older form are removed only once untouched for an hour; other files never', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-staged-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const names = ['.a.kmsw-00000000-1-0123456789ab.tmp', '.b.kmsw-0123456789ab.tmp', '.c.kmsw-00000000-1-0123456789ab.tmp', '.d.kmsw-0123456789ab.tmp', 'e.tmp', '.f.kmsw-zz.tmp'];
  for (const n of names) await writeFile(join(dir, n), 'x');
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  for (const n of ['.c.kmsw-00000000-1-0123456789ab.tmp', '.d.kmsw-0123456789ab.tmp', 'e.tmp', '.f.kmsw-zz.tmp']) await utimes(join(dir, n), old, old);
  assert.deepEqual((await removeAbandonedTempFiles(dir)).sort(), ['.c.kmsw-00000000-1-0123456789ab.tmp', '.d.kmsw-0123456789ab.tmp']);
  assert.deepEqual((await readdir(dir)).sort(), ['.a.kmsw-00000000-1-0123456789ab.tmp', '.b.kmsw-0123456789ab.tmp', '.f.kmsw-zz.tmp', 'e.tmp']);
  assert.deepEqual(await removeAbandonedTempFiles(join(dir, 'missing')), []);
});
