/**
 * Streaming writer and reader of the AWS Encryption SDK message format (framed, v2 committing
 * suites on write; v2 and, on request, v1 on read). Pure: works on async iterables of bytes, so the
 * same code serves files (src-node/files), editor selections and tests. Memory is bounded by one
 * input chunk plus one output batch plus one frame, whatever the message size.
 */
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  createSign,
  createVerify,
  ECDH,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
  type Sign,
  type Verify,
} from 'node:crypto';
import { ByteReader } from './byte-reader';
import { EncryptedMessageError, messageError } from './message-error';
import { PUBLIC_KEY_CONTEXT_KEY, validateUserContext } from './encryption-context';
import { CONTENT_FRAMED, readHeader, serializeHeaderV2, type MessageHeader } from './header';
import { KMS_PROVIDER_ID, type EncryptionContext, type KmsCrypto } from './key-provider';
import { DEFAULT_SUITE, IV_LENGTH, TAG_LENGTH, WRITABLE_SUITES, suiteByName, type Suite, type SuiteName } from './suites';
import { isKmsError, type KmsErrorName } from '../kms-error';
import type { Random } from '../ports';

/**
 * 64 KiB frames for files: a new GCM context per frame costs a fixed few microseconds, so 4 KiB
 * frames (the SDK default) spend most of their time in setup, while 64 KiB amortises it 16x with
 * 0.05% size overhead. Every ESDK reader accepts any frame length, and 64 KiB keeps the one frame a
 * reader must hold before releasing it small.
 */
export const DEFAULT_FRAME_LENGTH = 64 * 1024;
/** Readers refuse larger frames unless told otherwise: a reader holds a whole frame in memory. */
export const DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;
/** Guards against messages crafted with thousands of EDKs, each costing a KMS call (GHSA-89v2-g37m-g3ff). */
export const DEFAULT_MAX_ENCRYPTED_DATA_KEYS = 10;
/** Output is coalesced into chunks of about this size so consumers see few, large writes. */
const OUTPUT_BATCH = 1024 * 1024;
/**
 * ...and hold at most this many buffers: with tiny frames (1-byte frames are valid) a 1 MiB batch
 * would be a million buffers, most of the memory and, downstream, most of the work.
 */
const OUTPUT_BATCH_BUFFERS = 1024;
/** Sequence numbers are 4 bytes and the final-frame marker takes the top value of the field. */
const MAX_FRAMES = 0xffffffff;
const FINAL_FRAME_MARKER = 0xffffffff;

export interface EncryptOptions {
  kms: KmsCrypto;
  /** The message ID and the signing key (signed suites) are drawn from it. */
  random: Random;
  keyId: string;
  encryptionContext?: EncryptionContext;
  suite?: SuiteName;
  frameLength?: number;
  /** Called once the header is built, before any byte is produced. */
  onHeader?(info: MessageInfo): void;
}

export interface DecryptOptions {
  kms: KmsCrypto;
  /** Pairs that must be present, with these values, in the message's encryption context. */
  requiredContext?: EncryptionContext;
  /** When set, only EDKs under these key ARNs are tried (strict mode); otherwise any KMS EDK (discovery). */
  keyArns?: string[];
  maxEncryptedDataKeys?: number;
  maxFrameLength?: number;
  /** Accept the legacy non-committing v1 suites (off by default, like the SDK's commitment policy). */
  allowLegacySuites?: boolean;
  /** Refuse signed messages (the SDK's decryptUnsignedMessageStream). */
  rejectSigned?: boolean;
  onHeader?(info: MessageInfo): void;
}

/** What a message says about itself; safe to show and log (no secrets). */
export interface MessageInfo {
  version: 1 | 2;
  suite: SuiteName;
  suiteId: number;
  messageId: string;
  /** The full context, including the reserved verification key of signing suites. */
  encryptionContext: EncryptionContext;
  /** Provider info of the KMS EDKs: key ARNs. */
  keyArns: string[];
  frameLength: number;
  framed: boolean;
}

