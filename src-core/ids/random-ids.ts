/** Identifiers drawn from the injected randomness, in the formats AWS uses. */
import type { Random } from '../ports';

export function hex(random: Random, bytes: number): string {
  return Buffer.from(random.bytes(bytes)).toString('hex');
}

/** RFC 4122 version 4 UUID, lowercase, as KMS key IDs, request IDs and event IDs are. */
export function uuid(random: Random): string {
  const b = random.bytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Multi-Region key ID: `mrk-` and 32 lowercase hex characters. */
export function mrkId(random: Random): string {
  return `mrk-${hex(random, 16)}`;
}
