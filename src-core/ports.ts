/**
 * The injected interfaces of the core. The core does no I/O of its own: every host (CLI, HTTP
 * endpoint, extension, tests) hands it these.
 */
import type { KeyringState } from './kms/state';
import type { CloudTrailEvent } from './audit/event';

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
 * Persists the keyring. `transact` runs `mutate` on the latest state under the store's lock and
 * persists the result only if `mutate` returns without throwing; engine handlers validate fully
 * before they change anything, so a throw never leaves a half-applied change.
 */
export interface KeyringStore {
  read(): Promise<KeyringState>;
  transact<T>(mutate: (state: KeyringState) => T | Promise<T>): Promise<T>;
  /** Non-critical in-memory changes (last-use facts) happened; persist them when convenient. */
  markDirty(): void;
  close(): Promise<void>;
}

/** Receives one CloudTrail-format event per KMS call, in order. */
export interface AuditSink {
  append(event: CloudTrailEvent): Promise<void>;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