export function messageInfo(h: MessageHeader): MessageInfo {
  return {
    version: h.version,
    suite: h.suite.name,
    suiteId: h.suite.id,
    messageId: h.messageId.toString('hex'),
    encryptionContext: { ...h.encryptionContext },
    keyArns: h.encryptedDataKeys.filter((e) => e.providerId === KMS_PROVIDER_ID).map((e) => e.providerInfo),
    frameLength: h.frameLength,
    framed: h.contentType === CONTENT_FRAMED,
  };
}

/** Encrypts `source` into one ESDK message, yielded as byte chunks (header first). */
export async function* encryptStream(source: AsyncIterable<Uint8Array>, options: EncryptOptions): AsyncGenerator<Uint8Array, void, undefined> {
  yield* joined(encryptBatches(source, options));
}

/**
 * encryptStream as batches of buffers (about OUTPUT_BATCH bytes each) that are never copied into one:
 * a file writer hands a batch to one vectored write.
 */
export async function* encryptBatches(source: AsyncIterable<Uint8Array>, options: EncryptOptions): AsyncGenerator<Buffer[], void, undefined> {
  const suite = suiteByName(options.suite ?? DEFAULT_SUITE);
  if (!suite || !WRITABLE_SUITES.includes(suite.name)) {
    throw messageError('unsupported', `cannot encrypt with suite ${options.suite}; use one of ${WRITABLE_SUITES.join(', ')}`);
  }
  const frameLength = options.frameLength ?? DEFAULT_FRAME_LENGTH;
  // Capped at what our own reader accepts by default: a frame is held whole in memory on both sides.
  if (!Number.isInteger(frameLength) || frameLength < 1 || frameLength > DEFAULT_MAX_FRAME_LENGTH) {
    throw messageError('unsupported', `frame length must be an integer from 1 to ${DEFAULT_MAX_FRAME_LENGTH}`);
  }
  const userContext = options.encryptionContext ?? {};
  validateUserContext(userContext);
  const encryptionContext: EncryptionContext = { ...userContext };
  let signer: Sign | undefined;
  let signingKey: KeyObject | undefined;
  if (suite.signature) {
    const pair = signingKeyPair(suite.signature, options.random);
    signingKey = pair.privateKey;
    encryptionContext[PUBLIC_KEY_CONTEXT_KEY] = pair.compressedPublicKey.toString('base64');
    signer = createSign(suite.signature.hash);
  }

  // KMS binds the same context the header stores (public key included), as the SDK's KMS keyring does.
  const dataKey = await options.kms.generateDataKey(options.keyId, encryptionContext);
  const messageId = Buffer.from(options.random.bytes(32));
  let keys: DerivedKeys;
  try {
    if (dataKey.plaintextKey.length !== suite.keyLength) throw messageError('key', `KMS returned a ${dataKey.plaintextKey.length}-byte data key; ${suite.keyLength} bytes are needed`);
    keys = deriveKeys(suite, dataKey.plaintextKey, messageId);
  } finally {
    dataKey.plaintextKey.fill(0);
  }
  const header: MessageHeader = {
    version: 2,
    suite,
    messageId,
    encryptionContext,
    encryptedDataKeys: [{ providerId: KMS_PROVIDER_ID, providerInfo: dataKey.keyArn, encryptedKey: dataKey.encryptedKey }],
    contentType: CONTENT_FRAMED,
    frameLength,
    commitKey: keys.commitKey,
  };
  options.onHeader?.(messageInfo(header));
  const body = serializeHeaderV2(header);
  const headerCipher = createCipheriv(suite.cipher, keys.key, Buffer.alloc(IV_LENGTH), { authTagLength: TAG_LENGTH });
  headerCipher.setAAD(body);
  headerCipher.final();
  const headerBytes = Buffer.concat([body, headerCipher.getAuthTag()]);
  signer?.update(headerBytes);
  yield [headerBytes];

  const sealer = new FrameSealer(suite, keys.key, messageId, frameLength);
  // Partial frames are copied into our own buffer, so we never keep a view of a caller's chunk.
  const partial = Buffer.allocUnsafe(frameLength);
  let partialLength = 0;
  for await (const input of source) {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    let at = 0;
    if (partialLength > 0) {
      const n = Math.min(frameLength - partialLength, chunk.length);
      chunk.copy(partial, partialLength, 0, n);
      partialLength += n;
      at = n;
      if (partialLength === frameLength) {
        sealer.seal(partial, false);
        partialLength = 0;
      }
    }
    while (chunk.length - at >= frameLength) {
      sealer.seal(chunk.subarray(at, at + frameLength), false);
      at += frameLength;
      // Checked per frame, not per chunk: a chunk holds a million 1-byte frames. The chunk is not
      // released while this generator is suspended, so the views into it stay valid.
      if (sealer.pendingBytes >= OUTPUT_BATCH || sealer.pendingBuffers >= OUTPUT_BATCH_BUFFERS) {
        const out = sealer.drain();
        if (signer) for (const b of out) signer.update(b);
        yield out;
      }
    }
    if (at < chunk.length) {
      chunk.copy(partial, partialLength, at);
      partialLength += chunk.length - at;
    }
  }
  // The final frame carries the remainder, possibly empty, as the SDK writes it.
  sealer.seal(partial.subarray(0, partialLength), true);
  partial.fill(0);
  const tail = sealer.drain();
  if (signer && signingKey) {
    for (const b of tail) signer.update(b);
    const signature = signer.sign(signingKey);
    const footer = Buffer.allocUnsafe(2 + signature.length);
    footer.writeUInt16BE(signature.length, 0);
    signature.copy(footer, 2);
    tail.push(footer);
  }
  yield tail;
}

