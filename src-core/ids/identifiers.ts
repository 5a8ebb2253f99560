/**
 * The grammar of KMS identifiers: key IDs, multi-Region key IDs, key ARNs, alias names and alias
 * ARNs. Shared by the engine (resolving `KeyId` parameters), the policy checks and the language
 * server (finding identifiers in any file).
 */

export const KEY_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MRK_ID_PATTERN = /^mrk-[0-9a-f]{32}$/;
/** CreateAlias docs allow alphanumerics, '/', '_' and '-' after the prefix (the model's ':' is for ARNs). */
export const ALIAS_NAME_PATTERN = /^alias\/[a-zA-Z0-9/_-]+$/;
/** Regular-expression source matching an AWS account ID, for the patterns built on it. */
export const ACCOUNT_ID_SOURCE = '\\d{12}';
export const ACCOUNT_ID_PATTERN = new RegExp(`^${ACCOUNT_ID_SOURCE}$`);
/** The model's RegionType pattern: every Region name (us-east-1, us-gov-west-1, eusc-de-east-1, …). */
export const REGION_PATTERN = /^([a-z]+-){2,3}\d+$/;
/** The eight partitions of the SDK's partitions data; an ARN in any other is not an AWS ARN. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
/** Regular-expression source matching one partition name, for ARN patterns built on it. */
export const PARTITION_SOURCE = `(?:${PARTITIONS.join('|')})`;
const ARN_PATTERN = new RegExp(`^arn:(${PARTITION_SOURCE}):kms:([a-z0-9-]*):(${ACCOUNT_ID_SOURCE}):(key|alias)\\/(.+)$`);

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

/** The parts of any ARN in an AWS partition whose account, if present, is 12 digits; the resource is not checked. */
export interface ArnParts { partition: string; service: string; region: string; accountId: string; resource: string }

const ANY_ARN = new RegExp(`^arn:(${PARTITION_SOURCE}):([a-z0-9-]+):([a-z0-9-]*):(${ACCOUNT_ID_SOURCE}|):(.+)$`);

export function parseArn(text: string): ArnParts | undefined {
  const m = ANY_ARN.exec(text);
  return m ? { partition: m[1], service: m[2], region: m[3], accountId: m[4], resource: m[5] } : undefined;
}

/** The account of a KMS key ARN, its key ID unchecked: tools take the ARN of a key that need not exist. */
export function accountOfKeyArn(text: string): string | undefined {
  const arn = parseArn(text);
  return arn?.service === 'kms' && arn.region && arn.accountId && /^key\/\S+$/.test(arn.resource) ? arn.accountId : undefined;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eusc-')) return 'aws-eusc';
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
