/**
 * What the recorded usage would cost on AWS KMS (us-east-1 list prices, https://aws.amazon.com/kms/pricing/),
 * per key and per calendar month (UTC), so users see the bill their code would run up.
 *
 * - Storage: $1 per customer-managed key-month, prorated. AWS managed keys are free; a key stops
 *   costing when its deletion is scheduled. Keys already deleted are no longer in the keyring and are
 *   not counted. Each rotation adds $1 per month for its new material, only for the first two
 *   rotations (the April 2024 change; the reference marks that detail unverified).
 * - Requests: $0.03 per 10,000 for symmetric and RSA_2048 keys; $0.15 per 10,000 for other asymmetric
 *   keys; GenerateDataKeyPair(WithoutPlaintext) $0.10 per 10,000 for ECC pairs and $12 per 10,000 for
 *   RSA pairs (the reference marks these asymmetric prices unverified). Only successful calls count,
 *   and the 20,000-request monthly free tier is not deducted: it is shared across Regions and accounts.
 */
import type { KeyMaterialRecord, KeyRecord } from '../kms/state';
import type { CloudTrailEvent } from './event';

export interface CostFigures {
  /** Dollars for keeping keys and their rotated material. */
  keyStorage: number;
  /** Dollars for requests. */
  requests: number;
  requestCount: number;
  total: number;
}

export interface KeyCost extends CostFigures {
  /** The key's ARN; undefined for requests that used no key (ListKeys, GenerateRandom, failed lookups). */
  arn?: string;
}

export interface MonthCost extends CostFigures {
  /** `YYYY-MM`, UTC. */
  month: string;
}

export interface CostEstimate extends CostFigures {
  byKey: KeyCost[];
  byMonth: MonthCost[];
}

/** What the bill depends on: a KeyRecord has it, and so does what DescribeKey and ListKeyRotations tell. */
export type CostKey = Pick<KeyRecord, 'arn' | 'createdAt' | 'spec' | 'manager' | 'state' | 'deletionDate' | 'pendingWindowDays'> & {
  materials: readonly Pick<KeyMaterialRecord, 'createdAt'>[];
};

const DAY_MS = 86_400_000;
const PER_REQUEST = {
  standard: 0.03 / 10_000,
  asymmetric: 0.15 / 10_000,
  eccDataKeyPair: 0.1 / 10_000,
  rsaDataKeyPair: 12 / 10_000,
};
/** Rotations beyond this many add no further monthly charge. */
const BILLED_ROTATIONS = 2;

export function estimateCost(events: readonly CloudTrailEvent[], keys: readonly CostKey[], now: number): CostEstimate {
  const byKey = new Map<string | undefined, KeyCost>();
  const byMonth = new Map<string, MonthCost>();
  const add = (arn: string | undefined, month: string, figures: Partial<CostFigures>) => {
    let forKey = byKey.get(arn);
    if (!forKey) byKey.set(arn, (forKey = { arn, ...zero() }));
    let forMonth = byMonth.get(month);
    if (!forMonth) byMonth.set(month, (forMonth = { month, ...zero() }));
    for (const target of [forKey, forMonth]) {
      target.keyStorage += figures.keyStorage ?? 0;
      target.requests += figures.requests ?? 0;
      target.requestCount += figures.requestCount ?? 0;
      target.total += (figures.keyStorage ?? 0) + (figures.requests ?? 0);
    }
  };

  for (const key of keys) {
    if (key.manager !== 'CUSTOMER') continue;
    const end = billedUntil(key, now);
    for (const from of billedMaterialStarts(key)) {
      for (const { month, fraction } of monthsBetween(from, end)) add(key.arn, month, { keyStorage: fraction });
    }
  }

  const keysByArn = new Map(keys.map((k) => [k.arn, k]));
  for (const event of events) {
    if (event.errorCode !== undefined) continue;
    const arn = event.resources[0]?.ARN;
    add(arn, event.eventTime.slice(0, 7), { requests: requestPrice(event, arn === undefined ? undefined : keysByArn.get(arn)), requestCount: 1 });
  }

  const all = [...byKey.values()];
  return {
    keyStorage: sum(all, 'keyStorage'),
    requests: sum(all, 'requests'),
    requestCount: sum(all, 'requestCount'),
    total: sum(all, 'total'),
    byKey: all.sort((a, b) => b.total - a.total),
    byMonth: [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month)),
  };
}

function zero(): CostFigures {
  return { keyStorage: 0, requests: 0, requestCount: 0, total: 0 };
}

function sum(lines: CostFigures[], field: keyof CostFigures): number {
  return lines.reduce((total, l) => total + l[field], 0);
}

/** A key is free from the moment its deletion is scheduled. */
function billedUntil(key: CostKey, now: number): number {
  if ((key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion') && key.deletionDate !== undefined) {
    return Math.min(now, key.deletionDate - (key.pendingWindowDays ?? 30) * DAY_MS);
  }
  return now;
}

/** When each billed piece of material started: the key itself, then its first rotations. */
function billedMaterialStarts(key: CostKey): number[] {
  const rotations = key.materials
    .map((m) => m.createdAt)
    .sort((a, b) => a - b)
    .slice(1, 1 + BILLED_ROTATIONS);
  return [key.createdAt, ...rotations];
}

/** The share of each UTC calendar month that [from, to) covers. */
function monthsBetween(from: number, to: number): { month: string; fraction: number }[] {
  const out: { month: string; fraction: number }[] = [];
  let cursor = from;
  while (cursor < to) {
    const date = new Date(cursor);
    const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    const nextMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    const end = Math.min(to, nextMonth);
    out.push({ month: date.toISOString().slice(0, 7), fraction: (end - cursor) / (nextMonth - monthStart) });
    cursor = end;
  }
  return out;
}

function requestPrice(event: CloudTrailEvent, key: CostKey | undefined): number {
  if (event.eventName === 'GenerateDataKeyPair' || event.eventName === 'GenerateDataKeyPairWithoutPlaintext') {
    const pairSpec = String(event.requestParameters?.keyPairSpec ?? '');
    return pairSpec.startsWith('RSA_') ? PER_REQUEST.rsaDataKeyPair : PER_REQUEST.eccDataKeyPair;
  }
  if (key && isAsymmetric(key) && key.spec !== 'RSA_2048') return PER_REQUEST.asymmetric;
  return PER_REQUEST.standard;
}

function isAsymmetric(key: CostKey): boolean {
  return key.spec !== 'SYMMETRIC_DEFAULT' && !key.spec.startsWith('HMAC_');
}