/**
 * Decrypts one ESDK message. Regular frames are released once their tag verifies; the final frame is
 * released only after the signature (if any) verifies and the input has ended with no trailing byte.
 * A consumer that must not expose partial output (files) still has to stage it until this completes.
 */
export async function* decryptStream(source: AsyncIterable<Uint8Array>, options: DecryptOptions): AsyncGenerator<Uint8Array, void, undefined> {
  yield* joined(decryptBatches(source, options));
}

/** decryptStream as batches of buffers, never copied into one (see encryptBatches). */
export async function* decryptBatches(source: AsyncIterable<Uint8Array>, options: DecryptOptions): AsyncGenerator<Buffer[], void, undefined> {
  const reader = new ByteReader(source);
  try {
    yield* decryptFrom(reader, options);
  } finally {
    await reader.close();
  }
}

async function* decryptFrom(reader: ByteReader, options: DecryptOptions): AsyncGenerator<Buffer[], void, undefined> {
  const parsed = await readHeader(reader, {
    maxEncryptedDataKeys: options.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS,
    allowLegacy: options.allowLegacySuites ?? false,
  });
  const { header } = parsed;
  const { suite } = header;
  const maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  if (header.frameLength > maxFrameLength) {
    throw messageError('unsupported', `the message's frame length ${header.frameLength} exceeds the limit of ${maxFrameLength} bytes`);
  }
  if (suite.signature && options.rejectSigned) throw messageError('unsupported', `the message is signed (${suite.name}) and signed messages were refused`);
  for (const [k, v] of Object.entries(options.requiredContext ?? {})) {
    if (header.encryptionContext[k] !== v) {
      throw messageError('context-mismatch', `the message's encryption context does not contain the required pair "${k}"`);
    }
  }
  let verifier: Verify | undefined;
  let verificationKey: KeyObject | undefined;
  if (suite.signature) {
    const encoded = header.encryptionContext[PUBLIC_KEY_CONTEXT_KEY];
    if (!encoded) throw messageError('malformed', `the signed message lacks its verification key (${PUBLIC_KEY_CONTEXT_KEY})`);
    verificationKey = decompressPublicKey(Buffer.from(encoded, 'base64'), suite);
    verifier = createVerify(suite.signature.hash);
  }
  options.onHeader?.(messageInfo(header));

  const keys = await decryptDataKey(header, options);
  try {
    const headerAuth = createDecipheriv(suite.cipher, keys.key, parsed.authIv, { authTagLength: TAG_LENGTH });
    headerAuth.setAAD(parsed.body);
    headerAuth.setAuthTag(parsed.authTag);
    headerAuth.final();
  } catch (e) {
    throw messageError('tampered', 'the message header failed authentication: it was altered', e);
  }
  if (verifier) {
    verifier.update(parsed.body);
    if (header.version === 1) verifier.update(parsed.authIv);
    verifier.update(parsed.authTag);
    const v = verifier;
    reader.tap = (bytes) => v.update(bytes);
  }

  let finalPlaintext: Buffer;
  if (header.contentType === CONTENT_FRAMED) {
    const opener = new FrameOpener(suite, keys.key, header.messageId);
    const frameLength = header.frameLength;
    let sequence = 1;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const size = IV_LENGTH + frameLength + TAG_LENGTH;
    // Frames that straddle input chunks are assembled here (each is decrypted before the next read),
    // allocated at the first such frame: a short message with a large frame length needs none.
    let straddling: Buffer | undefined;
    for (;;) {
      const marker = (reader.readBuffered(4) ?? (await reader.read(4, 'frame sequence number'))).readUInt32BE(0);
      if (marker === FINAL_FRAME_MARKER) break;
      if (marker !== sequence) throw messageError('malformed', `frame ${marker} found where frame ${sequence} was expected: frames were reordered, dropped or spliced`);
      const frame = reader.readBuffered(size) ?? (await reader.read(size, `frame ${sequence}`, (straddling ??= Buffer.allocUnsafe(size))));
      const plaintext = opener.open(sequence, false, frame.subarray(0, IV_LENGTH), frame.subarray(IV_LENGTH, IV_LENGTH + frameLength), frame.subarray(IV_LENGTH + frameLength));
      batch.push(plaintext);
      batchBytes += plaintext.length;
      if (batchBytes >= OUTPUT_BATCH || batch.length >= OUTPUT_BATCH_BUFFERS) {
        yield batch;
        batch = [];
        batchBytes = 0;
      }
      if (sequence === MAX_FRAMES) throw messageError('malformed', 'the message has more frames than the format allows');
      sequence++;
    }
    const finalSequence = (await reader.read(4, 'final frame')).readUInt32BE(0);
    if (finalSequence !== sequence) throw messageError('malformed', `the final frame is numbered ${finalSequence} where ${sequence} was expected: frames were dropped or spliced`);
    // Copied: reading a long final frame may pull enough chunks to recycle the buffer under a view.
    const iv = Buffer.from(await reader.read(IV_LENGTH, 'final frame'));
    const contentLength = (await reader.read(4, 'final frame')).readUInt32BE(0);
    if (contentLength > frameLength) throw messageError('malformed', 'the final frame is longer than the frame length');
    const ciphertext = await reader.read(contentLength, 'final frame');
    const tag = await reader.read(TAG_LENGTH, 'final frame');
    finalPlaintext = opener.open(sequence, true, iv, ciphertext, tag);
    if (batchBytes > 0) yield batch;
  } else {
    // Non-framed (legacy): one GCM block over the whole content, so it is held until its tag verifies.
    const iv = Buffer.from(await reader.read(IV_LENGTH, 'body'));
    const length = (await reader.read(8, 'body')).readBigUInt64BE(0);
    if (length > BigInt(maxFrameLength)) throw messageError('unsupported', `the non-framed body of ${length} bytes exceeds the limit of ${maxFrameLength} bytes`);
    const ciphertext = await reader.read(Number(length), 'body');
    const tag = await reader.read(TAG_LENGTH, 'body');
    finalPlaintext = new FrameOpener(suite, keys.key, header.messageId).open(1, 'single', iv, ciphertext, tag);
  }
  reader.tap = undefined;
  if (verifier && verificationKey) {
    const length = (await reader.read(2, 'signature')).readUInt16BE(0);
    const signature = await reader.read(length, 'signature');
    if (!verifier.verify(verificationKey, signature)) {
      throw messageError('tampered', 'the message signature does not verify: the message was altered');
    }
  }
  if (!(await reader.atEnd())) throw messageError('malformed', 'there are bytes after the end of the message');
  if (finalPlaintext.length > 0) yield [finalPlaintext];
}

