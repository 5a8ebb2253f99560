/**
 * Temp folders for the keyrings a test file opens: once the file's tests are done, the stores opened
 * on them are closed and the folders removed (a suite run used to leave thousands behind in the temp
 * folder). The hook is registered on first use, so a fixture process that imports this without the
 * test runner registers nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { after } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyringStore } from '../../../src-core/ports';

interface TempKeyring {
  dir: string;
  stores: KeyringStore[];
}

const folders: TempKeyring[] = [];

/** A new empty folder under the temp folder, named `prefix` and a random suffix; `track` hands back a store opened on it, to be closed before removal. */
export function tempKeyringFolder(prefix: string): { dir: string; track<T extends KeyringStore>(store: T): T } {
  if (folders.length === 0) after(removeTempKeyrings);
  const folder: TempKeyring = { dir: mkdtempSync(join(tmpdir(), prefix)), stores: [] };
  folders.push(folder);
  return {
    dir: folder.dir,
    track: (store) => {
      folder.stores.push(store);
      return store;
    },
  };
}

async function removeTempKeyrings(): Promise<void> {
  for (const { dir, stores } of folders.splice(0)) {
    // A store a test left unusable (its lock taken, its file damaged) must not stop the removal: the test said what it had to.
    await Promise.allSettled(stores.map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
