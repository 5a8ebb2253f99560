/**
 * CreateKey, DescribeKey and ListKeys: making keys with AWS's rules for which key spec, key usage,
 * origin and custom key store go together, and reading their metadata.
 */
import { KmsError } from '../../kms-error';
import { mrkId, uuid } from '../../ids/random-ids';
import { keyArn } from '../../ids/identifiers';
import type { OperationContext } from '../operation-context';
import { defaultKeyPolicy } from '../default-policy';
import { assertCanGenerate, generateKeyMaterialAsync } from '../key-material';
import { keyMetadata } from '../key-metadata';
import { assertKeyState } from '../key-state';
import { authorizeOnKey, isAwsManagedAliasReference, newKeyRecord, resolveKey } from '../key-resolution';
import { defineOperation, type OperationInput } from '../operation';
import { paginateIndexed } from '../paging';
import { assertKeyPolicy } from '../policy-document';
import { peekRegionState, regionState, type KeySpec, type KeyUsage, type Origin } from '../state';
import { mergedTags, tagConditions } from '../tags';
import { assertListLimit } from './list-limits';

/** Customer managed keys per account and Region (AWS quota). */
const KEYS_PER_REGION = 100_000;

/** The key usages each key spec allows (https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html); the first is not a default except for SYMMETRIC_DEFAULT. */
const USAGES: Record<KeySpec, KeyUsage[]> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  HMAC_224: ['GENERATE_VERIFY_MAC'], HMAC_256: ['GENERATE_VERIFY_MAC'], HMAC_384: ['GENERATE_VERIFY_MAC'], HMAC_512: ['GENERATE_VERIFY_MAC'],
  RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'], ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'], ECC_NIST_P521: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_SECG_P256K1: ['SIGN_VERIFY'],
  ECC_NIST_EDWARDS25519: ['SIGN_VERIFY'],
  ML_DSA_44: ['SIGN_VERIFY'], ML_DSA_65: ['SIGN_VERIFY'], ML_DSA_87: ['SIGN_VERIFY'],
  SM2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
};

type CreateKeyInput = OperationInput<'CreateKey'>;

function specAndUsage(input: CreateKeyInput, region: string): { spec: KeySpec; usage: KeyUsage } {
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
    throw new KmsError('ValidationException', 'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.');
  }
  const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  if (input.KeyUsage === undefined && spec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError('ValidationException', 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  }
  const usage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if (!USAGES[spec].includes(usage)) throw new KmsError('ValidationException', `KeyUsage ${usage} is not compatible with KeySpec ${spec}`);
  if (spec === 'SM2' && !region.startsWith('cn-')) {
    throw new KmsError('UnsupportedOperationException', 'KeySpec SM2 is available only in the China Regions.');
  }
  assertCanGenerate(spec);
  return { spec, usage };
}

/** Origin and custom key store must agree; keys in a custom key store are symmetric, single-Region, and need a connected store. */
function assertOrigin(ctx: OperationContext, input: CreateKeyInput, spec: KeySpec, origin: Origin): void {
  const inStore = origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE';
  if (input.XksKeyId !== undefined && origin !== 'EXTERNAL_KEY_STORE') {
    throw new KmsError('ValidationException', 'XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE.');
  }
  if (!inStore) {
    if (input.CustomKeyStoreId !== undefined) {
      throw new KmsError('ValidationException', `CustomKeyStoreId requires Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE, not ${origin}.`);
    }
    return;
  }
  if (input.CustomKeyStoreId === undefined) throw new KmsError('ValidationException', `Origin ${origin} requires a CustomKeyStoreId.`);
  if (origin === 'EXTERNAL_KEY_STORE' && input.XksKeyId === undefined) {
    throw new KmsError('ValidationException', 'XksKeyId is required when Origin is EXTERNAL_KEY_STORE.');
  }
  const store = peekRegionState(ctx.state, ctx.caller.accountId, ctx.caller.region)?.customKeyStores[input.CustomKeyStoreId];
  if (!store) throw new KmsError('CustomKeyStoreNotFoundException', `Custom key store ID ${input.CustomKeyStoreId} does not exist.`);
  if (store.type !== origin) {
    throw new KmsError('ValidationException', `Custom key store ${store.id} is of type ${store.type}, which does not match Origin ${origin}.`);
  }
  if (store.connectionState !== 'CONNECTED') {
    throw new KmsError('CustomKeyStoreInvalidStateException', `Custom key store ${store.id} is ${store.connectionState}; it must be CONNECTED to create keys in it.`);
  }
  if (spec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError('UnsupportedOperationException', `KeySpec ${spec} is not supported in a custom key store; only SYMMETRIC_DEFAULT keys can be created there.`);
  }
  if (input.MultiRegion) throw new KmsError('UnsupportedOperationException', 'Multi-Region keys cannot be created in a custom key store.');
}

