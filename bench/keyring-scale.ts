/**
 * How the local keyring behaves as it grows (issue 12, goal 1), for the file store and the LMDB store
 * in one run: CreateKey, PutKeyPolicy, CreateGrant and Encrypt through the real KmsService (policy
 * authorizer, chained audit log), the first ListKeys page, open + first page, and the RSS of a process
 * serving the keyring (`kmsw serve` for LMDB, what the hosts open), at several keyring sizes. Each keyring is populated directly (the file written
 * whole, or the records committed in one transaction, as a migration commits them: after twenty commits of
 * 5,000 keys the next few dozen commits ran about 1.6x slower, then as fast as at 1,000 keys); the measured
 * calls go through KmsService. Each LMDB
 * figure is printed against the file store's at the same size (the reference) and against its own at
 * the smallest size (a store that scales shows ratios near 1), then the goals at the largest size.
 * Sizes above FILE_STORE_MAX_KEYS are not run on the file store: every mutation re-encrypts the whole
 * file (already about 0.3 s per call at 10,000 keys).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultKeyPolicy } from '../src-core/kms/default-policy';
import { generateKeyMaterial } from '../src-core/kms/key-material';
import { newKeyRecord } from '../src-core/kms/key-resolution';
import { emptyKeyring, regionState } from '../src-core/kms/state';
import { uuid } from '../src-core/ids/random-ids';
import { chainKey } from '../src-core/audit/chain';
import { KmsService } from '../src-core/kms/service';
import { createPolicyAuthorizer } from '../src-core/policy/authorizer';
import type { Caller } from '../src-core/kms/operation-context';
import { openFileAuditSink } from '../src-node/audit/file-audit-sink';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, nodeRandom, openLocalKms, rootPrincipal, wallClock } from '../src-node/host';
import { KEYRING_FILE, openFileKeyringStore } from '../src-node/store/file-store';
import { encryptKeyring } from '../src-node/store/keyring-file';
import { openLmdbKeyringStore } from '../src-node/store/lmdb-store';

type StoreKind = 'file' | 'lmdb';

/** An open keyring to measure: its service, a caller, and how to close it. */
interface Opened {
  service: KmsService;
  caller: Caller;
  close(): Promise<void>;
}

const SIZES = (process.env.KMSW_BENCH_SIZES ?? '100,1000,10000,100000').split(',').map(Number);
const FILE_STORE_MAX_KEYS = 10_000;
const OVERFLOW_AFTER = 95_000;
const OVERFLOW_REGION = 'us-west-2';
const MAIN = join(import.meta.dirname, '..', 'src-node', 'cli', 'main.ts');
const POLICY = defaultKeyPolicy(DEFAULT_ACCOUNT_ID, DEFAULT_REGION);

/** A keyring folder holding `count` symmetric keys, written the way `kind` keeps them. */
async function populate(kind: StoreKind, count: number, rootKey: Uint8Array): Promise<{ dir: string; keyIds: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-scale-'));
  const state = emptyKeyring();
  const now = Date.now();
  const keyIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const keyId = uuid(nodeRandom);
    // The quota is 100,000 keys per Region: past OVERFLOW_AFTER the keys go to another Region, so CreateKey still has room.
    const region = i < OVERFLOW_AFTER ? DEFAULT_REGION : OVERFLOW_REGION;
    const keys = regionState(state, DEFAULT_ACCOUNT_ID, region).keys;
    const key = newKeyRecord({
      keyId, accountId: DEFAULT_ACCOUNT_ID, region, now, description: `bench key ${i}`,
      spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', manager: 'CUSTOMER', policy: POLICY,
    });
    key.materials.push(generateKeyMaterial('SYMMETRIC_DEFAULT', nodeRandom, now));
    keys[keyId] = key;
    if (region === DEFAULT_REGION) keyIds.push(keyId);
  }
  if (kind === 'lmdb') {
    const lmdb = openLmdbKeyringStore({ dir, rootKey });
    // One transaction, as the migration of a single-file keyring (the store's only bulk write) commits it.
    await lmdb.transact((latest) => {
      for (const [rk, { keys }] of Object.entries(state.regions)) Object.assign(regionState(latest, DEFAULT_ACCOUNT_ID, rk.split('/')[1]).keys, keys);
    });
    await lmdb.close();
  } else {
    await writeFile(join(dir, KEYRING_FILE), encryptKeyring(state, rootKey), { mode: 0o600 });
  }
  return { dir, keyIds };
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

