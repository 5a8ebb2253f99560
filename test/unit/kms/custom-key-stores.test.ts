import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKms } from './harness';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const cloudHsm = (name: string, cluster = 'cluster-234abcdefgh') => ({
  CustomKeyStoreName: name, CloudHsmClusterId: cluster, TrustAnchorCertificate: CERT, KeyStorePassword: 'kmsuser-password',
});
const xks = (name: string, endpoint = 'https://xks.example.com') => ({
  CustomKeyStoreName: name, CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksProxyUriEndpoint: endpoint, XksProxyUriPath: '/kms/xks/v1',
  XksProxyConnectivity: 'PUBLIC_ENDPOINT',
  XksProxyAuthenticationCredential: { AccessKeyId: 'ABCDEFGHIJKLMNOPQRST', RawSecretAccessKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=' },
});

test('a CloudHSM key store is created disconnected, connects, disconnects and is deleted', async () => {
  const kms = createTestKms();
  const { CustomKeyStoreId: id } = await kms.call('CreateCustomKeyStore', cloudHsm('hsm-1'));
  assert.match(id, /^cks-[0-9a-f]{17}$/);
  let [store] = (await kms.call('DescribeCustomKeyStores', { CustomKeyStoreId: id })).CustomKeyStores;
  assert.equal(store.ConnectionState, 'DISCONNECTED');
  assert.equal(store.CustomKeyStoreType, 'AWS_CLOUDHSM');
  assert.equal(store.CloudHsmClusterId, 'cluster-234abcdefgh');
  assert.equal(store.TrustAnchorCertificate, CERT);
  assert.equal(typeof store.CreationDate, 'number');
  assert.equal(JSON.stringify(store).includes('kmsuser-password'), false, 'the password is never returned');

  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: id });
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: id }); // connecting a connected store succeeds, as in AWS
  [store] = (await kms.call('DescribeCustomKeyStores', { CustomKeyStoreName: 'hsm-1' })).CustomKeyStores;
  assert.equal(store.ConnectionState, 'CONNECTED');

  assert.equal((await kms.fail('DeleteCustomKeyStore', { CustomKeyStoreId: id })).name, 'CustomKeyStoreInvalidStateException');
  await kms.call('DisconnectCustomKeyStore', { CustomKeyStoreId: id });
  assert.equal((await kms.fail('DisconnectCustomKeyStore', { CustomKeyStoreId: id })).name, 'CustomKeyStoreInvalidStateException');
  await kms.call('DeleteCustomKeyStore', { CustomKeyStoreId: id });
  assert.equal((await kms.fail('DescribeCustomKeyStores', { CustomKeyStoreId: id })).name, 'CustomKeyStoreNotFoundException');
});

test('an external key store keeps its proxy configuration but never the secret', async () => {
  const kms = createTestKms();
  const { CustomKeyStoreId: id } = await kms.call('CreateCustomKeyStore', xks('xks-1'));
  const [store] = (await kms.call('DescribeCustomKeyStores', {})).CustomKeyStores;
  assert.equal(store.CustomKeyStoreId, id);
  assert.deepEqual(store.XksProxyConfiguration, {
    Connectivity: 'PUBLIC_ENDPOINT', AccessKeyId: 'ABCDEFGHIJKLMNOPQRST', UriEndpoint: 'https://xks.example.com', UriPath: '/kms/xks/v1',
  });
  assert.equal(JSON.stringify(store).includes('abcdefghijklmnopqrstuvwxyz0123456789'), false);
  assert.equal(JSON.stringify(kms.events).includes('abcdefghijklmnopqrstuvwxyz0123456789'), false, 'the audit log holds no secret');
});

