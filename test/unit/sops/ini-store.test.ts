/**
 * INI comments and multi-line values as sops reads them through go-ini (stores/ini/store.go,
 * go-ini parser.go readValue/readMultilines/readContinuationLines, file.go writeToBuffer): the comment
 * lines before a key or section and its inline comment are one comment, written above it; `"""`,
 * backquoted and `\`-continued values span lines; surrounding quotes are not part of a value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decryptSops, encryptSops } from '../../../src-core/sops/document';
import { parseIniStore } from '../../../src-core/sops/ini-store';
import type { CommentLeaf, MapEntry, MapNode } from '../../../src-core/sops/tree';
import { FakeKms, KEY_A } from '../encryption-sdk/fake-kms';

const env = (kms: FakeKms) => ({ kms, random: { bytes: (n: number) => new Uint8Array(randomBytes(n)) }, clock: { now: () => Date.UTC(2026, 4, 1) } });

const PLAIN = `; file header
# second line
[db]
; about user
user = admin ; inline
password = hunter2 # only inline

[more] ; section inline
multi = """line one
line two"""
tick = \`a;b\`
cont = first \\
  second
quoted = 'a b'
; the end
`;

/** Each section's items as the tree gives them: key=value, or #comment. */
function shape(text: string): string[][] {
  const sections = (parseIniStore(text).branches[0].items as MapEntry[]).map((s) => s.value as MapNode);
  return sections.map((s) => s.items.map((item) => (item.kind === 'comment' ? `#${(item as CommentLeaf).text}` : `${item.key}=${item.value.kind === 'scalar' ? item.value.value?.text : '?'}`)));
}

test('the tree sops builds from an INI file: one comment per key or section, after the key; multi-line and quoted values', () => {
  assert.deepEqual(shape(PLAIN), [
    ['#file header\n# second line', 'user=admin', '#about user\n; inline', 'password=hunter2', '#only inline'],
    ['#section inline', 'multi=line one\nline two', 'tick=a;b', 'cont=first second', 'quoted=a b', '#the end'],
  ]);
});

test('an INI file with comments and multi-line values: encrypted line by line, decrypted as sops writes it', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops(PLAIN, 'ini', { keyGroups: [[{ arn: KEY_A }]] }, env(kms));
  for (const secret of ['file header', 'second line', 'about user', 'inline', 'admin', 'hunter2', 'line one', 'line two', 'a;b', 'first', 'the end']) assert.ok(!encrypted.includes(secret), secret);
  const data = encrypted.slice(0, encrypted.indexOf('[sops]'));
  assert.match(data, /^; ENC\[[^\]]+type:comment\]\n\[db\]\n; ENC\[[^\]]+\]\nuser = ENC\[[^\]]+\]\n; ENC\[[^\]]+\]\npassword = ENC\[[^\]]+\]\n\n; ENC\[[^\]]+\]\n\[more\]\nmulti = ENC\[[^\]]+\]\ntick = ENC\[[^\]]+\]\ncont = ENC\[[^\]]+\]\nquoted = ENC\[[^\]]+\]\n; ENC\[[^\]]+\]\n\n$/);
  const opened = await decryptSops(encrypted, 'ini', env(kms));
  assert.equal(
    opened.plaintext,
    `; file header
# second line
[db]
; about user
; inline
user = admin
; only inline
password = hunter2

; section inline
[more]
multi = """line one
line two"""
tick = \`a;b\`
cont = first second
quoted = a b
; the end
`,
  );
  // What sops writes reads back to the same tree, and saves with every ciphertext kept.
  assert.deepEqual(shape(opened.plaintext), shape(PLAIN));
  const enc = (text: string) => text.slice(0, text.indexOf('[sops]')).match(/ENC\[[^\]]+\]/g);
  assert.deepEqual(enc(opened.encrypt(opened.plaintext)), enc(encrypted));
});

test('a value with edge spaces or a quote is written quoted, as go-ini writes it, and reads back the same', async () => {
  const kms = new FakeKms();
  const encrypted = await encryptSops('[s]\na = x\n', 'ini', { keyGroups: [[{ arn: KEY_A }]], rules: { unencryptedRegex: '^a$' } }, env(kms));
  const opened = await decryptSops(encrypted, 'ini', env(kms));
  for (const [value, written] of [[' padded ', '" padded "'], ['has `tick`', '"""has `tick`"""'], ['semi;colon', '`semi;colon`']]) {
    const saved = opened.encrypt(`[s]\na = ${written}\n`);
    assert.ok(saved.includes(`a = ${written}\n`), written);
    assert.equal(shape(saved)[0][0], `a=${value}`);
  }
});
