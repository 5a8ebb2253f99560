/**
 * Files under KMS keys: encrypt, decrypt, edit and rotate through the KMS calls SOPS makes (Encrypt
 * and Decrypt with the key ARN and the entry's context), Shamir key groups, and what is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decryptSops, encryptSops, readMetadata, rotateSops } from '../../../src-core/sops/document';
import { SopsError } from '../../../src-core/sops/sops-error';
import { combineShares, splitSecret } from '../../../src-core/sops/shamir';
import { FakeKms, KEY_A, KEY_B } from '../encryption-sdk/fake-kms';

const KEY_C = 'arn:aws:kms:eu-west-1:111122223333:key/33333333-3333-3333-3333-333333333333';
let now = Date.UTC(2026, 4, 1, 12, 0, 0);
const env = (kms: FakeKms) => ({ kms, random: { bytes: (n: number) => new Uint8Array(randomBytes(n)) }, clock: { now: () => (now += 1000) } });

const PLAIN = `# database
db:
    user: admin
    password: hunter2 # rotate monthly
    port: 5432
    ratio: 0.5
    debug: false
    replicas:
        - a.example.com
        - b.example.com
public_unencrypted: hello
`;

test('a YAML file under a KMS key: encrypted values, a sops-style kms entry with its context, and the same plaintext back', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A, context: { app: 'demo' } }]] }, env(kms));
  assert.ok(!encrypted.includes('hunter2') && !encrypted.includes('admin') && !encrypted.includes('database'));
  assert.match(encrypted, /^ {4}port: ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:int\]$/m);
  assert.match(encrypted, /^ {4}ratio: ENC\[.*type:float\]$/m);
  assert.match(encrypted, /^ {4}debug: ENC\[.*type:bool\]$/m);
  assert.match(encrypted, /^public_unencrypted: hello$/m);
  assert.match(encrypted, /^sops:\n {4}kms:\n {8}- arn: arn:aws:kms:us-east-1:111122223333:key\/1{8}-.*\n {10}aws_profile: ""\n {10}context:\n {14}app: demo\n {10}created_at: "2026-05-01T12:00:\d\dZ"\n {10}enc: [A-Za-z0-9+/=]+\n/m);
  const meta = readMetadata(encrypted, 'yaml');
  assert.deepEqual(meta.keyGroups[0].map((k) => k.kind), ['kms']);
  const opened = await decryptSops(encrypted, 'yaml', env(kms));
  assert.equal(opened.plaintext, PLAIN);
  assert.deepEqual(kms.calls, ['Encrypt', 'Decrypt']);
  // A wrong context (as if the file's entry were edited) is refused by KMS and reported.
  await assert.rejects(decryptSops(encrypted.replace('app: demo', 'app: other'), 'yaml', env(kms)), (e: unknown) => e instanceof SopsError && e.reason === 'no-key' && /InvalidCiphertextException/.test(e.message));
});

test('every format round-trips through encrypt and decrypt', async () => {
  const kms = new FakeKms();
  const files: Array<[string, 'json' | 'dotenv' | 'ini' | 'binary']> = [
    ['{\n  "a": "x",\n  "n": 12,\n  "list": [true, 1.5, null]\n}\n', 'json'],
    ['# comment\nA=1\nB=two words\n', 'dotenv'],
    ['; about\n[s]\nk = v\n', 'ini'],
    ['\u0000binary\nbytes\n', 'binary'],
  ];
  for (const [plain, format] of files) {
    const encrypted = await encryptSops(plain, format, { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
    assert.equal((await decryptSops(encrypted, format, env(kms))).plaintext, plain, format);
  }
});

test('saving an edit keeps the ciphertext of every unchanged value', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  const opened = await decryptSops(encrypted, 'yaml', env(kms));
  const saved = opened.encrypt(opened.plaintext.replace('hunter2', 'correct horse'));
  const before = encrypted.split('\n');
  const changed = saved.split('\n').flatMap((line, i) => (line === before[i] ? [] : [line.trim().split(':')[0]]));
  assert.deepEqual(changed, ['password', 'lastmodified', 'mac']);
  assert.match((await decryptSops(saved, 'yaml', env(kms))).plaintext, /password: correct horse # rotate monthly/);
});

test('an editor\'s save of an unchanged plaintext writes nothing and calls no KMS (sops edit: "File has not changed"); each change is written once', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  const opened = await decryptSops(encrypted, 'yaml', env(kms));
  const calls = kms.calls.length;
  assert.equal(opened.save(opened.plaintext), undefined);
  const edited = opened.plaintext.replace('hunter2', 'correct horse');
  const saved = opened.save(edited);
  assert.ok(saved !== undefined);
  assert.match((await decryptSops(saved, 'yaml', env(kms))).plaintext, /password: correct horse/);
  assert.equal(opened.save(edited), undefined, 'saved again without a change');
  // Back to the text first opened: the file on disk holds the edit, so this is a change to write.
  const reverted = opened.save(opened.plaintext);
  assert.ok(reverted !== undefined);
  assert.equal((await decryptSops(reverted, 'yaml', env(kms))).plaintext, PLAIN);
  assert.equal(kms.calls.length, calls + 2, 'only the two checks above called KMS');
});

test('a comment at the end of the file, just before sops:, is kept as sops keeps it (the sops key\'s head comment stays in the tree)', async () => {
  const kms = new FakeKms();
  const plain = 'a: 1\n\n# last words\n';
  const encrypted = await encryptSops(plain, 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  assert.match(encrypted, /^a: ENC\[.*\n\n#ENC\[AES256_GCM,.*type:comment\]\nsops:\n/);
  const opened = await decryptSops(encrypted, 'yaml', env(kms));
  assert.equal(opened.plaintext, plain);
  assert.equal((await decryptSops(opened.encrypt(opened.plaintext), 'yaml', env(kms))).plaintext, plain);
});

test('YAML flow collections: encrypted items are quoted, so the file reads back', async () => {
  const kms = new FakeKms();
  const plain = 'hosts: [a, b]\nlimits: {cpu: 2, mem: 4Gi}\n';
  const encrypted = await encryptSops(plain, 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  assert.match(encrypted, /^hosts: \["ENC\[AES256_GCM,[^"]*type:str\]", "ENC\[[^"]*\]"\]\nlimits: \{cpu: "ENC\[[^"]*type:int\]", mem: "ENC\[[^"]*\]"\}\n/);
  assert.equal((await decryptSops(encrypted, 'yaml', env(kms))).plaintext, plain);
});

test('YAML anchors, aliases and merge keys are read as sops reads them: each alias a copy of its anchor\'s node, << a key of its own', async () => {
  const kms = new FakeKms();
  const plain = `base: &base
  user: admin
  port: 5432
hosts: &hosts [a, b]
name: &name app
prod:
  <<: *base
  port: 6543
label: *name
replicas: *hosts
`;
  // What sops decrypt prints for it: no anchors, every alias expanded, "<<" quoted as yaml.v3 writes it.
  const expected = `base:
    user: admin
    port: 5432
hosts: [ a, b ]
name: app
prod:
    "<<":
        user: admin
        port: 5432
    port: 6543
label: app
replicas: [ a, b ]
`;
  const encrypted = await encryptSops(plain, 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  assert.ok(!/[&*]|admin|5432/.test(encrypted.split('sops:')[0]), 'no anchor, alias or plaintext is left');
  assert.match(encrypted, /^prod:\n {4}"<<":\n {8}user: ENC\[/m);
  assert.equal((await decryptSops(encrypted, 'yaml', env(kms))).plaintext, expected);
  // The copies are values of their own, each under its own path's additional data.
  const ciphertexts = [...encrypted.matchAll(/user: (ENC\[[^\]]*\])/g)].map((m) => m[1]);
  assert.equal(ciphertexts.length, 2);
  assert.notEqual(ciphertexts[0], ciphertexts[1]);
});

test('files of older sops: read as they are; the first save writes the current version, and repairs a pre-3.3.0 KMS context', async () => {
  const kms = new FakeKms();
  // sops before 3.3.0 encrypted the data key under a context whose keys all had one of its values (mozilla/sops#435).
  const buggy = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A, context: { app: 'web', env: 'web' } }]] }, env(kms));
  const old = buggy.replace(/^( {14})env: web$/m, '$1env: prod').replace(/^( {4})version: 3\.13\.2$/m, '$1version: 3.2.0');
  assert.notEqual(old, buggy);
  const opened = await decryptSops(old, 'yaml', env(kms));
  assert.equal(opened.plaintext, PLAIN);
  assert.equal(opened.metadata.version, '3.2.0');
  const saved = opened.encrypt(opened.plaintext);
  assert.match(saved, /^ {4}version: 3\.13\.2$/m);
  const entry = readMetadata(saved, 'yaml').keyGroups[0][0];
  assert.ok(entry.kind === 'kms');
  assert.deepEqual(entry.entry.context, { app: 'web', env: 'prod' });
  // The saved entry opens under its own context, with no retry.
  kms.calls.length = 0;
  assert.equal((await decryptSops(saved, 'yaml', env(kms))).plaintext, PLAIN);
  assert.deepEqual(kms.calls, ['Decrypt']);
  // A file of a fixed version gets no such retry: its context is what it says.
  await assert.rejects(decryptSops(old.replace('version: 3.2.0', 'version: 3.3.0'), 'yaml', env(kms)), (e: unknown) => e instanceof SopsError && e.reason === 'no-key');
  // A newer file keeps its version when saved.
  const newer = await decryptSops(saved.replace('version: 3.13.2', 'version: 3.20.0'), 'yaml', env(kms), { ignoreMac: true });
  assert.match(newer.encrypt(newer.plaintext.replace('5432', '5433')), /^ {4}version: 3\.20\.0$/m);
});

test('rotate gives a new data key: every value and the KMS entry change, the plaintext does not', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A }, { arn: KEY_B }]] }, env(kms));
  const rotated = await rotateSops(encrypted, 'yaml', env(kms));
  const values = (t: string) => t.match(/ENC\[[^\]]*\]/g)!;
  assert.equal(values(rotated).filter((v) => values(encrypted).includes(v)).length, 0);
  assert.equal((await decryptSops(rotated, 'yaml', env(kms))).plaintext, PLAIN);
  assert.deepEqual(readMetadata(rotated, 'yaml').keyGroups[0].map((k) => k.kind === 'kms' && k.entry.arn), [KEY_A, KEY_B]);
});

test('Shamir key groups: the data key comes back from enough groups; otherwise the missing groups are named', async () => {
  const secret = randomBytes(32);
  const shares = splitSecret(secret, 3, 2, { bytes: (n) => new Uint8Array(randomBytes(n)) });
  assert.deepEqual(Buffer.from(combineShares([shares[2], shares[0]])), secret);
  const kms = new FakeKms([KEY_A, KEY_B, KEY_C]);
  const encrypted = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A }], [{ arn: KEY_B }], [{ arn: KEY_C }]], shamirThreshold: 2 }, env(kms));
  assert.match(encrypted, /^ {4}key_groups:\n {8}- age: \[\]\n {10}hc_vault: \[\]\n {10}kms:\n/m);
  assert.match(encrypted, /^ {4}shamir_threshold: 2$/m);
  const onlyB = new FakeKms([]);
  Object.assign(onlyB, { decrypt: (blob: Uint8Array, context: Record<string, string>, keyId?: string) => (keyId === KEY_A ? Promise.reject(new SopsError('no-key', 'denied', { name: 'AccessDeniedException' })) : kms.decrypt(blob, context, keyId)) });
  assert.equal((await decryptSops(encrypted, 'yaml', env(onlyB))).plaintext, PLAIN);
  const onlyC = new FakeKms([]);
  Object.assign(onlyC, { decrypt: (blob: Uint8Array, context: Record<string, string>, keyId?: string) => (keyId === KEY_C ? kms.decrypt(blob, context, keyId) : Promise.reject(new SopsError('no-key', 'denied', { name: 'AccessDeniedException' }))) });
  await assert.rejects(decryptSops(encrypted, 'yaml', env(onlyC)), /needs 2 of 3 key groups and only 1 could be used; missing group 1: kms .*1111.*AccessDeniedException: denied.* \| group 2: kms .*2222/);
});

test('keys of other kinds are kept on save and named when no KMS key can be used', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops('a: b\n', 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  const withAge = encrypted.replace('sops:\n', 'sops:\n    age:\n        - recipient: age1qqqq\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            abc\n            -----END AGE ENCRYPTED FILE-----\n');
  const opened = await decryptSops(withAge, 'yaml', env(kms));
  const saved = opened.encrypt('a: c\n');
  assert.match(saved, /- enc: \|\n {12}-----BEGIN AGE ENCRYPTED FILE-----\n {12}abc\n {12}-----END AGE ENCRYPTED FILE-----\n {10}recipient: age1qqqq\n/);
  await assert.rejects(decryptSops(withAge, 'yaml', env(new FakeKms([]))), /age age1qqqq \(only KMS keys are used here\)/);
  await assert.rejects(rotateSops(withAge, 'yaml', env(kms)), /also has age keys/);
});

test('.sops.yaml creation rules: the first matching path_regex gives the keys and options; other kinds of keys are refused', async () => {
  const { planFromConfig } = await import('../../../src-core/sops/config');
  const config = `creation_rules:
    - path_regex: secrets/.*\\.yaml$
      encrypted_regex: ^(password|token)$
      key_groups:
        - kms:
            - arn: ${KEY_A}
              context: { app: demo }
            - ${KEY_B}
    - path_regex: \\.env$
      kms: "${KEY_A}, ${KEY_B}+arn:aws:iam::111122223333:role/ops"
      aws_profile: dev
    - path_regex: pgp/
      pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4
`;
  assert.deepEqual(planFromConfig(config, 'secrets/db.yaml'), {
    keyGroups: [[{ arn: KEY_A, context: { app: 'demo' } }, { arn: KEY_B }]],
    rules: { encryptedRegex: '^(password|token)$' },
  });
  assert.deepEqual(planFromConfig(config, 'app/.env')?.keyGroups, [[{ arn: KEY_A, awsProfile: 'dev' }, { arn: KEY_B, role: 'arn:aws:iam::111122223333:role/ops', awsProfile: 'dev' }]]);
  assert.equal(planFromConfig(config, 'other.json'), undefined);
  assert.throws(() => planFromConfig(config, 'pgp/x.yaml'), /uses pgp keys; only KMS keys can be written here/);
  // The vector .sops.yaml of sops's functional tests (PGP only) is read and refused the same way.
  const { vector } = await import('./vectors');
  assert.throws(() => planFromConfig(vector('functional-tests_.sops.yaml'), 'test_roundtrip_keygroups.yaml'), /key group 1 of the creation rule uses pgp keys/);
  assert.deepEqual(planFromConfig(vector('functional-tests_.sops.yaml'), 'test_no_keygroups.yaml'), { keyGroups: [], rules: {} });
});

/** The metadata of a file as sops 3.0–3.6 wrote it: two-space indent, the top-level `kms` list, empty lists of other kinds, no aws_profile. */
function oldLayout(encrypted: string, version: string | undefined): string {
  const meta = readMetadata(encrypted, 'yaml');
  const entry = meta.keyGroups[0][0];
  assert.ok(entry.kind === 'kms');
  const lines = [
    'sops:',
    '  kms:',
    `  - arn: ${entry.entry.arn}`,
    `    created_at: '${entry.entry.created_at}'`,
    `    enc: ${entry.entry.enc}`,
    '  gcp_kms: []',
    '  azure_kv: []',
    `  lastmodified: '${meta.lastModified}'`,
    `  mac: ${meta.mac}`,
    '  pgp: []',
    '  unencrypted_suffix: _unencrypted',
    ...(version ? [`  version: ${version}`] : []),
  ];
  return `${encrypted.slice(0, encrypted.indexOf('sops:\n'))}${lines.join('\n')}\n`;
}

