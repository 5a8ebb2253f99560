import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { ACCOUNT, REGION, createTestKms, rootCaller } from './harness';

const OTHER_ACCOUNT = '210987654321';

test('CreateKey with no parameters makes a symmetric key with AWS\'s metadata and default policy', async () => {
  const kms = createTestKms();
  const { KeyMetadata: m } = await kms.call('CreateKey', { Description: 'app' });
  assert.match(m.KeyId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual({ ...m, KeyId: undefined, Arn: undefined, CurrentKeyMaterialId: undefined }, {
    AWSAccountId: ACCOUNT, KeyId: undefined, Arn: undefined, CreationDate: Date.UTC(2026, 0, 1) / 1000, Enabled: true, Description: 'app',
    KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT', EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false, CurrentKeyMaterialId: undefined,
  });
  assert.equal(m.Arn, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${m.KeyId}`);
  assert.match(m.CurrentKeyMaterialId, /^[0-9a-f]{64}$/);
  const { Policy } = await kms.call('GetKeyPolicy', { KeyId: m.KeyId });
  assert.deepEqual(JSON.parse(Policy), {
    Version: '2012-10-17', Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
  });
});

test('every key spec gets the algorithms of its usage and real key material', async () => {
  const kms = createTestKms();
  const cases: [string, string, Record<string, string[]>][] = [
    ['HMAC_224', 'GENERATE_VERIFY_MAC', { MacAlgorithms: ['HMAC_SHA_224'] }],
    ['HMAC_512', 'GENERATE_VERIFY_MAC', { MacAlgorithms: ['HMAC_SHA_512'] }],
    ['RSA_2048', 'ENCRYPT_DECRYPT', { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] }],
    ['RSA_3072', 'SIGN_VERIFY', { SigningAlgorithms: ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'] }],
    ['ECC_NIST_P256', 'SIGN_VERIFY', { SigningAlgorithms: ['ECDSA_SHA_256'] }],
    ['ECC_NIST_P384', 'KEY_AGREEMENT', { KeyAgreementAlgorithms: ['ECDH'] }],
    ['ECC_NIST_P521', 'SIGN_VERIFY', { SigningAlgorithms: ['ECDSA_SHA_512'] }],
    ['ECC_SECG_P256K1', 'SIGN_VERIFY', { SigningAlgorithms: ['ECDSA_SHA_256'] }],
    ['ECC_NIST_EDWARDS25519', 'SIGN_VERIFY', { SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] }],
  ];
  for (const [spec, usage, algorithms] of cases) {
    const { KeyMetadata: m } = await kms.call('CreateKey', { KeySpec: spec, KeyUsage: usage });
    assert.equal(m.KeySpec, spec);
    assert.equal(m.KeyUsage, usage);
    for (const list of ['EncryptionAlgorithms', 'SigningAlgorithms', 'MacAlgorithms', 'KeyAgreementAlgorithms']) {
      assert.deepEqual(m[list], algorithms[list], `${spec} ${list}`);
    }
  }
  const state = await kms.store.read();
  const keys = Object.values(state.regions[`${ACCOUNT}/${REGION}`].keys);
  const hmac224 = keys.find((k) => k.spec === 'HMAC_224')!;
  assert.equal(Buffer.from(hmac224.materials[0].secret!, 'base64').length, 28);
  const p256k1 = keys.find((k) => k.spec === 'ECC_SECG_P256K1')!;
  const pub = createPublicKey({ key: Buffer.from(p256k1.materials[0].publicKey!, 'base64'), format: 'der', type: 'spki' });
  assert.equal(pub.asymmetricKeyDetails?.namedCurve, 'secp256k1');
  const priv = createPrivateKey({ key: Buffer.from(p256k1.materials[0].secret!, 'base64'), format: 'der', type: 'pkcs8' });
  assert.equal(priv.asymmetricKeyType, 'ec');
});

test('CreateKey refuses spec and usage combinations AWS refuses, and changes nothing', async () => {
  const kms = createTestKms();
  const cases: [Record<string, unknown>, string, string][] = [
    [{ KeySpec: 'RSA_2048' }, 'ValidationException', 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.'],
    [{ KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' }, 'ValidationException', 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048'],
    [{ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'KEY_AGREEMENT' }, 'ValidationException', 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec ECC_SECG_P256K1'],
    [{ KeyUsage: 'SIGN_VERIFY' }, 'ValidationException', 'KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT'],
    [{ KeySpec: 'HMAC_256', KeyUsage: 'ENCRYPT_DECRYPT' }, 'ValidationException', 'KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256'],
    [{ KeySpec: 'RSA_2048', CustomerMasterKeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }, 'ValidationException', 'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.'],
    [{ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' }, 'UnsupportedOperationException', 'KeySpec SM2 is available only in the China Regions.'],
    [{ KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' }, 'UnsupportedOperationException', 'KeySpec ML_DSA_44 is not supported by this local KMS: the Node.js runtime cannot generate ML_DSA_44 keys.'],
    [{ KeySpec: 'BOGUS' }, 'ValidationException', "1 validation error detected: Value 'BOGUS' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519]"],
    [{ Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] }, 'TagException', 'Duplicate tag keys'],
    [{ Tags: [{ TagKey: 'aws:x', TagValue: '1' }] }, 'TagException', 'Tags beginning with aws: are reserved'],
    [{ Tags: Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: '' })) }, 'TagException', 'Too many tags'],
    [{ Policy: '{not json' }, 'MalformedPolicyDocumentException', 'The key policy is not valid JSON.'],
    [{ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }) }, 'MalformedPolicyDocumentException', 'Policy contains a statement with no principal.'],
    [{ Origin: 'AWS_CLOUDHSM' }, 'ValidationException', 'Origin AWS_CLOUDHSM requires a CustomKeyStoreId.'],
    [{ CustomKeyStoreId: 'cks-1234567890abcdef0' }, 'ValidationException', 'CustomKeyStoreId requires Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE, not AWS_KMS.'],
    [{ Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: 'cks-1234567890abcdef0' }, 'CustomKeyStoreNotFoundException', 'Custom key store ID cks-1234567890abcdef0 does not exist.'],
  ];
  for (const [body, name, message] of cases) {
    const e = await kms.fail('CreateKey', body);
    assert.equal(e.name, name, JSON.stringify(body));
    assert.equal(e.message, message);
  }
  assert.deepEqual((await kms.call('ListKeys')).Keys, []);
});

test('a policy that would lock the caller out is refused unless the safety check is bypassed', async () => {
  const kms = createTestKms();
  const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
  const onlyAlice = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: alice }, Action: 'kms:*', Resource: '*' }] });
  const bob = { ...rootCaller(), principal: `arn:aws:iam::${ACCOUNT}:user/bob` };
  const e = await kms.fail('CreateKey', { Policy: onlyAlice }, bob);
  assert.equal(e.name, 'MalformedPolicyDocumentException');
  assert.equal(e.message, 'The new key policy will not allow you to update the key policy in the future.');
  const { KeyMetadata } = await kms.call('CreateKey', { Policy: onlyAlice, BypassPolicyLockoutSafetyCheck: true }, bob);
  assert.equal((await kms.call('GetKeyPolicy', { KeyId: KeyMetadata.KeyId })).Policy, onlyAlice);
  const tooBig = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(33000), Effect: 'Allow', Principal: { AWS: alice }, Action: 'kms:*', Resource: '*' }] });
  assert.equal((await kms.fail('CreateKey', { Policy: tooBig })).name, 'LimitExceededException');
});

test('EXTERNAL keys start in PendingImport with no material; multi-Region keys get an mrk- ID', async () => {
  const kms = createTestKms();
  const { KeyMetadata: ext } = await kms.call('CreateKey', { Origin: 'EXTERNAL' });
  assert.equal(ext.KeyState, 'PendingImport');
  assert.equal(ext.Enabled, false);
  assert.equal(ext.Origin, 'EXTERNAL');
  assert.equal(ext.CurrentKeyMaterialId, undefined);
  const { KeyMetadata: mrk } = await kms.call('CreateKey', { MultiRegion: true, Tags: [{ TagKey: 'team', TagValue: 'a' }] });
  assert.match(mrk.KeyId, /^mrk-[0-9a-f]{32}$/);
  assert.equal(mrk.MultiRegion, true);
  assert.deepEqual(mrk.MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: mrk.Arn, Region: REGION }, ReplicaKeys: [] });
  assert.deepEqual((await kms.call('ListResourceTags', { KeyId: mrk.KeyId })).Tags, [{ TagKey: 'team', TagValue: 'a' }]);
});

test('keys in a custom key store need a connected store of the matching type', async () => {
  const kms = createTestKms();
  const { CustomKeyStoreId: id } = await kms.call('CreateCustomKeyStore', {
    CustomKeyStoreName: 'hsm', CloudHsmClusterId: 'cluster-234567abcdef', TrustAnchorCertificate: 'cert', KeyStorePassword: 'password1',
  });
  const notConnected = await kms.fail('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: id });
  assert.equal(notConnected.name, 'CustomKeyStoreInvalidStateException');
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: id });
  assert.equal((await kms.fail('CreateKey', { Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreId: id, XksKeyId: 'k1' })).name, 'ValidationException');
  assert.equal((await kms.fail('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: id, MultiRegion: true })).name, 'UnsupportedOperationException');
  assert.equal((await kms.fail('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: id, KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })).name, 'UnsupportedOperationException');
  const { KeyMetadata: m } = await kms.call('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: id });
  assert.equal(m.CustomKeyStoreId, id);
  assert.equal(m.CloudHsmClusterId, 'cluster-234567abcdef');
  assert.equal(m.KeyState, 'Enabled');
});

test('DescribeKey accepts key ID, key ARN, alias name and alias ARN, with AWS\'s NotFound texts', async () => {
  const kms = createTestKms();
  const { KeyMetadata: m } = await kms.call('CreateKey', {});
  await kms.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: m.KeyId });
  for (const id of [m.KeyId, m.Arn, 'alias/app', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`]) {
    assert.equal((await kms.call('DescribeKey', { KeyId: id })).KeyMetadata.Arn, m.Arn, id);
  }
  const unknown = '0b4f6a52-0c1e-4b8c-9d3f-8c5a1d2e3f40';
  const cases: [string, string, string][] = [
    [unknown, 'NotFoundException', `Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/${unknown}' does not exist`],
    ['not-a-key', 'NotFoundException', "Invalid keyId 'not-a-key'"],
    [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${m.KeyId}`, 'NotFoundException', 'Invalid arn eu-west-1'],
    ['alias/missing', 'NotFoundException', `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/missing is not found.`],
    ['arn:aws:s3:::bucket', 'InvalidArnException', 'arn:aws:s3:::bucket is not a valid KMS key ARN.'],
  ];
  for (const [id, name, message] of cases) {
    const e = await kms.fail('DescribeKey', { KeyId: id });
    assert.deepEqual([e.name, e.message], [name, message]);
  }
});

test('a key ARN of another account resolves in that account; key IDs resolve in the caller\'s own', async () => {
  const kms = createTestKms();
  const other = rootCaller(OTHER_ACCOUNT);
  const { KeyMetadata: m } = await kms.call('CreateKey', {}, other);
  assert.equal((await kms.call('DescribeKey', { KeyId: m.Arn })).KeyMetadata.AWSAccountId, OTHER_ACCOUNT);
  assert.equal((await kms.fail('DescribeKey', { KeyId: m.KeyId })).name, 'NotFoundException');
  assert.equal((await kms.call('ListKeys', {}, other)).Keys.length, 1);
  assert.equal((await kms.call('ListKeys', {})).Keys.length, 0);
  assert.equal((await kms.call('ListKeys', {}, rootCaller(OTHER_ACCOUNT, 'eu-west-1'))).Keys.length, 0);
});

test('DescribeKey of alias/aws/<service> creates the AWS managed key once', async () => {
  const kms = createTestKms();
  const { KeyMetadata: m } = await kms.call('DescribeKey', { KeyId: 'alias/aws/s3' });
  assert.equal(m.KeyManager, 'AWS');
  assert.equal(m.KeySpec, 'SYMMETRIC_DEFAULT');
  assert.equal((await kms.call('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata.KeyId, m.KeyId);
  const policy = JSON.parse((await kms.call('GetKeyPolicy', { KeyId: m.KeyId })).Policy);
  assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `s3.${REGION}.amazonaws.com` } });
  assert.equal((await kms.fail('DescribeKey', { KeyId: 'alias/aws/not-a-service' })).name, 'NotFoundException');
});

test('ListKeys pages with Limit and Marker and rejects a bad marker', async () => {
  const kms = createTestKms();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await kms.call('CreateKey', {})).KeyMetadata.KeyId);
  const first = await kms.call('ListKeys', { Limit: 2 });
  assert.equal(first.Truncated, true);
  const second = await kms.call('ListKeys', { Limit: 2, Marker: first.NextMarker });
  const third = await kms.call('ListKeys', { Limit: 2, Marker: second.NextMarker });
  assert.equal(third.Truncated, false);
  assert.equal(third.NextMarker, undefined);
  assert.deepEqual([...first.Keys, ...second.Keys, ...third.Keys].map((k: { KeyId: string }) => k.KeyId), ids);
  assert.equal((await kms.fail('ListKeys', { Marker: 'garbage' })).name, 'InvalidMarkerException');
  assert.equal((await kms.fail('ListKeys', { Limit: 1001 })).name, 'ValidationException');
});

test('in a China Region keys get aws-cn ARNs and SM2 keys can be created', async () => {
  const kms = createTestKms();
  const china = rootCaller(ACCOUNT, 'cn-north-1');
  const { KeyMetadata: m } = await kms.call('CreateKey', { KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' }, china);
  assert.equal(m.Arn, `arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/${m.KeyId}`);
  assert.deepEqual(m.SigningAlgorithms, ['SM2DSA']);
  const policy = JSON.parse((await kms.call('GetKeyPolicy', { KeyId: m.KeyId }, china)).Policy);
  assert.equal(policy.Statement[0].Principal.AWS, `arn:aws-cn:iam::${ACCOUNT}:root`);
});
