/**
 * Digests of sealed audit-log segments, after CloudTrail's digest files: each names its segment, the
 * range of entries and event times it holds, the SHA-256 of its bytes and the SHA-256 of the digest
 * before it, so the digests form a chain of their own beside the entries' chain. A digest written with
 * the chain key is signed (HMAC-SHA256 over its canonical JSON), so it can stand in for its segment
 * once the segment has been exported and pruned.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, type ChainStart } from './chain';

export interface SegmentDigest {
  digestVersion: '1';
  /** The segment's file name, in the segments folder. */
  logFile: string;
  firstSeq: number;
  lastSeq: number;
  /** The hash of the entry before the first (the genesis hash for the first segment). */
  previousEntryHash: string;
  lastEntryHash: string;
  /** Whether the last entry is keyed (so no unkeyed entry may follow). */
  lastEntryKeyed: boolean;
  /** SHA-256 of the segment file's bytes, hex: `sha256sum` of an exported segment gives the same. */
  hashValue: string;
  hashAlgorithm: 'SHA-256';
  oldestEventTime: string;
  newestEventTime: string;
  /** SHA-256 of the previous digest file's bytes; null for the first segment's digest. */
  previousDigestHashValue: string | null;
  previousDigestHashAlgorithm: 'SHA-256';
  /** HMAC-SHA256 of the digest's other members under the chain key; absent when sealed without it. */
  digestSignature?: string;
  digestSignatureAlgorithm?: 'HMAC-SHA256';
}

export type UnsignedDigest = Omit<SegmentDigest, 'digestSignature' | 'digestSignatureAlgorithm'>;

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function signDigest(digest: UnsignedDigest, key?: Uint8Array): SegmentDigest {
  if (!key) return digest;
  return { ...digest, digestSignatureAlgorithm: 'HMAC-SHA256', digestSignature: signatureOf(digest, key) };
}

function signatureOf(digest: UnsignedDigest, key: Uint8Array): string {
  return createHmac('sha256', key).update(canonicalJson(digest)).digest('hex');
}

/** Where the entries after this digest's segment continue the chain. */
export function chainAfter(digest: SegmentDigest): ChainStart {
  return { seq: digest.lastSeq, hash: digest.lastEntryHash, keyed: digest.lastEntryKeyed };
}

/**
 * Checks one digest against the one before it (undefined for the first) and the bytes of that
 * previous digest file: the entry ranges and hashes must join, and with the chain key a digest of a
 * keyed segment must carry a valid signature. Returns why not, or undefined.
 */
export function digestFault(digest: SegmentDigest, previous: { digest: SegmentDigest; bytes: Uint8Array } | undefined, key?: Uint8Array): string | undefined {
  const name = digest.logFile;
  if (!Number.isInteger(digest.firstSeq) || !Number.isInteger(digest.lastSeq) || digest.lastSeq < digest.firstSeq) return `the digest of ${name} is damaged`;
  const expectedFirst = previous ? previous.digest.lastSeq + 1 : 1;
  if (digest.firstSeq !== expectedFirst) return `the digest of ${name} starts at entry ${digest.firstSeq}, not ${expectedFirst}: a segment's digest was removed, inserted or moved`;
  const expectedPrevious = previous ? previous.digest.lastEntryHash : GENESIS_HASH;
  if (digest.previousEntryHash !== expectedPrevious) return `the digest of ${name} does not follow the segment before it: the chain was rewritten`;
  const expectedDigestHash = previous ? sha256Hex(previous.bytes) : null;
  if (digest.previousDigestHashValue !== expectedDigestHash) return `the digest before ${name}'s was changed after it was written`;
  if (previous?.digest.lastEntryKeyed && !digest.lastEntryKeyed) return `the digest of ${name} is unkeyed after keyed segments: it was rewritten without the root key`;
  if (key && (digest.lastEntryKeyed || digest.digestSignature !== undefined)) {
    const { digestSignature, digestSignatureAlgorithm, ...unsigned } = digest;
    void digestSignatureAlgorithm;
    if (typeof digestSignature !== 'string' || !sameHex(digestSignature, signatureOf(unsigned, key))) return `the digest of ${name} does not carry the root key's signature: it was changed after it was written`;
  }
  return undefined;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
