/**
 * How keys are grouped and labelled in the tree, and the capability tokens of their contextValue
 * (`kmsKey;enabled;symmetric;customer;`) that package.json menus match with `viewItem =~ /;enabled;/`.
 */
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { KeyEntry } from './keyList';

export type KeyFamily = 'symmetric' | 'rsa' | 'ecc' | 'hmac' | 'other' | 'unreadable';

export const FAMILY_LABELS: Record<KeyFamily, string> = {
  symmetric: 'Symmetric',
  rsa: 'RSA',
  ecc: 'ECC',
  hmac: 'HMAC',
  other: 'Other (ML-DSA, SM2)',
  unreadable: 'Not readable',
};
export const FAMILY_ORDER: KeyFamily[] = ['symmetric', 'rsa', 'ecc', 'hmac', 'other', 'unreadable'];

/**
 * One grouping axis, the key spec, so each key has one parent (for `reveal`) and sits where a user looks
 * for it; multi-Region and imported material are badges in its description, not groups of their own.
 */
export function keyFamily(entry: KeyEntry): KeyFamily {
  return entry.unreadable ? 'unreadable' : specFamily(entry.metadata.KeySpec);
}

export function specFamily(spec: string | undefined): Exclude<KeyFamily, 'unreadable'> {
  if (!spec || spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  if (spec.startsWith('RSA_')) return 'rsa';
  if (spec.startsWith('ECC_')) return 'ecc';
  if (spec.startsWith('HMAC_')) return 'hmac';
  return 'other';
}

const USAGE_LABELS: Record<string, string> = {
  ENCRYPT_DECRYPT: 'encrypt/decrypt',
  SIGN_VERIFY: 'sign/verify',
  GENERATE_VERIFY_MAC: 'MAC',
  KEY_AGREEMENT: 'key agreement',
};

const STATE_LABELS: Record<string, string> = {
  Disabled: 'disabled',
  PendingDeletion: 'pending deletion',
  PendingReplicaDeletion: 'pending replica deletion',
  PendingImport: 'awaiting key material',
  Creating: 'creating',
  Updating: 'updating',
  Unavailable: 'unavailable',
};

/**
 * What decides a choice, after the label: the usage (what the key can do), its spec where the group does not
 * say it all, its state only when not Enabled, and badges for multi-Region and imported material.
 */
export function keyDescription(entry: KeyEntry): string {
  if (entry.unreadable) return entry.unreadable;
  const m = entry.metadata;
  // A key known by its ID (no alias) shows its description first, where a user looks for what it is for.
  const parts: string[] = entry.aliases.length ? [] : [m.Description ?? ''];
  if (m.KeyState && m.KeyState !== 'Enabled') {
    const deletes = m.KeyState === 'PendingDeletion' && m.DeletionDate ? ` ${m.DeletionDate.toISOString().slice(0, 10)}` : '';
    parts.push(`${STATE_LABELS[m.KeyState] ?? m.KeyState}${deletes}`);
  }
  parts.push(USAGE_LABELS[m.KeyUsage ?? ''] ?? m.KeyUsage ?? '');
  if (m.KeySpec && m.KeySpec !== 'SYMMETRIC_DEFAULT') parts.push(m.KeySpec);
  if (m.MultiRegion) parts.push(m.MultiRegionConfiguration?.MultiRegionKeyType === 'REPLICA' ? 'multi-Region replica' : 'multi-Region');
  if (m.Origin === 'EXTERNAL') parts.push('imported');
  return parts.filter(Boolean).join(' · ');
}

export function isAwsManaged(m: KeyMetadata): boolean {
  return m.KeyManager === 'AWS';
}

export function keyLabel(entry: KeyEntry): string {
  return entry.aliases[0] ?? entry.metadata.KeyId ?? '?';
}

export function keyContextValue(m: KeyMetadata): string {
  const tokens = ['kmsKey', (m.KeyState ?? 'unknown').toLowerCase(), specFamily(m.KeySpec), isAwsManaged(m) ? 'awsManaged' : 'customer'];
  if (m.KeyUsage === 'ENCRYPT_DECRYPT') tokens.push('encrypt');
  if (m.KeyUsage === 'SIGN_VERIFY') tokens.push('sign');
  if (m.KeyUsage === 'GENERATE_VERIFY_MAC') tokens.push('mac');
  if (m.KeySpec && m.KeySpec !== 'SYMMETRIC_DEFAULT' && !m.KeySpec.startsWith('HMAC_')) tokens.push('asymmetric');
  // KMS rotates only symmetric keys with KMS-generated material (and imported ones on demand).
  if (m.KeySpec === 'SYMMETRIC_DEFAULT' && !isAwsManaged(m)) tokens.push('rotatable');
  if (m.MultiRegion) tokens.push(m.MultiRegionConfiguration?.MultiRegionKeyType === 'PRIMARY' ? 'mrkPrimary' : 'mrkReplica');
  if (m.Origin === 'EXTERNAL') tokens.push('imported');
  return `${tokens.join(';')};`;
}

/** The icon of a key's row and its theme colour (none for Enabled: the usual case stays quiet). */
export function stateIcon(entry: KeyEntry): { id: string; color?: string } {
  if (entry.unreadable) return { id: 'warning', color: 'list.warningForeground' };
  switch (entry.metadata.KeyState) {
    case 'Enabled': return { id: 'key' };
    case 'Disabled': return { id: 'circle-slash', color: 'disabledForeground' };
    case 'PendingDeletion': case 'PendingReplicaDeletion': return { id: 'trash', color: 'list.errorForeground' };
    case 'PendingImport': return { id: 'cloud-upload', color: 'list.warningForeground' };
    default: return { id: 'loading~spin' };
  }
}
