/**
 * Conformance with AWS's exact error names and texts. Each row is one documented AWS response:
 * a set-up, an operation with its input, and the exception name and message AWS returns. Sources:
 * LocalStack's AWS-validated snapshot (tests/aws/services/kms/test_kms.snapshot.json), AWS's key-state
 * page (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html, notes [n]) and the
 * validation rules of the API reference (TagResource, CreateAlias pages) as LocalStack's snapshot records them. Messages are
 * exact; where AWS puts an ARN or ID in them, the row builds the expected text from the set-up's key.
 * Texts AWS does not document are deliberately left out (see the KMS conformance notes in the report).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../../src-core/kms/operation-context';
import type { KeyringStore } from '../../../src-core/ports';
import { KEY_IN_STATE, addImportedMaterial } from './key-fixtures';
import { externalKey, parameters, wrapWithNode } from './import-support';
import { ACCOUNT, REGION, b64, createTestKms, rootCaller, type TestKms } from './harness';
import { STORES } from '../store/stores';

/** What a set-up hands a row: the key under test, the caller of its Region, and named extras (blobs, other keys). */
interface Ctx {
  keyId: string;
  arn: string;
  caller: Caller;
  extra: Record<string, string>;
}

interface Row {
  /** AWS source of the expected text: a snapshot entry or a key-state note. */
  source: string;
  setup: (kms: TestKms) => Promise<Ctx>;
  operation: string;
  input: (ctx: Ctx) => Record<string, unknown>;
  error: string;
  message: (ctx: Ctx) => string;
  /** For enum-set messages: values AWS lists (its set is printed in hash order, so compare as a set). */
  enumIncludes?: string[];
}

const home = rootCaller();
const west = rootCaller(ACCOUNT, 'us-west-2');

async function key(kms: TestKms, body: Record<string, unknown> = {}, caller = home): Promise<Ctx> {
  const { KeyMetadata } = await kms.call('CreateKey', body, caller);
  return { keyId: KeyMetadata.KeyId, arn: KeyMetadata.Arn, caller, extra: {} };
}

const noKey = async (): Promise<Ctx> => ({ keyId: '', arn: '', caller: home, extra: {} });
const symmetric = (kms: TestKms) => key(kms);
const signing = (KeySpec: string) => (kms: TestKms) => key(kms, { KeySpec, KeyUsage: 'SIGN_VERIFY' });
const hmac = (KeySpec: string) => (kms: TestKms) => key(kms, { KeySpec, KeyUsage: 'GENERATE_VERIFY_MAC' });
const rsaEncryption = (KeySpec: string) => (kms: TestKms) => key(kms, { KeySpec, KeyUsage: 'ENCRYPT_DECRYPT' });

