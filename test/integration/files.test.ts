import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { KmsError } from '../../src-core/kms-error';
import { EncryptedMessageError } from '../../src-core/encryption-sdk/message-error';
import { decryptFile, encryptFile } from '../../src-node/files/file-crypto';
import { decryptedName, decryptFolder, encryptFolder, encryptedName } from '../../src-node/files/folder-crypto';
import { FakeKms, KEY_A, KEY_B } from '../unit/encryption-sdk/fake-kms';

const SUITES = ['AES256_GCM_HKDF_SHA512_COMMIT_KEY', 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384'] as const;
const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every name in the folder: a failed job must leave neither its target nor a temp file behind. */
async function names(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

for (const suite of SUITES) {
  test(`${suite}: files round-trip at every size around frame and I/O chunk boundaries`, async (t) => {
    const dir = await tempDir(t);
    const kms = new FakeKms();
    const cases: [number, number][] = [[1024, 0], [1024, 1], [1024, 1023], [1024, 1024], [1024, 1025], [1024, 10 * 1024 + 3], [65536, (3 << 20) + 5]];
    for (const [frameLength, size] of cases) {
      const plain = join(dir, `p-${frameLength}-${size}`);
      const data = randomBytes(size);
      await writeFile(plain, data);
      const progress: number[] = [];
      const enc = await encryptFile(plain, encryptedName(plain), { kms, keyId: KEY_A, suite, frameLength, encryptionContext: { file: 'x' }, onProgress: (p) => progress.push(p.bytesDone) });
      assert.equal(enc.bytes, size);
      assert.equal(enc.message?.suite, suite);
      if (size > 0) assert.equal(progress.at(-1), size);
      assert.equal((await stat(encryptedName(plain))).mode & 0o777, 0o600);
      const out = join(dir, `d-${frameLength}-${size}`);
      await decryptFile(encryptedName(plain), out, { kms });
      assert.deepEqual(await readFile(out), data, `frame ${frameLength}, size ${size}`);
    }
  });

  test(`${suite}: a tampered or truncated file is refused and nothing appears at the target`, async (t) => {
    const dir = await tempDir(t);
    const kms = new FakeKms();
    await writeFile(join(dir, 'plain'), randomBytes(40));
    await encryptFile(join(dir, 'plain'), join(dir, 'good'), { kms, keyId: KEY_A, suite, frameLength: 16 });
    const good = await readFile(join(dir, 'good'));
    const variants: [string, Buffer][] = [
      ['header byte', flip(good, 40)],
      ['first frame', flip(good, good.length - 100)],
      ['last byte', flip(good, good.length - 1)],
      ['cut after the regular frames', good.subarray(0, good.length - (suite.endsWith('P384') ? 160 : 50))],
      ['cut by one byte', good.subarray(0, good.length - 1)],
      ['trailing byte', Buffer.concat([good, Buffer.from([0])])],
    ];
    for (const [what, bytes] of variants) {
      await writeFile(join(dir, 'bad'), bytes);
      await assert.rejects(decryptFile(join(dir, 'bad'), join(dir, 'out'), { kms }), (e: unknown) => e instanceof EncryptedMessageError, what);
      assert.deepEqual(await names(dir), ['bad', 'good', 'plain'], what);
    }
  });
}

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x80;
  return copy;
}

test('an existing target is kept unless forced, and KMS is not called for a job that cannot publish', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  await writeFile(join(dir, 'plain'), 'new contents');
  await writeFile(join(dir, 'plain.encrypted'), 'precious');
  await assert.rejects(encryptFile(join(dir, 'plain'), join(dir, 'plain.encrypted'), { kms, keyId: KEY_A }), (e: unknown) => e instanceof KmsError && e.name === 'AlreadyExistsException' && /--force/.test(e.message));
  assert.equal(await readFile(join(dir, 'plain.encrypted'), 'utf8'), 'precious');
  assert.deepEqual(kms.calls, []);
  await encryptFile(join(dir, 'plain'), join(dir, 'plain.encrypted'), { kms, keyId: KEY_A, force: true });
  await writeFile(join(dir, 'out'), 'also precious');
  await assert.rejects(decryptFile(join(dir, 'plain.encrypted'), join(dir, 'out'), { kms }), /already exists/);
  assert.equal(await readFile(join(dir, 'out'), 'utf8'), 'also precious');
  await decryptFile(join(dir, 'plain.encrypted'), join(dir, 'out'), { kms, force: true });
  assert.equal(await readFile(join(dir, 'out'), 'utf8'), 'new contents');
  await assert.rejects(encryptFile(join(dir, 'out'), join(dir, 'out'), { kms, keyId: KEY_A, force: true }), /is the input file/);
  assert.deepEqual(await names(dir), ['out', 'plain', 'plain.encrypted']);
});

