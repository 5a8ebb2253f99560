/**
 * Reading and writing whole SOPS files (cmd/sops/common/common.go `DecryptTree`/`EncryptTree`): the
 * data key, every value through the tree walk, and the MAC, encrypted with the data key under
 * `lastmodified` as additional data. Plaintext is the file as `sops decrypt` shows it (no metadata);
 * saving it back keeps the ciphertext of every value whose plaintext did not change.
 */
import type { Clock, Random } from '../ports';
import { ValueCipher } from './cipher';
import { SopsError } from './sops-error';
import { isNewerVersion, protectDataKey, recoverDataKey, sopsTime, type KmsRecipient, type SopsKms } from './data-key';
import { DEFAULT_UNENCRYPTED_SUFFIX, SOPS_FORMAT_VERSION, parseMetadata, rfc3339, serializeMetadata, type SopsMetadata } from './metadata';
import type { SopsFormat, StoreDocument } from './store';
import { decryptTree, encryptTree, type EncryptionRules } from './tree';
import { str } from './values';
import { parseYamlStore } from './yaml-store';
import { parseJsonStore } from './json-store';
import { parseDotenvStore } from './dotenv-store';
import { parseIniStore } from './ini-store';

export interface SopsEnvironment {
  kms: SopsKms;
  random: Random;
  clock: Clock;
}

/** sops's format from the file name (cmd/sops/formats): anything else is binary. */
export function formatForPath(path: string): SopsFormat {
  const name = path.toLowerCase();
  if (/\.ya?ml$/.test(name)) return 'yaml';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.env')) return 'dotenv';
  if (name.endsWith('.ini')) return 'ini';
  return 'binary';
}

function parseStore(text: string, format: SopsFormat): StoreDocument {
  switch (format) {
    case 'yaml':
      return parseYamlStore(text);
    case 'dotenv':
      return parseDotenvStore(text);
    case 'ini':
      return parseIniStore(text);
    default:
      return parseJsonStore(text);
  }
}

/** The store of a plaintext: binary data travels as the one `data` value of a JSON document (stores/json BinaryStore). */
function parsePlain(text: string, format: SopsFormat): StoreDocument {
  const doc = parseStore(format === 'binary' ? `{\n\t"data": ${JSON.stringify(text)}\n}\n` : text, format);
  if (doc.metadata) throw new SopsError('malformed', 'the plaintext already has sops metadata: it is encrypted, or its "sops" key is reserved');
  return doc;
}

function plaintextOf(doc: StoreDocument, format: SopsFormat): string {
  if (format !== 'binary') return doc.toString();
  const data = doc.branches[0].items.find((i) => i.kind === 'entry' && i.key === 'data');
  if (data?.kind !== 'entry' || data.value.kind !== 'scalar' || data.value.value?.type !== 'str') throw new SopsError('malformed', 'a binary SOPS file has no "data" value');
  return data.value.value.text;
}

/** Whether the text is a SOPS file of that format (it parses and has `sops` metadata). */
export function isSopsText(text: string, format: SopsFormat): boolean {
  try {
    const raw = parseStore(text, format).metadata;
    return raw !== undefined && (parseMetadata(raw), true);
  } catch {
    return false;
  }
}

export function readMetadata(text: string, format: SopsFormat): SopsMetadata {
  return openStore(text, format).metadata;
}

export interface DecryptOptions {
  /** Like `sops --ignore-mac`: read a file whose MAC is missing or does not match. */
  ignoreMac?: boolean;
}

export interface DecryptedSops {
  format: SopsFormat;
  metadata: SopsMetadata;
  /** The file as `sops decrypt` prints it. */
  plaintext: string;
  /** The file encrypted again from an edited plaintext: unchanged values keep their ciphertext, an unchanged file its version. */
  encrypt(plaintext: string): string;
  /**
   * An editor's save: the file to write, or undefined when the plaintext is the one last saved (or
   * opened), as `sops edit` says "File has not changed" and writes nothing (cmd/sops/edit.go), so the
   * MAC and lastmodified stay as they are.
   */
  save(plaintext: string): string | undefined;
}

function writeEncrypted(doc: StoreDocument, meta: SopsMetadata, cipher: ValueCipher, clock: Clock): string {
  const mac = encryptTree(doc.branches, meta, cipher);
  const lastModified = sopsTime(clock);
  const encryptedMac = cipher.encrypt(str(mac), lastModified);
  doc.replaceMetadata(serializeMetadata({ ...meta, lastModified, mac: encryptedMac }));
  return doc.toString();
}

function openStore(text: string, format: SopsFormat): { doc: StoreDocument; metadata: SopsMetadata } {
  const doc = parseStore(text, format);
  if (!doc.metadata) throw new SopsError('malformed', 'sops metadata not found: this is not a SOPS file');
  return { doc, metadata: parseMetadata(doc.metadata) };
}

/**
 * The metadata a save writes (cmd/sops/edit.go): the version of this format when the file's is
 * older, and the key groups as the data key's recovery left them. Reading a file changes nothing.
 */
function metadataForSave(metadata: SopsMetadata, keyGroups: SopsMetadata['keyGroups']): SopsMetadata {
  const newer = isNewerVersion(SOPS_FORMAT_VERSION, metadata.version);
  if (newer === undefined) throw new SopsError('malformed', `the file's sops version "${metadata.version}" is not a version, so it cannot be saved (sops refuses it too)`);
  return { ...metadata, keyGroups, version: newer ? SOPS_FORMAT_VERSION : metadata.version };
}

