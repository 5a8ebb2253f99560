import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspTestClient, hoverText, messageOf, positionOf } from './client';
import type { KeyringKey, KnownKeysParams } from '../../protocol/messages';

const ACCOUNT = '111122223333';
const ENABLED_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const DELETING_ID = '0987dcba-09fe-87dc-65ba-ab0987654321';
const MISSING_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function key(keyId: string, extra: Partial<KeyringKey> = {}): KeyringKey {
  return {
    keyId,
    arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`,
    aliases: [],
    state: 'Enabled',
    spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT',
    description: '',
    accountId: ACCOUNT,
    region: 'us-east-1',
    connection: 'local',
    ...extra,
  };
}

const KEYRING: KnownKeysParams = {
  scopes: [{ connection: 'local', accountId: ACCOUNT, region: 'us-east-1' }],
  keys: [
    key(ENABLED_ID, { aliases: ['alias/app'], description: 'app data key' }),
    key(DELETING_ID, { state: 'PendingDeletion', deletionDate: '2026-12-01T00:00:00.000Z', aliases: ['alias/old'] }),
  ],
};

const CONFIG = `# deploy settings
kms_key_arn = "arn:aws:kms:us-east-1:${ACCOUNT}:key/${ENABLED_ID}"
old_key = "arn:aws:kms:us-east-1:${ACCOUNT}:key/${DELETING_ID}"
missing = "arn:aws:kms:us-east-1:${ACCOUNT}:key/${MISSING_ID}"
elsewhere = "arn:aws:kms:eu-west-1:444455556666:key/${MISSING_ID}"
china = "arn:aws:kms:cn-north-1:${ACCOUNT}:key/${ENABLED_ID}"
broken = "arn:aws:kms:us-east-1:1234:key/${ENABLED_ID}"
pattern = "arn:aws:kms:*:${ACCOUNT}:key/*"
alias = "alias/old"
`;

function codes(diagnostics: { code?: string | number; range: { start: { line: number } } }[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${d.code}`).sort();
}

