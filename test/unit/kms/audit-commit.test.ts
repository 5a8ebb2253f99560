/**
 * A committed change and its audit event are one: the event is committed with the change (the
 * keyring's audit outbox) and delivered to the log afterwards, idempotently. A failing audit log
 * never turns a committed change into a reported failure, and nothing is lost or doubled once the
 * log works again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../../../src-core/audit/event';
import type { AuditSink } from '../../../src-core/ports';
import { createTestKms } from './harness';

/** An audit log that fails while `broken` is set (a full disk, a lock timeout) and otherwise keeps events by ID. */
function flakySink() {
  const log: CloudTrailEvent[] = [];
  const sink = {
    broken: true,
    log,
    async append(event: CloudTrailEvent) {
      if (sink.broken) throw new Error('ENOSPC: no space left on device');
      log.push(event);
    },
    async appendMissing(events: CloudTrailEvent[]) {
      if (sink.broken) throw new Error('ENOSPC: no space left on device');
      for (const e of events) if (!log.some((known) => known.eventID === e.eventID)) log.push(e);
    },
  } satisfies AuditSink & Record<string, unknown>;
  return sink;
}

test('a committed change is reported as done even when its audit append fails, and is audited once the log works again', async () => {
  const sink = flakySink();
  const kms = createTestKms({ audit: sink });
  const created = await kms.call('CreateKey', { Description: 'committed while the log was full' });
  const grant = await kms.call('CreateGrant', { KeyId: created.KeyMetadata.KeyId, GranteePrincipal: 'arn:aws:iam::123456789012:role/app', Operations: ['Decrypt'] });
  assert.equal(sink.log.length, 0);
  assert.equal((await kms.store.read()).auditOutbox?.length, 2, 'both events are committed with their changes');

  sink.broken = false;
  await kms.call('TagResource', { KeyId: created.KeyMetadata.KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }] });
  assert.deepEqual(sink.log.map((e) => e.eventName), ['CreateKey', 'CreateGrant', 'TagResource']);
  assert.equal(sink.log[0].responseElements?.keyMetadata && (sink.log[0].responseElements.keyMetadata as { keyId: string }).keyId, created.KeyMetadata.KeyId);
  assert.equal((sink.log[1].responseElements as { grantId: string }).grantId, grant.GrantId);
  // A retrying client would have created a second key; here there is exactly one.
  assert.equal((await kms.call('ListKeys')).Keys.length, 1);
  await kms.call('TagResource', { KeyId: created.KeyMetadata.KeyId, Tags: [{ TagKey: 'b', TagValue: '2' }] });
  assert.deepEqual(sink.log.map((e) => e.eventName), ['CreateKey', 'CreateGrant', 'TagResource', 'ListKeys', 'TagResource'], 'nothing delivered twice');
});

test('a failed call whose audit append fails still answers with its own error', async () => {
  const sink = flakySink();
  const kms = createTestKms({ audit: sink });
  const e = await kms.fail('DescribeKey', { KeyId: 'alias/missing' });
  assert.equal(e.name, 'NotFoundException');
});
