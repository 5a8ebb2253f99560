/** The children under a key's folders, each read with one KMS list call when the folder opens. */
import {
  ListAliasesCommand, ListKeyRotationsCommand, ListResourceTagsCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import { listAllGrants, loadAccessDetails } from '../access/accessDetails';
import type { KeyFolder } from './nodes';

export interface Detail {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
}

export const FOLDER_LABELS: Record<KeyFolder, string> = {
  aliases: 'Aliases',
  grants: 'Grants',
  rotations: 'Rotation history',
  tags: 'Tags',
  replicas: 'Replicas',
  access: 'Access',
};

export const FOLDER_ICONS: Record<KeyFolder, string> = {
  aliases: 'symbol-reference',
  grants: 'person',
  rotations: 'history',
  tags: 'tag',
  replicas: 'globe',
  access: 'key',
};

const date = (d: Date | undefined) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '');

export async function loadDetails(client: KMSClient, keyId: string, folder: Exclude<KeyFolder, 'replicas'>): Promise<Detail[]> {
  switch (folder) {
    case 'aliases': {
      const out = await client.send(new ListAliasesCommand({ KeyId: keyId, Limit: 100 }));
      return (out.Aliases ?? []).map((a) => ({ id: a.AliasName ?? '', label: a.AliasName ?? '', description: date(a.LastUpdatedDate) }));
    }
    case 'grants': {
      const grants = await listAllGrants(client, keyId);
      return grants.map((g) => ({
        id: g.GrantId ?? '',
        label: g.Name || (g.GrantId ?? '').slice(0, 12),
        description: (g.Operations ?? []).join(', '),
        tooltip: `Grant ${g.GrantId}\nGrantee: ${g.GranteePrincipal ?? '-'}\nRetiring: ${g.RetiringPrincipal ?? '-'}\nCreated: ${date(g.CreationDate)}`,
      }));
    }
    case 'rotations': {
      const out = await client.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 100 }));
      return (out.Rotations ?? []).map((r, i) => ({
        id: r.KeyMaterialId ?? String(i),
        label: date(r.RotationDate),
        description: r.RotationType === 'ON_DEMAND' ? 'on demand' : 'automatic',
        tooltip: r.KeyMaterialId ? `Key material ${r.KeyMaterialId}` : undefined,
      }));
    }
    case 'access': return loadAccessDetails(client, keyId);
    case 'tags': {
      const out = await client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 50 }));
      return (out.Tags ?? []).map((t) => ({ id: t.TagKey ?? '', label: t.TagKey ?? '', description: t.TagValue }));
    }
  }
}
