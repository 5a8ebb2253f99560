import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicyAuthorizer } from '../../../src-core/policy/authorizer';
import { ACCOUNT, b64, createTestKms, rootCaller } from './harness';

const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** A key whose policy lets alice encrypt only through one alias, and decrypt only symmetric keys. */
function policy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'EncryptViaAlias', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:RequestAlias': 'alias/app' } } },
      { Sid: 'DecryptSymmetric', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } } },
    ],
  });
}

test('crypto requests carry the key condition values (kms:RequestAlias, kms:KeySpec) to the key policy', async () => {
  const kms = createTestKms({ authorizer: createPolicyAuthorizer() });
  const admin = { ...rootCaller(), principal: `arn:aws:iam::${ACCOUNT}:user/admin` };
  const alice = { ...rootCaller(), principal: ALICE };
  const key = (await kms.call('CreateKey', { Policy: policy() }, admin)).KeyMetadata;
  await kms.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: key.KeyId }, admin);

  const denied = await kms.fail('Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') }, alice);
  assert.equal(denied.name, 'AccessDeniedException');
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: 'alias/app', Plaintext: b64('x') }, alice);
  const { Plaintext } = await kms.call('Decrypt', { CiphertextBlob }, alice);
  assert.equal(Buffer.from(Plaintext, 'base64').toString(), 'x');
});