test('wrong key and wrong context are refused with a clear message, nothing written', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  await writeFile(join(dir, 'plain'), 'data');
  await encryptFile(join(dir, 'plain'), join(dir, 'enc'), { kms, keyId: KEY_A, encryptionContext: { stage: 'prod' } });
  await assert.rejects(decryptFile(join(dir, 'enc'), join(dir, 'out'), { kms, keyArns: [KEY_B] }), /not encrypted under any of the allowed keys/);
  await assert.rejects(decryptFile(join(dir, 'enc'), join(dir, 'out'), { kms, requiredContext: { stage: 'dev' } }), /does not contain the required pair "stage"/);
  await assert.rejects(decryptFile(join(dir, 'enc'), join(dir, 'out'), { kms: new FakeKms() }), /could not decrypt the data key/);
  assert.deepEqual(await names(dir), ['enc', 'plain']);
});

test('cancelling removes the temp file and leaves nothing at the target', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  await writeFile(join(dir, 'big'), randomBytes(8 << 20));
  for (const job of ['encrypt', 'decrypt'] as const) {
    const abort = new AbortController();
    const input = job === 'encrypt' ? join(dir, 'big') : join(dir, 'big.encrypted');
    const work = job === 'encrypt'
      ? encryptFile(input, join(dir, 'big.encrypted'), { kms, keyId: KEY_A, signal: abort.signal, onProgress: (p) => p.bytesDone >= 2 << 20 && abort.abort() })
      : decryptFile(input, join(dir, 'out'), { kms, signal: abort.signal, onProgress: (p) => p.bytesDone >= 2 << 20 && abort.abort() });
    await assert.rejects(work, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.deepEqual(await names(dir), job === 'encrypt' ? ['big'] : ['big', 'big.encrypted']);
    if (job === 'encrypt') await encryptFile(join(dir, 'big'), join(dir, 'big.encrypted'), { kms, keyId: KEY_A });
  }
});

test('a file of 1-byte frames decrypts (batches of thousands of tiny buffers reach the file)', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  const plaintext = randomBytes(30_000);
  await writeFile(join(dir, 'plain'), plaintext);
  await encryptFile(join(dir, 'plain'), join(dir, 'tiny.encrypted'), { kms, keyId: KEY_A, frameLength: 1 });
  await decryptFile(join(dir, 'tiny.encrypted'), join(dir, 'tiny'), { kms });
  assert.deepEqual(await readFile(join(dir, 'tiny')), plaintext);
});

test('the AWS Encryption SDK streams decrypt our files and we decrypt its files', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  const keyring = new KmsKeyringNode({ generatorKeyId: KEY_A, clientProvider: () => kms.esdkClient() });
  const data = randomBytes((1 << 20) + 7);
  await writeFile(join(dir, 'plain'), data);
  for (const suite of SUITES) {
    await encryptFile(join(dir, 'plain'), join(dir, `ours-${suite}`), { kms, keyId: KEY_A, suite, frameLength: 4096 });
    await pipeline(createReadStream(join(dir, `ours-${suite}`)), esdk.decryptStream(keyring), createWriteStream(join(dir, `sdk-out-${suite}`)));
    assert.deepEqual(await readFile(join(dir, `sdk-out-${suite}`)), data);
  }
  await pipeline(createReadStream(join(dir, 'plain')), esdk.encryptStream(keyring, { frameLength: 1000 }), createWriteStream(join(dir, 'sdk.encrypted')));
  const result = await decryptFile(join(dir, 'sdk.encrypted'), join(dir, 'ours-out'), { kms });
  assert.deepEqual(await readFile(join(dir, 'ours-out')), data);
  assert.equal(result.message?.suite, 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384');
});

test('folders: recursive, file by file, per-file results, links and temp files skipped, round trip through an output folder', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  const src = join(dir, 'src');
  await mkdir(join(src, 'a', 'b'), { recursive: true });
  await writeFile(join(src, 'top.txt'), 'top');
  await writeFile(join(src, 'a', 'mid.txt'), 'mid');
  await writeFile(join(src, 'a', 'b', 'deep.bin'), randomBytes(5000));
  await writeFile(join(src, 'a', '.x.kmsw-0123456789ab.tmp'), 'stale temp');
  await symlink(join(src, 'top.txt'), join(src, 'link.txt'));
  const started: string[] = [];
  const enc = await encryptFolder(src, { kms, keyId: KEY_A, onFile: (f) => started.push(f) });
  assert.deepEqual(enc.filter((r) => r.status === 'done').map((r) => r.input), [join(src, 'a', 'b', 'deep.bin'), join(src, 'a', 'mid.txt'), join(src, 'top.txt')]);
  assert.deepEqual(started, enc.filter((r) => r.status === 'done').map((r) => r.input));
  assert.deepEqual(enc.filter((r) => r.status === 'skipped').map((r) => r.input), [join(src, 'link.txt')]);
  // Encrypting again skips the outputs and refuses to overwrite the earlier ones, file by file.
  const again = await encryptFolder(src, { kms, keyId: KEY_A });
  assert.equal(again.filter((r) => r.status === 'failed').length, 3);
  assert.ok(again.every((r) => r.status !== 'failed' || /already exists/.test(r.error.message)));
  await writeFile(join(src, 'a', 'mid.txt.encrypted'), 'damaged');
  const out = join(dir, 'out');
  const dec = await decryptFolder(src, { kms, outputDir: out });
  const failed = dec.filter((r) => r.status === 'failed');
  assert.deepEqual(failed.map((r) => r.input), [join(src, 'a', 'mid.txt.encrypted')]);
  assert.equal(await readFile(join(out, 'top.txt'), 'utf8'), 'top');
  assert.deepEqual(await readFile(join(out, 'a', 'b', 'deep.bin')), await readFile(join(src, 'a', 'b', 'deep.bin')));
  assert.deepEqual(await names(join(out, 'a')), ['b']);
});

