/**
 * The audit panel's cost inputs end to end: SDK calls on a file-backed local keyring, its audit log
 * read back through the panel's source, the keys learned through the SDK, then estimateCost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, EncryptCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { listCostKeys, withDeletionWindows } from '../../../client/audit/costKeys';
import { AuditLogSource } from '../../../client/audit/source';
import { estimateCost } from '../../../src-core/audit/cost';
import { openLocalKms } from '../../../src-node/host';
import { createLocalKmsClient } from '../../../src-node/local-client';

const DAY_MS = 86_400_000;

test('keys with creation, rotations, scheduled deletion and alias; the log supplies the waiting period', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kmsw-cost-'));
  const kms = await openLocalKms({ dataDir, rootKey: randomBytes(32) });
  const client = createLocalKmsClient(kms);
  const app = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
  await client.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: app.KeyId }));
  await client.send(new RotateKeyOnDemandCommand({ KeyId: app.KeyId }));
  await client.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('x') }));
  const old = (await client.send(new CreateKeyCommand({ KeySpec: 'RSA_3072', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
  const scheduled = await client.send(new ScheduleKeyDeletionCommand({ KeyId: old.KeyId, PendingWindowInDays: 7 }));

  const { keys, labels } = await listCostKeys(client);
  const { events } = await new AuditLogSource(dataDir).load();

  assert.deepEqual([...labels], [[app.Arn, 'alias/app']]);
  const byArn = new Map(keys.map((k) => [k.arn, k]));
  const appKey = byArn.get(app.Arn!)!;
  assert.equal(appKey.createdAt, app.CreationDate!.getTime());
  assert.equal(appKey.manager, 'CUSTOMER');
  assert.equal(appKey.materials.length, 2, 'the original material and one rotation');
  const oldKey = byArn.get(old.Arn!)!;
  assert.equal(oldKey.state, 'PendingDeletion');
  assert.equal(oldKey.spec, 'RSA_3072');
  assert.equal(oldKey.deletionDate, scheduled.DeletionDate!.getTime());
  assert.equal(oldKey.pendingWindowDays, undefined, 'DescribeKey does not tell the waiting period');

  const withWindows = withDeletionWindows(keys, events);
  assert.equal(withWindows.find((k) => k.arn === old.Arn)!.pendingWindowDays, 7);
  assert.equal(withWindows.find((k) => k.arn === app.Arn)!.pendingWindowDays, undefined);

  // A month on: the rotated key bills its material and one rotation; the scheduled key stopped at scheduling.
  const estimate = estimateCost(events, withWindows, Date.now() + 30 * DAY_MS);
  const appCost = estimate.byKey.find((k) => k.arn === app.Arn)!;
  const oldCost = estimate.byKey.find((k) => k.arn === old.Arn)!;
  assert.ok(appCost.keyStorage > 1.5 && appCost.keyStorage < 2.5, `storage ${appCost.keyStorage}`);
  assert.ok(appCost.requestCount >= 2, 'the Encrypt and the rotation were billed to the key');
  assert.ok(oldCost.keyStorage < 0.01, `a key scheduled for deletion costs nothing from then on: ${oldCost.keyStorage}`);
  await kms.close();
});
