/** A keyring that lives only in memory: for tests, throwaway servers and `kmsw serve --in-memory`. */
import type { KeyringIndex, KeyringStore } from '../ports';
import { walkingIndex } from './keyring-index';
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

  /**
   * `mutate` works on a copy that replaces the state only when it returns, so a throw leaves nothing
   * behind and a reader never sees a change half made.
   */
  transact<T>(mutate: (state: KeyringState) => T | Promise<T>): Promise<T> {
    return this.serially(async () => {
      const draft = structuredClone(this.state);
      const value = await mutate(draft);
      this.state = draft;
      return value;
    });
  }

  /** Replaces the whole keyring (`POST /_reset`). */
  reset(): Promise<void> {
    return this.serially(() => {
      this.state = emptyKeyring();
    });
  }

  index(state: KeyringState): KeyringIndex {
    return walkingIndex(state);
  }

  markDirty(): void {}

  async close(): Promise<void> {
    await this.tail;
  }

  private serially<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
