/**
 * File encryption throughput and memory, 256 MiB with 64 KiB frames: our ESDK-format writer and
 * reader (src-node/files) beside a plain node:crypto AES-256-GCM file-to-file stream (the reference:
 * one cipher, no format) and beside @aws-crypto/client-node's streams, in one run. Every measurement
 * runs in its own child process so its peak RSS is its own, after a 64 MiB warm-up of the same path;
 * rounds are interleaved (odd rounds in reverse order); the ratio of speeds within each round (its
 * median and range), the medians of each side, best-run and CPU-time ratios and each child's peak RSS
 * are printed.
 * Keys come from a local keyring folder in the temp dir (one GenerateDataKey/Decrypt per file).
 * Then: our encrypt and decrypt of a file 4x the size (KMSW_BENCH_BIG_MIB, 1 GiB by default) in their
 * own children, to show the peak RSS does not grow with the file; and decryption of messages of
 * 1-byte frames, 1M and 2M of them, to show its time is linear in the number of frames.
 * Usage: npm run bench files-esdk   (KMSW_BENCH_MIB=N for another size, KMSW_BENCH_DIR for another folder)
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { decryptFile, encryptFile } from '../src-node/files/file-crypto';
import { kmsFromClient } from '../src-node/files/kms-adapter';
import { openLocalKms } from '../src-node/host';
import { createLocalKmsClient } from '../src-node/local-client';

const MIB = Number(process.env.KMSW_BENCH_MIB ?? 256);
const SIZE = MIB * 1024 * 1024;
const FRAME = 64 * 1024;
const IO = 1024 * 1024;
const ROUNDS = 5;
const BIG_MIB = Number(process.env.KMSW_BENCH_BIG_MIB ?? MIB * 4);
/** Frame counts of the 1-byte-frame messages: time per frame must not grow with the count. */
const TINY_FRAMES = [1 << 20, 2 << 20];

type Mode = 'ref-enc' | 'ref-dec' | 'ours-enc' | 'ours-dec' | 'ours-enc-signed' | 'ours-dec-signed' | 'esdk-enc' | 'esdk-dec';
const MODES: Mode[] = ['ref-enc', 'ours-enc', 'esdk-enc', 'ours-enc-signed', 'ref-dec', 'ours-dec', 'esdk-dec', 'ours-dec-signed'];

/** Encryption of each decryption mode: it makes the decryption's input. */
const SOURCE_OF: Partial<Record<Mode, Mode>> = { 'ref-dec': 'ref-enc', 'ours-dec': 'ours-enc', 'ours-dec-signed': 'ours-enc-signed', 'esdk-dec': 'esdk-enc' };

/** One measurement, in this (child) process, of `plainName` (the big file's outputs are prefixed big-): prints {ms, cpuMs, rssMb, baseMb}. */
async function child(mode: Mode, dir: string, plainName = 'plain.bin'): Promise<void> {
  const local = await openLocalKms({ dataDir: join(dir, 'keyring'), env: {} });
  const client = createLocalKmsClient(local);
  const run = runner(dir, client, readFileSync(join(dir, 'key-arn'), 'utf8'));
  // What the child holds before any file job (Node, tsx, the SDK, the keyring): the job's memory is the peak above it.
  const baseMb = process.memoryUsage.rss() / 1e6;
  // Warm-up on 64 MiB before the clock starts (first KMS calls, and the JIT: per-frame code, ours and
  // node:crypto's own JS for each cipher, is optimised only after about a thousand frames; a cold
  // first file costs ~0.1 s more per 256 MiB). Steady throughput is measured, as in the extension
  // host, which stays up.
  const source = SOURCE_OF[mode];
  if (source) await run(source, 'warm.bin', 'warm-');
  await run(mode, 'warm.bin', 'warm-');
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(mode, plainName, plainName === 'plain.bin' ? '' : 'big-');
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  client.destroy();
  await local.close();
  process.stdout.write(JSON.stringify({ ms, cpuMs, rssMb: process.resourceUsage().maxRSS / 1024, baseMb }));
}

