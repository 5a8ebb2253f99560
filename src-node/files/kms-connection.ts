/**
 * Which KMS the file and text commands talk to: the local keyring in a folder (in-process, no port),
 * or an endpoint (`kmsw serve`, LocalStack) or real AWS through the SDK's usual credential chain.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import type { KmsCallTarget, SopsKms } from '../../src-core/sops/data-key';
import { openLocalKms } from '../host';
import { createLocalKmsClient } from '../local-client';
import { AssumedRoles, type RoleCredentials } from '../sops-roles';
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
   * What an entry's role does. AWS: a client in that Region whose credentials are the role's
   * (sops-roles.ts, STS AssumeRole as sops). The local keyring has no STS and its one caller is the
   * account root, which any role would only narrow, so the role is ignored (the entry keeps it, so the
   * file still works with sops on AWS).
   */
  roles: 'ignore' | ((role: string, region: string) => KMSClient);
}

/**
 * SOPS's KMS through one connection: each entry's calls go to its ARN's Region (kms/keysource.go
 * createKMSConfig), whatever the connection's Region is. Shared by the CLI and the extension.
 */
export function regionalSopsKms(source: RegionalKmsSource): { kms: SopsKms; close(): void } {
  /** Other Regions' clients, and each role's (key `region role`). */
  const clients = new Map<string, KMSClient>();
  const forKey = async ({ region, role }: KmsCallTarget) => {
    const own = await source.region();
    const { roles } = source;
    if (role && roles !== 'ignore') {
      const where = region ?? own;
      let client = clients.get(`${where} ${role}`);
      if (!client) clients.set(`${where} ${role}`, (client = roles(role, where)));
      return kmsFromClient(client);
    }
    if (!region || region === own) return kmsFromClient(source.client);
    let other = clients.get(region);
    if (!other) clients.set(region, (other = source.clientIn(region)));
    return kmsFromClient(other);
  };
  return {
    kms: { ...kmsFromClient(source.client), forKey },
    close: () => {
      for (const other of clients.values()) other.destroy();
      clients.clear();
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
  const profile = target.profile ? { profile: target.profile } : {};
  const clientIn = (region: string | undefined, credentials?: () => Promise<RoleCredentials>) =>
    new KMSClient({ ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}), ...profile, ...(region ? { region } : {}), ...(credentials ? { credentials } : {}) });
  const client = clientIn(target.region);
  // STS at AWS (or AWS_ENDPOINT_URL_STS): --endpoint-url is KMS's endpoint only, as sops's baseEndpoint.
  const assumed = new AssumedRoles((region) => new STSClient({ ...profile, region }));
  const roles = (role: string, region: string) => clientIn(region, () => assumed.credentials(role, region));
  const { kms, close } = regionalSopsKms({ client, region: () => client.config.region(), clientIn, roles });
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
