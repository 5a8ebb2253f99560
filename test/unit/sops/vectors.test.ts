/**
 * The files written by the real sops (../shared/sops-vectors): every value, comment and MAC reads
 * with the data key from their PGP entries; writing an unchanged tree back reproduces sops's bytes;
 * a change touches only its own line; any tampering is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decryptWithDataKey, readMetadata } from '../../../src-core/sops/document';
import { SopsError } from '../../../src-core/sops/sops-error';
import type { SopsFormat } from '../../../src-core/sops/store';
import { dataKeyOf, vector } from './vectors';

const random = { bytes: (n: number) => new Uint8Array(n).fill(7) };

function envAt(text: string, format: SopsFormat) {
  return { random, clock: { now: () => Date.parse(readMetadata(text, format).lastModified) } };
}

async function open(name: string, format: SopsFormat, text = vector(name)) {
  return decryptWithDataKey(text, format, await dataKeyOf(vector(name), format), envAt(vector(name), format), { ignoreMac: name.includes('no_mac') });
}

const ALL: Array<[string, SopsFormat]> = [
  ['example.yaml', 'yaml'],
  ['example.json', 'json'],
  ['example.ini', 'ini'],
  ['example.txt', 'binary'],
  ['functional-tests_res_comments.enc.yaml', 'yaml'],
  ['functional-tests_res_format.enc.yaml', 'yaml'],
  ['functional-tests_res_format.enc.json', 'json'],
  ['functional-tests_res_format.enc.env', 'dotenv'],
  ['functional-tests_res_format.enc.ini', 'ini'],
  ['functional-tests_res_format-2.enc.ini', 'ini'],
  ['functional-tests_res_multiple_keys.yaml', 'yaml'],
  ['functional-tests_res_no_mac.yaml', 'yaml'],
];

test('every vector decrypts to its documented plaintext', async () => {
  assert.equal((await open('functional-tests_res_comments.enc.yaml', 'yaml')).plaintext, `${vector('functional-tests_res_comments.yaml')}\n`);
  assert.equal((await open('functional-tests_res_format.enc.yaml', 'yaml')).plaintext, 'foo: bar\n');
  assert.equal((await open('functional-tests_res_format.enc.json', 'json')).plaintext, '{\n\t"foo": "bar"\n}\n');
  assert.equal((await open('functional-tests_res_format.enc.env', 'dotenv')).plaintext, 'foo = bar\n');
  assert.equal((await open('functional-tests_res_format.enc.ini', 'ini')).plaintext, '[foo]\nbar = baz\n');
  assert.equal((await open('functional-tests_res_format-2.enc.ini', 'ini')).plaintext, '[foo]\nbar = baz\n');
  assert.equal((await open('functional-tests_res_multiple_keys.yaml', 'yaml')).plaintext, 'message: hello\n');
  assert.equal((await open('functional-tests_res_no_mac.yaml', 'yaml')).plaintext, 'myapp1: t00m4nys3cr3tzupdated\n');
  assert.match((await open('example.txt', 'binary')).plaintext, /^Welcome to SOPS!\n\nSOPS is a manager of encrypted files/);
  const json = JSON.parse((await open('example.json', 'json')).plaintext);
  assert.deepEqual([json.firstName, json.age, json.address.postalCode, json.phoneNumbers[1].number, json.anEmptyValue], ['John', 25.4, '10021-3100', '646 555-4567', '']);
  const yaml = (await open('example.yaml', 'yaml')).plaintext;
  for (const line of ['myapp1: t00m4nys3cr3tzupdated', '        user: eve', '        # private key for secret operations in app2', 'number: 1234568000.0', '    - true', '                value: with something secret in it', '    - remain in clear text']) {
    assert.ok(yaml.includes(`${line}\n`), line);
  }
  const ini = (await open('example.ini', 'ini')).plaintext;
  for (const line of ['; An example file for use with sops!', 'lastName  = Smith', 'streetAddress = 21 2nd Street', 'notsecret_unencrypted = hi there!']) assert.ok(ini.includes(line), line);
});

test('writing an unchanged tree back with the same data key reproduces every ciphertext, and sops 3.13 files byte for byte', async () => {
  const enc = /ENC\[AES256_GCM,[^\]]*\]/g;
  for (const [name, format] of ALL) {
    const opened = await open(name, format);
    const again = opened.encrypt(opened.plaintext);
    const data = (text: string) => text.split(/^sops:|"sops": \{|^\[sops\]|^sops_/m)[0].match(enc);
    assert.deepEqual(data(again), data(vector(name)), name);
    // The result reads back with its MAC.
    const reread = decryptWithDataKey(again, format, await dataKeyOf(vector(name), format), envAt(vector(name), format));
    assert.equal(reread.plaintext, opened.plaintext, name);
  }
  for (const [name, format] of ALL.filter(([n]) => n.startsWith('functional-tests_res_format.'))) {
    const opened = await open(name, format);
    assert.equal(opened.encrypt(opened.plaintext), vector(name), name);
  }
});

test('a changed value alters only its own line (and lastmodified and the MAC; and the version, as sops edit.go writes it over an older one)', async () => {
  const cases: Array<[string, SopsFormat, string, string]> = [
    ['example.yaml', 'yaml', '        user: eve', '        user: mallory'],
    ['example.json', 'json', '"city": "New York"', '"city": "Boston"'],
    ['example.ini', 'ini', 'state         = NY', 'state         = MA'],
    ['functional-tests_res_format.enc.env', 'dotenv', 'foo = bar', 'foo = baz'],
  ];
  for (const [name, format, from, to] of cases) {
    const opened = await open(name, format);
    const unchanged = opened.encrypt(opened.plaintext).split('\n');
    const changed = opened.encrypt(opened.plaintext.replace(from, to)).split('\n');
    assert.equal(changed.length, unchanged.length, name);
    const differing = changed.flatMap((line, i) => (line === unchanged[i] ? [] : [line.trim().split(/[:= ]/)[0]]));
    // Every one of these files was written by a sops older than 3.13.2.
    assert.equal(differing.length, 3, `${name}: ${differing.join(', ')}`);
    assert.match(differing[0], /user|"city"|state|foo/);
    assert.match(differing[1], /mac|"mac"|sops_mac/);
    assert.match(differing[2], /version|"version"|sops_version/);
    assert.match(changed.find((line) => /version/.test(line) && !unchanged.includes(line))!, /3\.13\.2/, name);
  }
  // A file of the current version keeps it: only the value and the MAC change.
  const current = await open('functional-tests_res_format.enc.ini', 'ini');
  const before = current.encrypt(current.plaintext).split('\n');
  const after = current.encrypt(current.plaintext.replace('bar = baz', 'bar = qux')).split('\n');
  assert.deepEqual(after.flatMap((line, i) => (line === before[i] ? [] : [line.split(/[ =]/)[0]])), ['bar', 'mac']);
});

function refuses(text: string, format: SopsFormat, key: Uint8Array, what: RegExp): void {
  assert.throws(
    () => decryptWithDataKey(text, format, key, { random, clock: { now: () => 0 } }),
    (e: unknown) => e instanceof SopsError && e.reason === 'tampered' && what.test(e.message),
  );
}

test('tampering with a value, a comment, an IV, a tag, the MAC or lastmodified is refused', async () => {
  const name = 'functional-tests_res_comments.enc.yaml';
  const text = vector(name);
  const key = await dataKeyOf(text, 'yaml');
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  refuses(text.replace('data:PhmSdTs=', 'data:QhmSdTs='), 'yaml', key, /value at "lorem"/);
  refuses(text.replace('data:IYA+b4OR', 'data:JYA+b4OR'), 'yaml', key, /comment at the top level/);
  refuses(text.replace('iv:J5ugEWq6', 'iv:K5ugEWq6'), 'yaml', key, /value at "lorem"/);
  refuses(text.replace('tag:0Qrom6J6', 'tag:1Qrom6J6'), 'yaml', key, /value at "lorem"/);
  refuses(flip(text, text.indexOf('mac: ENC[AES256_GCM,data:') + 30), 'yaml', key, /the MAC/);
  refuses(text.replace("lastmodified: '2020-10-07T15:49:13Z'", "lastmodified: '2020-10-07T15:49:14Z'"), 'yaml', key, /the MAC/);
  // Values swapped between keys no longer authenticate (the path is the additional data).
  const lorem = /lorem: (ENC\[[^\]]*\])/.exec(text)![1];
  const dolor = /dolor: (ENC\[[^\]]*\])/.exec(text)![1];
  refuses(text.replace(lorem, '\u0000').replace(dolor, lorem).replace('\u0000', dolor), 'yaml', key, /value at "lorem"/);
  // A value removed: every remaining value authenticates, the MAC does not.
  refuses(text.replace(/^dolor: .*\n/m, ''), 'yaml', key, /MAC mismatch/);
  refuses(vector('functional-tests_res_no_mac.yaml'), 'yaml', await dataKeyOf(vector('functional-tests_res_no_mac.yaml'), 'yaml'), /no MAC/);
  const env = vector('functional-tests_res_format.enc.env');
  refuses(env.replace('data:XBV7lQ==', 'data:YBV7lQ=='), 'dotenv', await dataKeyOf(env, 'dotenv'), /value at "foo "/);
});
