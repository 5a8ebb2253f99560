/**
 * The audit panel's CloudTrail source through the real @aws-sdk/client-cloudtrail client, against a
 * fake CloudTrail event history on 127.0.0.1 that speaks the service's JSON 1.1 protocol: what the SDK
 * sends, paging, reading each event's record, and how refusals reach the user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudTrailEvent } from '../../../src-core/audit/event';
import { toCsv } from '../../../src-core/audit/export';
import { CloudTrailSource, LOOKBACK_DAYS, MAX_EVENTS, NOT_CHAINED } from '../../../client/audit/cloudTrailSource';
import { buildAuditView, chainStatus, selectEvents } from '../../../client/audit/view';
import { describeError } from '../../../client/describeError';
import { AwsConnection } from '../../../client/connections/connection';
import { ACCOUNT, arnOf, auditEvent, KEY_A, KEY_B } from '../audit/events';
import { freePort } from '../../../scripts/e2e/code-server.mjs';

/** What this SDK sends (the Smithy service name); botocore sends it prefixed with com.amazonaws.cloudtrail.v20131101. */
const TARGET = 'CloudTrail_20131101.LookupEvents';
const NOW = Date.UTC(2026, 0, 8, 12);

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** What the fake answers a request with: a status and a JSON body. */
type Answer = (body: Record<string, unknown>) => { status: number; body: unknown };

