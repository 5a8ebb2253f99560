/** GenerateMac and VerifyMac with HMAC keys, and DeriveSharedSecret with key-agreement keys. */
import { KmsError } from '../../kms-error';
import type { OperationContext } from '../operation-context';
import { supportsKeyAgreementAlgorithm, supportsMacAlgorithm } from '../crypto/algorithms';
import { deriveSharedSecret } from '../crypto/key-agreement';
import { computeMac, macMatches } from '../crypto/mac';
import { defineOperation, type OperationInput } from '../operation';
import { assertNoRecipient, assertNotDryRun, assertUsage, incompatibleAlgorithm, keyFor, secretBytes, usableCurrentMaterial } from './crypto-common';

type MacInput = OperationInput<'GenerateMac'>;

function macKey(ctx: OperationContext, operation: 'GenerateMac' | 'VerifyMac', input: MacInput) {
  const key = keyFor(ctx, {
    keyId: input.KeyId,
    operation,
    action: `kms:${operation}`,
    conditions: { 'kms:MacAlgorithm': input.MacAlgorithm },
    grantTokens: input.GrantTokens,
  });
  assertUsage(key, 'GENERATE_VERIFY_MAC', operation);
  if (!supportsMacAlgorithm(key.spec, input.MacAlgorithm)) throw incompatibleAlgorithm(input.MacAlgorithm, key);
  return key;
}

const generateMac = defineOperation('GenerateMac', false, (input, ctx) => {
  const key = macKey(ctx, 'GenerateMac', input);
  assertNotDryRun(input.DryRun);
  const mac = computeMac(input.MacAlgorithm, secretBytes(usableCurrentMaterial(key)), input.Message);
  ctx.noteUsage(key, 'GenerateMac');
  return { Mac: mac, MacAlgorithm: input.MacAlgorithm, KeyId: key.arn };
});

const verifyMac = defineOperation('VerifyMac', false, (input, ctx) => {
  const key = macKey(ctx, 'VerifyMac', input);
  assertNotDryRun(input.DryRun);
  const valid = macMatches(input.MacAlgorithm, secretBytes(usableCurrentMaterial(key)), input.Message, input.Mac);
  ctx.noteUsage(key, 'VerifyMac');
  // As Verify: a mismatch is an error with an empty message, never MacValid: false.
  if (!valid) throw new KmsError('KMSInvalidMacException', '');
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
});

const deriveSharedSecretOperation = defineOperation('DeriveSharedSecret', false, (input, ctx) => {
  assertNoRecipient(input.Recipient);
  const key = keyFor(ctx, {
    keyId: input.KeyId,
    operation: 'DeriveSharedSecret',
    action: 'kms:DeriveSharedSecret',
    conditions: { 'kms:KeyAgreementAlgorithm': input.KeyAgreementAlgorithm },
    grantTokens: input.GrantTokens,
  });
  assertUsage(key, 'KEY_AGREEMENT', 'DeriveSharedSecret');
  if (!supportsKeyAgreementAlgorithm(key.spec, input.KeyAgreementAlgorithm)) throw incompatibleAlgorithm(input.KeyAgreementAlgorithm, key);
  // SM2 key agreement follows the Chinese national standard, which node:crypto does not implement.
  if (key.spec === 'SM2') throw new KmsError('UnsupportedOperationException', 'DeriveSharedSecret with SM2 keys is not supported by the local KMS.');
  const secret = deriveSharedSecret(secretBytes(usableCurrentMaterial(key)), key.spec, input.PublicKey);
  assertNotDryRun(input.DryRun);
  ctx.noteUsage(key, 'DeriveSharedSecret');
  return { KeyId: key.arn, SharedSecret: secret, KeyAgreementAlgorithm: input.KeyAgreementAlgorithm, KeyOrigin: key.origin };
});

export const macOperations = { GenerateMac: generateMac, VerifyMac: verifyMac, DeriveSharedSecret: deriveSharedSecretOperation };
