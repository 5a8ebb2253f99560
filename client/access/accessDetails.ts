/**
 * The Access folder under a key: who can do what, in words, from the key policy and grants (GetKeyPolicy
 * and ListGrants, evaluated here for local and AWS keys alike).
 */
import { GetKeyPolicyCommand, paginateListGrants, type GrantListEntry, type KMSClient } from '@aws-sdk/client-kms';
import { grantFromListing } from '../../src-core/policy/access-grants';
import { explainAccess } from '../../src-core/policy/explain';
import type { GrantRecord } from '../../src-core/kms/state';

export const NOT_SEEN = 'IAM policies, SCPs and permission boundaries are not seen here: this is what the key policy and grants allow.';

export interface AccessDetail {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
}

/** Every grant of a key, page by page. */
export async function listAllGrants(client: KMSClient, keyId: string): Promise<GrantListEntry[]> {
  const listed: GrantListEntry[] = [];
  for await (const page of paginateListGrants({ client, pageSize: 100 }, { KeyId: keyId })) listed.push(...(page.Grants ?? []));
  return listed;
}

/** The key's grants as the engine's records. */
export async function readGrants(client: KMSClient, keyId: string): Promise<GrantRecord[]> {
  return (await listAllGrants(client, keyId)).map((g) => grantFromListing(g));
}

/** The key's policy text and its grants as the engine's records. */
export async function readKeyAccess(client: KMSClient, keyId: string): Promise<{ policy: string; grants: GrantRecord[] }> {
  const { Policy } = await client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
  return { policy: Policy ?? '{}', grants: await readGrants(client, keyId) };
}

const actionsText = (actions: string[]) => (actions.length > 8 ? `${actions.length} actions (${actions.slice(0, 4).join(', ')}, …)` : actions.join(', ') || 'no key-policy actions');

export async function loadAccessDetails(client: KMSClient, keyId: string): Promise<AccessDetail[]> {
  const { policy, grants } = await readKeyAccess(client, keyId);
  const rows: AccessDetail[] = explainAccess(policy, grants).map((e, i) => {
    const source = e.source.kind === 'grant' ? `grant ${e.source.grantId}` : e.source.sid ? `statement "${e.source.sid}"` : `statement ${e.source.index + 1}`;
    const who = `${e.exceptPrincipals ? 'everyone except ' : ''}${e.principals.join(', ')}`;
    return {
      id: `access-${i}`,
      label: `${e.effect === 'Deny' ? 'Denied: ' : ''}${who}`,
      description: `${e.effect === 'Deny' ? 'may not' : 'may'} ${actionsText(e.actions)}${e.conditions.length ? ' · with conditions' : ''}`,
      tooltip: [`${who} ${e.effect === 'Deny' ? 'may not' : 'may'}: ${e.actions.join(', ')}`, ...e.conditions.map((c) => `when ${c}`), `(${source})`].join('\n'),
    };
  });
  return [{ id: 'access-note', label: 'Key policy and grants only', description: 'IAM not seen', tooltip: NOT_SEEN }, ...rows];
}
