/**
 * Which KMS the file and text commands talk to: the local keyring in a folder (in-process, no port),
 * or an endpoint (`kmsw serve`, LocalStack) or real AWS through the SDK's usual credential chain.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { KmsError } from '../../src-core/errors';
import type { KmsCallTarget, SopsKms } from '../../src-core/sops/keys';
import { openLocalKms } from '../host';
import { createLocalKmsClient } from '../local-client';
import { kmsFromClient } from './kms-adapter';

export type KmsTarget =
  | { kind: 'local'; dataDir: string; accountId?: string; region?: string; env?: NodeJS.ProcessEnv }
  | { kind: 'remote'; endpointUrl?: string; profile?: string; region?: string };

export interface KmsConnection {
  /** KMS through this connection; `forKey` makes a SOPS entry's calls in its ARN's Region. */
  kms: SopsKms;
  /** Where the calls go, for messages: the keyring folder or the endpoint/profile. */
  description: string;
  close(): Promise<void>;
}

/** A connection's way to KMS: its own client, and a client of the same connection in another Region. */
export interface RegionalKmsSource {
  client: KMSClient;
  /** The Region the connection's own client calls. */
  region(): Promise<string>;
  /** The same credentials (or the same keyring) in another Region; destroyed by `close`. */
  clientIn(region: string): KMSClient;
  /**
   * What an entry's role does: AWS needs STS AssumeRole, which kmsw does not have, so it is refused;
   * the local keyring has no STS and its one caller is the account root, which any role would only
   * narrow, so it is not assumed (the entry keeps its role, so the file still works with sops on AWS).
   */
  roles: 'refuse' | 'ignore';
}

/**
 * SOPS's KMS through one connection: each entry's calls go to its ARN's Region (kms/keysource.go
 * createKMSConfig), whatever the connection's Region is. Shared by the CLI and the extension.
 */
export function regionalSopsKms(source: RegionalKmsSource): { kms: SopsKms; close(): void } {
  const regions = new Map<string, KMSClient>();
  const forKey = async ({ region, role }: KmsCallTarget) => {
    if (role && source.roles === 'refuse') throw new KmsError('AccessDeniedException', `assuming role ${role} needs AWS STS AssumeRole, as sops does; kmsw has no STS client (@aws-sdk/client-sts). Use a profile whose credentials are that role's`);
    if (!region || region === (await source.region())) return kmsFromClient(source.client);
    let other = regions.get(region);
    if (!other) regions.set(region, (other = source.clientIn(region)));
    return kmsFromClient(other);
  };
  return {
    kms: { ...kmsFromClient(source.client), forKey },
    close: () => {
      for (const other of regions.values()) other.destroy();
      regions.clear();
    },
  };
}

export async function connectKms(target: KmsTarget): Promise<KmsConnection> {
  if (target.kind === 'local') {
    const local = await openLocalKms({ dataDir: target.dataDir, accountId: target.accountId, region: target.region, env: target.env });
    const client = createLocalKmsClient(local);
    // The keyring answers each Region as its own caller, as AWS does.
    const { kms, close } = regionalSopsKms({ client, region: async () => local.region, clientIn: (region) => createLocalKmsClient(local, { caller: { region } }), roles: 'ignore' });
    return {
      kms,
      description: `local keyring ${target.dataDir}`,
      close: async () => {
        close();
        client.destroy();
        await local.close();
      },
    };
  }
  const clientIn = (region: string | undefined) =>
    new KMSClient({
      ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
      ...(target.profile ? { profile: target.profile } : {}),
      ...(region ? { region } : {}),
    });
  const client = clientIn(target.region);
  const { kms, close } = regionalSopsKms({ client, region: () => client.config.region(), clientIn, roles: 'refuse' });
  const where = [target.endpointUrl, target.profile && `profile ${target.profile}`].filter(Boolean).join(', ');
  return {
    kms,
    description: where || 'AWS KMS',
    close: async () => {
      close();
      client.destroy();
    },
  };
}