test('creation validates the members each store type needs, names, backing resources and the quota', async () => {
  const kms = createTestKms();
  const missing = await kms.fail('CreateCustomKeyStore', { CustomKeyStoreName: 'x', CloudHsmClusterId: 'cluster-234abcdefgh' });
  assert.equal(missing.name, 'ValidationException');
  assert.match(missing.message, /TrustAnchorCertificate, KeyStorePassword are required/);
  assert.equal((await kms.fail('CreateCustomKeyStore', { ...xks('v'), XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE' })).name, 'XksProxyInvalidConfigurationException');
  assert.equal((await kms.fail('CreateCustomKeyStore', { ...cloudHsm('bad'), CloudHsmClusterId: 'nope' })).name, 'ValidationException');

  await kms.call('CreateCustomKeyStore', cloudHsm('a'));
  assert.equal((await kms.fail('CreateCustomKeyStore', cloudHsm('a', 'cluster-234abcdefgz'))).name, 'CustomKeyStoreNameInUseException');
  assert.equal((await kms.fail('CreateCustomKeyStore', cloudHsm('b'))).name, 'CloudHsmClusterInUseException');
  await kms.call('CreateCustomKeyStore', xks('x1'));
  assert.equal((await kms.fail('CreateCustomKeyStore', xks('x2'))).name, 'XksProxyUriInUseException');

  for (let i = 0; i < 8; i++) await kms.call('CreateCustomKeyStore', xks(`more-${i}`, `https://xks${i}.example.com`));
  const quota = await kms.fail('CreateCustomKeyStore', xks('eleventh', 'https://xks-eleven.example.com'));
  assert.equal(quota.name, 'LimitExceededException');
});

test('updates need a disconnected store except the live-changeable external settings', async () => {
  const kms = createTestKms();
  const { CustomKeyStoreId: hsm } = await kms.call('CreateCustomKeyStore', cloudHsm('hsm'));
  const { CustomKeyStoreId: ext } = await kms.call('CreateCustomKeyStore', xks('ext'));
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: hsm });
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: ext });

  assert.equal((await kms.fail('UpdateCustomKeyStore', { CustomKeyStoreId: hsm, NewCustomKeyStoreName: 'renamed' })).name, 'CustomKeyStoreInvalidStateException');
  await kms.call('UpdateCustomKeyStore', { CustomKeyStoreId: ext, NewCustomKeyStoreName: 'ext-renamed', XksProxyUriPath: '/tenant/kms/xks/v1' });
  assert.equal((await kms.fail('UpdateCustomKeyStore', { CustomKeyStoreId: ext, XksProxyUriEndpoint: 'https://other.example.com' })).name, 'CustomKeyStoreInvalidStateException');
  assert.equal((await kms.fail('UpdateCustomKeyStore', { CustomKeyStoreId: ext, KeyStorePassword: 'kmsuser-password' })).name, 'ValidationException');
  assert.equal((await kms.fail('UpdateCustomKeyStore', { CustomKeyStoreId: ext, NewCustomKeyStoreName: 'hsm' })).name, 'CustomKeyStoreNameInUseException');

  const [store] = (await kms.call('DescribeCustomKeyStores', { CustomKeyStoreId: ext })).CustomKeyStores;
  assert.equal(store.CustomKeyStoreName, 'ext-renamed');
  assert.equal(store.XksProxyConfiguration.UriPath, '/tenant/kms/xks/v1');

  await kms.call('DisconnectCustomKeyStore', { CustomKeyStoreId: hsm });
  await kms.call('UpdateCustomKeyStore', { CustomKeyStoreId: hsm, NewCustomKeyStoreName: 'renamed', KeyStorePassword: 'new-password' });
  assert.equal((await kms.fail('UpdateCustomKeyStore', { CustomKeyStoreId: hsm, CloudHsmClusterId: 'cluster-765abcdefgh' })).name, 'CloudHsmClusterNotRelatedException');
});

test('stores are listed per account and Region, with pagination', async () => {
  const kms = createTestKms();
  for (let i = 0; i < 3; i++) await kms.call('CreateCustomKeyStore', xks(`s${i}`, `https://xks${i}.example.com`));
  const first = await kms.call('DescribeCustomKeyStores', { Limit: 2 });
  assert.equal(first.CustomKeyStores.length, 2);
  assert.equal(first.Truncated, true);
  const second = await kms.call('DescribeCustomKeyStores', { Limit: 2, Marker: first.NextMarker });
  assert.deepEqual(second.CustomKeyStores.map((s: { CustomKeyStoreName: string }) => s.CustomKeyStoreName), ['s2']);
  assert.equal(second.Truncated, false);
  assert.equal((await kms.fail('DescribeCustomKeyStores', { Marker: 'garbage' })).name, 'InvalidMarkerException');
  const other = await kms.call('DescribeCustomKeyStores', {}, { accountId: '210987654321', region: 'eu-west-1', principal: 'arn:aws:iam::210987654321:root' });
  assert.deepEqual(other.CustomKeyStores, []);
});
