/**
 * The injected interfaces of the core. The core does no I/O of its own: every host (CLI, HTTP
 * endpoint, extension, tests) hands it these.
 */
import type { KeyringState } from './kms/state';
import type { CloudTrailEvent } from './audit/event';
import type { AuditHead } from './audit/chain';

/** Wall-clock time in epoch milliseconds. The local KMS adds its own simulated offset on top. */
export interface Clock {
  now(): number;
}

/** Cryptographically strong randomness (tests may inject a seeded generator). */
export interface Random {
  bytes(n: number): Uint8Array;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Persists the keyring. The contract every store keeps (test/unit/store/store-contract.test.ts):
 * - `transact` runs `mutate` on the latest state, one transaction at a time across every process
 *   sharing the store, and persists everything `mutate` changed (keys, clock, audit outbox) in one
 *   atomic step, only if `mutate` returns; a throw persists nothing and leaves the state as it was;
 * - `read` never shows a transaction's changes before it has committed;
 * - once `transact` has resolved, the change survives the process being killed.
 */
export interface KeyringStore {
  read(): Promise<KeyringState>;
  /**
   * What the engine asks of `state` (one this store's `read` or `transact` handed out) instead of
   * walking every key, so a store that loads records on demand can answer from its own indexes. The
   * answers include the changes `mutate` has made so far.
   */
  index(state: KeyringState): KeyringIndex;
  transact<T>(mutate: (state: KeyringState) => T | Promise<T>): Promise<T>;
  /** Non-critical in-memory changes (last-use facts) happened to `state`; persist them when convenient. */
  markDirty(state: KeyringState): void;
  close(): Promise<void>;
}

/** A key named by account, Region and key ID. */
export interface KeyRef {
  accountId: string;
  region: string;
  keyId: string;
}

/** The questions about the whole keyring that the engine asks on every call (see KeyringStore.index). */
export interface KeyringIndex {
  keyCount(accountId: string, region: string): number;
  /** Up to `limit` key IDs of an account and Region from position `offset`, in an order that stays stable between pages. */
  keyIds(accountId: string, region: string, offset: number, limit: number): string[];
  /** Names of the aliases that point at a key. */
  aliasNames(key: KeyRef): string[];
  /** Earliest time at which a clock-driven change (transition end, deletion, rotation, expiry) falls due, or undefined. */
  nextLifecycleEventAt(): number | undefined;
  /** The keys with a clock-driven change due at or before `now`. */
  dueKeys(now: number): KeyRef[];
}

/** Receives one CloudTrail-format event per KMS call, in order. */
export interface AuditSink {
  append(event: CloudTrailEvent): Promise<void>;
  /**
   * Appends those of `events` the log does not hold yet (by eventID). Committed events are delivered
   * again after a crash or a failed append, and must never appear twice. Resolves to the log's head
   * when the log is hash-chained (the keyring records it as the chain's anchor). `after`, when given, is
   * a head the log had reached before `events` were committed, so only later entries need searching.
   */
  appendMissing(events: CloudTrailEvent[], after?: AuditHead): Promise<AuditHead | void>;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
