/**
 * `kmsw encrypt-file` / `decrypt-file` as real child processes stopped by a signal mid-job: they stop
 * on the first SIGINT or SIGTERM, leave neither a temp file nor a partial output, say so in one line
 * and exit 128 + the signal number, as shells expect.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encryptFile } from '../../src-node/files/file-crypto';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { openLocalKms } from '../../src-node/host';
import { createLocalKmsClient } from '../../src-node/local-client';
import { MAIN } from './serve';

/** tsx resolves from the project; file arguments are absolute. */
const PROJECT = join(import.meta.dirname, '..', '..');
let root: string;
let data: string;
let keyArn: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kmsw-files-signals-'));
  data = join(root, 'keyring');
  const kms = await openLocalKms({ dataDir: data, env: {} });
  keyArn = ((await kms.service.call('CreateKey', {}, kms.defaultCaller())).output as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
  // 1-byte frames: a small file that takes seconds to process, so the signal lands mid-job.
  await writeFile(join(root, 'plain'), randomBytes(200_000));
  await writeFile(join(root, 'small'), randomBytes(60_000));
  const client = createLocalKmsClient(kms);
  await encryptFile(join(root, 'small'), join(root, 'small.encrypted'), { kms: kmsFromClient(client), keyId: keyArn, frameLength: 1 });
  client.destroy();
  await kms.close();
});
after(() => rm(root, { recursive: true, force: true }));

/** Starts kmsw and waits (bounded) until a new temp file, its own, exists in `watched`. */
async function started(args: string[], watched = root) {
  const before = new Set(await readdir(watched));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: PROJECT, env: { ...process.env, KMSW_DATA_DIR: data }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let running = false;
  for (let i = 0; i < 600 && !running && child.exitCode === null; i++) {
    running = (await readdir(watched)).some((n) => n.endsWith('.tmp') && !before.has(n));
    if (!running) await sleep(50);
  }
  assert.ok(running, `the job never started: ${stderr}`);
  return { child, exited, stderr: () => stderr };
}

/** Starts kmsw, signals it mid-job, and resolves to its exit. */
async function interrupt(args: string[], signal: NodeJS.Signals, watched = root): Promise<{ code: number | null; stderr: string }> {
  const { child, exited, stderr } = await started(args, watched);
  child.kill(signal);
  const [code] = await exited;
  return { code, stderr: stderr() };
}

test('encrypt-file stops on the first SIGINT: nothing left behind, exit 130, one line', async () => {
  const { code, stderr } = await interrupt(['encrypt-file', '--key', keyArn, '--frame-size', '1', join(root, 'plain'), '-o', join(root, 'out.encrypted')], 'SIGINT');
  assert.equal(code, 130, stderr);
  assert.match(stderr, /^kmsw encrypt-file: interrupted by SIGINT[^\n]*\n$/);
  assert.deepEqual((await readdir(root)).sort(), ['keyring', 'plain', 'small', 'small.encrypted']);
});

test('decrypt-file stops on the first SIGTERM: no plaintext temp file, no output, exit 143, one line', async () => {
  const { code, stderr } = await interrupt(['decrypt-file', join(root, 'small.encrypted'), '-o', join(root, 'out')], 'SIGTERM');
  assert.equal(code, 143, stderr);
  assert.match(stderr, /^kmsw decrypt-file: interrupted by SIGTERM[^\n]*\n$/);
  assert.deepEqual((await readdir(root)).sort(), ['keyring', 'plain', 'small', 'small.encrypted']);
});

test('a folder run stops at the file in progress on SIGINT and leaves no temp file', async (t) => {
  const dir = join(root, 'folder');
  t.after(() => rm(dir, { recursive: true, force: true }));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  await writeFile(join(dir, 'a'), randomBytes(200_000));
  await writeFile(join(dir, 'b'), randomBytes(200_000));
  const { code, stderr } = await interrupt(['encrypt-file', '--key', keyArn, '--frame-size', '1', dir], 'SIGINT', dir);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /^kmsw encrypt-file: interrupted by SIGINT[^\n]*\n$/);
  assert.deepEqual((await readdir(dir)).sort(), ['a', 'b']);
});

test('the plaintext temp file a SIGKILLed decrypt leaves is removed by the next run; a running job keeps its own', async (t) => {
  const dir = await mkdtemp(join(root, 'out-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const killed = await started(['decrypt-file', join(root, 'small.encrypted'), '-o', join(dir, 'killed')], dir);
  killed.child.kill('SIGKILL');
  await killed.exited;
  const [left] = await readdir(dir);
  assert.match(left, /^\.killed\.kmsw-.*\.tmp$/);
  // A concurrent job writing into the same folder while the next run sweeps it.
  const running = await started(['decrypt-file', join(root, 'small.encrypted'), '-o', join(dir, 'concurrent')], dir);
  const kms = await openLocalKms({ dataDir: data, env: {} });
  const client = createLocalKmsClient(kms);
  try {
    await writeFile(join(dir, 'note'), 'hello');
    await encryptFile(join(dir, 'note'), join(dir, 'note.encrypted'), { kms: kmsFromClient(client), keyId: keyArn });
  } finally {
    client.destroy();
    await kms.close();
  }
  const names = await readdir(dir);
  assert.ok(!names.includes(left), 'the abandoned temp file was removed');
  assert.ok(names.some((n) => n.startsWith('.concurrent.kmsw-')), 'the running job kept its temp file');
  const [code] = await running.exited;
  assert.equal(code, 0, running.stderr());
  assert.deepEqual((await readdir(dir)).sort(), ['concurrent', 'note', 'note.encrypted']);
});