let server: Server;
let endpoint: string;
let answer: Answer;
let received: Received[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      let reply: ReturnType<Answer>;
      try {
        reply = answer(body);
      } catch (error) {
        // A mistake in a test's answer fails that test instead of leaving the SDK waiting.
        reply = { status: 500, body: { __type: 'FakeServerError', message: String(error) } };
      }
      const { status, body: out } = reply;
      const type = status >= 400 ? (out as { __type?: string }).__type : undefined;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${received.length}`, ...(type ? { 'x-amzn-errortype': type } : {}) });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A source on the fake with fixed credentials; one attempt, so a refusal is not retried. */
function source(): CloudTrailSource {
  received = [];
  return new CloudTrailSource({
    config: { region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 },
    now: () => NOW,
  });
}

/** A LookupEvents event as CloudTrail returns it: the summary fields and the full record as a string. */
function lookupEvent(event: CloudTrailEvent): Record<string, unknown> {
  return {
    EventId: event.eventID,
    EventName: event.eventName,
    ReadOnly: String(event.readOnly),
    EventTime: Date.parse(event.eventTime) / 1000,
    EventSource: event.eventSource,
    Resources: (event.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: r.ARN })),
    CloudTrailEvent: JSON.stringify(event),
  };
}

/** `count` events, newest first as LookupEvents returns them, one a minute back from NOW. */
function history(count: number): CloudTrailEvent[] {
  return Array.from({ length: count }, (_, i) => auditEvent({
    operation: i % 2 ? 'Decrypt' : 'Encrypt',
    time: NOW - (i + 1) * 60_000,
    resources: [arnOf(i % 3 ? KEY_A : KEY_B)],
    eventId: `ct-${i}`,
  }));
}

/** Serves `events` in pages of the size asked for, with the offset as the NextToken. */
function pagesOf(events: CloudTrailEvent[]): Answer {
  return (body) => {
    const start = body.NextToken === undefined ? 0 : Number(body.NextToken);
    const end = start + Number(body.MaxResults ?? 50);
    return { status: 200, body: { Events: events.slice(start, end).map(lookupEvent), ...(end < events.length ? { NextToken: String(end) } : {}) } };
  };
}

describe('audit panel: CloudTrail source', () => {
  it('asks LookupEvents for kms.amazonaws.com over the last 7 days, follows NextToken, and keeps log order', async () => {
    const newestFirst = history(120);
    answer = pagesOf(newestFirst);
    const snapshot = await source().load();

    assert.equal(snapshot.error, undefined);
    assert.deepEqual(snapshot.events, [...newestFirst].reverse(), 'each record read whole, oldest first');
    assert.match(snapshot.notice ?? '', /^KMS calls of the last 7 days from the CloudTrail event history\. .*Refresh fetches again\.$/);

    assert.equal(received.length, 3);
    for (const r of received) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/');
      assert.equal(r.headers['x-amz-target'], TARGET);
      assert.equal(r.headers['content-type'], 'application/x-amz-json-1.1');
      assert.match(String(r.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/cloudtrail\/aws4_request/);
      assert.deepEqual(r.body.LookupAttributes, [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }]);
      assert.equal(r.body.StartTime, (NOW - LOOKBACK_DAYS * 86_400_000) / 1000);
      assert.equal(r.body.MaxResults, 50);
    }
    assert.deepEqual(received.map((r) => r.body.NextToken), [undefined, '50', '100']);
  });

  it('stops at the newest 1,000 events and says that older ones are left out', async () => {
    answer = pagesOf(history(MAX_EVENTS + 75));
    const snapshot = await source().load();
    assert.equal(snapshot.events.length, MAX_EVENTS);
    assert.equal(snapshot.events.at(-1)?.eventID, 'ct-0');
    assert.equal(received.length, MAX_EVENTS / 50);
    assert.match(snapshot.notice ?? '', /^The newest 1,000 KMS calls of the last 7 days from the CloudTrail event history; older ones are in the CloudTrail console\./);
  });

  it('reads what CloudTrail leaves out for some calls as the local log writes it', async () => {
    // An AWS service decrypting for the user has no ARN, only invokedBy; ListKeys names no resource.
    const byService: Record<string, unknown> = { ...auditEvent({ operation: 'Decrypt', time: NOW - 120_000, input: { KeyId: KEY_A }, resources: [arnOf(KEY_A)], eventId: 'svc' }), userIdentity: { type: 'AWSService', invokedBy: 's3.amazonaws.com' } };
    const listKeys: Record<string, unknown> = { ...auditEvent({ operation: 'ListKeys', time: NOW - 60_000, eventId: 'list' }) };
    delete listKeys.resources;
    delete listKeys.requestParameters;
    answer = () => ({ status: 200, body: { Events: [listKeys, byService].map((e) => lookupEvent(e as unknown as CloudTrailEvent)) /* records as CloudTrail writes them */ } });
    const { events, error } = await source().load();

    assert.equal(error, undefined);
    assert.deepEqual(events.map((e) => [e.eventID, e.userIdentity.arn, e.resources.length, e.requestParameters]), [
      ['svc', 's3.amazonaws.com', 1, { keyId: KEY_A }],
      ['list', `arn:aws:iam::${ACCOUNT}:root`, 0, null],
    ]);
    assert.equal(events[0].userIdentity.type, 'AWSService');
    // The panel's own view code works on them unchanged.
    const view = buildAuditView(events, {}, 0);
    assert.deepEqual(view.rows.map((r) => [r.operation, r.key, r.caller]), [['ListKeys', '', `arn:aws:iam::${ACCOUNT}:root`], ['Decrypt', KEY_A, 's3.amazonaws.com']]);
    assert.deepEqual(selectEvents(events, { caller: 's3.amazonaws.com' }).map((e) => e.eventID), ['svc']);
    assert.deepEqual(selectEvents(events, { key: KEY_A }).map((e) => e.eventID), ['svc']);
    assert.equal(toCsv(events).trim().split('\n').length, 3);
  });

  it('leaves out records that cannot be read, keeps the rest, and says which and why', async () => {
    const [good] = history(1);
    const noTime: Record<string, unknown> = { ...auditEvent({ operation: 'Encrypt', eventId: 'no-time' }) };
    delete noTime.eventTime;
    answer = () => ({ status: 200, body: { Events: [
      { ...lookupEvent(good) },
      { EventId: 'broken', EventName: 'Decrypt', CloudTrailEvent: '{"eventVersion":"1.11","eventID":' },
      { ...lookupEvent(good), EventId: 'no-time', CloudTrailEvent: JSON.stringify(noTime) },
    ] } });
    const snapshot = await source().load();
    assert.deepEqual(snapshot.events.map((e) => e.eventID), [good.eventID]);
    assert.equal(describeError(snapshot.error), 'CloudTrailError: 2 of 3 events from CloudTrail are not readable CloudTrail records and are left out (event broken: its CloudTrailEvent is not JSON; event no-time: its CloudTrailEvent has no eventTime).');
  });

  it('turns AccessDenied into a message that names the permission to ask for', async () => {
    answer = () => ({ status: 400, body: { __type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudtrail:LookupEvents' } });
    const snapshot = await source().load();
    assert.deepEqual(snapshot.events, []);
    assert.equal((snapshot.error as Error).name, 'AccessDeniedException');
    assert.equal(describeError(snapshot.error),
      'AccessDeniedException: CloudTrail LookupEvents failed: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudtrail:LookupEvents '
      + 'Reading the CloudTrail event history needs the IAM permission cloudtrail:LookupEvents: ask for it for this profile, or use another profile.');
  });

  it('says to wait when throttled, and keeps the general advice for credentials CloudTrail does not know', async () => {
    answer = () => ({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } });
    assert.match(describeError((await source().load()).error), /^ThrottlingException: CloudTrail LookupEvents failed: Rate exceeded CloudTrail answers LookupEvents twice a second .* press Refresh\.$/);

    answer = () => ({ status: 400, body: { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } });
    assert.equal(describeError((await source().load()).error),
      'UnrecognizedClientException: CloudTrail LookupEvents failed: The security token included in the request is invalid. AWS does not recognise these credentials: check the profile of this connection, or its endpoint.');
  });

  it('says CloudTrail (not KMS) did not answer when its endpoint cannot be reached', async () => {
    const closed = await freePort();
    const unreachable = new CloudTrailSource({
      config: { region: 'eu-west-1', endpoint: `http://127.0.0.1:${closed}`, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 },
      now: () => NOW,
    });
    const text = describeError((await unreachable.load()).error);
    assert.match(text, /CloudTrail LookupEvents failed: .*ECONNREFUSED/);
    assert.match(text, /CloudTrail did not answer: check the network or a proxy, then press Refresh\.$/);
    assert.doesNotMatch(text, /KMS did not answer/);
  });

  it('has no chain to verify, and says so instead of a verdict', async () => {
    const s = source();
    assert.deepEqual(chainStatus(await s.verify(), NOW), { ok: true, text: NOT_CHAINED, unchained: true });
    assert.equal(await s.changed(), false, 'never polled: Refresh fetches again');
    assert.equal(received.length, 0);
  });
});

