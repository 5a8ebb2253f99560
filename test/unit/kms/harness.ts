/**
 * A local KMS for unit tests: the LMDB store the hosts use, in a temp folder (the in-memory store when
 * KMSW_TEST_STORE=memory), so the engine's whole suite runs against what ships; a clock the test moves, seeded-free real randomness,
 * an authorizer that allows everything unless a test swaps it, and `call` that returns the wire
 * output (checked against the model's output shape) or the thrown KmsError. Tests speak the wire format (base64 blobs), as every host does.
 */
import { randomBytes } from 'node:crypto';
import { KmsError } from '../../../src-core/kms-error';
import type { Authorizer, Caller } from '../../../src-core/kms/operation-context';
import { MemoryKeyringStore } from '../../../src-core/kms/memory-store';
import { openLmdbKeyringStore } from '../../../src-node/store/lmdb-store';
import { tempKeyringFolder } from '../store/temp-keyrings';
import { KmsService } from '../../../src-core/kms/service';
import type { CloudTrailEvent } from '../../../src-core/audit/event';
import type { AuditSink, KeyringStore } from '../../../src-core/ports';
import { assertOutputShape } from './output-shape';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export function rootCaller(accountId = ACCOUNT, region = REGION): Caller {
  return { accountId, region, principal: `arn:aws:iam::${accountId}:root` };
}

/** Wire JSON of any operation's output; tests assert on its members directly. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WireOutput = Record<string, any>;

export interface TestKms {
  service: KmsService;
  store: KeyringStore;
  events: CloudTrailEvent[];
  clock: { now(): number; advance(ms: number): void };
  authorizer: { current: Authorizer };
  /** Calls an operation as `caller` (default: the account root in us-east-1); resolves to the wire output. */
  call(operation: string, body?: Record<string, unknown>, caller?: Caller): Promise<WireOutput>;
  /** Calls an operation that must fail; resolves to the KmsError. */
  fail(operation: string, body?: Record<string, unknown>, caller?: Caller): Promise<KmsError>;
}

function defaultStore(): KeyringStore {
  if (process.env.KMSW_TEST_STORE === 'memory') return new MemoryKeyringStore();
  const { dir, track } = tempKeyringFolder('kmsw-engine-');
  return track(openLmdbKeyringStore({ dir, rootKey: new Uint8Array(randomBytes(32)) }));
}

export const allowAll: Authorizer = { authorize: () => ({ allowed: true, decidedBy: { kind: 'default' } }) };

export function createTestKms(options: { start?: number; authorizer?: Authorizer; store?: KeyringStore; audit?: AuditSink } = {}): TestKms {
  let t = options.start ?? Date.UTC(2026, 0, 1);
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const store = options.store ?? defaultStore();
  const events: CloudTrailEvent[] = [];
  const authorizer = { current: options.authorizer ?? allowAll };
  const service = new KmsService({
    store,
    clock,
    random: { bytes: (n) => new Uint8Array(randomBytes(n)) },
    authorizer: { authorize: (request) => authorizer.current.authorize(request) },
    audit: options.audit ?? {
      append: async (event) => void events.push(event),
      appendMissing: async (missing) => void events.push(...missing.filter((e) => !events.some((known) => known.eventID === e.eventID))),
    },
  });
  const call = async (operation: string, body: Record<string, unknown> = {}, caller = rootCaller()) => {
    const { output } = await service.call(operation, body, caller);
    assertOutputShape(operation, output);
    return output as WireOutput;
  };
  const fail = async (operation: string, body: Record<string, unknown> = {}, caller = rootCaller()) => {
    try {
      await service.call(operation, body, caller);
    } catch (e) {
      if (e instanceof KmsError) return e;
      throw e;
    }
    throw new Error(`${operation} succeeded but was expected to fail`);
  };
  return { service, store, events, clock, authorizer, call, fail };
}

/** Base64 of UTF-8 text, for Plaintext parameters. */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** UTF-8 text of a base64 blob from a response. */
export function text(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