async function* joined(batches: AsyncIterable<Buffer[]>): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const batch of batches) yield batch.length === 1 ? batch[0] : Buffer.concat(batch);
}

/** Collects a whole stream into one buffer (for small messages such as editor selections). */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  return Buffer.concat(parts);
}

/** An async iterable over one in-memory buffer. */
export async function* fromBytes(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytes;
}

interface DerivedKeys {
  key: KeyObject;
  commitKey?: Buffer;
}

/** HKDF as the suite defines it; the derived bytes go into a KeyObject and the JS copy is zeroed. */
function deriveKeys(suite: Suite, dataKey: Uint8Array, messageId: Buffer): DerivedKeys {
  if (!suite.kdfHash) return { key: secretKey(Buffer.from(dataKey)) };
  const suiteId = Buffer.allocUnsafe(2);
  suiteId.writeUInt16BE(suite.id, 0);
  if (suite.committing) {
    // v2: salt = message ID; info = suite ID ‖ "DERIVEKEY" for the key, "COMMITKEY" alone for the commitment.
    const key = Buffer.from(hkdfSync(suite.kdfHash, dataKey, messageId, Buffer.concat([suiteId, Buffer.from('DERIVEKEY')]), suite.keyLength));
    const commitKey = Buffer.from(hkdfSync(suite.kdfHash, dataKey, messageId, Buffer.from('COMMITKEY'), 32));
    return { key: secretKey(key), commitKey };
  }
  // v1: no salt; info = suite ID ‖ message ID.
  const key = Buffer.from(hkdfSync(suite.kdfHash, dataKey, Buffer.alloc(0), Buffer.concat([suiteId, messageId]), suite.keyLength));
  return { key: secretKey(key) };
}

