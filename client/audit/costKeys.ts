/**
 * The keys a cost estimate needs, learned through the SDK like everything else the extension knows:
 * DescribeKey for creation, state and deletion date, ListKeyRotations for the dates new material
 * started to be billed. Also the alias each key is best known by, for the cost table's labels.
 */
import { DELETION_WINDOW_DAYS } from '../../src-core/kms/limits';
import { paginateListKeyRotations, type KMSClient, type KeyMetadata } from '@aws-sdk/client-kms';
import type { CostKey } from '../../src-core/audit/cost';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import type { KeySpec } from '../../src-core/kms/state';
import { KeyList } from '../tree/keyList';

export type { CostKey };

export interface CostKeys {
  keys: CostKey[];
  /** Key ARN → its first alias, for keys that have one. */
  labels: Map<string, string>;
}

/** ListKeys accepts at most 1000 per page. */
const PAGE_SIZE = 1000;

export async function listCostKeys(client: KMSClient): Promise<CostKeys> {
  const list = new KeyList();
  while (list.hasMore) await list.loadMore(client, PAGE_SIZE, '');
  const keys: CostKey[] = [];
  const labels = new Map<string, string>();
  for (const { metadata, aliases } of list.entries) {
    if (!metadata.Arn) continue;
    if (aliases[0]) labels.set(metadata.Arn, aliases[0]);
    const rotations = billedRotations(metadata) ? await rotationDates(client, metadata.Arn) : [];
    keys.push(toCostKey(metadata, rotations));
  }
  return { keys, labels };
}

function toCostKey(m: KeyMetadata, rotations: number[]): CostKey {
  const createdAt = m.CreationDate?.getTime() ?? 0;
  const key: CostKey = {
    arn: m.Arn ?? '',
    createdAt,
    spec: (m.KeySpec ?? 'SYMMETRIC_DEFAULT') as KeySpec,
    manager: m.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER',
    state: m.KeyState ?? 'Enabled',
    // Only the start dates matter to the bill.
    materials: [createdAt, ...rotations].map((at) => ({ createdAt: at })),
  };
  if (m.DeletionDate) key.deletionDate = m.DeletionDate.getTime();
  if (m.PendingDeletionWindowInDays !== undefined) key.pendingWindowDays = m.PendingDeletionWindowInDays;
  return key;
}

/**
 * Only symmetric encryption keys rotate (KMS answers UnsupportedOperationException for the others);
 * AWS managed keys cost nothing, so their rotations need not be asked for.
 */
function billedRotations(m: KeyMetadata): boolean {
  return m.KeyManager === 'CUSTOMER' && m.KeySpec === 'SYMMETRIC_DEFAULT' && !m.CustomKeyStoreId;
}

async function rotationDates(client: KMSClient, keyId: string): Promise<number[]> {
  const dates: number[] = [];
  for await (const page of paginateListKeyRotations({ client, pageSize: 1000 }, { KeyId: keyId })) {
    for (const r of page.Rotations ?? []) if (r.RotationDate) dates.push(r.RotationDate.getTime());
  }
  return dates;
}

/**
 * DescribeKey gives the deletion date but not the waiting period (AWS reports it for replica deletion
 * only), and the bill stops when deletion was scheduled. The log's last ScheduleKeyDeletion of each
 * key says which period was asked for; keys scheduled outside the log keep estimateCost's default.
 */
export function withDeletionWindows(keys: readonly CostKey[], events: readonly CloudTrailEvent[]): CostKey[] {
  const windows = new Map<string, number>();
  for (const e of events) {
    if (e.eventName !== 'ScheduleKeyDeletion' || e.errorCode !== undefined) continue;
    const days = e.requestParameters?.pendingWindowInDays;
    for (const r of e.resources) windows.set(r.ARN, typeof days === 'number' ? days : DELETION_WINDOW_DAYS.default);
  }
  return keys.map((k) => {
    const days = windows.get(k.arn);
    return k.deletionDate === undefined || k.pendingWindowDays !== undefined || days === undefined ? k : { ...k, pendingWindowDays: days };
  });
}