/** Runs one mode from `plainName`, outputs named `<prefix><mode>.out` (a decryption reads its encryption's). */
function runner(dir: string, client: KMSClient, keyArn: string) {
  const kms = kmsFromClient(client);
  const refKey = Buffer.alloc(32, 7);
  const refIv = Buffer.alloc(12, 9);
  const read = (name: string) => createReadStream(join(dir, name), { highWaterMark: IO });
  const write = (name: string) => createWriteStream(join(dir, name), { highWaterMark: IO });
  const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  return async (mode: Mode, plainName: string, prefix: string): Promise<void> => {
    const out = `${prefix}${mode}.out`;
    const input = `${prefix}${SOURCE_OF[mode]}.out`;
    rmSync(join(dir, out), { force: true });
    switch (mode) {
      case 'ref-enc': {
        const cipher = createCipheriv('aes-256-gcm', refKey, refIv, { authTagLength: 16 });
        await pipeline(read(plainName), cipher, write(out));
        writeFileSync(join(dir, `${prefix}ref-tag`), cipher.getAuthTag());
        break;
      }
      case 'ref-dec': {
        const decipher = createDecipheriv('aes-256-gcm', refKey, refIv, { authTagLength: 16 });
        decipher.setAuthTag(readFileSync(join(dir, `${prefix}ref-tag`)));
        await pipeline(read(input), decipher, write(out));
        break;
      }
      case 'ours-enc':
      case 'ours-enc-signed':
        await encryptFile(join(dir, plainName), join(dir, out), { kms, keyId: keyArn, frameLength: FRAME, suite: mode === 'ours-enc' ? 'AES256_GCM_HKDF_SHA512_COMMIT_KEY' : 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384' });
        break;
      case 'ours-dec':
      case 'ours-dec-signed':
        await decryptFile(join(dir, input), join(dir, out), { kms });
        break;
      case 'esdk-enc': {
        const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
        await pipeline(read(plainName), esdk.encryptStream(esdkKeyring(client, keyArn), { suiteId, frameLength: FRAME }), write(out));
        break;
      }
      case 'esdk-dec':
        await pipeline(read(input), esdk.decryptUnsignedMessageStream(esdkKeyring(client, keyArn)), write(out));
        break;
    }
  };
}

function esdkKeyring(client: KMSClient, generatorKeyId: string): KmsKeyringNode {
  const kms = {
    generateDataKey: (input: object) => client.send(new GenerateDataKeyCommand(input as never)),
    encrypt: (input: object) => client.send(new EncryptCommand(input as never)),
    decrypt: (input: object) => client.send(new DecryptCommand(input as never)),
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new KmsKeyringNode({ generatorKeyId, clientProvider: (() => kms) as any });
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: IO })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeRandomFile(path: string, mib: number): Promise<void> {
  const stream = createWriteStream(path);
  for (let i = 0; i < mib; i++) if (!stream.write(randomBytes(1024 * 1024))) await new Promise<void>((r) => stream.once('drain', () => r()));
  await new Promise<void>((r) => stream.end(() => r()));
}

/**
 * Decryption of a message of `frames` 1-byte frames (encrypted by us first, 33 bytes of message per
 * frame), in this (child) process: prints {ms, cpuMs}.
 */
async function tinyChild(dir: string, frames: number): Promise<void> {
  const local = await openLocalKms({ dataDir: join(dir, 'keyring'), env: {} });
  const client = createLocalKmsClient(local);
  const kms = kmsFromClient(client);
  const keyId = readFileSync(join(dir, 'key-arn'), 'utf8');
  const plain = join(dir, `tiny-${frames}.bin`);
  writeFileSync(plain, randomBytes(frames));
  await encryptFile(plain, `${plain}.kms`, { kms, keyId, frameLength: 1 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await decryptFile(`${plain}.kms`, `${plain}.out`, { kms });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (!readFileSync(`${plain}.out`).equals(readFileSync(plain))) throw new Error('the 1-byte-frame message did not decrypt to its plaintext');
  for (const f of [plain, `${plain}.kms`, `${plain}.out`]) rmSync(f);
  client.destroy();
  await local.close();
  process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 }));
}

/** tmpfs when there is room for the plaintext, warm-up files and every output (about 12x the size, plus 3x the big file), else the OS temp folder. */
function benchRoot(): string {
  if (process.env.KMSW_BENCH_DIR) return process.env.KMSW_BENCH_DIR;
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize > 14 * SIZE + 3 * BIG_MIB * 1024 * 1024) return '/dev/shm';
  } catch {
    // No /dev/shm on this platform.
  }
  return tmpdir();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(benchRoot(), 'kmsw-bench-files-'));
  try {
    const local = await openLocalKms({ dataDir: join(dir, 'keyring'), env: {} });
    const created = await local.service.call('CreateKey', {}, local.defaultCaller());
    writeFileSync(join(dir, 'key-arn'), (created.output as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn);
    await local.close();
    writeFileSync(join(dir, 'warm.bin'), randomBytes(64 * 1024 * 1024));
    const plain = join(dir, 'plain.bin');
    await writeRandomFile(plain, MIB);
    console.log(`${MIB} MiB, ${FRAME / 1024} KiB frames, files in ${dir}, median of ${ROUNDS} interleaved rounds, one child process per measurement`);

    type Run = { ms: number; cpuMs: number; rssMb: number; baseMb: number };
    const measure = (mode: Mode, plainName?: string): Run => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1], 'child', mode, dir, ...(plainName ? [plainName] : [])], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as Run;
    };
    const runs = new Map<Mode, Run[]>(MODES.map((m) => [m, []]));
    // Each round runs every mode once; odd rounds run them in reverse, so a load change during a round
    // does not always fall on the same side.
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 ? [...MODES].reverse() : MODES) runs.get(mode)!.push(measure(mode));
    }
    const want = await sha256(plain);
    for (const mode of MODES.filter((m) => m.endsWith('-dec') || m.endsWith('-dec-signed'))) {
      if ((await sha256(join(dir, `${mode}.out`))) !== want) throw new Error(`${mode} did not reproduce the plaintext`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const mbps = (mode: Mode) => SIZE / 1e6 / (median(runs.get(mode)!.map((r) => r.ms)) / 1000);
    // The best run: on a shared machine the least disturbed one says most about the code itself.
    const bestMbps = (mode: Mode) => SIZE / 1e6 / (Math.min(...runs.get(mode)!.map((r) => r.ms)) / 1000);
    const cpuMbps = (mode: Mode) => SIZE / 1e6 / (median(runs.get(mode)!.map((r) => r.cpuMs)) / 1000);
    // Peak RSS above what the child held before its first file job.
    const extra = (mode: Mode) => Math.max(...runs.get(mode)!.map((r) => r.rssMb - r.baseMb));
    const peak = (mode: Mode) => Math.max(...runs.get(mode)!.map((r) => r.rssMb));
    const label: Record<Mode, string> = {
      'ref-enc': 'node:crypto GCM stream (reference), encrypt',
      'ours-enc': 'ours 0x0478, encrypt',
      'esdk-enc': '@aws-crypto/client-node 0x0478, encrypt',
      'ours-enc-signed': 'ours 0x0578 (signed), encrypt',
      'ref-dec': 'node:crypto GCM stream (reference), decrypt',
      'ours-dec': 'ours 0x0478, decrypt',
      'esdk-dec': '@aws-crypto/client-node 0x0478, decrypt',
      'ours-dec-signed': 'ours 0x0578 (signed), decrypt',
    };
    console.log(`${'path'.padEnd(46)} ${'MB/s'.padStart(6)} ${'runs'.padStart(16)} ${'CPU MB/s'.padStart(9)} ${'peak RSS'.padStart(9)} ${'above base'.padStart(12)}`);
    for (const mode of MODES) {
      const each = runs.get(mode)!.map((r) => (SIZE / 1e6 / (r.ms / 1000)).toFixed(0)).join('/');
      console.log(`${label[mode].padEnd(46)} ${mbps(mode).toFixed(0).padStart(6)} ${each.padStart(16)} ${cpuMbps(mode).toFixed(0).padStart(9)} ${`${peak(mode).toFixed(0)} MB`.padStart(9)} ${`${extra(mode).toFixed(0)} MB`.padStart(12)}`);
    }
    // Every ratio below is a speed ratio: the first side's throughput over the second's (its time over
    // ours), so above 1.00x means ours is faster, below means slower.
    const ratio = (a: Mode, b: Mode, f = mbps) => (f(a) / f(b)).toFixed(2);
    // Per round: the two sides ran minutes apart at most, under about the same load; the spread of
    // these ratios shows how far the shared machine moved them.
    const perRound = (a: Mode, b: Mode) => runs.get(a)!.map((r, i) => runs.get(b)![i].ms / r.ms);
    const roundRatios = (a: Mode, b: Mode) => {
      const xs = perRound(a, b);
      return `median ${median(xs).toFixed(2)}x (range ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}x; rounds ${xs.map((x) => x.toFixed(2)).join('/')})`;
    };
    console.log('speed of ours relative to the node:crypto reference (ours MB/s over its MB/s; goal >= 0.90x, above 1 = ours faster):');
    console.log(`  per round, encrypt: ${roundRatios('ours-enc', 'ref-enc')}`);
    console.log(`  per round, decrypt: ${roundRatios('ours-dec', 'ref-dec')}`);
    console.log(`  medians of each side: encrypt ${ratio('ours-enc', 'ref-enc')}x, decrypt ${ratio('ours-dec', 'ref-dec')}x; best run of each: encrypt ${ratio('ours-enc', 'ref-enc', bestMbps)}x, decrypt ${ratio('ours-dec', 'ref-dec', bestMbps)}x; CPU time: encrypt ${ratio('ours-enc', 'ref-enc', cpuMbps)}x, decrypt ${ratio('ours-dec', 'ref-dec', cpuMbps)}x`);
    console.log(`speed of ours relative to @aws-crypto/client-node, per round: encrypt ${roundRatios('ours-enc', 'esdk-enc')}, decrypt ${roundRatios('ours-dec', 'esdk-dec')}`);
    console.log(`speed of signed relative to unsigned (ours), per round: encrypt ${roundRatios('ours-enc-signed', 'ours-enc')}, decrypt ${roundRatios('ours-dec-signed', 'ours-dec')}`);
    const rssRuns = (mode: Mode) => runs.get(mode)!.map((r) => r.rssMb.toFixed(0)).join('/');
    console.log(`peak RSS of each child (MB, by round): reference encrypt ${rssRuns('ref-enc')}, ours ${rssRuns('ours-enc')}; reference decrypt ${rssRuns('ref-dec')}, ours ${rssRuns('ours-dec')}`);
    const oursExtra = Math.max(extra('ours-enc'), extra('ours-dec'), extra('ours-enc-signed'), extra('ours-dec-signed'));
    // The reference shows what any 1 MiB-buffered stream costs here (GC slack on external buffers included).
    console.log(`peak RSS of ours above the child's base: ${oursExtra.toFixed(0)} MB; node:crypto reference: ${Math.max(extra('ref-enc'), extra('ref-dec')).toFixed(0)} MB; @aws-crypto/client-node: ${Math.max(extra('esdk-enc'), extra('esdk-dec')).toFixed(0)} MB`);
    const oursPeak = Math.max(peak('ours-enc'), peak('ours-dec'));
    const refPeak = Math.max(peak('ref-enc'), peak('ref-dec'));
    console.log(`peak RSS, unsigned: ours ${oursPeak.toFixed(0)} MB, node:crypto reference ${refPeak.toFixed(0)} MB (goal: ours <= reference)`);

    await writeRandomFile(join(dir, 'big.bin'), BIG_MIB);
    const bigEnc = measure('ours-enc', 'big.bin');
    const bigDec = measure('ours-dec', 'big.bin');
    const bigPeak = Math.max(bigEnc.rssMb, bigDec.rssMb);
    const bigMbps = (r: Run) => (BIG_MIB * 1.048576 / (r.ms / 1000)).toFixed(0);
    console.log(`ours at ${BIG_MIB} MiB: encrypt ${bigMbps(bigEnc)} MB/s, decrypt ${bigMbps(bigDec)} MB/s, peak RSS ${bigPeak.toFixed(0)} MB against ${oursPeak.toFixed(0)} MB at ${MIB} MiB (goal: the same, streaming)`);
    for (const f of ['big.bin', 'big-ours-enc.out', 'big-ours-dec.out']) rmSync(join(dir, f), { force: true });

    // Interleaved rounds, as above; CPU time per frame is the steadier figure on a busy machine.
    const tiny = TINY_FRAMES.map((frames) => ({ frames, runs: [] as { ms: number; cpuMs: number }[] }));
    for (let round = 0; round < 3; round++) {
      for (const t of tiny) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1], 'tiny', dir, String(t.frames)], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`1-byte frames failed: ${r.stderr}`);
        t.runs.push(JSON.parse(r.stdout));
      }
    }
    const perFrame = (t: (typeof tiny)[number], key: 'ms' | 'cpuMs') => (median(t.runs.map((r) => r[key])) * 1000) / t.frames;
    const [small, large] = tiny;
    console.log(
      `1-byte frames, decrypt (median of 3): ${tiny.map((t) => `${t.frames / (1 << 20)}M frames ${perFrame(t, 'ms').toFixed(2)} µs/frame wall, ${perFrame(t, 'cpuMs').toFixed(2)} CPU`).join('; ')}; ` +
        `time per frame at ${large.frames / small.frames}x the frames: ${(perFrame(large, 'ms') / perFrame(small, 'ms')).toFixed(2)}x wall, ${(perFrame(large, 'cpuMs') / perFrame(small, 'cpuMs')).toFixed(2)}x CPU (goal: linear, 1.00x)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const role = process.argv[2];
(role === 'child' ? child(process.argv[3] as Mode, process.argv[4], process.argv[5]) : role === 'tiny' ? tinyChild(process.argv[3], Number(process.argv[4])) : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