function secretKey(bytes: Buffer): KeyObject {
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

async function decryptDataKey(header: MessageHeader, options: DecryptOptions): Promise<DerivedKeys> {
  const { suite } = header;
  const allowed = options.keyArns;
  const candidates = header.encryptedDataKeys.filter((e) => e.providerId === KMS_PROVIDER_ID && (!allowed || allowed.includes(e.providerInfo)));
  if (candidates.length === 0) {
    const arns = header.encryptedDataKeys.map((e) => `${e.providerId}:${e.providerInfo}`).join(', ');
    throw messageError('key', allowed
      ? `the message was not encrypted under any of the allowed keys; its data keys are under ${arns}`
      : `the message has no KMS-encrypted data key (it has ${arns})`);
  }
  let lastError: unknown;
  for (const edk of candidates) {
    let plaintextKey: Uint8Array;
    try {
      const result = await options.kms.decrypt(edk.encryptedKey, header.encryptionContext, edk.providerInfo);
      plaintextKey = result.plaintext;
      if (result.keyArn !== edk.providerInfo) {
        // The KMS keyring rule: the key that answered must be the one the EDK names.
        plaintextKey.fill(0);
        throw messageError('key', `KMS decrypted the data key with ${result.keyArn}, not with ${edk.providerInfo} as the message names`);
      }
    } catch (e) {
      lastError = e;
      continue;
    }
    try {
      if (plaintextKey.length !== suite.keyLength) {
        lastError = messageError('key', `KMS returned a ${plaintextKey.length}-byte data key for a ${suite.keyLength}-byte suite`);
        continue;
      }
      const keys = deriveKeys(suite, plaintextKey, header.messageId);
      if (suite.committing && (!header.commitKey || !keys.commitKey || !timingSafeEqual(keys.commitKey, header.commitKey))) {
        // Constant-time compare: the commitment is what makes exactly one data key valid for this message.
        throw messageError('tampered', 'the key commitment does not match: the message was altered or crafted to decrypt differently under different keys');
      }
      return keys;
    } finally {
      plaintextKey.fill(0);
    }
  }
  const arns = candidates.map((e) => e.providerInfo).join(', ');
  const detail = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
  throw new EncryptedMessageError(
    'key',
    `could not decrypt the data key under ${arns}: the key is wrong or unavailable, access is denied, or the encryption context differs (${detail})`,
    { name: isKmsError(lastError) ? (lastError.name as KmsErrorName) : undefined, cause: lastError },
  );
}

const CONTENT_STRINGS = {
  regular: Buffer.from('AWSKMSEncryptionClient Frame'),
  final: Buffer.from('AWSKMSEncryptionClient Final Frame'),
  single: Buffer.from('AWSKMSEncryptionClient Single Block'),
};

/** Builds per-frame AADs in one reused buffer per kind: setAAD copies it synchronously. */
class FrameAad {
  private readonly buffers: Record<'regular' | 'final' | 'single', Buffer>;

  constructor(messageId: Buffer) {
    const make = (s: Buffer) => {
      const b = Buffer.alloc(messageId.length + s.length + 12);
      messageId.copy(b, 0);
      s.copy(b, messageId.length);
      return b;
    };
    this.buffers = { regular: make(CONTENT_STRINGS.regular), final: make(CONTENT_STRINGS.final), single: make(CONTENT_STRINGS.single) };
  }

  get(kind: 'regular' | 'final' | 'single', sequence: number, length: number): Buffer {
    const b = this.buffers[kind];
    const at = b.length - 12;
    b.writeUInt32BE(sequence, at);
    b.writeUInt32BE(Math.floor(length / 0x100000000), at + 4);
    b.writeUInt32BE(length >>> 0, at + 8);
    return b;
  }
}

/** Encrypts frames and queues their bytes; `drain` hands them out as one batch. */
class FrameSealer {
  pendingBytes = 0;
  private pending: Buffer[] = [];
  private sequence = 1;
  private readonly aad: FrameAad;
  private readonly iv = Buffer.alloc(IV_LENGTH);

  constructor(private readonly suite: Suite, private readonly key: KeyObject, messageId: Buffer, private readonly frameLength: number) {
    this.aad = new FrameAad(messageId);
  }

  seal(plaintext: Buffer, final: boolean): void {
    const sequence = this.sequence;
    if (!final && plaintext.length !== this.frameLength) throw new Error('regular frames must be full');
    if (sequence > MAX_FRAMES) throw messageError('unsupported', 'the plaintext needs more frames than the format allows; use a larger frame length');
    // IV = 8 zero bytes ‖ sequence number, as the SDKs write it: unique per frame under a per-message key.
    this.iv.writeUInt32BE(sequence, 8);
    const cipher = createCipheriv(this.suite.cipher, this.key, this.iv, { authTagLength: TAG_LENGTH });
    cipher.setAAD(this.aad.get(final ? 'final' : 'regular', sequence, plaintext.length));
    const head = Buffer.allocUnsafe(final ? 4 + 4 + IV_LENGTH + 4 : 4 + IV_LENGTH);
    let at = 0;
    if (final) at = head.writeUInt32BE(FINAL_FRAME_MARKER, 0);
    at = head.writeUInt32BE(sequence, at);
    at += this.iv.copy(head, at);
    if (final) head.writeUInt32BE(plaintext.length, at);
    const ciphertext = cipher.update(plaintext);
    const rest = cipher.final();
    const tag = cipher.getAuthTag();
    this.pending.push(head, ciphertext);
    if (rest.length) this.pending.push(rest);
    this.pending.push(tag);
    this.pendingBytes += head.length + ciphertext.length + rest.length + tag.length;
    this.sequence++;
  }

  get pendingBuffers(): number {
    return this.pending.length;
  }

  drain(): Buffer[] {
    const out = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }
}

class FrameOpener {
  private readonly aad: FrameAad;

  constructor(private readonly suite: Suite, private readonly key: KeyObject, messageId: Buffer) {
    this.aad = new FrameAad(messageId);
  }

  open(sequence: number, kind: boolean | 'single', iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
    const aadKind = kind === 'single' ? 'single' : kind ? 'final' : 'regular';
    try {
      // authTagLength pins the tag to 16 bytes: without it Node accepts a truncated tag (DEP0182).
      const decipher = createDecipheriv(this.suite.cipher, this.key, iv, { authTagLength: TAG_LENGTH });
      decipher.setAAD(this.aad.get(aadKind, sequence, ciphertext.length));
      decipher.setAuthTag(tag);
      const plaintext = decipher.update(ciphertext);
      const rest = decipher.final();
      return rest.length ? Buffer.concat([plaintext, rest]) : plaintext;
    } catch (e) {
      const which = kind === 'single' ? 'the body' : kind ? 'the final frame' : `frame ${sequence}`;
      throw messageError('tampered', `${which} failed authentication: the message was altered or truncated`, e);
    }
  }
}

const SCALAR_BYTES = { prime256v1: 32, secp384r1: 48 } as const;
/** Draws whose scalar is 0 or not below the group order (odds under 2^-190 on these curves) are drawn again. */
const SIGNING_KEY_DRAWS = 8;

/**
 * The message's one-time signing key, its private scalar drawn from `random`; the public key comes
 * back as the SEC1 compressed point the SDKs store in the encryption context.
 */
function signingKeyPair(sig: NonNullable<Suite['signature']>, random: Random): { privateKey: KeyObject; compressedPublicKey: Buffer } {
  const ecdh = createECDH(sig.curve);
  for (let draw = 0; draw < SIGNING_KEY_DRAWS; draw++) {
    const scalar = Buffer.from(random.bytes(SCALAR_BYTES[sig.curve]));
    try {
      ecdh.setPrivateKey(scalar); // refuses a scalar outside [1, order - 1]
    } catch {
      scalar.fill(0);
      continue;
    }
    const point = ecdh.getPublicKey();
    const size = (point.length - 1) / 2;
    const privateKey = createPrivateKey({
      key: {
        kty: 'EC',
        crv: sig.jwkCurve,
        d: scalar.toString('base64url'),
        x: point.subarray(1, 1 + size).toString('base64url'),
        y: point.subarray(1 + size).toString('base64url'),
      },
      format: 'jwk',
    });
    scalar.fill(0);
    return { privateKey, compressedPublicKey: ecdh.getPublicKey(null, 'compressed') };
  }
  throw new Error(`the random source gave no valid ${sig.curve} scalar in ${SIGNING_KEY_DRAWS} draws`);
}

function decompressPublicKey(compressed: Buffer, suite: Suite): KeyObject {
  const sig = suite.signature;
  if (!sig) throw new Error('suite does not sign');
  try {
    const point = ECDH.convertKey(compressed, sig.curve, undefined, undefined, 'uncompressed') as Buffer;
    const size = (point.length - 1) / 2;
    return createPublicKey({
      key: { kty: 'EC', crv: sig.jwkCurve, x: point.subarray(1, 1 + size).toString('base64url'), y: point.subarray(1 + size).toString('base64url') },
      format: 'jwk',
    });
  } catch (e) {
    throw messageError('malformed', 'the verification key in the encryption context is not a valid curve point', e);
  }
}
