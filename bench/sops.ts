/**
 * A SOPS YAML file of 5,000 values: decrypt (with the MAC check) and encrypt again, against the same
 * cryptographic work done by a plain AES-256-GCM loop over the values (32-byte IVs, the path as
 * additional data, one SHA-512 over the plaintexts), in one run. The ratio is reference time / our
 * time: 1.0 would mean the format (YAML syntax tree, walk, ENC parsing and writing) costs nothing.
 * The save writes every unchanged value's ENC text as read (AES-GCM with the same key, IV and
 * additional data gives the same bytes), so only the changed value is encrypted again; the reference
 * still encrypts all 5,000.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decryptWithDataKey, encryptSops } from '../src-core/sops/document';
import type { KmsCrypto } from '../src-core/encryption-sdk/key-provider';

const VALUES = 5000;
const RUNS = 7;

function plainYaml(): string {
  const lines: string[] = [];
  for (let s = 0; s < VALUES / 10; s++) {
    lines.push(`service_${s}:`);
    for (let k = 0; k < 10; k++) lines.push(`    key_${k}: ${randomBytes(12).toString('base64')}`);
  }
  return `${lines.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const dataKey = randomBytes(32);
  // A KMS that hands back the data key we chose, so only the file work is timed.
  const kms: KmsCrypto = {
    encrypt: async (keyArn) => ({ ciphertextBlob: new Uint8Array(dataKey), keyArn }),
    decrypt: async () => ({ plaintext: dataKey, keyArn: 'k' }),
    generateDataKey: async () => {
      throw new Error('unused');
    },
  };
  const random = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };
  const env = { kms, random: { bytes: (n: number) => (n === 32 ? new Uint8Array(dataKey) : random.bytes(n)) }, clock: { now: () => Date.now() } };
  const encrypted = await encryptSops(plainYaml(), 'yaml', { keyGroups: [[{ arn: 'arn:aws:kms:us-east-1:111122223333:key/bench' }]] }, { ...env });
  const ours = (): void => {
    const opened = decryptWithDataKey(encrypted, 'yaml', dataKey, { random, clock: env.clock });
    opened.encrypt(opened.plaintext.replace('key_0: ', 'key_0: x'));
  };

  // The reference: the same values, IVs, additional data and MAC, straight through node:crypto.
  const items = [...encrypted.matchAll(/^ {4}(key_\d+): ENC\[AES256_GCM,data:([^,]+),iv:([^,]+),tag:([^,]+),type:str\]$/gm)].map((m, i) => ({
    ad: `service_${Math.floor(i / 10)}:${m[1]}:`,
    data: Buffer.from(m[2], 'base64'),
    iv: Buffer.from(m[3], 'base64'),
    tag: Buffer.from(m[4], 'base64'),
  }));
  if (items.length !== VALUES) throw new Error(`expected ${VALUES} values, found ${items.length}`);
  const reference = (): void => {
    const hash = createHash('sha512');
    const plain = items.map((it) => {
      const d = createDecipheriv('aes-256-gcm', dataKey, it.iv, { authTagLength: 16 });
      d.setAAD(Buffer.from(it.ad));
      d.setAuthTag(it.tag);
      const p = Buffer.concat([d.update(it.data), d.final()]);
      hash.update(p);
      return p;
    });
    hash.digest();
    const again = createHash('sha512');
    items.forEach((it, i) => {
      again.update(plain[i]);
      const c = createCipheriv('aes-256-gcm', dataKey, it.iv, { authTagLength: 16 });
      c.setAAD(Buffer.from(it.ad));
      Buffer.concat([c.update(plain[i]), c.final(), c.getAuthTag()]).toString('base64');
    });
    again.digest();
  };

  ours();
  reference();
  const oursTimes: number[] = [];
  const refTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    reference();
    refTimes.push(performance.now() - t);
    t = performance.now();
    ours();
    oursTimes.push(performance.now() - t);
  }
  const o = median(oursTimes);
  const ref = median(refTimes);
  console.log(`SOPS YAML, ${VALUES} values, decrypt + MAC check + re-encrypt (median of ${RUNS}; ${(encrypted.length / 1e6).toFixed(2)} MB file)`);
  console.log(`  kmsw sops format      ${o.toFixed(1)} ms`);
  console.log(`  plain AES-GCM loop    ${ref.toFixed(1)} ms`);
  console.log(`  ratio (reference / ours) ${(ref / o).toFixed(2)}x   goal >= 0.5x`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
