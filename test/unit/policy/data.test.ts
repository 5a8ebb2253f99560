/**
 * The policy vocabulary against the engine: every KMS operation the model defines is a known action,
 * and the enumerated condition values are exactly the model's enums. Fails when either side changes alone.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OPERATION_NAMES, shape } from '../../../src-core/kms/model/shapes';
import { GRANT_OPERATIONS, KEY_SPECS, KEY_USAGES, KMS_ACTION_NAMES, KMS_ACTIONS, KMS_CONDITION_KEYS, lookupConditionKey, parseOperator } from '../../../src-core/policy/data';

/** The one operation whose permission is split in two (ReEncrypt needs ReEncryptFrom on the source key and ReEncryptTo on the destination). */
const PERMISSIONS_OF: Record<string, string[]> = { ReEncrypt: ['ReEncryptFrom', 'ReEncryptTo'] };

test('every operation of the engine\'s KMS model has its action(s) in the table', () => {
  const missing = OPERATION_NAMES.flatMap((op) => PERMISSIONS_OF[op] ?? [op]).filter((a) => !KMS_ACTIONS[a]);
  assert.deepEqual(missing, []);
});

test('every API-backed action of the table is an operation of the engine\'s model', () => {
  const permissions = new Set(OPERATION_NAMES.flatMap((op) => PERMISSIONS_OF[op] ?? [op]));
  assert.deepEqual(KMS_ACTION_NAMES.filter((a) => KMS_ACTIONS[a].api && !permissions.has(a)), []);
  assert.deepEqual(KMS_ACTION_NAMES.filter((a) => !KMS_ACTIONS[a].api), ['SynchronizeMultiRegionKey']);
});

test('counts: 56 actions and 95 kms: condition keys (57 of them attestation keys)', () => {
  assert.equal(KMS_ACTION_NAMES.length, 56);
  assert.equal(KMS_CONDITION_KEYS.length, 95);
  assert.equal(KMS_CONDITION_KEYS.filter((k) => k.name.startsWith('kms:RecipientAttestation:')).length, 57);
});

const sorted = (xs: readonly string[]) => [...xs].sort();

test('enumerated values equal the model\'s enums', () => {
  const pairs: [string, string][] = [
    ['kms:EncryptionAlgorithm', 'EncryptionAlgorithmSpec'],
    ['kms:SigningAlgorithm', 'SigningAlgorithmSpec'],
    ['kms:MacAlgorithm', 'MacAlgorithmSpec'],
    ['kms:DataKeyPairSpec', 'DataKeyPairSpec'],
    ['kms:KeySpec', 'KeySpec'],
    ['kms:KeyUsage', 'KeyUsageType'],
    ['kms:KeyOrigin', 'OriginType'],
    ['kms:MessageType', 'MessageType'],
    ['kms:ExpirationModel', 'ExpirationModelType'],
    ['kms:WrappingAlgorithm', 'AlgorithmSpec'],
    ['kms:WrappingKeySpec', 'WrappingKeySpec'],
    ['kms:KeyAgreementAlgorithm', 'KeyAgreementAlgorithmSpec'],
    ['kms:MultiRegionKeyType', 'MultiRegionKeyType'],
    ['kms:GrantOperations', 'GrantOperation'],
  ];
  for (const [key, enumShape] of pairs) assert.deepEqual(sorted(lookupConditionKey(key)!.values!), sorted(shape(enumShape).enum!), key);
  assert.deepEqual(sorted(GRANT_OPERATIONS), sorted(shape('GrantOperation').enum!));
  assert.deepEqual(sorted(KEY_SPECS), sorted(shape('KeySpec').enum!));
  assert.deepEqual(sorted(KEY_USAGES), sorted(shape('KeyUsageType').enum!));
});

test('condition keys are looked up case-insensitively, templated keys by prefix', () => {
  assert.equal(lookupConditionKey('KMS:callerAccount')?.name, 'kms:CallerAccount');
  assert.equal(lookupConditionKey('kms:EncryptionContext:aws:logs:arn')?.name, 'kms:EncryptionContext:${EncryptionContextKey}');
  assert.equal(lookupConditionKey('aws:PrincipalTag/team')?.name, 'aws:PrincipalTag/${TagKey}');
  assert.equal(lookupConditionKey('kms:EncryptionContext:'), undefined);
  assert.equal(lookupConditionKey('kms:Nope'), undefined);
});

test('operators parse with qualifiers and IfExists', () => {
  assert.deepEqual({ ...parseOperator('ForAllValues:StringLikeIfExists'), base: parseOperator('ForAllValues:StringLikeIfExists')!.base.name }, { base: 'StringLike', qualifier: 'ForAllValues', ifExists: true });
  assert.equal(parseOperator('stringequals'), undefined);
  assert.equal(parseOperator('ForSomeValues:StringEquals'), undefined);
});

/** The engine's sources, read as text: the names it authorizes and the condition values it supplies. */
function engineSources(dir = join(import.meta.dirname, '../../../src-core/kms')): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? engineSources(join(dir, e.name)) : e.name.endsWith('.ts') ? readFileSync(join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

test('every action the engine authorizes and every condition key it supplies is in the tables', () => {
  const source = engineSources();
  const actions = [...source.matchAll(/(?:authorize(?:OnKey)?\((?:ctx,\s*)?|action: )'kms:([A-Za-z]+)'/g)].map((m) => m[1]);
  assert.ok(actions.length > 20, `found only ${actions.length} authorize calls`);
  assert.deepEqual([...new Set(actions)].filter((a) => !KMS_ACTIONS[a]), []);
  const keys = [...source.matchAll(/'((?:kms|aws):[A-Za-z]+)':/g)].map((m) => m[1]);
  assert.ok(keys.length > 10);
  assert.deepEqual([...new Set(keys)].filter((k) => !lookupConditionKey(k)), []);
});
