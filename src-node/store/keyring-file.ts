/**
 * The at-rest format of the keyring: a short plaintext header, then the keyring's JSON encrypted with
 * AES-256-GCM under the root key.
 *
 *   magic "KMSW-KEYRING" (12) | format version (1) | root key check (16) | IV (12) | ciphertext | tag (16)
 *
 * The header is authenticated as GCM additional data. The magic tells a foreign file from ours, the
 * version a newer format from a damaged one, and the key check (an HMAC of a constant under the root
 * key) a wrong root key from a damaged file, so each gets its own message. The IV is random per
 * write, so it also identifies a version of the file: a store compares it to see whether another
 * process wrote since it last loaded.
 *
 * Format 2 is no keyring but the marker left in the file's place once its keyring moved into the
 * database (keyring-store.ts): every earlier reader refuses a version above 1 as "written by a newer
 * KMS Workbench", where a missing file would have made it start an empty keyring.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyringState } from '../../src-core/kms/state';
import { StoreError } from './store-error';

const MAGIC = Buffer.from('KMSW-KEYRING', 'ascii');
const VERSION = 1;
const CHECK_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MOVED_VERSION = 2;
export const HEADER_LENGTH = MAGIC.length + 1 + CHECK_LENGTH + IV_LENGTH;
const IV_OFFSET = HEADER_LENGTH - IV_LENGTH;

export function keyCheck(rootKey: Uint8Array): Buffer {
  return createHmac('sha256', rootKey).update('kms-workbench keyring root key check v1').digest().subarray(0, CHECK_LENGTH);
}

export function encryptKeyring(state: KeyringState, rootKey: Uint8Array): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const header = Buffer.concat([MAGIC, Buffer.of(VERSION), keyCheck(rootKey), iv]);
  const cipher = createCipheriv('aes-256-gcm', rootKey, iv);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

/** The marker that takes the file's place once the keyring is in the database named `into`. */
export function movedMarker(into: string): Buffer {
  return Buffer.concat([MAGIC, Buffer.of(MOVED_VERSION), Buffer.from(`\nThis keyring was moved into ${into} by KMS Workbench. Versions that still read this file refuse it: upgrade them.\n`, 'utf8')]);
}

export function isMovedMarker(file: Uint8Array): boolean {
  return file.length > MAGIC.length && Buffer.from(file.buffer, file.byteOffset, MAGIC.length).equals(MAGIC) && file[MAGIC.length] === MOVED_VERSION;
}

/** The IV of a file's header: a fresh value for every write. */
export function writeIdOf(header: Uint8Array): string {
  return Buffer.from(header.subarray(IV_OFFSET, HEADER_LENGTH)).toString('hex');
}

export function decryptKeyring(file: Uint8Array, rootKey: Uint8Array, path: string): KeyringState {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StoreError('foreign-file', `${path} is not a KMS Workbench keyring. Move it away or choose another data folder (--data DIR or KMSW_DATA_DIR).`);
  }
  if (bytes.length > MAGIC.length && bytes[MAGIC.length] > VERSION) {
    throw new StoreError('newer-format', `${path} was written by a newer KMS Workbench (keyring format ${bytes[MAGIC.length]}; this version reads format ${VERSION}). Upgrade KMS Workbench to open it.`);
  }
  const damaged = (why: string) =>
    new StoreError('damaged-file', `${path} is damaged (${why}); it was left untouched. Restore it from a backup, or move it away to start an empty keyring.`);
  if (bytes[MAGIC.length] !== VERSION) throw damaged(`unknown format version ${bytes[MAGIC.length]}`);
  if (bytes.length < HEADER_LENGTH + TAG_LENGTH) throw damaged('it is truncated');
  const header = bytes.subarray(0, HEADER_LENGTH);
  if (!timingSafeEqual(header.subarray(MAGIC.length + 1, IV_OFFSET), keyCheck(rootKey))) {
    throw new StoreError('wrong-root-key', `${path} was encrypted under a different root key. Use the root key it was created with (KMSW_ROOT_KEY or root.key in the data folder).`);
  }
  const decipher = createDecipheriv('aes-256-gcm', rootKey, header.subarray(IV_OFFSET));
  decipher.setAAD(header);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_LENGTH));
  let json: string;
  try {
    json = Buffer.concat([decipher.update(bytes.subarray(HEADER_LENGTH, bytes.length - TAG_LENGTH)), decipher.final()]).toString('utf8');
  } catch {
    throw damaged('its contents fail authentication');
  }
  const state = JSON.parse(json) as KeyringState;
  if (state?.format !== 'kms-workbench/keyring' || state.version !== 1 || typeof state.regions !== 'object') throw damaged('its contents are not a keyring');
  return state;
}