test('older metadata layouts read as sops reads them; a changed save writes the current layout and version, an unversioned file is not saved', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  const old = oldLayout(encrypted, '3.0.0');
  const opened = await decryptSops(old, 'yaml', env(kms));
  assert.equal(opened.plaintext, PLAIN);
  assert.equal(opened.metadata.version, '3.0.0');
  assert.deepEqual(opened.metadata.keyGroups[0].map((k) => k.kind), ['kms']);
  // Unchanged, the version stays; changed, the save is a current sops file (edit.go), and it reads back.
  assert.match(opened.encrypt(opened.plaintext), /^ {4}version: 3\.0\.0$/m);
  const saved = opened.encrypt(opened.plaintext.replace('hunter2', 'swordfish'));
  const sops = saved.slice(saved.indexOf('sops:\n'));
  assert.match(sops, /^sops:\n {4}kms:\n {8}- arn: \S+\n {10}aws_profile: ""\n {10}created_at: "[^"]+"\n {10}enc: \S+\n {4}lastmodified: "[^"]+"\n {4}mac: ENC\[[^\]]+\]\n {4}unencrypted_suffix: _unencrypted\n {4}version: 3\.13\.2\n$/);
  assert.match((await decryptSops(saved, 'yaml', env(kms))).plaintext, /password: swordfish # rotate monthly/);
  // sops 1.x versions are not semver, and older than any: saved as the current version.
  const v1 = await decryptSops(oldLayout(encrypted, '1.14'), 'yaml', env(kms));
  assert.match(v1.encrypt(v1.plaintext.replace('5432', '5433')), /^ {4}version: 3\.13\.2$/m);
  // No version at all: readable, but sops cannot compare it to its own, so it refuses the save, and so do we.
  const unversioned = await decryptSops(oldLayout(encrypted, undefined), 'yaml', env(kms));
  assert.equal(unversioned.plaintext, PLAIN);
  assert.throws(() => unversioned.encrypt(PLAIN.replace('5432', '5433')), (e: unknown) => e instanceof SopsError && e.reason === 'malformed' && /version "" is not a version/.test(e.message));
});

test('an unchanged value is written back as read only when that is the form sops writes; other forms are written canonically', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  const data = /port: ENC\[AES256_GCM,data:([^,]+),/.exec(encrypted)![1];
  assert.match(data, /^[A-Za-z0-9+/]{6}==$/);
  // The last character before the padding carries 4 unused bits: flipping one decodes to the same bytes.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const loose = data.slice(0, 5) + alphabet[alphabet.indexOf(data[5]) ^ 1] + '==';
  assert.deepEqual(Buffer.from(loose, 'base64'), Buffer.from(data, 'base64'));
  const opened = await decryptSops(encrypted.replace(`data:${data},`, `data:${loose},`), 'yaml', env(kms));
  const saved = opened.encrypt(opened.plaintext.replace('hunter2', 'swordfish'));
  assert.ok(saved.includes(`port: ENC[AES256_GCM,data:${data},`));
  assert.ok(!saved.includes(loose));
});
