/** The key detail view's text, through a real SDK client on a local KMS whose audit log shows every call made. */
import { after, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand } from '@aws-sdk/client-kms';
import { keyDetailsMarkdown } from '../../../client/keyDetailsText';
import { openLocalKms } from '../../../src-node/host';
import { createLocalKmsClient } from '../../../src-node/local-client';
import { AuditLogSource } from '../../../client/audit/source';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A keyring in a folder, so its audit log records every call. */
async function localKms() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kmsw-details-'));
  dirs.push(dataDir);
  const kms = await openLocalKms({ dataDir, rootKey: randomBytes(32) });
  return { client: createLocalKmsClient(kms), events: async () => (await new AuditLogSource(dataDir).load()).events };
}

describe('key details', () => {
  it('an RSA key: readable rows titled with its alias, and no rotation call (which would fail and be audited)', async () => {
    const { client, events } = await localKms();
    const key = (await client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Description: 'release signing' }))).KeyMetadata!;
    await client.send(new CreateAliasCommand({ AliasName: 'alias/signer', TargetKeyId: key.KeyId }));
    const before = (await events()).length;
    const text = await keyDetailsMarkdown(client, key.KeyId!);
    assert.match(text, /^# alias\/signer\n/);
    assert.match(text, /\| Usage \| SIGN_VERIFY \|/);
    assert.match(text, /\| Automatic rotation \| not available for this kind of key/);
    assert.doesNotMatch(text, /UnsupportedOperationException|unavailable/);
    const calls = (await events()).slice(before);
    assert.ok(calls.some((e) => e.eventName === 'DescribeKey'));
    assert.deepEqual(calls.map((e) => e.eventName).filter((n) => /Rotation/.test(n)), []);
    assert.deepEqual(calls.filter((e) => e.errorCode).map((e) => e.eventName), []);
  });

  it('a symmetric key with rotation on: its period and next date', async () => {
    const { client } = await localKms();
    const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
    await client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    assert.match(await keyDetailsMarkdown(client, key.KeyId!), /\| Automatic rotation \| every 90 days, next on \d{4}-\d{2}-\d{2} \|/);
  });
});
