import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCost } from '../../../src-core/audit/cost';
import type { KeyRecord, KeySpec } from '../../../src-core/kms/state';
import { ACCOUNT, arnOf, auditEvent, KEY_A, KEY_B } from './events';

const DAY = 86_400_000;
const JAN_1 = Date.UTC(2026, 0, 1);
const FEB_1 = Date.UTC(2026, 1, 1);
const MAR_1 = Date.UTC(2026, 2, 1);

function key(keyId: string, overrides: Partial<KeyRecord> = {}): KeyRecord {
  const createdAt = overrides.createdAt ?? JAN_1;
  return {
    keyId,
    arn: arnOf(keyId),
    accountId: ACCOUNT,
    region: 'us-east-1',
    createdAt,
    description: '',
    spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    manager: 'CUSTOMER',
    state: 'Enabled',
    policy: '{}',
    tags: [],
    materials: [{ id: 'm0', state: 'CURRENT', createdAt }],
    rotation: { enabled: false, periodDays: 365, onDemandCount: 0 },
    grants: [],
    ...overrides,
  };
}

const calls = (n: number, operation: string, keyId: string | undefined, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, () => auditEvent({ operation, time: JAN_1 + DAY, resources: keyId ? [arnOf(keyId)] : [], ...extra }));

const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

describe('cost estimate', () => {
  const storage: [string, KeyRecord[], number, number][] = [
    ['a customer-managed key for a whole month costs $1', [key(KEY_A)], FEB_1, 1],
    ['half a month costs half', [key(KEY_A, { createdAt: JAN_1 + 15.5 * DAY })], FEB_1, 0.5],
    ['two months cost $2', [key(KEY_A)], MAR_1, 2],
    ['an AWS managed key is free', [key(KEY_A, { manager: 'AWS' })], FEB_1, 0],
    [
      'a key stops costing when its deletion is scheduled',
      [key(KEY_A, { state: 'PendingDeletion', pendingWindowDays: 30, deletionDate: JAN_1 + 10 * DAY + 30 * DAY })],
      MAR_1,
      10 / 31,
    ],
    [
      'each of the first two rotations adds $1 a month, later ones nothing',
      [key(KEY_A, { materials: [0, 1, 2, 3].map((i) => ({ id: `m${i}`, state: i === 3 ? 'CURRENT' : 'NON_CURRENT', createdAt: JAN_1 })) })],
      FEB_1,
      3,
    ],
  ];
  for (const [label, keys, now, dollars] of storage) {
    it(label, () => {
      const estimate = estimateCost([], keys, now);
      near(estimate.keyStorage, dollars, 'storage');
      near(estimate.total, dollars, 'total');
    });
  }

  const spec = (s: KeySpec) => key(KEY_B, { spec: s, usage: 'SIGN_VERIFY' });
  const requests: [string, ReturnType<typeof calls>, KeyRecord[], number][] = [
    ['symmetric requests: $0.03 per 10,000', calls(10_000, 'Encrypt', KEY_A), [key(KEY_A)], 0.03],
    ['calls without a key are requests too', calls(20_000, 'ListKeys', undefined), [], 0.06],
    ['calls that failed are not counted', calls(10_000, 'Encrypt', KEY_A, { error: { name: 'DisabledException', message: 'x' } }), [key(KEY_A)], 0],
    ['RSA_2048 requests cost as symmetric', calls(10_000, 'Sign', KEY_B), [spec('RSA_2048')], 0.03],
    ['other asymmetric requests: $0.15 per 10,000', calls(10_000, 'Sign', KEY_B), [spec('ECC_NIST_P256')], 0.15],
    ['ECC data key pairs: $0.10 per 10,000', calls(10_000, 'GenerateDataKeyPair', KEY_A, { input: { KeyId: KEY_A, KeyPairSpec: 'ECC_NIST_P256' } }), [key(KEY_A)], 0.1],
    ['RSA data key pairs: $12 per 10,000', calls(10_000, 'GenerateDataKeyPairWithoutPlaintext', KEY_A, { input: { KeyId: KEY_A, KeyPairSpec: 'RSA_2048' } }), [key(KEY_A)], 12],
    ['requests to AWS managed keys are billed', calls(10_000, 'Encrypt', KEY_A), [key(KEY_A, { manager: 'AWS' })], 0.03],
  ];
  for (const [label, events, keys, dollars] of requests) {
    it(label, () => {
      const estimate = estimateCost(events, keys, JAN_1 + 0);
      near(estimate.requests, dollars, 'requests');
      assert.equal(estimate.requestCount, dollars === 0 ? 0 : events.length);
    });
  }

  it('breaks the total down per key and per month', () => {
    const events = [...calls(10_000, 'Encrypt', KEY_A), auditEvent({ operation: 'Decrypt', time: FEB_1 + DAY, resources: [arnOf(KEY_B)] })];
    const estimate = estimateCost(events, [key(KEY_A), key(KEY_B, { createdAt: FEB_1 })], MAR_1);
    near(estimate.total, 2 + 0.03 + 1 + 0.03 / 10_000, 'total');
    assert.deepEqual(
      estimate.byKey.map((k) => [k.arn, k.requestCount]),
      [
        [arnOf(KEY_A), 10_000],
        [arnOf(KEY_B), 1],
      ],
    );
    near(estimate.byKey[0].total, 2.03, 'key A');
    assert.deepEqual(
      estimate.byMonth.map((m) => m.month),
      ['2026-01', '2026-02'],
    );
    near(estimate.byMonth[0].total, 1.03, 'January');
    near(estimate.byMonth[1].total, 2 + 0.03 / 10_000, 'February');
  });
});
