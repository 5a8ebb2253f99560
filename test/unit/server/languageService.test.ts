/**
 * The language service called directly, without a connection: documents, settings and the keyring are
 * plain values handed in, and every feature answers synchronously.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, Hover } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from '../../../protocol/settings';
import type { KnownKeysParams } from '../../../protocol/messages';
import { DIAGNOSTIC_SOURCE } from '../../../protocol/diagnostics';
import { KeyIndex } from '../../../server/keyIndex';
import { getLanguageService } from '../../../server/languageService';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const MISSING_ID = '0000abcd-12ab-34cd-56ef-1234567890ab';
const arn = (keyId: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT}:role/App"}, "Action": ["kms:Decrypt", "kms:Decrypy"], "Resource": "*"}
  ]
}`;
const FEED: KnownKeysParams = {
  scopes: [{ connection: 'local', accountId: ACCOUNT, region: 'us-east-1' }],
  keys: [{
    keyId: KEY_ID, arn: arn(KEY_ID), aliases: ['alias/app'], state: 'Disabled', spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT',
    description: 'app data', accountId: ACCOUNT, region: 'us-east-1', connection: 'local',
  }],
};
const settings: ServerSettings = { ...DEFAULT_SERVER_SETTINGS };

function service(feed: KnownKeysParams = FEED) {
  const errors: string[] = [];
  const keyring = new KeyIndex();
  keyring.update(feed);
  return { errors, keyring, ls: getLanguageService({ keyring, onError: (message) => errors.push(message) }) };
}

const doc = (uri: string, languageId: string, text: string) => TextDocument.create(uri, languageId, 1, text);

function at(text: string, needle: string, delta = 0) {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  return TextDocument.create('file:///x', 'plaintext', 1, text).positionAt(offset + delta);
}

const markdown = (hover: Hover | null) => (hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '');
const labels = (items: CompletionItem[]) => items.map((i) => i.label);

test('validates a key policy file: findings with the server source, minus the disabled checks', () => {
  const { ls, errors } = service();
  const policy = doc('file:///work/key.kms-policy.json', 'json', POLICY);
  const diagnostics = ls.doValidation(policy, settings);
  assert.deepEqual(diagnostics.map((d) => d.code), ['unknown-action']);
  assert.equal(diagnostics[0].source, DIAGNOSTIC_SOURCE);
  assert.match(String(diagnostics[0].message), /did you mean "kms:Decrypt"/);
  assert.deepEqual(ls.doValidation(policy, { ...settings, disabledChecks: ['unknown-action'] }), []);
  assert.deepEqual(errors, []);
});

test('checks identifiers against the injected keyring, and only when the settings ask', () => {
  const { ls } = service();
  const text = `key: ${arn(KEY_ID)}\nother: ${arn(MISSING_ID)}\n`;
  const notes = doc('file:///work/notes.txt', 'plaintext', text);
  assert.deepEqual(ls.doValidation(notes, settings).map((d) => d.code).sort(), ['key-disabled', 'unknown-key']);
  assert.deepEqual(ls.doValidation(notes, { ...settings, checkIdentifiers: false }), []);
  assert.deepEqual(ls.doValidation(notes, { ...settings, maxIdentifierScanBytes: text.length - 1 }), []);
  // An empty keyring lists no account completely, so an unknown key is no finding there.
  assert.deepEqual(service({ scopes: [], keys: [] }).ls.doValidation(notes, settings), []);
});

test('completes and hovers inside a policy, and hovers keys from the keyring anywhere', () => {
  const { ls } = service();
  const policy = doc('file:///work/key.kms-policy.json', 'json', POLICY);
  assert.deepEqual(labels(ls.doComplete(policy, at(POLICY, '"Version"', 1), settings)).sort(), ['Id', 'Statement', 'Version']);
  assert.ok(labels(ls.doComplete(policy, at(POLICY, '"kms:Decrypt"', 1), settings)).includes('kms:Encrypt'));
  assert.match(markdown(ls.doHover(policy, at(POLICY, '"kms:Decrypt"', 5), settings)), /\*\*kms:Decrypt\*\*/);

  const text = `uses ${arn(KEY_ID)}`;
  assert.match(markdown(ls.doHover(doc('file:///work/notes.txt', 'plaintext', text), at(text, 'arn:', 4), settings)), /app data/);
  // A plain YAML file is no template: nothing to complete.
  assert.deepEqual(ls.doComplete(doc('file:///work/a.yaml', 'yaml', 'Action: '), { line: 0, character: 8 }, settings), []);
});

test('lists statements as symbols and offers the quick fix of a finding', () => {
  const { ls } = service();
  const broken = POLICY.replace('"Effect"', '"effect"');
  const policy = doc('file:///work/key.kms-policy.json', 'json', broken);
  assert.deepEqual(ls.findDocumentSymbols(policy, settings).map((s) => s.name), ['Root', 'Use']);
  const unknown = ls.doValidation(policy, settings).find((d) => d.code === 'unknown-element');
  assert.ok(unknown);
  const [fix] = ls.doCodeActions(policy, { textDocument: { uri: policy.uri }, range: unknown.range, context: { diagnostics: [unknown] } });
  assert.equal(fix.title, 'Rename to "Effect"');
});

test('a check that throws is reported and the other checks still answer', () => {
  const { ls, errors, keyring } = service();
  keyring.accounts = () => {
    throw new Error('broken keyring');
  };
  const text = `${POLICY}\n`;
  const diagnostics = ls.doValidation(doc('file:///work/key.kms-policy.json', 'json', text), settings);
  assert.deepEqual(diagnostics, []);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^checking file:\/\/\/work\/key\.kms-policy\.json: Error: broken keyring/);
});
