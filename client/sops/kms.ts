/**
 * KMS for SOPS files in the extension: the data key is decrypted by the first connection that can
 * (the active one first, then the others), so a file under a local key and one under an AWS key both
 * open; new data keys are encrypted through the active connection. Each entry is called in its ARN's
 * Region through the connection's own credentials (or keyring), or through the entry's role (STS
 * AssumeRole on an AWS connection; ignored by the local keyring), as the CLI does (regionalSopsKms).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import type { KmsCrypto } from '../../src-core/encryption-sdk/key-provider';
import type { SopsEnvironment } from '../../src-core/sops/document';
import type { KmsCallTarget, SopsKms } from '../../src-core/sops/data-key';
import { nodeRandom } from '../../src-node/host';
import { regionalSopsKms, type RegionalKmsSource } from '../../src-node/files/kms-connection';
import { createLocalKmsClient } from '../../src-node/local-client';
import { AssumedRoles, type RoleCredentials } from '../../src-node/sops-roles';
import type { AwsConnection, KmsConnection } from '../connections/connection';
import type { LocalConnection } from '../connections/local';
import type { Ctx } from '../ctx';

/** Each AWS connection's assumed roles, kept while the connection lives (a file's open and save assume once). */
const assumedRoles = new WeakMap<AwsConnection, AssumedRoles>();

async function sourceOf(connection: KmsConnection): Promise<RegionalKmsSource> {
  const client = await connection.client();
  const region = async () => connection.region;
  // By kind, not class: the local connection's module needs VS Code, and this one is tested without it.
  if (connection.kind === 'local') {
    const { kms } = await (connection as LocalConnection).handle();
    return { client, region, clientIn: (other) => createLocalKmsClient(kms, { caller: { region: other } }), roles: 'ignore' };
  }
  const aws = connection as AwsConnection;
  const clientIn = (other: string, credentials?: () => Promise<RoleCredentials>) => new KMSClient({ ...aws.sdkConfig(), region: other, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}), ...(credentials ? { credentials } : {}) });
  let assumed = assumedRoles.get(aws);
  // STS with the connection's region, profile and credentials; its endpoint is AWS's (the connection's endpoint serves KMS only).
  if (!assumed) assumedRoles.set(aws, (assumed = new AssumedRoles((other) => new STSClient({ ...aws.sdkConfig(), region: other }))));
  const roles = assumed;
  return { client, region, clientIn, roles: (role, other) => clientIn(other, () => roles.credentials(role, other)) };
}

/** The KMS of every connection, each opened once per use and its other-Region clients closed after. */
function connectionsKms(ctx: Ctx): { kms: SopsKms; close(): void } {
  const opened = new Map<KmsConnection, Promise<ReturnType<typeof regionalSopsKms>>>();
  const kmsOf = (connection: KmsConnection) => {
    let kms = opened.get(connection);
    if (!kms) opened.set(connection, (kms = sourceOf(connection).then(regionalSopsKms)));
    return kms;
  };
  const ordered = () => {
    const active = ctx.connections.active();
    return [...(active ? [active] : []), ...ctx.connections.all().filter((c) => c !== active)];
  };
  const activeFor = async (target: KmsCallTarget) => (await kmsOf(ctx.connectionFor())).kms.forKey!(target);
  const forKey = (target: KmsCallTarget): KmsCrypto => ({
    generateDataKey: async (keyId, context) => (await activeFor(target)).generateDataKey(keyId, context),
    encrypt: async (keyId, plaintext, context) => (await activeFor(target)).encrypt(keyId, plaintext, context),
    async decrypt(blob, context, keyId) {
      let last: unknown = new Error('no KMS connection is configured');
      for (const connection of ordered()) {
        try {
          return await (await (await kmsOf(connection)).kms.forKey!(target)).decrypt(blob, context, keyId);
        } catch (e) {
          last = e;
        }
      }
      throw last;
    },
  });
  return {
    kms: { ...forKey({}), forKey },
    close: () => {
      for (const kms of opened.values()) void kms.then((k) => k.close(), () => undefined);
    },
  };
}

/** Runs one SOPS operation with the connections' KMS, the host's randomness and clock. */
export async function withSopsEnvironment<T>(ctx: Ctx, run: (env: SopsEnvironment) => Promise<T>): Promise<T> {
  const { kms, close } = connectionsKms(ctx);
  try {
    return await run({ kms, random: nodeRandom, clock: { now: () => Date.now() } });
  } finally {
    close();
  }
}
