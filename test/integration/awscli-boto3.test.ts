/**
 * The AWS CLI v2 (Debian's awscli, `--endpoint-url`) and boto3 against the real `kmsw serve`: the
 * botocore serializers and error parser of those clients, not ours, read every answer.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { awsCli, boto3, hasAwsCli, hasBoto3, raw, serve, type Served } from './serve';

let server: Served;
const files = mkdtempSync(join(tmpdir(), 'kmsw-cli-files-'));
before(async () => {
  server = await serve(['--in-memory']);
});
afterEach(async () => {
  await raw(server.url, { path: '/moto-api/reset' });
});
after(async () => {
  await server?.stop();
  rmSync(files, { recursive: true, force: true });
});

/** Writes a file for `fileb://` arguments and returns its path; base64 text from CLI output is written as its bytes. */
function file(name: string, content: string | Uint8Array, encoding?: 'base64'): string {
  const path = join(files, name);
  writeFileSync(path, encoding ? Buffer.from(content as string, 'base64') : content);
  return path;
}

/** Creates a key with the CLI and returns its metadata. */
function cliKey(...args: string[]): Record<string, string> {
  const created = awsCli(server.url, ['create-key', ...args]);
  assert.equal(created.status, 0, created.stderr);
  return created.json!.KeyMetadata as Record<string, string>;
}

const noCli = !hasAwsCli() && 'Debian awscli not installed (apt-get install awscli)';
const noBoto3 = !hasBoto3() && 'boto3 not importable by python3';

test('AWS CLI: create a key, alias and tag it, find it again', { skip: noCli }, () => {
  const created = awsCli(server.url, ['create-key', '--description', 'from the CLI', '--tags', 'TagKey=env,TagValue=dev']);
  assert.equal(created.status, 0, created.stderr);
  const key = created.json!.KeyMetadata as Record<string, string>;
  assert.equal(key.KeyState, 'Enabled');
  assert.match(String(key.CreationDate), /^\d{4}-\d{2}-\d{2}T/, 'the CLI parsed the epoch timestamp');
  assert.equal(awsCli(server.url, ['create-alias', '--alias-name', 'alias/cli', '--target-key-id', key.KeyId]).status, 0);
  const described = awsCli(server.url, ['describe-key', '--key-id', 'alias/cli']);
  assert.equal((described.json!.KeyMetadata as Record<string, string>).Arn, key.Arn);
  const aliases = awsCli(server.url, ['list-aliases', '--key-id', key.KeyId]).json!.Aliases as { AliasName: string }[];
  assert.deepEqual(aliases.map((a) => a.AliasName), ['alias/cli']);
  const tags = awsCli(server.url, ['list-resource-tags', '--key-id', key.KeyId]).json!.Tags;
  assert.deepEqual(tags, [{ TagKey: 'env', TagValue: 'dev' }]);
  const listed = awsCli(server.url, ['list-keys']).json!.Keys as { KeyId: string }[];
  assert.deepEqual(listed.map((k) => k.KeyId), [key.KeyId]);
});

test('AWS CLI: errors print the AWS exception name and message', { skip: noCli }, () => {
  const missing = awsCli(server.url, ['describe-key', '--key-id', 'alias/nothing-here']);
  assert.equal(missing.status, 254);
  assert.match(missing.stderr, /An error occurred \(NotFoundException\) when calling the DescribeKey operation: Alias arn:aws:kms:us-east-1:123456789012:alias\/nothing-here is not found/);
  const key = cliKey().KeyId;
  const invalid = awsCli(server.url, ['create-alias', '--alias-name', 'no-prefix', '--target-key-id', key]);
  assert.match(invalid.stderr, /An error occurred \(ValidationException\) when calling the CreateAlias operation: Alias must start with the prefix "alias\/"/);
});

test('AWS CLI: the Region of the profile is the Region of the keys', { skip: noCli }, () => {
  const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'ap-southeast-2', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const created = awsCli(server.url, ['create-key'], env);
  assert.equal(created.status, 0, created.stderr);
  assert.match((created.json!.KeyMetadata as Record<string, string>).Arn, /^arn:aws:kms:ap-southeast-2:/);
});

