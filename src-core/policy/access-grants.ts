/**
 * Grants as ListGrants answers them (the SDK's `GrantListEntry`, or the JSON `aws kms list-grants`
 * prints) turned into the engine's GrantRecord, so a key read from AWS is evaluated like a local one.
 */
import type { GrantRecord } from '../kms/state';
import { isServicePrincipal } from './principals';

export interface ListedGrant {
  GrantId?: string;
  Name?: string;
  CreationDate?: Date | number | string;
  GranteePrincipal?: string;
  RetiringPrincipal?: string;
  IssuingAccount?: string;
  Operations?: string[];
  Constraints?: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> };
}

/** The engine's record of a listed grant (grant tokens are not listed; they add nothing to evaluation). */
export function grantFromListing(g: ListedGrant): GrantRecord {
  const created = g.CreationDate instanceof Date ? g.CreationDate.getTime() : typeof g.CreationDate === 'number' ? g.CreationDate * 1000 : Date.parse(g.CreationDate ?? '') || 0;
  const grantee = g.GranteePrincipal ?? '';
  const constraints = g.Constraints && (g.Constraints.EncryptionContextSubset || g.Constraints.EncryptionContextEquals) ? {
    ...(g.Constraints.EncryptionContextSubset ? { EncryptionContextSubset: g.Constraints.EncryptionContextSubset } : {}),
    ...(g.Constraints.EncryptionContextEquals ? { EncryptionContextEquals: g.Constraints.EncryptionContextEquals } : {}),
  } : undefined;
  return {
    grantId: g.GrantId ?? '',
    ...(g.Name ? { name: g.Name } : {}),
    createdAt: created,
    ...(isServicePrincipal(grantee) ? { granteeServicePrincipal: grantee } : { granteePrincipal: grantee }),
    ...(g.RetiringPrincipal ? { retiringPrincipal: g.RetiringPrincipal } : {}),
    issuingAccount: g.IssuingAccount ?? '',
    operations: [...(g.Operations ?? [])],
    ...(constraints ? { constraints } : {}),
    tokens: [],
  };
}

/** The grants of `aws kms list-grants` output (`{"Grants": [...]}`); throws a TypeError naming what is wrong. */
export function grantsFromListGrantsJson(text: string): GrantRecord[] {
  const parsed: unknown = JSON.parse(text);
  const list = (parsed as { Grants?: unknown })?.Grants;
  if (!Array.isArray(list)) throw new TypeError('expected the output of aws kms list-grants: {"Grants": [...]}');
  return list.map((g: unknown, i) => {
    if (!g || typeof g !== 'object' || !Array.isArray((g as ListedGrant).Operations)) throw new TypeError(`Grants[${i}] has no Operations list`);
    return grantFromListing(g as ListedGrant);
  });
}
