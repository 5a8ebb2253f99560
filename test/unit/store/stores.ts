/** Every KeyringStore, made fresh for a test: the port's contract suite and the conformance table run through each. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyringStore } from '../../../src-core/ports';
import { MemoryKeyringStore } from '../../../src-core/kms/memory-store';
import { openFileKeyringStore } from '../../../src-node/store/file-store';
import { LMDB_FILE, openLmdbKeyringStore } from '../../../src-node/store/lmdb-store';
import { tempKeyringFolder } from './temp-keyrings';

export interface StoreUnderTest {
  store: KeyringStore;
  /** What the store keeps, as bytes (the file, or the serialised state for memory). */
  persisted(): Promise<string>;
  /** The store opened afresh on the same data, as another process would; undefined when nothing outlives the object. */
  reopen?(): Promise<KeyringStore>;
}

export const STORES: Record<string, () => Promise<StoreUnderTest>> = {
  memory: async () => {
    const store = new MemoryKeyringStore();
    return { store, persisted: async () => JSON.stringify(await store.read()) };
  },
  file: async () => {
    const { dir, track } = tempKeyringFolder('kmsw-contract-');
    const rootKey = new Uint8Array(randomBytes(32));
    const store = track(await openFileKeyringStore({ dir, rootKey }));
    return {
      store,
      persisted: async () => (await readFile(join(dir, 'keyring.kmsw')).catch(() => Buffer.alloc(0))).toString('base64'),
      reopen: async () => track(await openFileKeyringStore({ dir, rootKey })),
    };
  },
  lmdb: async () => {
    const { dir, track } = tempKeyringFolder('kmsw-contract-');
    const rootKey = new Uint8Array(randomBytes(32));
    const store = track(openLmdbKeyringStore({ dir, rootKey }));
    return {
      store,
      persisted: async () => (await readFile(join(dir, LMDB_FILE)).catch(() => Buffer.alloc(0))).toString('base64'),
      reopen: async () => track(openLmdbKeyringStore({ dir, rootKey })),
    };
  },
};

