/**
 * The grammar of KMS identifiers: key IDs, multi-Region key IDs, key ARNs, alias names and alias
 * ARNs. Shared by the engine (resolving `KeyId` parameters), the policy checks and the language
 * server (finding identifiers in any file).
 */

export const KEY_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MRK_ID_PATTERN = /^mrk-[0-9a-f]{32}$/;
/** CreateAlias docs allow alphanumerics, '/', '_' and '-' after the prefix (the model's ':' is for ARNs). */
export const ALIAS_NAME_PATTERN = /^alias\/[a-zA-Z0-9/_-]+$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const REGION_PATTERN = /^([a-z]+-){2,3}\d+$/;
const ARN_PATTERN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]*):(\d{12}):(key|alias)\/(.+)$/;

export type KeyIdentifier =
  | { kind: 'keyId'; keyId: string }
  | { kind: 'keyArn'; keyId: string; partition: string; region: string; accountId: string }
  | { kind: 'aliasName'; aliasName: string }
  | { kind: 'aliasArn'; aliasName: string; partition: string; region: string; accountId: string };

export function isKeyId(text: string): boolean {
  return KEY_ID_PATTERN.test(text) || MRK_ID_PATTERN.test(text);
}

export function isMultiRegionKeyId(text: string): boolean {
  return MRK_ID_PATTERN.test(text);
}

/** Parses any of the four forms a `KeyId` parameter takes; undefined when it is none of them. */
export function parseKeyIdentifier(text: string): KeyIdentifier | undefined {
  if (isKeyId(text)) return { kind: 'keyId', keyId: text };
  if (text.startsWith('alias/')) return ALIAS_NAME_PATTERN.test(text) ? { kind: 'aliasName', aliasName: text } : undefined;
  const m = ARN_PATTERN.exec(text);
  if (!m) return undefined;
  const [, partition, region, accountId, type, rest] = m;
  if (type === 'key') {
    return isKeyId(rest) ? { kind: 'keyArn', keyId: rest, partition, region, accountId } : undefined;
  }
  const aliasName = `alias/${rest}`;
  return ALIAS_NAME_PATTERN.test(aliasName) ? { kind: 'aliasArn', aliasName, partition, region, accountId } : undefined;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:key/${keyId}`;
}

export function aliasArn(region: string, accountId: string, aliasName: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:${aliasName}`;
}

export function accountRootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}
