/**
 * Which KMS the file and text commands talk to: the local keyring in a folder (in-process, no port),
 * or an endpoint (`kmsw serve`, LocalStack) or real AWS through the SDK's usual credential chain.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { KmsCrypto } from '../../src-core/formats/key-provider';
import { openLocalKms } from '../host';
import { createLocalKmsClient } from '../local-client';
import { kmsFromClient } from './kms-adapter';

export type KmsTarget =
  | { kind: 'local'; dataDir: string; accountId?: string; region?: string; env?: NodeJS.ProcessEnv }
  | { kind: 'remote'; endpointUrl?: string; profile?: string; region?: string };

export interface KmsConnection {
  kms: KmsCrypto;
  /** Where the calls go, for messages: the keyring folder or the endpoint/profile. */
  description: string;
  close(): Promise<void>;
}

export async function connectKms(target: KmsTarget): Promise<KmsConnection> {
  if (target.kind === 'local') {
    const local = await openLocalKms({ dataDir: target.dataDir, accountId: target.accountId, region: target.region, env: target.env });
    const client = createLocalKmsClient(local);
    return {
      kms: kmsFromClient(client),
      description: `local keyring ${target.dataDir}`,
      close: async () => {
        client.destroy();
        await local.close();
      },
    };
  }
  const client = new KMSClient({
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.region ? { region: target.region } : {}),
  });
  const where = [target.endpointUrl, target.profile && `profile ${target.profile}`].filter(Boolean).join(', ');
  return { kms: kmsFromClient(client), description: where || 'AWS KMS', close: async () => client.destroy() };
}
