/** The tree's key list through real SDK clients on an in-memory local KMS: partial failure and filters set mid-load. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { KeyList } from '../../../client/tree/keyList';
import { openLocalKms } from '../../../src-node/host';
import { createLocalKmsClient } from '../../../src-node/local-client';

const ACCOUNT = '111122223333';

async function localClient(): Promise<KMSClient> {
  return createLocalKmsClient(await openLocalKms({ inMemory: true, region: 'eu-west-1', accountId: ACCOUNT }));
}

/** A key whose policy lets only another account in: DescribeKey by this account's root is denied, as on AWS. */
const LOCKED_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:*', Resource: '*' }],
});

describe('KeyList', () => {
  it('keeps a key DescribeKey refuses, with its ID, ARN and the reason, and lists the rest', async () => {
    const client = await localClient();
    const readable = (await client.send(new CreateKeyCommand({ Description: 'readable' }))).KeyMetadata!;
    const locked = (await client.send(new CreateKeyCommand({ Policy: LOCKED_POLICY, BypassPolicyLockoutSafetyCheck: true }))).KeyMetadata!;
    const also = (await client.send(new CreateKeyCommand({ Description: 'also readable' }))).KeyMetadata!;

    const list = new KeyList();
    await list.loadMore(client, 100, '');

    assert.deepEqual(list.entries.map((e) => e.metadata.KeyId).sort(), [readable.KeyId, locked.KeyId, also.KeyId].sort());
    const bad = list.entries.find((e) => e.metadata.KeyId === locked.KeyId)!;
    assert.deepEqual(bad.metadata, { KeyId: locked.KeyId, Arn: locked.Arn });
    assert.match(bad.unreadable ?? '', /^AccessDeniedException: .*kms:DescribeKey/);
    assert.equal(list.entries.find((e) => e.metadata.KeyId === readable.KeyId)?.metadata.Description, 'readable');
    assert.equal(list.entries.find((e) => e.metadata.KeyId === also.KeyId)?.unreadable, undefined);
  });

  it('applies a filter set while a page is loading, once that page is in', async () => {
    const client = await localClient();
    for (let i = 0; i < 4; i++) await client.send(new CreateKeyCommand({ Description: `hay ${i}` }));
    const needle = (await client.send(new CreateKeyCommand({ Description: 'needle' }))).KeyMetadata!;

    const list = new KeyList();
    const first = list.loadMore(client, 1, '');
    const filtered = list.loadMore(client, 1, 'needle');
    await Promise.all([first, filtered]);

    assert.ok(list.entries.some((e) => e.metadata.KeyId === needle.KeyId), `loaded: ${list.entries.map((e) => e.metadata.Description).join(', ')}`);
  });
});