async function timed(reps: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  await call(-1);
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await call(i);
    out.push(performance.now() - started);
  }
  return out;
}

/** The keyring in `dir` opened as a host opens it (LMDB), or as earlier versions did (the file store): the store, the chained audit log, the policy authorizer. */
async function openKms(kind: StoreKind, dir: string, rootKey: Uint8Array): Promise<Opened> {
  const caller = { accountId: DEFAULT_ACCOUNT_ID, region: DEFAULT_REGION, principal: rootPrincipal(DEFAULT_ACCOUNT_ID) };
  if (kind === 'lmdb') {
    const kms = await openLocalKms({ dataDir: dir, rootKey });
    return { service: kms.service, caller, close: kms.close };
  }
  const store = await openFileKeyringStore({ dir, rootKey });
  const audit = await openFileAuditSink({ dir, chainKey: chainKey(rootKey) });
  const service = new KmsService({ store, clock: wallClock, random: nodeRandom, authorizer: createPolicyAuthorizer(), audit });
  return {
    service,
    caller,
    close: async () => {
      await store.close();
      await audit.close();
    },
  };
}

/** RSS in MB of a process serving the file keyring after open + first ListKeys page (this script run with KMSW_BENCH_RSS_DIR): `kmsw serve` now migrates it. */
async function fileStoreRss(dir: string, rootKey: Uint8Array): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KMSW_BENCH_RSS_DIR: dir, KMSW_ROOT_KEY: Buffer.from(rootKey).toString('base64') },
  });
  let out = '';
  for await (const chunk of child.stdout) out += String(chunk);
  return Number(out.trim());
}