test('folders: a symlinked folder in the output tree is refused, nothing is written outside it', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  const src = join(dir, 'src');
  const out = join(dir, 'out');
  const elsewhere = join(dir, 'elsewhere');
  await mkdir(join(src, 'sub'), { recursive: true });
  await mkdir(out);
  await mkdir(elsewhere);
  await writeFile(join(src, 'sub', 'secret.txt'), 'secret');
  await writeFile(join(src, 'top.txt'), 'top');
  await symlink(elsewhere, join(out, 'sub'));
  const results = await encryptFolder(src, { kms, keyId: KEY_A, outputDir: out });
  const failed = results.filter((r) => r.status === 'failed');
  assert.deepEqual(failed.map((r) => r.input), [join(src, 'sub', 'secret.txt')]);
  assert.match(failed[0].status === 'failed' ? failed[0].error.message : '', /out\/sub is a symbolic link.*outside the output folder/);
  assert.deepEqual(await names(elsewhere), []);
  assert.deepEqual(await names(out), ['sub', 'top.txt.encrypted']);
});

test('folders: an output that would be a folder, or the folder itself, is refused in plain words', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  const src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'plain'), 'p');
  await encryptFile(join(src, 'plain'), join(src, '..encrypted'), { kms, keyId: KEY_A });
  await encryptFile(join(src, 'plain'), join(src, 'busy.encrypted'), { kms, keyId: KEY_A });
  await mkdir(join(src, 'busy'));
  const results = await decryptFolder(src, { kms });
  const messages = Object.fromEntries(results.flatMap((r) => (r.status === 'failed' ? [[r.input, r.error.message]] : [])));
  assert.match(messages[join(src, '..encrypted')], /^cannot decrypt .*\.\.encrypted: its name is only the \.encrypted suffix/);
  assert.match(messages[join(src, 'busy.encrypted')], /^cannot write .*busy: a folder of that name is in the way/);
  assert.deepEqual(await names(src), ['..encrypted', 'busy', 'busy.encrypted', 'plain']);
  assert.deepEqual(await names(join(src, 'busy')), []);
});

test('default output names follow the AWS Encryption CLI', () => {
  assert.equal(encryptedName('/d/report.pdf'), '/d/report.pdf.encrypted');
  assert.equal(decryptedName('/d/report.pdf.encrypted'), '/d/report.pdf');
  assert.equal(decryptedName('/d/report.pdf'), '/d/report.pdf.decrypted');
  assert.equal(decryptedName('.encrypted'), '.encrypted.decrypted');
});

test('data keys: never written out, and the buffers KMS handed over are zeroed after use', async (t) => {
  const dir = await tempDir(t);
  const kms = new FakeKms();
  const handedOut: Uint8Array[] = [];
  const spy = {
    generateDataKey: async (keyId: string, context: Record<string, string>) => {
      const out = await kms.generateDataKey(keyId, context);
      handedOut.push(out.plaintextKey);
      return out;
    },
    encrypt: kms.encrypt.bind(kms),
    decrypt: async (blob: Uint8Array, context: Record<string, string>, keyId?: string) => {
      const out = await kms.decrypt(blob, context, keyId);
      handedOut.push(out.plaintext);
      return out;
    },
  };
  await writeFile(join(dir, 'plain'), randomBytes(100_000));
  for (const suite of SUITES) {
    await encryptFile(join(dir, 'plain'), join(dir, `enc-${suite}`), { kms: spy, keyId: KEY_A, suite, frameLength: 4096 });
    await decryptFile(join(dir, `enc-${suite}`), join(dir, `dec-${suite}`), { kms: spy });
    const written = await readFile(join(dir, `enc-${suite}`));
    for (const key of kms.issuedKeys) {
      for (const form of [key, Buffer.from(key.toString('hex')), Buffer.from(key.toString('base64'))]) assert.equal(written.indexOf(form), -1);
    }
  }
  assert.equal(handedOut.length, 4);
  for (const key of handedOut) assert.ok(key.every((b) => b === 0), 'a data key buffer was left unzeroed');
});
