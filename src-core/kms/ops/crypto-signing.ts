/** Sign, Verify and GetPublicKey for asymmetric signing and encryption keys. */
import { KmsError } from '../../kms-error';
import { algorithmsFor, supportsSigningAlgorithm } from '../crypto/algorithms';
import { checkSigningInput, signMessage, verifyMessage } from '../crypto/signatures';
import { customerMasterKeySpec } from '../key-metadata';
import { defineOperation, type OperationInput } from '../operation';
import type { OperationContext } from '../operation-context';
import { assertNotDryRun, assertUsage, incompatibleAlgorithm, keyFor, publicKeyBytes, secretBytes, usableCurrentMaterial } from './crypto-common';

type SignInput = OperationInput<'Sign'>;

function signingKey(ctx: OperationContext, operation: 'Sign' | 'Verify', input: SignInput) {
  const messageType = input.MessageType ?? 'RAW';
  const key = keyFor(ctx, {
    keyId: input.KeyId,
    operation,
    action: `kms:${operation}`,
    conditions: { 'kms:SigningAlgorithm': input.SigningAlgorithm, 'kms:MessageType': messageType },
    grantTokens: input.GrantTokens,
  });
  assertUsage(key, 'SIGN_VERIFY', operation);
  if (!supportsSigningAlgorithm(key.spec, input.SigningAlgorithm)) throw incompatibleAlgorithm(input.SigningAlgorithm, key);
  checkSigningInput(input.SigningAlgorithm, messageType, input.Message);
  return { key, messageType };
}

const sign = defineOperation('Sign', false, (input, ctx) => {
  const { key, messageType } = signingKey(ctx, 'Sign', input);
  assertNotDryRun(input.DryRun);
  const signature = signMessage(secretBytes(usableCurrentMaterial(key)), input.SigningAlgorithm, messageType, input.Message, ctx.random);
  ctx.noteUsage(key, 'Sign');
  return { KeyId: key.arn, Signature: signature, SigningAlgorithm: input.SigningAlgorithm };
});

const verify = defineOperation('Verify', false, (input, ctx) => {
  const { key, messageType } = signingKey(ctx, 'Verify', input);
  assertNotDryRun(input.DryRun);
  const valid = verifyMessage(publicKeyBytes(key), input.SigningAlgorithm, messageType, input.Message, input.Signature);
  ctx.noteUsage(key, 'Verify');
  // KMS never answers SignatureValid: false; an invalid signature is an error with an empty message.
  if (!valid) throw new KmsError('KMSInvalidSignatureException', '');
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
});

const getPublicKey = defineOperation('GetPublicKey', false, (input, ctx) => {
  const key = keyFor(ctx, { keyId: input.KeyId, operation: 'GetPublicKey', action: 'kms:GetPublicKey', grantTokens: input.GrantTokens });
  if (usableCurrentMaterial(key).publicKey === undefined) {
    throw new KmsError('UnsupportedOperationException', `${key.arn} key spec ${key.spec} is not valid for this operation: it has no public key.`);
  }
  const publicKey = publicKeyBytes(key);
  // HMAC keys have no public key (refused above): GetPublicKey's output has no MacAlgorithms member.
  const { MacAlgorithms: _noPublicKey, ...algorithms } = algorithmsFor(key.spec, key.usage);
  ctx.noteUsage(key, 'GetPublicKey');
  return {
    KeyId: key.arn,
    PublicKey: publicKey,
    CustomerMasterKeySpec: customerMasterKeySpec(key.spec),
    KeySpec: key.spec,
    KeyUsage: key.usage,
    ...algorithms,
  };
});

export const signingOperations = { Sign: sign, Verify: verify, GetPublicKey: getPublicKey };
