/** A keyring that lives only in memory: for tests, throwaway servers and `kmsw serve --in-memory`. */
import type { KeyringStore } from '../ports';
import { emptyKeyring, type KeyringState } from './state';

export class MemoryKeyringStore implements KeyringStore {
  private state: KeyringState;
  /** Serialises transactions: handlers may await (key generation) while holding the keyring. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(initial: KeyringState = emptyKeyring()) {
    this.state = initial;
  }

  async read(): Promise<KeyringState> {
    return this.state;
  }

  transact<T>(mutate: (state: KeyringState) => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() => mutate(this.state));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Replaces the whole keyring (`POST /_reset`). */
  async reset(): Promise<void> {
    await this.transact(() => {
      this.state = emptyKeyring();
    });
  }

  markDirty(): void {}

  async close(): Promise<void> {
    await this.tail;
  }
}