describe('identifier checks over LSP', () => {
  let client: LspTestClient;
  const uri = 'file:///work/deploy.tfvars';

  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client.stop());

  it('reports shape problems in any file type before the keyring is known', async () => {
    const diagnostics = await client.open(uri, 'plaintext', CONFIG);
    assert.deepEqual(codes(diagnostics), ['5:wrong-partition', '6:malformed-key-arn']);
    const partition = diagnostics.find((d) => d.code === 'wrong-partition')!;
    assert.equal(partition.source, 'kms-workbench');
    assert.deepEqual(partition.range.start, positionOf(CONFIG, 'arn:aws:kms:cn-north-1'));
    assert.match(messageOf(partition), /aws-cn/);
  });

  it('offers to correct the partition', async () => {
    const diagnostics = await client.open('file:///work/partition.txt', 'plaintext', CONFIG);
    const partition = diagnostics.find((d) => d.code === 'wrong-partition')!;
    const [action] = await client.codeActions('file:///work/partition.txt', partition.range, [partition]);
    assert.equal(action.title, 'Use partition "aws-cn"');
    const start = positionOf(CONFIG, 'aws:kms:cn-north-1');
    assert.deepEqual(action.edit?.changes?.['file:///work/partition.txt'], [{ range: { start, end: { line: start.line, character: start.character + 3 } }, newText: 'aws-cn' }]);
    await client.close('file:///work/partition.txt');
  });

  it('does not scan files beyond the configured size', async () => {
    const quiet = client.nextDiagnostics(uri);
    await client.changeSettings({ maxIdentifierScanBytes: CONFIG.length - 1 });
    assert.deepEqual((await quiet).diagnostics, []);
    assert.deepEqual(await client.open('file:///work/big.txt', 'plaintext', CONFIG), []);
    await client.close('file:///work/big.txt');
    const republished = client.nextDiagnostics(uri);
    await client.changeSettings({});
    assert.ok((await republished).diagnostics.length > 0);
  });

  it('re-checks open files when the keyring feed arrives: unknown keys in covered scopes, keys pending deletion', async () => {
    const published = client.nextDiagnostics(uri);
    await client.sendKeyring(KEYRING);
    const { diagnostics } = await published;
    assert.deepEqual(codes(diagnostics), ['2:key-pending-deletion', '3:unknown-key', '5:wrong-partition', '6:malformed-key-arn', '8:key-pending-deletion']);
    const deleting = diagnostics.find((d) => d.code === 'key-pending-deletion')!;
    assert.match(messageOf(deleting), /2026-12-01/);
    // eu-west-1 of another account is not covered by the feed, so its unknown key is not reported.
    assert.ok(!diagnostics.some((d) => d.range.start.line === 4));
  });

  it('follows a later feed: a key that was re-enabled is no longer reported', async () => {
    const published = client.nextDiagnostics(uri);
    await client.sendKeyring({ ...KEYRING, keys: [KEYRING.keys[0], { ...KEYRING.keys[1], state: 'Disabled', deletionDate: undefined }] });
    const { diagnostics } = await published;
    assert.deepEqual(codes(diagnostics), ['2:key-disabled', '3:unknown-key', '5:wrong-partition', '6:malformed-key-arn', '8:key-disabled']);
  });

  it('ignores malformed entries in a keyring feed', async () => {
    const published = client.nextDiagnostics(uri);
    const feed = { scopes: [...KEYRING.scopes, { accountId: 42 }], keys: [{ state: 'Enabled' }, { ...KEYRING.keys[1], aliases: undefined }, ...KEYRING.keys] };
    await client.sendKeyring(feed as unknown as KnownKeysParams);
    assert.ok((await published).diagnostics.some((d) => d.code === 'key-pending-deletion'));
  });

  it('hovers a key ARN with the key metadata from the keyring', async () => {
    const hover = await client.hover(uri, positionOf(CONFIG, ENABLED_ID, 3));
    assert.match(hoverText(hover), /app data key/);
    assert.match(hoverText(hover), /alias\/app/);
    assert.match(hoverText(hover), /Enabled/);
    assert.deepEqual(hover?.range?.start, positionOf(CONFIG, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${ENABLED_ID}`));
  });

  it('has no hover for an identifier the keyring does not know', async () => {
    assert.equal(await client.hover(uri, positionOf(CONFIG, 'eu-west-1')), null);
  });

  it('a key the client could not describe is known (not "unknown-key") and its hover says why', async () => {
    const published = client.nextDiagnostics(uri);
    const unreadable = key(MISSING_ID, { state: 'Unknown', spec: '', usage: '', unreadable: 'AccessDeniedException: the key policy denies kms:DescribeKey' });
    await client.sendKeyring({ ...KEYRING, keys: [...KEYRING.keys, unreadable] });
    assert.ok(!(await published).diagnostics.some((d) => d.range.start.line === 3), 'no finding on the unreadable key\'s line');
    assert.match(hoverText(await client.hover(uri, positionOf(CONFIG, MISSING_ID, 3))), /not readable: AccessDeniedException: the key policy denies kms:DescribeKey/);
    const restored = client.nextDiagnostics(uri);
    await client.sendKeyring(KEYRING);
    await restored;
  });

  it('checks the changed text after an incremental edit', async () => {
    const start = positionOf(CONFIG, 'cn-north-1');
    const { diagnostics, version } = await client.change(uri, [{ range: { start, end: { line: start.line, character: start.character + 'cn-north-1'.length } }, text: 'us-east-1' }]);
    assert.equal(version, 2);
    assert.ok(!diagnostics.some((d) => d.code === 'wrong-partition'));
  });

  it('stops checking identifiers when the setting is off, and clears diagnostics on close', async () => {
    const published = client.nextDiagnostics(uri);
    await client.changeSettings({ checkIdentifiers: false });
    assert.deepEqual((await published).diagnostics, []);
    const republished = client.nextDiagnostics(uri);
    await client.changeSettings({});
    assert.ok((await republished).diagnostics.length > 0);
    assert.deepEqual((await client.close(uri)).diagnostics, []);
  });
});
