/**
 * How keys are grouped and labelled in the tree, and the capability tokens of their contextValue
 * (`kmsKey;enabled;symmetric;customer;`) that package.json menus match with `viewItem =~ /;enabled;/`.
 */
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { KeyEntry } from './keyList';

export type KeyFamily = 'multiRegion' | 'imported' | 'symmetric' | 'rsa' | 'ecc' | 'hmac' | 'other';

export const FAMILY_LABELS: Record<KeyFamily, string> = {
  symmetric: 'Symmetric',
  rsa: 'RSA',
  ecc: 'ECC',
  hmac: 'HMAC',
  multiRegion: 'Multi-Region',
  imported: 'Imported material',
  other: 'Other (ML-DSA, SM2)',
};
export const FAMILY_ORDER: KeyFamily[] = ['symmetric', 'rsa', 'ecc', 'hmac', 'multiRegion', 'imported', 'other'];

/** Each key sits in exactly one group (so `reveal` has one parent): the rarest trait wins. */
export function keyFamily(m: KeyMetadata): KeyFamily {
  if (m.MultiRegion) return 'multiRegion';
  if (m.Origin === 'EXTERNAL') return 'imported';
  return specFamily(m.KeySpec);
}

export function specFamily(spec: string | undefined): Exclude<KeyFamily, 'multiRegion' | 'imported'> {
  if (!spec || spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  if (spec.startsWith('RSA_')) return 'rsa';
  if (spec.startsWith('ECC_')) return 'ecc';
  if (spec.startsWith('HMAC_')) return 'hmac';
  return 'other';
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

export function stateIcon(state: string | undefined): string {
  switch (state) {
    case 'Enabled': return 'key';
    case 'Disabled': return 'circle-slash';
    case 'PendingDeletion': case 'PendingReplicaDeletion': return 'trash';
    case 'PendingImport': return 'cloud-upload';
    default: return 'loading~spin';
  }
}
