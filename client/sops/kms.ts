/**
 * KMS for SOPS files in the extension: the data key is decrypted by the first connection that can
 * (the active one first, then the others), so a file under a local key and one under an AWS key both
 * open; new data keys are encrypted through the active connection.
 */
import { randomBytes } from 'node:crypto';
import type { KmsCrypto } from '../../src-core/formats/key-provider';
import type { SopsEnvironment } from '../../src-core/sops/document';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import type { Ctx } from '../ctx';

function connectionsKms(ctx: Ctx): KmsCrypto {
  const ordered = () => {
    const active = ctx.connections.active();
    return [...(active ? [active] : []), ...ctx.connections.all().filter((c) => c !== active)];
  };
  const activeKms = async () => kmsFromClient(await ctx.connectionFor().client());
  return {
    generateDataKey: async (keyId, context) => (await activeKms()).generateDataKey(keyId, context),
    encrypt: async (keyId, plaintext, context) => (await activeKms()).encrypt(keyId, plaintext, context),
    async decrypt(blob, context, keyId) {
      let last: unknown = new Error('no KMS connection is configured');
      for (const connection of ordered()) {
        try {
          return await kmsFromClient(await connection.client()).decrypt(blob, context, keyId);
        } catch (e) {
          last = e;
        }
      }
      throw last;
    },
  };
}

export function sopsEnvironment(ctx: Ctx): SopsEnvironment {
  return { kms: connectionsKms(ctx), random: { bytes: (n) => new Uint8Array(randomBytes(n)) }, clock: { now: () => Date.now() } };
}