const createKey = defineOperation('CreateKey', true, async (input, ctx) => {
  const origin = input.Origin ?? 'AWS_KMS';
  const { accountId, region } = ctx.caller;
  ctx.authorize('kms:CreateKey', undefined, {
    'kms:KeySpec': input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT',
    'kms:KeyUsage': input.KeyUsage ?? 'ENCRYPT_DECRYPT',
    'kms:KeyOrigin': origin,
    'kms:MultiRegion': input.MultiRegion ?? false,
    'kms:MultiRegionKeyType': input.MultiRegion ? 'PRIMARY' : undefined,
    'kms:BypassPolicyLockoutSafetyCheck': input.BypassPolicyLockoutSafetyCheck ?? false,
    ...tagConditions(input.Tags ?? []),
  });
  const { spec, usage } = specAndUsage(input, region);
  assertOrigin(ctx, input, spec, origin);
  const tags = mergedTags([], input.Tags ?? []);
  const keyId = input.MultiRegion ? mrkId(ctx.random) : uuid(ctx.random);
  if (input.Policy !== undefined) assertKeyPolicy(input.Policy, ctx.caller, keyArn(region, accountId, keyId), input.BypassPolicyLockoutSafetyCheck ?? false);
  if (ctx.index.keyCount(accountId, region) >= KEYS_PER_REGION) throw new KmsError('LimitExceededException', `The account already has the maximum of ${KEYS_PER_REGION} KMS keys in ${region}.`);

  const material = origin === 'EXTERNAL' ? undefined : await generateKeyMaterialAsync(spec, ctx.random, ctx.now);
  const key = newKeyRecord({
    keyId, accountId, region, now: ctx.now, description: input.Description ?? '', spec, usage, origin, manager: 'CUSTOMER',
    policy: input.Policy ?? defaultKeyPolicy(accountId, region),
  });
  key.tags = tags;
  if (material) key.materials.push(material);
  else key.state = 'PendingImport';
  if (input.CustomKeyStoreId !== undefined) key.customKeyStoreId = input.CustomKeyStoreId;
  if (input.MultiRegion) key.multiRegion = { role: 'PRIMARY', primaryRegion: region, replicaRegions: [] };
  regionState(ctx.state, accountId, region).keys[keyId] = key;
  return { KeyMetadata: keyMetadata(ctx.state, key) };
});

const describeKey = defineOperation('DescribeKey', 
  (input) => isAwsManagedAliasReference(input.KeyId),
  (input: { KeyId: string; GrantTokens?: string[] }, ctx) => {
    // DescribeKey on alias/aws/<service> creates that AWS managed key, as KMS does.
    const key = resolveKey(ctx, input.KeyId, { createManaged: true });
    authorizeOnKey(ctx, 'kms:DescribeKey', key, input.KeyId, {}, input.GrantTokens);
    assertKeyState(key, 'DescribeKey');
    return { KeyMetadata: keyMetadata(ctx.state, key) };
  },
);

const listKeys = defineOperation('ListKeys', false, (input, ctx) => {
  ctx.authorize('kms:ListKeys');
  assertListLimit(input.Limit, 1000);
  const { accountId, region } = ctx.caller;
  const page = paginateIndexed(ctx.index.keyCount(accountId, region), input, 100, (offset, limit) => ctx.index.keyIds(accountId, region, offset, limit));
  return { Keys: page.items.map((keyId) => ({ KeyId: keyId, KeyArn: keyArn(region, accountId, keyId) })), NextMarker: page.NextMarker, Truncated: page.Truncated };
});

export const createKeyOperations = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
};
