/**
 * GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext) and GenerateRandom.
 * Data keys come from the injected randomness and are returned encrypted under a symmetric KMS key,
 * in the same blob format Decrypt reads.
 */
import { KmsError } from '../../kms-error';
import type { OperationContext } from '../operation-context';
import { generateKeyMaterialAsync } from '../key-material';
import { isAwsManagedAliasReference } from '../key-resolution';
import { defineOperation, type OperationInput } from '../operation';
import { peekRegionState, type KeySpec } from '../state';
import { assertNoRecipient, assertNotDryRun, assertUsage, encryptionContextConditions, incompatibleAlgorithm, keyFor, sealUnderKey, type EncryptionContext } from './crypto-common';

const DATA_KEY_BYTES: Record<string, number> = { AES_128: 16, AES_256: 32 };

type DataKeyInput = OperationInput<'GenerateDataKey'>;

/** The symmetric encryption key a data key (pair) is encrypted under, authorized and checked. */
function wrappingKey(ctx: OperationContext, operation: string, input: { KeyId: string; EncryptionContext?: EncryptionContext; GrantTokens?: string[] }, extra = {}) {
  const key = keyFor(ctx, {
    keyId: input.KeyId,
    operation,
    action: `kms:${operation}`,
    conditions: { ...encryptionContextConditions(input.EncryptionContext), ...extra },
    grantTokens: input.GrantTokens,
    createManaged: true,
  });
  assertUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (key.spec !== 'SYMMETRIC_DEFAULT') throw incompatibleAlgorithm('SYMMETRIC_DEFAULT', key);
  return key;
}

function dataKeyLength(input: DataKeyInput): number {
  if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) {
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  return input.NumberOfBytes ?? DATA_KEY_BYTES[input.KeySpec!];
}

/** A data key's fields both operations return; the ...WithoutPlaintext one leaves out the plaintext. */
function dataKey(ctx: OperationContext, operation: 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext', input: DataKeyInput) {
  assertNoRecipient(input.Recipient);
  const length = dataKeyLength(input);
  const key = wrappingKey(ctx, operation, input);
  assertNotDryRun(input.DryRun);
  const plaintext = ctx.random.bytes(length);
  const { blob, keyMaterialId } = sealUnderKey(ctx, key, plaintext, input.EncryptionContext);
  ctx.noteUsage(key, operation);
  return { plaintext, output: { CiphertextBlob: blob, KeyId: key.arn, KeyMaterialId: keyMaterialId } };
}

/** A data key pair's fields both operations return; the ...WithoutPlaintext one leaves out the plaintext. */
async function dataKeyPair(ctx: OperationContext, operation: 'GenerateDataKeyPair' | 'GenerateDataKeyPairWithoutPlaintext', input: OperationInput<'GenerateDataKeyPair'>) {
  assertNoRecipient(input.Recipient);
  if (input.KeyPairSpec === 'SM2' && !ctx.caller.region.startsWith('cn-')) {
    throw new KmsError('UnsupportedOperationException', 'KeyPairSpec SM2 is available only in the China Regions.');
  }
  const key = wrappingKey(ctx, operation, input, { 'kms:DataKeyPairSpec': input.KeyPairSpec });
  assertNotDryRun(input.DryRun);
  // The pair is generated like a key's own material; only its two halves are returned.
  const pair = await generateKeyMaterialAsync(input.KeyPairSpec as KeySpec, ctx.random, ctx.now);
  const privateKey = new Uint8Array(Buffer.from(pair.secret!, 'base64'));
  const { blob, keyMaterialId } = sealUnderKey(ctx, key, privateKey, input.EncryptionContext);
  ctx.noteUsage(key, operation);
  const output = {
    PrivateKeyCiphertextBlob: blob,
    PublicKey: new Uint8Array(Buffer.from(pair.publicKey!, 'base64')),
    KeyId: key.arn,
    KeyPairSpec: input.KeyPairSpec,
    KeyMaterialId: keyMaterialId,
  };
  return { privateKey, output };
}

const generateDataKey = defineOperation('GenerateDataKey', (i) => isAwsManagedAliasReference(i.KeyId), (input, ctx) => {
  const { plaintext, output } = dataKey(ctx, 'GenerateDataKey', input);
  return { ...output, Plaintext: plaintext };
});

const generateDataKeyWithoutPlaintext = defineOperation('GenerateDataKeyWithoutPlaintext', (i) => isAwsManagedAliasReference(i.KeyId), (input, ctx) => dataKey(ctx, 'GenerateDataKeyWithoutPlaintext', input).output);

const generateDataKeyPair = defineOperation('GenerateDataKeyPair', (i) => isAwsManagedAliasReference(i.KeyId), async (input, ctx) => {
  const { privateKey, output } = await dataKeyPair(ctx, 'GenerateDataKeyPair', input);
  return { ...output, PrivateKeyPlaintext: privateKey };
});

const generateDataKeyPairWithoutPlaintext = defineOperation('GenerateDataKeyPairWithoutPlaintext', (i) => isAwsManagedAliasReference(i.KeyId), async (input, ctx) => (await dataKeyPair(ctx, 'GenerateDataKeyPairWithoutPlaintext', input)).output);

const generateRandom = defineOperation('GenerateRandom', false, (input, ctx) => {
  assertNoRecipient(input.Recipient);
  if (input.NumberOfBytes === undefined) throw new KmsError('ValidationException', 'NumberOfBytes is required.');
  if (input.CustomKeyStoreId !== undefined) {
    const store = peekRegionState(ctx.state, ctx.caller.accountId, ctx.caller.region)?.customKeyStores[input.CustomKeyStoreId];
    if (!store) throw new KmsError('CustomKeyStoreNotFoundException', `Custom key store ID ${input.CustomKeyStoreId} does not exist.`);
    if (store.type !== 'AWS_CLOUDHSM') {
      throw new KmsError('UnsupportedOperationException', `GenerateRandom is not supported for custom key store ${store.id} of type ${store.type}.`);
    }
    if (store.connectionState !== 'CONNECTED') {
      throw new KmsError('CustomKeyStoreInvalidStateException', `Custom key store ${store.id} is ${store.connectionState}.`);
    }
  }
  ctx.authorize('kms:GenerateRandom');
  return { Plaintext: ctx.random.bytes(input.NumberOfBytes) };
});

export const dataKeyOperations = {
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateDataKeyPair: generateDataKeyPair,
  GenerateDataKeyPairWithoutPlaintext: generateDataKeyPairWithoutPlaintext,
  GenerateRandom: generateRandom,
};