describe('AWS connection: where its KMS calls are recorded', () => {
  const connection = (endpoint?: string) => new AwsConnection({ region: 'eu-west-1', profile: 'dev', ...(endpoint ? { endpoint } : {}) });

  it('reaches AWS, whose CloudTrail records the calls, without an endpoint or through an AWS one', () => {
    assert.equal(connection().reachesAws, true);
    assert.equal(connection('https://kms-fips.eu-west-1.amazonaws.com').reachesAws, true);
    assert.equal(connection('https://vpce-0123-abcd.kms.eu-west-1.vpce.amazonaws.com').reachesAws, true);
  });

  it('does not reach AWS through kmsw serve, LocalStack or a look-alike host', () => {
    assert.equal(connection('http://127.0.0.1:4599').reachesAws, false);
    assert.equal(connection('http://localhost:4566').reachesAws, false);
    assert.equal(connection('https://kms.amazonaws.com.example.org').reachesAws, false);
    assert.equal(connection('not a url').reachesAws, false);
  });

  it('shares Region, profile and retries with its other SDK clients, but not the KMS endpoint', () => {
    assert.deepEqual(connection('http://127.0.0.1:4599').sdkConfig(), { region: 'eu-west-1', profile: 'dev', maxAttempts: 3 });
  });
});
