/**
 * The contract of the KeyringStore port (src-core/ports.ts), run against every store: the in-memory
 * one and the encrypted file. A future store (an embedded database) is added to STORES and must pass
 * the same suite; nothing here depends on how a store keeps its data.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { regionState } from '../../../src-core/kms/state';
import { STORES } from './stores';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

for (const [name, open] of Object.entries(STORES)) {
  describe(`KeyringStore contract: ${name} store`, () => {
    it('persists nothing of a transaction that throws, synchronously or after awaiting, and says so by rejecting', async () => {
      const { store, persisted } = await open();
      await store.transact((state) => void (regionState(state, '111122223333', 'us-east-1').aliases['alias/a'] = { aliasName: 'alias/a', targetKeyId: 'k', createdAt: 1, updatedAt: 1 }));
      const before = JSON.stringify(await store.read());
      const bytes = await persisted();
      await assert.rejects(
        store.transact((state) => {
          state.clockOffsetMs = 99;
          delete regionState(state, '111122223333', 'us-east-1').aliases['alias/a'];
          throw new Error('refused');
        }),
        /refused/,
      );
      await assert.rejects(
        store.transact(async (state) => {
          state.regions = {};
          await tick();
          throw new Error('refused later');
        }),
        /refused later/,
      );
      assert.equal(JSON.stringify(await store.read()), before);
      assert.equal(await persisted(), bytes);
      await store.close();
    });

    it('shows a reader the state before a transaction until the transaction returns', async () => {
      const { store } = await open();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const writing = store.transact(async (state) => {
        state.clockOffsetMs = 5;
        await held;
        return 'done';
      });
      await tick();
      assert.equal((await store.read()).clockOffsetMs, 0, 'a reader saw a change before it was committed');
      release();
      assert.equal(await writing, 'done');
      assert.equal((await store.read()).clockOffsetMs, 5);
      await store.close();
    });

    it("runs one process's transactions one at a time on the latest state (no lost update)", async () => {
      const { store, reopen } = await open();
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.transact(async (state) => {
            const seen = state.clockOffsetMs;
            await tick();
            state.clockOffsetMs = seen + 1;
          }),
        ),
      );
      assert.equal((await store.read()).clockOffsetMs, 20);
      await store.close();
      if (reopen) {
        const again = await reopen();
        assert.equal((await again.read()).clockOffsetMs, 20, 'committed transactions outlive the process');
        await again.close();
      }
    });
  });
}
