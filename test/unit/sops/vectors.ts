/**
 * The files written by the real sops in ../shared/sops-vectors (read there at run time, never
 * copied), and their data keys, decrypted from the PGP entries with the published test key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import type { SopsFormat } from '../../../src-core/sops/store';
import { readMetadata } from '../../../src-core/sops/document';

export const VECTORS_DIR = join(import.meta.dirname, '../../../../shared/sops-vectors');

export function vector(name: string): string {
  return readFileSync(join(VECTORS_DIR, name), 'utf8');
}

let privateKeys: openpgp.PrivateKey[] | undefined;

async function keys(): Promise<openpgp.PrivateKey[]> {
  privateKeys ??= await openpgp.readPrivateKeys({ armoredKeys: vector('pgp_sops_functional_tests_key.asc') });
  return privateKeys;
}

/** The AES data key of a vector: the first PGP entry the test key opens. */
export async function dataKeyOf(text: string, format: SopsFormat): Promise<Uint8Array> {
  const meta = readMetadata(text, format);
  for (const key of meta.keyGroups.flat()) {
    if (key.kind !== 'pgp') continue;
    try {
      const message = await openpgp.readMessage({ armoredMessage: String(key.entry.enc) });
      const { data } = await openpgp.decrypt({ message, decryptionKeys: await keys(), format: 'binary' });
      return data as Uint8Array;
    } catch {
      // Encrypted to the other test key: try the next entry.
    }
  }
  throw new Error('no PGP entry of the vector opens with the test key');
}