function decryptStore(doc: StoreDocument, metadata: SopsMetadata, format: SopsFormat, dataKey: Uint8Array, env: { random: Random; clock: Clock }, options: DecryptOptions, keyGroups = metadata.keyGroups): DecryptedSops {
  const cipher = new ValueCipher(dataKey, env.random);
  const computed = decryptTree(doc.branches, metadata, cipher);
  if (!options.ignoreMac) {
    if (!metadata.mac) throw new SopsError('tampered', 'the file has no MAC, so its values cannot be trusted (pass --ignore-mac to read it anyway)');
    const stored = cipher.decrypt(metadata.mac, rfc3339(metadata.lastModified), () => 'the MAC');
    if (stored.text !== computed) throw new SopsError('tampered', 'MAC mismatch: the values, their order or lastmodified were changed after the file was written');
  }
  doc.removeMetadata();
  const opened = plaintextOf(doc, format);
  // edit.go writes the current version only when the plaintext changed ("File has not changed" otherwise);
  // common.go RecoverDataKeyFromBuggyKMS also when a pre-3.3.0 KMS entry was repaired.
  const encrypt = (plaintext: string) => writeEncrypted(parsePlain(plaintext, format), plaintext === opened && keyGroups === metadata.keyGroups ? metadata : metadataForSave(metadata, keyGroups), cipher, env.clock);
  let saved = opened;
  return {
    format,
    metadata,
    plaintext: opened,
    encrypt,
    save(plaintext) {
      if (plaintext === saved) return undefined;
      const text = encrypt(plaintext);
      saved = plaintext;
      return text;
    },
  };
}

/** Decrypts with a known data key (the KMS step is `decryptSops`; tests use it with other keys). */
export function decryptWithDataKey(text: string, format: SopsFormat, dataKey: Uint8Array, env: { random: Random; clock: Clock }, options: DecryptOptions = {}): DecryptedSops {
  const { doc, metadata } = openStore(text, format);
  return decryptStore(doc, metadata, format, dataKey, env, options);
}

/** The file is parsed once: its metadata gives the data key, its tree the values. */
export async function decryptSops(text: string, format: SopsFormat, env: SopsEnvironment, options: DecryptOptions = {}): Promise<DecryptedSops> {
  const { doc, metadata } = openStore(text, format);
  const { dataKey, keyGroups } = await recoverDataKey(metadata, env.kms);
  return decryptStore(doc, metadata, format, dataKey, env, options, keyGroups);
}

/** How a new file is encrypted: its KMS key groups and which values stay in the clear. */
export interface EncryptionPlan {
  keyGroups: KmsRecipient[][];
  shamirThreshold?: number;
  rules?: EncryptionRules;
}

/** The encryption rules of existing metadata. */
export function rulesOf(meta: SopsMetadata): EncryptionRules {
  const { unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex, unencryptedCommentRegex, encryptedCommentRegex, macOnlyEncrypted } = meta;
  return Object.fromEntries(Object.entries({ unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex, unencryptedCommentRegex, encryptedCommentRegex, macOnlyEncrypted }).filter(([, v]) => v !== undefined));
}

async function newMetadata(dataKey: Uint8Array, plan: EncryptionPlan, env: SopsEnvironment): Promise<SopsMetadata> {
  const rules: EncryptionRules = { ...plan.rules };
  const ruleCount = [rules.unencryptedSuffix, rules.encryptedSuffix, rules.unencryptedRegex, rules.encryptedRegex, rules.unencryptedCommentRegex, rules.encryptedCommentRegex].filter(Boolean).length;
  if (ruleCount > 1) throw new SopsError('config', 'use only one of unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex, unencrypted_comment_regex, encrypted_comment_regex');
  if (ruleCount === 0) rules.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  const keys = await protectDataKey(dataKey, plan.keyGroups, plan.shamirThreshold, env);
  return { ...rules, ...keys, lastModified: sopsTime(env.clock), mac: '', version: SOPS_FORMAT_VERSION };
}

/** `sops encrypt`: a plaintext file under a new data key. */
export async function encryptSops(plaintext: string, format: SopsFormat, plan: EncryptionPlan, env: SopsEnvironment): Promise<string> {
  const doc = parsePlain(plaintext, format);
  const dataKey = env.random.bytes(32);
  const meta = await newMetadata(dataKey, plan, env);
  return writeEncrypted(doc, meta, new ValueCipher(dataKey, env.random), env.clock);
}

/** `sops rotate`: a new data key for the same KMS keys, every value encrypted again. */
export async function rotateSops(text: string, format: SopsFormat, env: SopsEnvironment, options: DecryptOptions = {}): Promise<string> {
  const opened = await decryptSops(text, format, env, options);
  const others = opened.metadata.keyGroups.flat().filter((k) => k.kind !== 'kms');
  if (others.length) throw new SopsError('unsupported', `the file also has ${others.map((k) => k.kind).join(', ')} keys, which cannot be given a new data key here; rotate it with sops`);
  const keyGroups = opened.metadata.keyGroups.map((g) => g.flatMap((k) => (k.kind === 'kms' ? [{ arn: k.entry.arn, role: k.entry.role, context: k.entry.context, awsProfile: k.entry.aws_profile || undefined }] : [])));
  return encryptSops(opened.plaintext, format, { keyGroups, shamirThreshold: opened.metadata.shamirThreshold, rules: rulesOf(opened.metadata) }, env);
}
