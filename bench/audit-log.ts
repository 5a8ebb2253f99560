/**
 * The audit log as it grows (issue 12, goal 2): appending one call, reading the newest page (what the
 * panel shows first) and verifying, at 10,000 and 1,000,000 events, for the segmented log against the
 * single-file log it replaced (the same sink never sealing: the panel read it whole, `audit verify`
 * checked it whole). Both logs are filled through the real sink (keyed, in batches of 1,000 calls that
 * arrive together) with synthetic Encrypt events. The goal is flat: the segmented ratio column (each
 * figure against the same figure at the smallest size) near 1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chainKey } from '../src-core/audit/chain';
import { toCloudTrailEvent, type CloudTrailEvent } from '../src-core/audit/event';
import { AUDIT_LOG_FILE, DEFAULT_SEGMENT_ENTRIES, openFileAuditSink, type FileAuditSink } from '../src-node/audit/file-audit-sink';
import { newestSegment } from '../src-node/audit/segments';

const SIZES = (process.env.KMSW_BENCH_AUDIT_SIZES ?? '10000,1000000').split(',').map(Number);
/** The panel's page, and how many events it loads from the local log. */
const PAGE = 200;
const PANEL_EVENTS = 10_000;
const APPENDS = 200;
/**
 * The active segment's entries when the segmented log's `audit verify` is timed: verify reads the
 * whole active segment, so its time follows how full that segment is; the same fullness at every size
 * makes the figures comparable.
 */
const VERIFY_FULLNESS = DEFAULT_SEGMENT_ENTRIES / 2;
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function event(i: number): CloudTrailEvent {
  return toCloudTrailEvent({
    operation: 'Encrypt',
    caller: { accountId: '123456789012', region: 'us-east-1', principal: 'arn:aws:iam::123456789012:user/bench', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', sourceIp: '127.0.0.1', userAgent: 'aws-sdk-js/3 bench' },
    time: Date.UTC(2026, 0, 1) + i * 1000,
    requestId: `req-${i}`,
    eventId: `evt-${i}`,
    readOnly: true,
    input: { KeyId: 'alias/bench', EncryptionContext: { purpose: 'bench' }, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    resources: [KEY_ARN],
  });
}

async function fill(sink: FileAuditSink, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 1000) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) batch.push(sink.append(event(i)));
    await Promise.all(batch);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(reps: number, work: () => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await work();
    out.push(performance.now() - started);
  }
  return median(out);
}

/** The figure, or why it could not be measured (the single file read whole fails past V8's longest string). */
async function attempt(work: () => Promise<number>): Promise<number | string> {
  try {
    return await work();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

interface Row {
  size: number;
  append: number;
  page: number | string;
  panel: number | string;
  verify: number | string;
}

/** Entries in the active (unsealed) segment: those after the newest sealed one. */
async function activeEntries(sink: FileAuditSink, dir: string): Promise<number> {
  return (await sink.readNewest(1)).total - (newestSegment(dir)?.digest.lastSeq ?? 0);
}

/**
 * Appends one call at a time (so the segment seals exactly when full) until the active segment holds
 * `target` entries: sealing the full one first when it already holds more.
 */
async function fillActiveTo(sink: FileAuditSink, dir: string, target: number, next: { i: number }): Promise<void> {
  let active = await activeEntries(sink, dir);
  if (active >= target) {
    for (; active < DEFAULT_SEGMENT_ENTRIES; active++) await sink.append(event(next.i++));
    await sink.append(event(next.i++));
    active = 1;
  }
  for (; active < target; active++) await sink.append(event(next.i++));
  const reached = await activeEntries(sink, dir);
  if (reached !== target) throw new Error(`the active segment holds ${reached} entries, not ${target}`);
}

async function measure(sink: FileAuditSink, dir: string, size: number, segmented: boolean, next: { i: number }): Promise<Row> {
  const append = await time(APPENDS, () => sink.append(event(next.i++)));
  // The single file had no way to read its end: the panel read it whole, then showed the newest page.
  const page = await attempt(() => time(5, async () => (segmented ? sink.readNewest(PAGE) : (await sink.read()).slice(-PAGE))));
  const panel = await attempt(() => time(3, async () => (segmented ? sink.readNewest(PANEL_EVENTS) : sink.read())));
  if (segmented) await fillActiveTo(sink, dir, VERIFY_FULLNESS, next);
  const verify = await attempt(() =>
    time(3, async () => {
      const verdict = await sink.verify();
      if (!verdict.ok) throw new Error(verdict.reason);
    }),
  );
  return { size, append: append * 1000, page, panel, verify };
}

const fmt = (x: number | string, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : x).padStart(12);
const ratio = (x: number | string, base: number | string) => (typeof x === 'number' && typeof base === 'number' ? `${(x / base).toFixed(1)}x` : '-').padStart(7);

async function main(): Promise<void> {
  const key = chainKey(new Uint8Array(randomBytes(32)));
  const results: Record<'segmented' | 'single', Row[]> = { segmented: [], single: [] };
  for (const kind of ['segmented', 'single'] as const) {
    const dir = await mkdtemp(join(tmpdir(), `kmsw-audit-bench-${kind}-`));
    try {
      const sink = await openFileAuditSink({ dir, chainKey: key, segmentEntries: kind === 'single' ? Number.POSITIVE_INFINITY : undefined });
      const next = { i: 0 };
      for (const size of SIZES) {
        const started = performance.now();
        await fill(sink, next.i, size);
        next.i = Math.max(next.i, size);
        const fillSeconds = (performance.now() - started) / 1000;
        results[kind].push(await measure(sink, dir, size, kind === 'segmented', next));
        if (kind === 'segmented' && size === SIZES[SIZES.length - 1]) {
          const started = performance.now();
          const all = await sink.verifyAll();
          console.log(`segmented: verify --all of ${size} events: ${((performance.now() - started) / 1000).toFixed(1)} s (${all.ok ? 'intact' : all.reason})`);
        }
        console.log(`${kind}: filled to ${size} events in ${fillSeconds.toFixed(1)} s`);
      }
      await sink.close();
      if (kind === 'single') console.log(`single: ${AUDIT_LOG_FILE} is ${(statSync(sink.path).size / 1e6).toFixed(0)} MB at ${SIZES[SIZES.length - 1]} events`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nappend: one call's append (median of ${APPENDS}, µs); newest page: the newest ${PAGE} events (ms); panel load: the events the panel reads (segmented: newest ${PANEL_EVENTS}; single file: all) (ms); verify: 'audit verify' (segmented: newest segment + digests, timed with ${VERIFY_FULLNESS} of its ${DEFAULT_SEGMENT_ENTRIES} entries in the active segment at every size; single file: whole log) (ms). Ratios against the smallest size.`);
  console.log(`${'log'.padEnd(10)} ${'events'.padStart(9)} ${'append'.padStart(12)} ${'ratio'.padStart(7)} ${'newest page'.padStart(12)} ${'ratio'.padStart(7)} ${'panel load'.padStart(12)} ${'ratio'.padStart(7)} ${'verify'.padStart(12)} ${'ratio'.padStart(7)}`);
  for (const kind of ['segmented', 'single'] as const) {
    const [base] = results[kind];
    for (const r of results[kind]) {
      console.log(`${kind.padEnd(10)} ${String(r.size).padStart(9)} ${fmt(r.append)} ${ratio(r.append, base.append)} ${fmt(r.page)} ${ratio(r.page, base.page)} ${fmt(r.panel)} ${ratio(r.panel, base.panel)} ${fmt(r.verify)} ${ratio(r.verify, base.verify)}`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
