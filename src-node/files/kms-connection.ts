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

export async function connectKms(target: KmsTarget): Promise<KmsConnection> {
  if (target.kind === 'local') {
    const local = await openLocalKms({ dataDir: target.dataDir, accountId: target.accountId, region: target.region, env: target.env });
    const client = createLocalKmsClient(local);
    const regions = new Map<string, KMSClient>();
    // The keyring answers each Region as its own caller, as AWS does. A role is not assumed: the
    // local keyring has no STS and its one caller is the account root, which any role would only
    // narrow; the entry keeps its role so the file still works with sops against AWS.
    const forKey = ({ region }: KmsCallTarget) => {
      if (!region || region === local.region) return kmsFromClient(client);
      let other = regions.get(region);
      if (!other) regions.set(region, (other = createLocalKmsClient(local, { caller: { region } })));
      return kmsFromClient(other);
    };
    return {
      kms: { ...kmsFromClient(client), forKey },
      description: `local keyring ${target.dataDir}`,
      close: async () => {
        client.destroy();
        for (const other of regions.values()) other.destroy();
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
  const regions = new Map<string, KMSClient>();
  // sops calls each key in its ARN's Region (kms/keysource.go createKMSConfig), whatever the profile's Region is.
  const forKey = async ({ region, role }: KmsCallTarget) => {
    if (role) throw new KmsError('AccessDeniedException', `assuming role ${role} needs AWS STS AssumeRole, as sops does; kmsw has no STS client (@aws-sdk/client-sts). Use a profile whose credentials are that role's`);
    if (!region || region === (await client.config.region())) return kmsFromClient(client);
    let other = regions.get(region);
    if (!other) regions.set(region, (other = clientIn(region)));
    return kmsFromClient(other);
  };
  const where = [target.endpointUrl, target.profile && `profile ${target.profile}`].filter(Boolean).join(', ');
  return {
    kms: { ...kmsFromClient(client), forKey },
    description: where || 'AWS KMS',
    close: async () => {
      client.destroy();
      for (const other of regions.values()) other.destroy();
    },
  };
}