test('AWS CLI: encrypt a file with an encryption context and decrypt it back with fileb://', { skip: noCli }, () => {
  const keyId = cliKey().KeyId;
  const secret = file('secret.txt', 'db password: hunter2\n');
  const encrypted = awsCli(server.url, ['encrypt', '--key-id', keyId, '--plaintext', `fileb://${secret}`, '--encryption-context', 'app=billing,stage=prod']);
  assert.equal(encrypted.status, 0, encrypted.stderr);
  const blob = file('secret.bin', encrypted.json!.CiphertextBlob as string, 'base64');
  const decrypted = awsCli(server.url, ['decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'stage=prod,app=billing']);
  assert.equal(decrypted.status, 0, decrypted.stderr);
  assert.equal(Buffer.from(decrypted.json!.Plaintext as string, 'base64').toString(), readFileSync(secret, 'utf8'));
  const wrong = awsCli(server.url, ['decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'app=billing']);
  assert.match(wrong.stderr, /An error occurred \(InvalidCiphertextException\) when calling the Decrypt operation/);
});

test('AWS CLI: schedule and cancel a key deletion', { skip: noCli }, () => {
  const keyId = cliKey().KeyId;
  const scheduled = awsCli(server.url, ['schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7']);
  assert.equal(scheduled.status, 0, scheduled.stderr);
  assert.equal(scheduled.json!.KeyState, 'PendingDeletion');
  const refused = awsCli(server.url, ['encrypt', '--key-id', keyId, '--plaintext', 'aGk=']);
  assert.match(refused.stderr, /\(KMSInvalidStateException\)/);
  assert.equal(awsCli(server.url, ['cancel-key-deletion', '--key-id', keyId]).status, 0);
  assert.equal((awsCli(server.url, ['describe-key', '--key-id', keyId]).json!.KeyMetadata as Record<string, string>).KeyState, 'Disabled');
});

test('AWS CLI: bring your own key material wrapped with openssl, delete it and import it again', { skip: noCli }, () => {
  const key = cliKey('--origin', 'EXTERNAL');
  assert.equal(key.KeyState, 'PendingImport');
  const material = file('material.bin', randomBytes(32));
  const importOnce = () => {
    const params = awsCli(server.url, ['get-parameters-for-import', '--key-id', key.KeyId, '--wrapping-algorithm', 'RSAES_OAEP_SHA_256', '--wrapping-key-spec', 'RSA_2048']);
    assert.equal(params.status, 0, params.stderr);
    const publicKey = file('wrapping.der', params.json!.PublicKey as string, 'base64');
    const token = file('token.bin', params.json!.ImportToken as string, 'base64');
    const wrapped = join(files, 'wrapped.bin');
    const openssl = spawnSync('openssl', ['pkeyutl', '-encrypt', '-pubin', '-keyform', 'DER', '-inkey', publicKey, '-in', material, '-out', wrapped,
      '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256'], { encoding: 'utf8' });
    assert.equal(openssl.status, 0, openssl.stderr);
    const imported = awsCli(server.url, ['import-key-material', '--key-id', key.KeyId, '--encrypted-key-material', `fileb://${wrapped}`, '--import-token', `fileb://${token}`, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE']);
    assert.equal(imported.status, 0, imported.stderr);
  };
  importOnce();
  const encrypted = awsCli(server.url, ['encrypt', '--key-id', key.KeyId, '--plaintext', Buffer.from('byok').toString('base64')]);
  assert.equal(encrypted.status, 0, encrypted.stderr);
  const blob = file('byok.bin', encrypted.json!.CiphertextBlob as string, 'base64');

  assert.equal(awsCli(server.url, ['delete-imported-key-material', '--key-id', key.KeyId]).status, 0);
  assert.match(awsCli(server.url, ['decrypt', '--ciphertext-blob', `fileb://${blob}`]).stderr, /\(KMSInvalidStateException\)/);
  importOnce();
  const decrypted = awsCli(server.url, ['decrypt', '--ciphertext-blob', `fileb://${blob}`]);
  assert.equal(decrypted.status, 0, decrypted.stderr);
  assert.equal(Buffer.from(decrypted.json!.Plaintext as string, 'base64').toString(), 'byok');
});

test('AWS CLI: sign and verify a file, data keys, rotation and the policy lockout check', { skip: noCli }, () => {
  const signing = cliKey('--key-spec', 'RSA_2048', '--key-usage', 'SIGN_VERIFY').KeyId;
  const message = file('release.txt', 'release 2.0\n');
  const signed = awsCli(server.url, ['sign', '--key-id', signing, '--message', `fileb://${message}`, '--signing-algorithm', 'RSASSA_PSS_SHA_256']);
  assert.equal(signed.status, 0, signed.stderr);
  const signature = file('release.sig', signed.json!.Signature as string, 'base64');
  const verified = awsCli(server.url, ['verify', '--key-id', signing, '--message', `fileb://${message}`, '--signature', `fileb://${signature}`, '--signing-algorithm', 'RSASSA_PSS_SHA_256']);
  assert.equal(verified.json!.SignatureValid, true);

  const symmetric = cliKey().KeyId;
  const dataKey = awsCli(server.url, ['generate-data-key', '--key-id', symmetric, '--key-spec', 'AES_256']);
  assert.equal(Buffer.from(dataKey.json!.Plaintext as string, 'base64').length, 32);
  assert.equal(awsCli(server.url, ['enable-key-rotation', '--key-id', symmetric]).status, 0);
  assert.equal(awsCli(server.url, ['get-key-rotation-status', '--key-id', symmetric]).json!.KeyRotationEnabled, true);

  const lockout = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/nobody' }, Action: 'kms:Decrypt', Resource: '*' }] });
  const refused = awsCli(server.url, ['put-key-policy', '--key-id', symmetric, '--policy-name', 'default', '--policy', lockout]);
  assert.match(refused.stderr, /An error occurred \(MalformedPolicyDocumentException\) when calling the PutKeyPolicy operation/);
});

test('boto3: lifecycle, aliases, grants and a typed client error', { skip: noBoto3 }, () => {
  const r = boto3(server.url, `
key = kms.create_key(Description='from boto3', Tags=[{'TagKey': 'team', 'TagValue': 'data'}])['KeyMetadata']
kms.create_alias(AliasName='alias/boto', TargetKeyId=key['KeyId'])
grant = kms.create_grant(KeyId=key['KeyId'], GranteePrincipal='arn:aws:iam::123456789012:role/worker', Operations=['Decrypt'])
grants = kms.list_grants(KeyId=key['KeyId'])['Grants']
try:
    kms.describe_key(KeyId='alias/missing')
    error = None
except kms.exceptions.NotFoundException as e:
    error = e.response['Error']
print(json.dumps({
    'state': key['KeyState'],
    'created': key['CreationDate'].isoformat(),
    'byAlias': kms.describe_key(KeyId='alias/boto')['KeyMetadata']['KeyId'] == key['KeyId'],
    'grantees': [g['GranteePrincipal'] for g in grants],
    'grantId': grant['GrantId'],
    'error': error,
    'keys': len(kms.list_keys()['Keys']),
    'roundTrip': kms.decrypt(CiphertextBlob=kms.encrypt(KeyId='alias/boto', Plaintext=b'hello', EncryptionContext={'k': 'v'})['CiphertextBlob'], EncryptionContext={'k': 'v'})['Plaintext'].decode(),
}))
`);
  assert.equal(r.status, 0, r.stderr);
  const out = r.json as Record<string, unknown>;
  assert.equal(out.state, 'Enabled');
  assert.match(String(out.created), /^\d{4}-\d{2}-\d{2}T/);
  assert.equal(out.byAlias, true);
  assert.deepEqual(out.grantees, ['arn:aws:iam::123456789012:role/worker']);
  assert.match(String(out.grantId), /^[0-9a-f]{64}$/);
  assert.equal((out.error as { Code: string }).Code, 'NotFoundException');
  assert.equal(out.keys, 1);
  assert.equal(out.roundTrip, 'hello');
});

test('boto3: paginators, a typed DisabledException and the moto reset route between runs', { skip: noBoto3 }, () => {
  const r = boto3(server.url, `
import urllib.request
ids = [kms.create_key()['KeyMetadata']['KeyId'] for _ in range(5)]
paged = [k['KeyId'] for page in kms.get_paginator('list_keys').paginate(PaginationConfig={'PageSize': 2}) for k in page['Keys']]
kms.disable_key(KeyId=ids[0])
try:
    kms.encrypt(KeyId=ids[0], Plaintext=b'x')
    disabled = None
except kms.exceptions.DisabledException as e:
    disabled = e.response['Error']['Code']
urllib.request.urlopen(urllib.request.Request(${JSON.stringify(`${server.url}/moto-api/reset`)}, data=b'', method='POST')).read()
print(json.dumps({'paged': sorted(paged) == sorted(ids), 'disabled': disabled, 'after_reset': len(kms.list_keys()['Keys'])}))
`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.json, { paged: true, disabled: 'DisabledException', after_reset: 0 });
});