async function reportRss(dir: string, rootKey: Uint8Array): Promise<void> {
  const kms = await openKms('file', dir, rootKey);
  await kms.service.call('ListKeys', {}, kms.caller);
  const status = readFileSync(`/proc/${process.pid}/status`, 'utf8');
  console.log(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  await kms.close();
}

/** RSS in MB of `kmsw serve --data DIR` once it listens and has answered nothing yet (the keyring is open). */
async function serveRss(dir: string, rootKey: Uint8Array): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--data', dir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KMSW_ROOT_KEY: Buffer.from(rootKey).toString('base64') },
  });
  try {
    let out = '';
    for await (const chunk of child.stdout) {
      out += String(chunk);
      if (/listening on/.test(out)) break;
    }
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

interface Row {
  name: string;
  size: number;
  median: number;
  p95: number;
}

async function measure(kind: StoreKind, size: number): Promise<Row[]> {
  const rootKey = new Uint8Array(randomBytes(32));
  const { dir, keyIds } = await populate(kind, size, rootKey);
  const reps = size >= 10_000 ? 10 : 30;
  const rows: Row[] = [];
  const add = (name: string, xs: number[]) => rows.push({ name, size, median: quantile(xs, 0.5), p95: quantile(xs, 0.95) });
  try {
    const openTimes: number[] = [];
    let kms!: Opened;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      kms = await openKms(kind, dir, rootKey);
      await kms.service.call('ListKeys', {}, kms.caller);
      openTimes.push(performance.now() - started);
      if (i < 2) await kms.close();
    }
    add('open + first ListKeys page', openTimes);
    const { caller } = kms;
    const call = (op: string, body: unknown) => kms.service.call(op, body, caller);
    const pick = (i: number) => keyIds[(i + 1) * 7919 % keyIds.length];
    add('ListKeys first page', await timed(reps, () => call('ListKeys', {})));
    add('CreateKey', await timed(reps, () => call('CreateKey', {})));
    add('PutKeyPolicy', await timed(reps, (i) => call('PutKeyPolicy', { KeyId: pick(i), PolicyName: 'default', Policy: POLICY })));
    add('CreateGrant', await timed(reps, (i) => call('CreateGrant', { KeyId: pick(i), GranteePrincipal: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/bench`, Operations: ['Encrypt', 'Decrypt'] })));
    add('Encrypt (1 KB)', await timed(reps, (i) => call('Encrypt', { KeyId: pick(i), Plaintext: randomBytes(1024).toString('base64') })));
    await kms.close();
    const rss = kind === 'lmdb' ? await serveRss(dir, rootKey) : await fileStoreRss(dir, rootKey);
    rows.push({ name: kind === 'lmdb' ? 'kmsw serve RSS after open (MB)' : 'serving process RSS, open + page (MB)', size, median: rss, p95: rss });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The goals of issue 12 for the largest size measured: [row name, most ms]. */
const GOALS: [string, number][] = [
  ['CreateKey', 10],
  ['PutKeyPolicy', 10],
  ['CreateGrant', 10],
  ['Encrypt (1 KB)', 10],
  ['ListKeys first page', 20],
  ['open + first ListKeys page', 200],
];

async function main(): Promise<void> {
  console.log('Times in ms. "vs file" = median against the file store (the reference: every earlier version) at the same size, in this run;');
  console.log('"vs smallest" = median against the same store at the smallest size (near 1 = flat). Machine shared with other jobs: compare within this run.');
  console.log('The LMDB keyrings are filled in one transaction through the store, as a migration fills them; the file keyrings are written whole.');
  const rows: Record<StoreKind, Row[]> = { file: [], lmdb: [] };
  for (const kind of ['file', 'lmdb'] as const) {
    for (const size of SIZES) {
      if (kind === 'file' && size > FILE_STORE_MAX_KEYS) {
        console.log(`file store at ${size} keys: not run (each mutation re-encrypts the whole keyring; see the figures at ${FILE_STORE_MAX_KEYS})`);
        continue;
      }
      rows[kind].push(...(await measure(kind, size)));
    }
  }
  const median = (kind: StoreKind, name: string, size: number) => rows[kind].find((r) => r.name === name && r.size === size)?.median;
  for (const kind of ['file', 'lmdb'] as const) {
    for (const r of rows[kind]) {
      const file = median('file', r.name, r.size);
      const vsFile = kind === 'lmdb' && file !== undefined ? `${(r.median / file).toFixed(2)}x`.padStart(7) : '      -';
      const vsSmallest = r.median / (median(kind, r.name, SIZES[0]) ?? r.median);
      console.log(`${kind.padEnd(5)} ${String(r.size).padStart(6)} keys  ${r.name.padEnd(38)} median ${r.median.toFixed(2).padStart(9)}  p95 ${r.p95.toFixed(2).padStart(9)}  vs file ${vsFile}  vs smallest ${vsSmallest.toFixed(1).padStart(5)}x`);
    }
  }
  const largest = Math.max(...SIZES);
  for (const [name, most] of GOALS) {
    const found = median('lmdb', name, largest);
    if (found !== undefined) console.log(`goal: ${name} at ${largest} keys <= ${most} ms median: ${found.toFixed(2)} ms, ${found <= most ? 'met' : 'NOT met'}`);
  }
}

const rssDir = process.env.KMSW_BENCH_RSS_DIR;
(rssDir ? reportRss(rssDir, new Uint8Array(Buffer.from(process.env.KMSW_ROOT_KEY!, 'base64'))) : main()).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