/** The key-state set-ups shared with the key-state matrix, as rows see them. */
function inState(state: keyof typeof KEY_IN_STATE) {
  const setup = async (kms: TestKms): Promise<Ctx> => {
    const { store, ...key } = await KEY_IN_STATE[state](kms);
    return { ...key, extra: store ? { store } : {} };
  };
  // Rows are told apart by their set-up's name.
  return Object.defineProperty(setup, 'name', { value: state });
}
const disabled = inState('Disabled');
const pendingDeletion = inState('PendingDeletion');
const pendingImport = inState('PendingImport');
const unavailable = inState('Unavailable');
const creating = inState('Creating');
const updating = inState('Updating');
async function withCiphertext(kms: TestKms): Promise<Ctx> {
  const k = await key(kms);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: k.keyId, Plaintext: b64('secret'), EncryptionContext: { purpose: 'test' } });
  const other = await key(kms);
  return { ...k, extra: { blob: CiphertextBlob, other: other.keyId } };
}
async function withMac(kms: TestKms): Promise<Ctx> {
  const k = await hmac('HMAC_256')(kms);
  const { Mac } = await kms.call('GenerateMac', { KeyId: k.keyId, Message: b64('message'), MacAlgorithm: 'HMAC_SHA_256' });
  return { ...k, extra: { mac: Mac } };
}
async function withSignature(kms: TestKms): Promise<Ctx> {
  const k = await signing('ECC_NIST_P256')(kms);
  const { Signature } = await kms.call('Sign', { KeyId: k.keyId, Message: b64('message'), SigningAlgorithm: 'ECDSA_SHA_256' });
  return { ...k, extra: { signature: Signature } };
}
async function withAlias(kms: TestKms): Promise<Ctx> {
  const k = await key(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/taken', TargetKeyId: k.keyId });
  return k;
}
/** An alias on an Enabled key, and a second key pending deletion to point it at. */
async function aliasAndPendingDeletion(kms: TestKms): Promise<Ctx> {
  await withAlias(kms);
  return pendingDeletion(kms);
}
async function externalWithMaterial(kms: TestKms): Promise<Ctx> {
  const keyId = await externalKey(kms);
  const { token, publicKey } = await parameters(kms, keyId, 'RSAES_OAEP_SHA_256');
  const wrapped = wrapWithNode(publicKey, 'RSAES_OAEP_SHA_256', Buffer.alloc(32, 7));
  await kms.call('ImportKeyMaterial', { KeyId: keyId, ImportToken: token, EncryptedKeyMaterial: wrapped.toString('base64'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
  const { KeyMetadata } = await kms.call('DescribeKey', { KeyId: keyId });
  return { keyId, arn: KeyMetadata.Arn, caller: home, extra: { token, wrapped: wrapped.toString('base64') } };
}
async function externalWithParameters(kms: TestKms): Promise<Ctx> {
  const keyId = await externalKey(kms);
  const { token, publicKey } = await parameters(kms, keyId, 'RSAES_OAEP_SHA_256');
  const wrapped = wrapWithNode(publicKey, 'RSAES_OAEP_SHA_256', Buffer.alloc(32, 7));
  const { KeyMetadata } = await kms.call('DescribeKey', { KeyId: keyId });
  return { keyId, arn: KeyMetadata.Arn, caller: home, extra: { token, wrapped: wrapped.toString('base64') } };
}
async function externalPendingDeletion(kms: TestKms): Promise<Ctx> {
  const k = await pendingImport(kms);
  await kms.call('ScheduleKeyDeletion', { KeyId: k.keyId, PendingWindowInDays: 7 });
  return k;
}
/** A symmetric key whose on-demand rotations are used up (AWS: 25 per key). */
async function rotatedToTheLimit(kms: TestKms): Promise<Ctx> {
  const k = await key(kms);
  for (let i = 0; i < 25; i++) {
    await kms.call('RotateKeyOnDemand', { KeyId: k.keyId });
    kms.clock.advance(24 * 3600 * 1000);
  }
  return k;
}
/** A multi-Region replica, addressed in its own Region once it is past `Creating`. */
async function replicaInOtherRegion(kms: TestKms): Promise<Ctx> {
  const replica = await creating(kms);
  kms.clock.advance(24 * 3600 * 1000);
  return replica;
}
/** A blob whose key lives in another Region, so the home Region cannot find it. */
async function ciphertextFromOtherRegion(kms: TestKms): Promise<Ctx> {
  const k = await key(kms, {}, west);
  const { CiphertextBlob } = await kms.call('Encrypt', encrypt(k), west);
  return { ...k, caller: home, extra: { blob: CiphertextBlob } };
}
/** A key whose policy allows everything but kms:DescribeKey (no statement allows it). */
async function describeDenied(kms: TestKms): Promise<Ctx> {
  const k = await key(kms);
  kms.authorizer.current = { authorize: ({ action }) => (action === 'kms:DescribeKey' ? { allowed: false, reason: 'no-allow' } : { allowed: true }) };
  return k;
}
/** A multi-Region primary key with imported material, Enabled. */
async function multiRegionWithMaterial(kms: TestKms): Promise<Ctx> {
  const k = await key(kms, { Origin: 'EXTERNAL', MultiRegion: true });
  await addImportedMaterial(kms, k.keyId, { tag: 'a' });
  return k;
}
/** A key in another Region, addressed from the home Region. */
async function inOtherRegion(kms: TestKms): Promise<Ctx> {
  return { ...(await key(kms, {}, rootCaller(ACCOUNT, 'ap-southeast-1'))), caller: home };
}

const arnOf = (keyId: string, region = REGION) => `arn:aws:kms:${region}:${ACCOUNT}:key/${keyId}`;
const plain = (text: string) => () => text;
const encrypt = (ctx: Ctx) => ({ KeyId: ctx.keyId, Plaintext: b64('secret') });
const byKey = (ctx: Ctx) => ({ KeyId: ctx.keyId });
const rsaPlaintext = (EncryptionAlgorithm: string, bytes: number) => (ctx: Ctx) =>
  ({ KeyId: ctx.keyId, EncryptionAlgorithm, Plaintext: Buffer.alloc(bytes, 1).toString('base64') });
const SNAPSHOT = 'LocalStack AWS-validated snapshot';

const ROWS: Row[] = [
  // Key-state notes (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html).
  { source: 'key-state [1]', setup: disabled, operation: 'Encrypt', input: encrypt, error: 'DisabledException', message: (c) => `${c.arn} is disabled.` },
  { source: 'key-state [1]', setup: disabled, operation: 'CreateGrant', input: (c) => ({ KeyId: c.keyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app`, Operations: ['Decrypt'] }), error: 'DisabledException', message: (c) => `${c.arn} is disabled.` },
  { source: 'key-state [1,7]', setup: disabled, operation: 'EnableKeyRotation', input: byKey, error: 'DisabledException', message: (c) => `${c.arn} is disabled.` },
  { source: 'key-state [2,3]', setup: pendingDeletion, operation: 'Encrypt', input: encrypt, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending deletion.` },
  { source: 'key-state [3]', setup: pendingDeletion, operation: 'TagResource', input: (c) => ({ KeyId: c.keyId, Tags: [{ TagKey: 'k', TagValue: 'v' }] }), error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending deletion.` },
  { source: 'key-state [3]', setup: pendingDeletion, operation: 'CreateAlias', input: (c) => ({ AliasName: 'alias/late', TargetKeyId: c.keyId }), error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending deletion.` },
  { source: 'key-state [3]', setup: pendingDeletion, operation: 'EnableKey', input: byKey, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending deletion.` },
  { source: 'key-state [4]', setup: symmetric, operation: 'CancelKeyDeletion', input: byKey, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is not pending deletion.` },
  { source: 'key-state [4]', setup: disabled, operation: 'CancelKeyDeletion', input: byKey, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is not pending deletion.` },
  { source: `key-state [5]; ${SNAPSHOT} encrypt-before-import-error`, setup: pendingImport, operation: 'Encrypt', input: encrypt, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending import.` },
  { source: 'key-state [5]', setup: pendingImport, operation: 'EnableKey', input: byKey, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending import.` },
  { source: 'key-state [6]', setup: pendingImport, operation: 'EnableKeyRotation', input: byKey, error: 'UnsupportedOperationException', message: (c) => `${c.arn} origin is EXTERNAL which is not valid for this operation.` },
  { source: 'key-state [6]', setup: pendingImport, operation: 'GetKeyRotationStatus', input: byKey, error: 'UnsupportedOperationException', message: (c) => `${c.arn} origin is EXTERNAL which is not valid for this operation.` },
  { source: 'key-state [7]', setup: externalWithMaterial, operation: 'EnableKeyRotation', input: byKey, error: 'UnsupportedOperationException', message: (c) => `${c.arn} origin is EXTERNAL which is not valid for this operation.` },
  { source: 'key-state [8]', setup: externalPendingDeletion, operation: 'GetParametersForImport', input: (c) => ({ KeyId: c.keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }), error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending deletion.` },
  { source: `key-state [9]; ${SNAPSHOT} test_get_parameters_for_import`, setup: symmetric, operation: 'GetParametersForImport', input: (c) => ({ KeyId: c.keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }), error: 'UnsupportedOperationException', message: (c) => `${c.arn} origin is AWS_KMS which is not valid for this operation.` },
  { source: 'key-state [10]', setup: aliasAndPendingDeletion, operation: 'UpdateAlias', input: (c) => ({ AliasName: 'alias/taken', TargetKeyId: c.keyId }), error: 'KMSInvalidStateException', message: (c) => `${c.arn} is pending deletion.` },
  { source: 'key-state [11]', setup: unavailable, operation: 'Encrypt', input: encrypt, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is unavailable.` },
  { source: 'key-state [14]', setup: creating, operation: 'Encrypt', input: encrypt, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is creating.` },
  { source: 'key-state [14]', setup: creating, operation: 'DisableKey', input: byKey, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is creating.` },
  { source: 'key-state [15]', setup: updating, operation: 'ScheduleKeyDeletion', input: byKey, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is updating.` },
  { source: 'key-state [15]', setup: updating, operation: 'DisableKey', input: byKey, error: 'KMSInvalidStateException', message: (c) => `${c.arn} is updating.` },

  // NotFoundException (snapshot: test_get_key_does_not_exist, test_get_key_invalid_uuid, test_get_key_in_different_region, test_generate_and_verify_mac).
  { source: SNAPSHOT, setup: noKey, operation: 'DescribeKey', input: () => ({ KeyId: 'd3b95762-d3b9-5762-d3b9-5762d3b95762' }), error: 'NotFoundException', message: plain(`Key '${arnOf('d3b95762-d3b9-5762-d3b9-5762d3b95762')}' does not exist`) },
  { source: SNAPSHOT, setup: noKey, operation: 'DescribeKey', input: () => ({ KeyId: arnOf('d3b95762-d3b9-5762-d3b9-5762d3b95762') }), error: 'NotFoundException', message: plain(`Key '${arnOf('d3b95762-d3b9-5762-d3b9-5762d3b95762')}' does not exist`) },
  { source: SNAPSHOT, setup: noKey, operation: 'DescribeKey', input: () => ({ KeyId: 'mrk-d3b95762d3b95762d3b95762d3b95762' }), error: 'NotFoundException', message: plain(`Key '${arnOf('mrk-d3b95762d3b95762d3b95762d3b95762')}' does not exist`) },
  { source: SNAPSHOT, setup: noKey, operation: 'DescribeKey', input: () => ({ KeyId: 'fake-key-id' }), error: 'NotFoundException', message: plain("Invalid keyId 'fake-key-id'") },
  { source: SNAPSHOT, setup: noKey, operation: 'DescribeKey', input: () => ({ KeyId: '134f2428cec14b25a1ae9048164dba47' }), error: 'NotFoundException', message: plain("Invalid keyId '134f2428cec14b25a1ae9048164dba47'") },
  { source: SNAPSHOT, setup: noKey, operation: 'DescribeKey', input: () => ({ KeyId: 'mrk-fake-key-id' }), error: 'NotFoundException', message: plain("Invalid keyId 'mrk-fake-key-id'") },
  { source: SNAPSHOT, setup: noKey, operation: 'GenerateMac', input: () => ({ KeyId: 'key_id', Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }), error: 'NotFoundException', message: plain("Invalid keyId 'key_id'") },
  { source: SNAPSHOT, setup: noKey, operation: 'VerifyMac', input: () => ({ KeyId: 'key_id', Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256', Mac: b64('mac') }), error: 'NotFoundException', message: plain("Invalid keyId 'key_id'") },
  { source: `${SNAPSHOT} describe-key-diff-region-with-id`, setup: inOtherRegion, operation: 'DescribeKey', input: byKey, error: 'NotFoundException', message: (c) => `Key '${arnOf(c.keyId)}' does not exist` },
  { source: `${SNAPSHOT} describe-key-diff-region-with-arn`, setup: inOtherRegion, operation: 'DescribeKey', input: (c) => ({ KeyId: c.arn }), error: 'NotFoundException', message: plain('Invalid arn ap-southeast-1') },

  // Key usage and algorithms (snapshot: test_error_messaging_for_invalid_keys, test_invalid_generate_mac, test_invalid_verify_mac).
  { source: SNAPSHOT, setup: signing('ECC_NIST_P256'), operation: 'Encrypt', input: encrypt, error: 'InvalidKeyUsageException', message: (c) => `${c.arn} key usage is SIGN_VERIFY which is not valid for Encrypt.` },
  { source: SNAPSHOT, setup: symmetric, operation: 'GenerateMac', input: (c) => ({ KeyId: c.keyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }), error: 'InvalidKeyUsageException', message: (c) => `${c.arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.` },
  { source: SNAPSHOT, setup: hmac('HMAC_256'), operation: 'Sign', input: (c) => ({ KeyId: c.keyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' }), error: 'InvalidKeyUsageException', message: (c) => `${c.arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.` },
  { source: SNAPSHOT, setup: symmetric, operation: 'Verify', input: (c) => ({ KeyId: c.keyId, Message: b64('m'), Signature: b64('sig'), SigningAlgorithm: 'ECDSA_SHA_256' }), error: 'InvalidKeyUsageException', message: (c) => `${c.arn} key usage is ENCRYPT_DECRYPT which is not valid for Verify.` },
  { source: SNAPSHOT, setup: hmac('HMAC_224'), operation: 'GenerateMac', input: (c) => ({ KeyId: c.keyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }), error: 'InvalidKeyUsageException', message: plain('Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.') },
  { source: SNAPSHOT, setup: withMac, operation: 'VerifyMac', input: (c) => ({ KeyId: c.keyId, Message: b64('message'), MacAlgorithm: 'HMAC_SHA_512', Mac: c.extra.mac }), error: 'InvalidKeyUsageException', message: plain('Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.') },
  { source: `${SNAPSHOT} decrypt-invalid-key-id`, setup: withCiphertext, operation: 'Decrypt', input: (c) => ({ KeyId: c.extra.other, CiphertextBlob: c.extra.blob, EncryptionContext: { purpose: 'test' } }), error: 'IncorrectKeyException', message: plain('The key ID in the request does not identify a CMK that can perform this operation.') },

  // Validation texts (snapshot).
  ...['ECDSA_SHA_256', 'ECDSA_SHA_384'].map((alg): Row => ({
    source: `${SNAPSHOT} bad-digest`, setup: signing(alg === 'ECDSA_SHA_256' ? 'ECC_NIST_P256' : 'ECC_NIST_P384'), operation: 'Sign',
    input: (c) => ({ KeyId: c.keyId, Message: b64('not a digest'), MessageType: 'DIGEST', SigningAlgorithm: alg }),
    error: 'ValidationException', message: plain(`Digest is invalid length for algorithm ${alg}.`),
  })),
  ...['RSASSA_PSS_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_512'].map((alg): Row => ({
    source: `${SNAPSHOT} bad-digest`, setup: signing('RSA_2048'), operation: 'Sign',
    input: (c) => ({ KeyId: c.keyId, Message: b64('not a digest'), MessageType: 'DIGEST', SigningAlgorithm: alg }),
    error: 'ValidationException', message: plain(`Digest is invalid length for algorithm ${alg}.`),
  })),
  ...([['RSA_2048', 214, 190], ['RSA_3072', 342, 318], ['RSA_4096', 470, 446]] as const).flatMap(([spec, sha1, sha256]) =>
    ([['RSAES_OAEP_SHA_1', sha1], ['RSAES_OAEP_SHA_256', sha256]] as const).map(([alg, max]): Row => ({
      source: `${SNAPSHOT} test_encrypt_validate_plaintext_size_per_key_type`, setup: rsaEncryption(spec), operation: 'Encrypt',
      input: rsaPlaintext(alg, max + 1), error: 'ValidationException', message: plain(`Algorithm ${alg} and key spec ${spec} cannot encrypt data larger than ${max} bytes.`),
    }))),
  { source: `${SNAPSHOT} test_plaintext_size_for_encrypt`, setup: symmetric, operation: 'Encrypt', input: (c) => ({ KeyId: c.keyId, Plaintext: Buffer.alloc(4097, 1).toString('base64') }), error: 'ValidationException', message: plain("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096") },
  { source: SNAPSHOT, setup: noKey, operation: 'GenerateRandom', input: () => ({}), error: 'ValidationException', message: plain('NumberOfBytes is required.') },
  { source: SNAPSHOT, setup: noKey, operation: 'GenerateRandom', input: () => ({ NumberOfBytes: 0 }), error: 'ValidationException', message: plain("1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1") },
  { source: SNAPSHOT, setup: noKey, operation: 'GenerateRandom', input: () => ({ NumberOfBytes: 1025 }), error: 'ValidationException', message: plain("1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024") },
  { source: `${SNAPSHOT} create-hmac-key-without-key-usage`, setup: noKey, operation: 'CreateKey', input: () => ({ KeySpec: 'HMAC_256' }), error: 'ValidationException', message: plain('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.') },
  { source: `${SNAPSHOT} response-invalid-key-spec`, setup: noKey, operation: 'CreateKey', input: () => ({ KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' }), error: 'ValidationException', message: plain('KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048') },
  {
    source: `${SNAPSHOT} create-hmac-key-invalid-spec`, setup: noKey, operation: 'CreateKey', input: () => ({ KeySpec: 'HMAC_random', KeyUsage: 'GENERATE_VERIFY_MAC' }), error: 'ValidationException',
    message: plain("1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [*]"),
    enumIncludes: ['RSA_2048', 'ECC_NIST_P384', 'ECC_NIST_P256', 'ECC_NIST_P521', 'HMAC_384', 'RSA_3072', 'ECC_SECG_P256K1', 'RSA_4096', 'SYMMETRIC_DEFAULT', 'HMAC_256', 'HMAC_224', 'HMAC_512'],
  },
  {
    source: `${SNAPSHOT} create-hmac-key-invalid-key-usage`, setup: noKey, operation: 'CreateKey', input: () => ({ KeySpec: 'HMAC_256', KeyUsage: 'RANDOM' }), error: 'ValidationException',
    message: plain("1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [*]"),
    enumIncludes: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC'],
  },
  ...['GenerateMac', 'VerifyMac'].map((operation): Row => ({
    source: `${SNAPSHOT} test_invalid_generate_mac / test_invalid_verify_mac`, setup: withMac, operation,
    input: (c) => ({ KeyId: c.keyId, Message: b64('message'), MacAlgorithm: 'INVALID', ...(operation === 'VerifyMac' ? { Mac: c.extra.mac } : {}) }), error: 'ValidationException',
    message: plain("1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [*]"),
    enumIncludes: ['HMAC_SHA_384', 'HMAC_SHA_256', 'HMAC_SHA_224', 'HMAC_SHA_512'],
  })),
  {
    source: `${SNAPSHOT} response-invalid-key-agreement-algo`, setup: (kms) => key(kms, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }), operation: 'DeriveSharedSecret',
    input: (c) => ({ KeyId: c.keyId, KeyAgreementAlgorithm: 'INVALID', PublicKey: b64('public key') }), error: 'ValidationException',
    message: plain("1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]"),
  },
  { source: `${SNAPSHOT} test_create_alias`, setup: symmetric, operation: 'CreateAlias', input: (c) => ({ AliasName: 'no-prefix', TargetKeyId: c.keyId }), error: 'ValidationException', message: plain('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html') },
  { source: `${SNAPSHOT} import-expiring-key-without-valid-to`, setup: externalWithParameters, operation: 'ImportKeyMaterial', input: (c) => ({ KeyId: c.keyId, ImportToken: c.extra.token, EncryptedKeyMaterial: c.extra.wrapped }), error: 'ValidationException', message: plain('A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES') },

  // Tags, dry runs and aliases (https://docs.aws.amazon.com/kms/latest/APIReference/API_TagResource.html, https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html).
  { source: 'API_TagResource (validated)', setup: symmetric, operation: 'TagResource', input: (c) => ({ KeyId: c.keyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] }), error: 'TagException', message: plain('Duplicate tag keys') },
  { source: 'API_TagResource (validated)', setup: symmetric, operation: 'TagResource', input: (c) => ({ KeyId: c.keyId, Tags: Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' })) }), error: 'TagException', message: plain('Too many tags') },
  { source: 'API_TagResource (validated)', setup: symmetric, operation: 'TagResource', input: (c) => ({ KeyId: c.keyId, Tags: [{ TagKey: 'aws:owner', TagValue: 'me' }] }), error: 'TagException', message: plain('Tags beginning with aws: are reserved') },
  { source: 'API_TagResource (validated)', setup: noKey, operation: 'CreateKey', input: () => ({ Tags: [{ TagKey: 'aws:owner', TagValue: 'me' }] }), error: 'TagException', message: plain('Tags beginning with aws: are reserved') },
  { source: 'DryRunOperationException (API reference)', setup: symmetric, operation: 'Encrypt', input: (c) => ({ ...encrypt(c), DryRun: true }), error: 'DryRunOperationException', message: plain('The request would have succeeded, but the DryRun option is set.') },
  { source: 'DryRunOperationException (API reference)', setup: symmetric, operation: 'CreateGrant', input: (c) => ({ KeyId: c.keyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app`, Operations: ['Decrypt'], DryRun: true }), error: 'DryRunOperationException', message: plain('The request would have succeeded, but the DryRun option is set.') },
  { source: 'API_CreateAlias (alias ARN in the message)', setup: withAlias, operation: 'CreateAlias', input: (c) => ({ AliasName: 'alias/taken', TargetKeyId: c.keyId }), error: 'AlreadyExistsException', message: plain(`An alias with the name arn:aws:kms:${REGION}:${ACCOUNT}:alias/taken already exists`) },
  // alias/aws/ is reserved for AWS managed keys: AWS answers a bare NotAuthorizedException with no message (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html;
  // moto and local-kms reproduce AWS's reply), before it looks at the target key, so even an existing managed alias is refused.
  { source: 'API_CreateAlias (reserved alias/aws/)', setup: symmetric, operation: 'CreateAlias', input: (c) => ({ AliasName: 'alias/aws/mine', TargetKeyId: c.keyId }), error: 'NotAuthorizedException', message: plain('') },
  { source: 'API_CreateAlias (reserved alias/aws/)', setup: symmetric, operation: 'UpdateAlias', input: (c) => ({ AliasName: 'alias/aws/s3', TargetKeyId: c.keyId }), error: 'NotAuthorizedException', message: plain('') },
  { source: 'API_CreateAlias (reserved alias/aws/)', setup: noKey, operation: 'DeleteAlias', input: () => ({ AliasName: 'alias/aws/s3' }), error: 'NotAuthorizedException', message: plain('') },

  // Added in LocalStack's 2025 AWS-validated snapshot (tags, rotation on demand, key agreement, re-encrypt, replicas, dry runs).
  { source: `${SNAPSHOT} too-long-tag-value`, setup: symmetric, operation: 'TagResource', input: (c) => ({ KeyId: c.keyId, Tags: [{ TagKey: 'k', TagValue: 'v'.repeat(257) }] }), error: 'ValidationException', message: plain(`1 validation error detected: Value '${'v'.repeat(257)}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`) },
  { source: `${SNAPSHOT} invalid-tag-key[too_long_key]`, setup: noKey, operation: 'CreateKey', input: () => ({ Tags: [{ TagKey: 'a'.repeat(129), TagValue: 'v' }] }), error: 'ValidationException', message: plain(`1 validation error detected: Value '${'a'.repeat(129)}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`) },
  { source: `${SNAPSHOT} invalid-tag-key[uppercase_prefix]`, setup: noKey, operation: 'CreateKey', input: () => ({ Tags: [{ TagKey: 'AWS:owner', TagValue: 'me' }] }), error: 'TagException', message: plain('Tags beginning with aws: are reserved') },
  { source: `${SNAPSHOT} test_create_key_with_too_many_tags_raises_error`, setup: noKey, operation: 'CreateKey', input: () => ({ Tags: Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' })) }), error: 'TagException', message: plain('Too many tags') },
  { source: `${SNAPSHOT} test_rotate_key_on_demand_raises_error_given_key_is_disabled`, setup: disabled, operation: 'RotateKeyOnDemand', input: byKey, error: 'DisabledException', message: (c) => `${c.arn} is disabled.` },
  { source: `${SNAPSHOT} test_rotate_key_on_demand_raises_error_given_key_that_does_not_exist`, setup: noKey, operation: 'RotateKeyOnDemand', input: () => ({ KeyId: 'd3b95762-d3b9-5762-d3b9-5762d3b95762' }), error: 'NotFoundException', message: plain(`Key '${arnOf('d3b95762-d3b9-5762-d3b9-5762d3b95762')}' does not exist`) },
  {
    source: `${SNAPSHOT} test_rotate_key_on_demand_raises_error_given_key_with_imported_key_material (AWS now rotates single-Region imported keys; multi-Region ones are still refused)`,
    setup: multiRegionWithMaterial, operation: 'RotateKeyOnDemand', input: byKey,
    error: 'UnsupportedOperationException', message: (c) => `${c.arn} origin is EXTERNAL which is not valid for this operation.`,
  },
  { source: `${SNAPSHOT} test_key_rotations_limits`, setup: rotatedToTheLimit, operation: 'RotateKeyOnDemand', input: byKey, error: 'LimitExceededException', message: (c) => `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${c.arn}` },
  { source: `${SNAPSHOT} response-invalid-key-usage`, setup: signing('ECC_NIST_P256'), operation: 'DeriveSharedSecret', input: (c) => ({ KeyId: c.keyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64('public key') }), error: 'InvalidKeyUsageException', message: (c) => `${c.arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.` },
  { source: `${SNAPSHOT} response-invalid-key`, setup: symmetric, operation: 'DeriveSharedSecret', input: (c) => ({ KeyId: c.keyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64('public key') }), error: 'InvalidKeyUsageException', message: (c) => `${c.arn} key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret.` },
  { source: `${SNAPSHOT} response-invalid-public-key`, setup: (kms) => key(kms, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }), operation: 'DeriveSharedSecret', input: (c) => ({ KeyId: c.keyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64('InvalidPublicKey') }), error: 'ValidationException', message: plain('') },
  { source: `${SNAPSHOT} incorrect-source-key`, setup: withCiphertext, operation: 'ReEncrypt', input: (c) => ({ SourceKeyId: c.extra.other, CiphertextBlob: c.extra.blob, SourceEncryptionContext: { purpose: 'test' }, DestinationKeyId: c.extra.other }), error: 'IncorrectKeyException', message: plain('The key ID in the request does not identify a CMK that can perform this operation.') },
  { source: `${SNAPSHOT} fail-replicate-non-primary-key`, setup: replicaInOtherRegion, operation: 'ReplicateKey', input: (c) => ({ KeyId: c.keyId, ReplicaRegion: 'eu-west-1' }), error: 'UnsupportedOperationException', message: (c) => `${c.arn} is not a multi-region primary key.` },
  ...['GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext'].map((operation): Row => ({
    source: `${SNAPSHOT} test_${operation === 'GenerateDataKeyPair' ? 'generate_data_key_pair' : 'generate_data_key_pair_without_plaintext'}_dry_run`, setup: symmetric, operation,
    input: (c) => ({ KeyId: c.keyId, KeyPairSpec: 'ECC_NIST_P256', DryRun: true }), error: 'DryRunOperationException', message: plain('The request would have succeeded, but the DryRun option is set.'),
  })),
  { source: `${SNAPSHOT} decrypt_response_with_invalid_ciphertext`, setup: symmetric, operation: 'Decrypt', input: () => ({ CiphertextBlob: b64('this is not a ciphertext blob') }), error: 'InvalidCiphertextException', message: plain('') },

  // Real AWS responses quoted in public issue threads (exact text, the caller's and key's ARNs filled in).
  { source: 'AWS text quoted in cloudposse/docs#152', setup: noKey, operation: 'DescribeKey', input: () => ({ KeyId: 'alias/missing' }), error: 'NotFoundException', message: plain(`Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/missing is not found.`) },
  { source: 'AWS text quoted in aws/aws-encryption-sdk-javascript#1005', setup: ciphertextFromOtherRegion, operation: 'Decrypt', input: (c) => ({ CiphertextBlob: c.extra.blob }), error: 'AccessDeniedException', message: plain('The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.') },
  { source: 'AWS text quoted in jbrt/ec2cryptomatic#26', setup: describeDenied, operation: 'DescribeKey', input: byKey, error: 'AccessDeniedException', message: (c) => `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: kms:DescribeKey on resource: ${c.arn} because no resource-based policy allows the kms:DescribeKey action` },

  // Errors AWS returns with an empty message (snapshot).
  { source: `${SNAPSHOT} decrypt_response_without_encryption_context`, setup: withCiphertext, operation: 'Decrypt', input: (c) => ({ CiphertextBlob: c.extra.blob }), error: 'InvalidCiphertextException', message: plain('') },
  { source: `${SNAPSHOT} decrypt-without-encryption-context`, setup: withCiphertext, operation: 'Decrypt', input: (c) => ({ CiphertextBlob: c.extra.blob, EncryptionContext: { purpose: 'other' } }), error: 'InvalidCiphertextException', message: plain('') },
  { source: `${SNAPSHOT} bad-signature`, setup: withSignature, operation: 'Verify', input: (c) => ({ KeyId: c.keyId, Message: b64('another message'), Signature: c.extra.signature, SigningAlgorithm: 'ECDSA_SHA_256' }), error: 'KMSInvalidSignatureException', message: plain('') },
  { source: `${SNAPSHOT} verify-mac`, setup: withMac, operation: 'VerifyMac', input: (c) => ({ KeyId: c.keyId, Message: b64('some different important message'), MacAlgorithm: 'HMAC_SHA_256', Mac: c.extra.mac }), error: 'KMSInvalidMacException', message: plain('') },
  { source: `${SNAPSHOT} test_rotate_key_on_demand_raises_error_given_non_symmetric_key`, setup: signing('ECC_NIST_P256'), operation: 'RotateKeyOnDemand', input: byKey, error: 'UnsupportedOperationException', message: plain('') },
];

/** The bracketed enum set of a validation message, as a set. */
function enumSet(message: string): Set<string> {
  const match = /Member must satisfy enum value set: \[([^\]]*)\]$/.exec(message);
  assert.ok(match, `no enum set in: ${message}`);
  return new Set(match[1].split(', '));
}

for (const row of ROWS) {
  test(`${row.operation} → ${row.error} (${row.source})`, async () => {
    const kms = createTestKms();
    const ctx = await row.setup(kms);
    const before = await stateOf(kms.store);
    const error = await kms.fail(row.operation, row.input(ctx), ctx.caller);
    assert.equal(await stateOf(kms.store), before, 'the failed call left the keyring exactly as it was');
    assert.equal(error.name, row.error, error.message);
    const expected = row.message(ctx);
    if (row.enumIncludes) {
      const [prefix] = expected.split('[*]');
      assert.ok(error.message.startsWith(prefix), error.message);
      const listed = enumSet(error.message);
      for (const value of row.enumIncludes) assert.ok(listed.has(value), `${value} missing from ${error.message}`);
    } else {
      assert.equal(error.message, expected);
    }
  });
}

/**
 * The keyring as JSON, without last-use facts: a Verify or VerifyMac that fails still used the key
 * (GetKeyLastUsage reports it), and those facts are noted outside transactions, saved later.
 */
async function stateOf(store: KeyringStore): Promise<string> {
  return JSON.stringify(await store.read(), (name, value: unknown) => (name === 'lastUsage' ? undefined : value));
}

// The same failures against the store the hosts use (LMDB): each leaves the database byte for byte as it was (the port's contract).
for (const row of ROWS) {
  test(`lmdb store: ${row.operation} → ${row.error} (${row.source}) changes nothing`, async () => {
    const { store, persisted } = await STORES.lmdb();
    const kms = createTestKms({ store });
    const ctx = await row.setup(kms);
    // Last-use facts of the set-up's calls are saved first, so the database holds everything before the failing call.
    await store.transact(() => undefined);
    const [state, bytes] = [await stateOf(store), await persisted()];
    assert.equal((await kms.fail(row.operation, row.input(ctx), ctx.caller)).name, row.error);
    assert.equal(await stateOf(store), state);
    assert.equal(await persisted(), bytes);
    await store.close();
  });
}

/** Key-state notes where AWS succeeds: the call returns normally and leaves the key in the documented state. */
const SUCCESSES: { source: string; setup: (kms: TestKms) => Promise<Ctx>; operation: string; state: string }[] = [
  { source: 'key-state [12]: DisableKey succeeds, the state changes once the key is available', setup: unavailable, operation: 'DisableKey', state: 'Unavailable' },
  { source: 'key-state [12]: EnableKey succeeds, the state changes once the key is available', setup: unavailable, operation: 'EnableKey', state: 'Unavailable' },
  { source: 'key-state [13]: a custom-store key stays PendingDeletion even while unavailable', setup: unavailable, operation: 'ScheduleKeyDeletion', state: 'PendingDeletion' },
  { source: 'key-state [9]: DeleteImportedKeyMaterial on a PendingImport key has no effect', setup: pendingImport, operation: 'DeleteImportedKeyMaterial', state: 'PendingImport' },
];

for (const row of SUCCESSES) {
  test(`${row.operation} succeeds (${row.source})`, async () => {
    const kms = createTestKms();
    const ctx = await row.setup(kms);
    await kms.call(row.operation, { KeyId: ctx.keyId }, ctx.caller);
    assert.equal((await kms.call('DescribeKey', { KeyId: ctx.keyId }, ctx.caller)).KeyMetadata.KeyState, row.state);
  });
}

test('DisableKey on an unavailable key takes effect when its key store connects again (key-state [12])', async () => {
  const kms = createTestKms();
  const ctx = await unavailable(kms);
  await kms.call('DisableKey', { KeyId: ctx.keyId });
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: ctx.extra.store });
  assert.equal((await kms.call('DescribeKey', { KeyId: ctx.keyId })).KeyMetadata.KeyState, 'Disabled');
});

test('every conformance row is distinct, so each documents one AWS response', () => {
  const seen = new Set<string>();
  for (const row of ROWS) {
    const id = `${row.source}|${row.operation}|${row.setup.name}|${JSON.stringify(row.input({ keyId: 'k', arn: 'a', caller: home, extra: {} }))}`;
    assert.ok(!seen.has(id), id);
    seen.add(id);
  }
  assert.ok(ROWS.length >= 60, `${ROWS.length} rows`);
});
