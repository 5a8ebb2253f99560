/**
 * Opens the local KMS for a Node host (the `kmsw` CLI, `kmsw serve`, the extension host): the
 * engine wired to a keyring store, the wall clock, node:crypto randomness, the policy authorizer
 * and, when the keyring lives in a folder, the audit log beside it.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import type { AuditSink, Clock, KeyringStore, Logger, Random } from '../src-core/ports';
import { silentLogger } from '../src-core/ports';
import type { Caller } from '../src-core/kms/operation-context';
import { MemoryKeyringStore } from '../src-core/kms/memory-store';
import { KmsService } from '../src-core/kms/service';
import { createPolicyAuthorizer, type Denial } from '../src-core/policy/authorizer';
import { chainKey } from '../src-core/audit/chain';
import { openFileAuditSink } from './audit/file-audit-sink';
import { openKeyringStore } from './store/keyring-store';
import { loadOrCreateRootKey } from './store/root-key';

export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

export interface LocalKmsOptions {
  /** Keep the keyring in memory only (tests, throwaway servers). */
  inMemory?: boolean;
  /** The keyring folder (keyring database, locks, root key file, audit log); required unless inMemory. */
  dataDir?: string;
  /** The key that encrypts the keyring at rest; default: KMSW_ROOT_KEY, else the folder's root key file. */
  rootKey?: Uint8Array;
  /** Where KMSW_ROOT_KEY is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  accountId?: string;
  region?: string;
  logger?: Logger;
  /** Told of every request the key policy and grants refuse (the extension explains it to the user). */
  onDeny?: (denial: Denial) => void;
  /** The wall clock; the keyring adds its simulated offset on top. */
  clock?: Clock;
}

export interface LocalKms {
  service: KmsService;
  store: KeyringStore;
  audit?: AuditSink;
  accountId: string;
  region: string;
  /** The account root in the default account and Region, with any member replaced. */
  defaultCaller(overrides?: Partial<Caller>): Caller;
  /** The keyring folder; absent for in-memory keyrings. */
  dataDir?: string;
  /** Clears every key, alias and store (in-memory keyrings only: `POST /_reset`). */
  reset?(): Promise<void>;
  close(): Promise<void>;
}

/** Draws of up to 16 bytes (request and event IDs, IVs, 128-bit data keys) come from a pool refilled 4 KiB
 * at a time: one call into OpenSSL per draw cost the endpoint more than the AES-GCM of the request. Each
 * draw is zeroed in the pool as it is handed out; longer draws (most key material) bypass the pool. */
const POOL_BYTES = 4096;
const POOLED_AT_MOST = 16;
let pool = Buffer.alloc(0);
let poolOffset = 0;

export const nodeRandom: Random = {
  bytes(n) {
    if (n > POOLED_AT_MOST) return new Uint8Array(randomBytes(n));
    if (poolOffset + n > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
      poolOffset = 0;
    }
    const out = new Uint8Array(pool.subarray(poolOffset, poolOffset + n));
    // Drawn bytes are not left behind for anyone else to read.
    pool.fill(0, poolOffset, poolOffset + n);
    poolOffset += n;
    return out;
  },
};
export const wallClock: Clock = { now: () => Date.now() };

export function rootPrincipal(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export async function openLocalKms(options: LocalKmsOptions = {}): Promise<LocalKms> {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const region = options.region ?? DEFAULT_REGION;
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? wallClock;
  const defaultCaller = (overrides: Partial<Caller> = {}): Caller => {
    const account = overrides.accountId ?? accountId;
    return { accountId: account, region, principal: rootPrincipal(account), ...overrides };
  };
  if (options.inMemory) {
    const store = new MemoryKeyringStore();
    const service = new KmsService({ store, clock, random: nodeRandom, authorizer: createPolicyAuthorizer({ onDeny: options.onDeny }), logger });
    return { service, store, accountId, region, defaultCaller, reset: () => store.reset(), close: () => store.close() };
  }
  const dir = options.dataDir;
  if (!dir) throw new TypeError('openLocalKms needs a dataDir unless inMemory is set');
  const rootKey = options.rootKey ?? (await loadOrCreateRootKey({ dir, env: options.env }));
  const store = await openKeyringStore({ dir, rootKey, logger });
  const audit = await openFileAuditSink({ dir, chainKey: chainKey(rootKey) }).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  const service = new KmsService({ store, clock, random: nodeRandom, authorizer: createPolicyAuthorizer({ onDeny: options.onDeny }), audit, logger });
  // A process killed between a commit and its audit append left the event in the keyring: append it now.
  await service.deliverCommittedEvents().catch((e: unknown) => logger.warn(`committed audit events still wait for the audit log: ${e instanceof Error ? e.message : String(e)}`));
  return {
    service,
    store,
    audit,
    accountId,
    region,
    dataDir: dir,
    defaultCaller,
    close: async () => {
      // The store first: it flushes pending last-use facts; then the audit log finishes its appends.
      await store.close();
      await audit.close();
    },
  };
}
