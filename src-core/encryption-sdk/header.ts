import { ByteReader } from './byte-reader';
import { messageError } from './message-error';
import { parseEncryptionContext, serializeEncryptionContext } from './encryption-context';
import type { EncryptionContext } from './key-provider';
import { IV_LENGTH, TAG_LENGTH, suiteById, type Suite } from './suites';

export interface EncryptedDataKey {
  providerId: string;
  /** For KMS EDKs: the ARN of the KMS key. */
  providerInfo: string;
  encryptedKey: Uint8Array;
}

export const CONTENT_NON_FRAMED = 1;
export const CONTENT_FRAMED = 2;

export interface MessageHeader {
  version: 1 | 2;
  suite: Suite;
  /** 16 bytes (v1) or 32 bytes (v2, also the HKDF salt). */
  messageId: Buffer;
  encryptionContext: EncryptionContext;
  encryptedDataKeys: EncryptedDataKey[];
  contentType: typeof CONTENT_NON_FRAMED | typeof CONTENT_FRAMED;
  /** Plaintext bytes per regular frame; 0 when non-framed. */
  frameLength: number;
  /** v2 committing suites: the 32-byte commit key. */
  commitKey?: Buffer;
}

export interface ParsedHeader {
  header: MessageHeader;
  /** The exact header body bytes: the AAD of the header authentication tag. */
  body: Buffer;
  /** v1 only: the IV of the header authentication. */
  authIv: Buffer;
  authTag: Buffer;
}

export interface HeaderLimits {
  maxEncryptedDataKeys: number;
  allowLegacy: boolean;
}

/** Serialises a v2 header body (everything the header auth tag covers). We only ever write v2. */
export function serializeHeaderV2(h: MessageHeader): Buffer {
  if (h.version !== 2 || !h.commitKey || h.messageId.length !== 32) throw new Error('only v2 committing headers are written');
  const ec = serializeEncryptionContext(h.encryptionContext);
  const parts: Buffer[] = [Buffer.from([2]), u16(h.suite.id), h.messageId, u16(ec.length), ec, u16(h.encryptedDataKeys.length)];
  for (const edk of h.encryptedDataKeys) {
    const id = Buffer.from(edk.providerId, 'utf8');
    const info = Buffer.from(edk.providerInfo, 'utf8');
    if (id.length > 0xffff || info.length > 0xffff || edk.encryptedKey.length > 0xffff) throw messageError('unsupported', 'an encrypted data key field exceeds 65535 bytes');
    parts.push(u16(id.length), id, u16(info.length), info, u16(edk.encryptedKey.length), Buffer.from(edk.encryptedKey));
  }
  parts.push(Buffer.from([h.contentType]), u32(h.frameLength), h.commitKey);
  return Buffer.concat(parts);
}

/**
 * Reads and structurally validates a header (v1 or v2) plus its authentication field. Nothing here is
 * authenticated yet: the caller verifies the tag once it has the data key.
 */
export async function readHeader(reader: ByteReader, limits: HeaderLimits): Promise<ParsedHeader> {
  const pieces: Buffer[] = [];
  const read = async (n: number, what: string) => {
    const b = await reader.read(n, `header (${what})`);
    // A copy: the header can span more source chunks than a reader's views are guaranteed to outlive.
    pieces.push(Buffer.from(b));
    return b;
  };
  const version = (await read(1, 'version'))[0];
  if (version !== 1 && version !== 2) throw messageError('malformed', `not an AWS Encryption SDK message: unknown version byte 0x${hex2(version)}`);
  if (version === 1) {
    const type = (await read(1, 'type'))[0];
    if (type !== 0x80) throw messageError('malformed', `not an AWS Encryption SDK message: unknown v1 message type 0x${hex2(type)}`);
  }
  const suiteId = (await read(2, 'algorithm suite')).readUInt16BE(0);
  const suite = suiteById(suiteId);
  if (!suite) throw messageError('malformed', `unknown algorithm suite 0x${suiteId.toString(16).padStart(4, '0')}`);
  if (suite.messageVersion !== version) throw messageError('malformed', `algorithm suite ${suite.name} cannot appear in a version ${version} message`);
  if (!suite.committing && !limits.allowLegacy) {
    throw messageError('unsupported', `the message uses the legacy non-committing suite ${suite.name}; decrypting it must be allowed explicitly`);
  }
  const messageId = Buffer.from(await read(version === 2 ? 32 : 16, 'message ID'));
  const ecLength = (await read(2, 'encryption context length')).readUInt16BE(0);
  const encryptionContext = parseEncryptionContext(await read(ecLength, 'encryption context'));
  const edkCount = (await read(2, 'encrypted data key count')).readUInt16BE(0);
  if (edkCount === 0) throw messageError('malformed', 'the header has no encrypted data key');
  if (edkCount > limits.maxEncryptedDataKeys) {
    throw messageError('unsupported', `the message has ${edkCount} encrypted data keys, more than the limit of ${limits.maxEncryptedDataKeys}`);
  }
  const field = async (what: string) => read((await read(2, what)).readUInt16BE(0), what);
  const encryptedDataKeys: EncryptedDataKey[] = [];
  for (let i = 0; i < edkCount; i++) {
    const providerId = (await field('key provider ID')).toString('utf8');
    const providerInfo = (await field('key provider info')).toString('utf8');
    const encryptedKey = Buffer.from(await field('encrypted data key'));
    encryptedDataKeys.push({ providerId, providerInfo, encryptedKey });
  }
  const contentType = (await read(1, 'content type'))[0];
  if (contentType !== CONTENT_NON_FRAMED && contentType !== CONTENT_FRAMED) throw messageError('malformed', `unknown content type ${contentType}`);
  if (version === 1) {
    if ((await read(4, 'reserved field')).readUInt32BE(0) !== 0) throw messageError('malformed', 'the v1 reserved header field is not zero');
    if ((await read(1, 'IV length'))[0] !== IV_LENGTH) throw messageError('malformed', 'the header IV length is not 12');
  }
  const frameLength = (await read(4, 'frame length')).readUInt32BE(0);
  if (contentType === CONTENT_FRAMED && frameLength === 0) throw messageError('malformed', 'a framed message with frame length 0');
  if (contentType === CONTENT_NON_FRAMED && frameLength !== 0) throw messageError('malformed', 'a non-framed message with a frame length');
  const commitKey = version === 2 ? Buffer.from(await read(32, 'commit key')) : undefined;
  const body = Buffer.concat(pieces);
  const authIv = version === 1 ? Buffer.from(await reader.read(IV_LENGTH, 'header authentication')) : Buffer.alloc(IV_LENGTH);
  const authTag = Buffer.from(await reader.read(TAG_LENGTH, 'header authentication'));
  return {
    header: { version, suite, messageId, encryptionContext, encryptedDataKeys, contentType, frameLength, commitKey },
    body,
    authIv,
    authTag,
  };
}

function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n, 0);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
