/**
 * What the language server is told about the keyring: every key of every connection (ListKeys +
 * ListAliases + DescribeKey through the connection's KMSClient) and the account/Region pairs that were
 * listed completely. A connection that fails to list (expired credentials, no network) contributes no
 * scope, so the server never reports "no such key" where it simply could not look.
 */
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { parseKeyIdentifier } from '../../src-core/ids/identifiers';
import type { KeyState } from '../../src-core/kms/state';
import type { KeyringKey, KnownKeysParams, KeyringScope } from '../../protocol/messages';
import { readsClient, type KmsConnection } from '../connections/connection';
import { KeyList, type KeyEntry } from '../tree/keyList';

/** ListKeys accepts at most 1000 per page. */
const PAGE_SIZE = 1000;

export interface KeyringCollection {
  params: KnownKeysParams;
  /** Connections that could not be listed, with the error, for the log. */
  failures: { connection: KmsConnection; error: unknown }[];
}

export async function collectKeyring(all: readonly KmsConnection[]): Promise<KeyringCollection> {
  const params: KnownKeysParams = { scopes: [], keys: [] };
  const failures: KeyringCollection['failures'] = [];
  const connections = all.filter((c) => c.hasKeys?.() ?? true);
  const listed = await Promise.allSettled(connections.map((c) => listAllKeys(c)));
  listed.forEach((result, i) => {
    const connection = connections[i];
    if (result.status === 'rejected') {
      failures.push({ connection, error: result.reason });
      return;
    }
    const keys = result.value.map((entry) => toKeyringKey(entry, connection)).filter((k): k is KeyringKey => k !== undefined);
    params.keys.push(...keys);
    params.scopes.push(...scopesOf(keys, connection));
  });
  return { params, failures };
}

async function listAllKeys(connection: KmsConnection): Promise<readonly KeyEntry[]> {
  const client = await readsClient(connection);
  const list = new KeyList();
  while (list.hasMore) await list.loadMore(client, PAGE_SIZE, '');
  return list.entries;
}

/**
 * The feed's shape of one key; undefined when DescribeKey left out what every lookup needs. A key that
 * could not be described is still fed (its ID, ARN and aliases are known), so it is never "not found".
 */
export function toKeyringKey(entry: KeyEntry, connection: KmsConnection): KeyringKey | undefined {
  const m: KeyMetadata = entry.metadata;
  if (entry.unreadable) return unreadableKey(entry, connection);
  if (!m.KeyId || !m.Arn || !m.AWSAccountId || !m.KeyState) return undefined;
  const key: KeyringKey = {
    keyId: m.KeyId,
    arn: m.Arn,
    aliases: entry.aliases,
    state: m.KeyState as KeyState,
    spec: m.KeySpec ?? '',
    usage: m.KeyUsage ?? '',
    description: m.Description ?? '',
    accountId: m.AWSAccountId,
    region: regionOfArn(m.Arn) ?? connection.region,
    connection: connection.label,
  };
  if (m.DeletionDate) key.deletionDate = m.DeletionDate.toISOString();
  return key;
}

function unreadableKey(entry: KeyEntry, connection: KmsConnection): KeyringKey | undefined {
  const { KeyId: keyId, Arn: arn } = entry.metadata;
  const parsed = arn ? parseKeyIdentifier(arn) : undefined;
  if (!keyId || !arn || parsed?.kind !== 'keyArn') return undefined;
  return {
    keyId, arn, aliases: entry.aliases, state: 'Unknown', spec: '', usage: '', description: '',
    accountId: parsed.accountId, region: parsed.region, connection: connection.label, unreadable: entry.unreadable,
  };
}

/**
 * ListKeys lists the caller's account in the client's Region, so those are the pairs covered. An empty
 * connection reveals no account ID through KMS alone and so claims no scope.
 */
function scopesOf(keys: readonly KeyringKey[], connection: KmsConnection): KeyringScope[] {
  const accounts = new Set(keys.filter((k) => k.region === connection.region).map((k) => k.accountId));
  return [...accounts].map((accountId) => ({ connection: connection.label, accountId, region: connection.region }));
}

function regionOfArn(arn: string): string | undefined {
  const parsed = parseKeyIdentifier(arn);
  return parsed?.kind === 'keyArn' ? parsed.region : undefined;
}
