/** The audit panel's view model: the filter form, paging newest first, choices, details, chain and cost text. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAuditView, chainStatus, costView, dollars, eventDetails, isExtensionRead, OWN_READS_LABEL, PAGE_SIZE, selectEvents, toAuditFilter } from '../../../client/audit/view';
import { EXTENSION_READS_AGENT } from '../../../client/connections/connection';
import { estimateCost, type CostEstimate } from '../../../src-core/audit/cost';
import { ACCOUNT, arnOf, auditEvent, KEY_A, KEY_B } from '../audit/events';

const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const caller = (principal: string) => ({ accountId: ACCOUNT, region: 'us-east-1', principal });

/** Encrypt on A by the root, Decrypt on B by alice (failed), ScheduleKeyDeletion on A by alice, an hour apart. */
function sampleLog() {
  return [
    auditEvent({ operation: 'Encrypt', time: Date.UTC(2026, 0, 1, 10), resources: [arnOf(KEY_A)], eventId: 'e1' }),
    auditEvent({ operation: 'Decrypt', time: Date.UTC(2026, 0, 1, 11), caller: caller(ALICE), input: { KeyId: KEY_B }, error: { name: 'AccessDeniedException', message: 'denied' }, eventId: 'e2' }),
    auditEvent({ operation: 'ScheduleKeyDeletion', time: Date.UTC(2026, 0, 1, 12), caller: caller(ALICE), resources: [arnOf(KEY_A)], readOnly: false, eventId: 'e3' }),
  ];
}

describe('audit filter form', () => {
  it('reads every field at once into one AuditFilter', () => {
    const { filter, problems } = toAuditFilter({ from: '2026-01-01T10:30', to: '2026-01-02', key: ` ${KEY_A} `, operation: 'Encrypt', caller: ALICE, result: '*', access: 'write' });
    assert.deepEqual(problems, []);
    assert.deepEqual(filter, {
      since: Date.UTC(2026, 0, 1, 10, 30), until: Date.UTC(2026, 0, 2), key: KEY_A, operations: ['Encrypt'], principal: ALICE, errorsOnly: true, readOnly: false,
    });
  });

  it('an empty form filters nothing; a result other than * is one exception name', () => {
    assert.deepEqual(toAuditFilter({}).filter, {});
    assert.deepEqual(toAuditFilter({ result: 'NotFoundException', access: 'read' }).filter, { errorCode: 'NotFoundException', readOnly: true });
  });

  it('names unreadable dates and a reversed range, and leaves those bounds out', () => {
    assert.deepEqual(toAuditFilter({ from: 'yesterday', key: KEY_A }), { filter: { key: KEY_A }, problems: ['From is not a date and time (YYYY-MM-DD hh:mm, UTC).'] });
    assert.deepEqual(toAuditFilter({ to: '2026-02-30T25:00' }).problems, ['To is not a date and time (YYYY-MM-DD hh:mm, UTC).']);
    assert.deepEqual(toAuditFilter({ from: '2026-01-02', to: '2026-01-01' }), { filter: {}, problems: ['From must be before To.'] });
  });

  it('reads dates as the fields show them, YYYY-MM-DD with an optional hh:mm, in UTC', () => {
    const at = (from: string) => toAuditFilter({ from }).filter;
    assert.deepEqual(at('2026-01-02 10:30'), at('2026-01-02T10:30'));
    assert.deepEqual(at('2026-01-02'), at('2026-01-02 00:00'));
    assert.notDeepEqual(at('2026-01-02 10:30'), at('2026-01-02'));
    assert.deepEqual(toAuditFilter({ from: '01/02/2026' }).problems, ['From is not a date and time (YYYY-MM-DD hh:mm, UTC).']);
  });

  it('selects the events of several fields combined, in log order', () => {
    const log = sampleLog();
    assert.deepEqual(selectEvents(log, { caller: ALICE }).map((e) => e.eventID), ['e2', 'e3']);
    assert.deepEqual(selectEvents(log, { caller: ALICE, result: '*' }).map((e) => e.eventID), ['e2']);
    assert.deepEqual(selectEvents(log, { key: KEY_A, from: '2026-01-01T11:00' }).map((e) => e.eventID), ['e3']);
    assert.deepEqual(selectEvents(log, { key: KEY_B }).map((e) => e.eventID), ['e2'], 'a failed call is found by the key it asked for');
  });
});

describe('audit table view', () => {
  it('rows newest first with the key, caller and result of each call', () => {
    const view = buildAuditView(sampleLog(), {}, 0);
    assert.deepEqual(view.rows, [
      { id: 'e3', time: '2026-01-01T12:00:00Z', operation: 'ScheduleKeyDeletion', key: KEY_A, caller: ALICE, region: 'us-east-1', result: 'OK', failed: false },
      { id: 'e2', time: '2026-01-01T11:00:00Z', operation: 'Decrypt', key: KEY_B, caller: ALICE, region: 'us-east-1', result: 'AccessDeniedException', failed: true },
      { id: 'e1', time: '2026-01-01T10:00:00Z', operation: 'Encrypt', key: KEY_A, caller: `arn:aws:iam::${ACCOUNT}:root`, region: 'us-east-1', result: 'OK', failed: false },
    ]);
    assert.equal(view.matched, 3);
    assert.equal(view.total, 3);
  });

  it('shows the key a CreateKey made', () => {
    const created = auditEvent({ operation: 'CreateKey', readOnly: false, output: { KeyMetadata: { KeyId: KEY_A, Arn: arnOf(KEY_A) } }, eventId: 'c1' });
    assert.equal(buildAuditView([created], {}, 0).rows[0].key, KEY_A);
  });

  it('names a key by its alias and its ID in the Key column when the alias is known', () => {
    const created = auditEvent({ operation: 'CreateKey', readOnly: false, output: { KeyMetadata: { KeyId: KEY_A, Arn: arnOf(KEY_A) } }, eventId: 'c1' });
    assert.equal(buildAuditView([created], {}, 0, new Map([[KEY_A, 'alias/app']])).rows[0].key, `alias/app (${KEY_A})`);
    assert.equal(buildAuditView([created], {}, 0, new Map([[KEY_B, 'alias/other']])).rows[0].key, KEY_A);
  });

  it('offers the operations, keys, callers and error codes of the whole log, whatever the filter', () => {
    const { choices, rows } = buildAuditView(sampleLog(), { operation: 'Encrypt' }, 0);
    assert.equal(rows.length, 1);
    assert.deepEqual(choices, {
      operations: ['Decrypt', 'Encrypt', 'ScheduleKeyDeletion'],
      keys: [KEY_A, KEY_B].sort(),
      callers: [`arn:aws:iam::${ACCOUNT}:root`, ALICE].sort(),
      errorCodes: ['AccessDeniedException'],
    });
  });

  it('pages a large log from the newest end, clamping pages that do not exist', () => {
    const log = Array.from({ length: PAGE_SIZE * 2 + 5 }, (_, i) => auditEvent({ operation: 'Encrypt', eventId: `n${i}` }));
    const first = buildAuditView(log, {}, 0);
    assert.equal(first.pageCount, 3);
    assert.equal(first.rows.length, PAGE_SIZE);
    assert.equal(first.rows[0].id, `n${log.length - 1}`);
    const last = buildAuditView(log, {}, 2);
    assert.deepEqual(last.rows.map((r) => r.id), ['n4', 'n3', 'n2', 'n1', 'n0']);
    assert.equal(buildAuditView(log, {}, 99).page, 2);
    assert.equal(buildAuditView(log, {}, -3).page, 0);
    assert.deepEqual(buildAuditView([], {}, 0), { rows: [], matched: 0, total: 0, ownReads: 0, page: 0, pageCount: 1, pageSize: PAGE_SIZE, problems: [], choices: { operations: [], keys: [], callers: [], errorCodes: [] } });
  });

  it('details are the full record, pretty-printed; an unknown id has none', () => {
    const log = sampleLog();
    assert.equal(eventDetails(log, 'e2'), JSON.stringify(log[1], null, 2));
    assert.equal(eventDetails(log, 'gone'), undefined);
  });
});

describe('chain status', () => {
  const CHECKED = Date.UTC(2026, 10, 23, 10, 41, 3);
  it('says how many entries were verified', () => {
    assert.deepEqual(chainStatus({ ok: true, count: 1 }, CHECKED), { ok: true, text: 'Chain verified at 10:41:03 UTC: 1 entry intact.' });
    assert.deepEqual(chainStatus({ ok: true, count: 1200 }, CHECKED), { ok: true, text: 'Chain verified at 10:41:03 UTC: 1,200 entries intact.' });
  });

  it('names the first bad entry (1-based) and carries it for display', () => {
    const entry = { seq: 3, event: { eventName: 'Encrypt' } };
    assert.deepEqual(chainStatus({ ok: false, index: 2, reason: 'entry 3 was changed after it was written', entry }, CHECKED), {
      ok: false, text: 'Chain broken at entry 3 (checked at 10:41:03 UTC): entry 3 was changed after it was written.', badEntry: JSON.stringify(entry, null, 2),
    });
    assert.equal(chainStatus({ ok: false, index: 0, reason: 'line 1 is not a complete audit entry', entry: '{"seq":1,' }, CHECKED).badEntry, '{"seq":1,');
    assert.equal(chainStatus({ ok: false, index: 4, reason: 'entries were removed from the end' }, CHECKED).badEntry, undefined);
  });
});

describe('cost view', () => {
  const figures = (total: number, requestCount: number) => ({ keyStorage: total - requestCount * 0.000003, requests: requestCount * 0.000003, requestCount, total });
  const estimate: CostEstimate = {
    ...figures(2.00006, 20),
    byKey: [{ arn: arnOf(KEY_A), ...figures(1.00003, 10) }, { arn: arnOf(KEY_B), ...figures(1.00003, 10) }, { arn: undefined, ...figures(0, 0) }],
    byMonth: [{ month: '2026-01', ...figures(2.00006, 20) }],
  };

  it('labels keys by alias where known, else by key ID, and formats dollars', () => {
    const view = costView(estimate, new Map([[arnOf(KEY_A), 'alias/app']]));
    assert.equal(view.total, '$2.00');
    assert.equal(view.requestCount, '20');
    assert.deepEqual(view.byKey.map((l) => l.label), ['alias/app', KEY_B, 'Requests without a key']);
    assert.deepEqual(view.byKey[0], { label: 'alias/app', requests: '10', keyStorage: '$1.00', requestCost: '<$0.0001', total: '$1.00' });
    assert.deepEqual(view.byKey[2], { label: 'Requests without a key', requests: '0', keyStorage: '$0.00', requestCost: '$0.00', total: '$0.00' });
    assert.deepEqual(view.byMonth.map((l) => l.label), ['2026-01']);
    assert.equal(view.moreKeys, 0);
  });

  it('lists the 50 most expensive keys and counts the rest', () => {
    const many: CostEstimate = { ...estimate, byKey: Array.from({ length: 53 }, (_, i) => ({ arn: arnOf(`k${i}`), ...figures(1, 0) })) };
    const view = costView(many);
    assert.equal(view.byKey.length, 50);
    assert.equal(view.moreKeys, 3);
  });

  it('sub-cent amounts keep four decimals so they do not read as free', () => {
    assert.equal(dollars(0), '$0.00');
    assert.equal(dollars(0.0003), '$0.0003');
    assert.equal(dollars(0.000003), '<$0.0001');
    assert.equal(dollars(0.03), '$0.03');
    assert.equal(dollars(12.345), '$12.35');
  });
});

describe("the extension's own reads", () => {
  const own = (operation: string, eventId: string) => auditEvent({ operation, eventId, time: Date.UTC(2026, 0, 1, 13), caller: { ...caller(`arn:aws:iam::${ACCOUNT}:root`), userAgent: `aws-sdk-js/3 ${EXTENSION_READS_AGENT}` } });
  const log = () => [...sampleLog(), own('ListKeys', 'o1'), own('DescribeKey', 'o2')];

  it('are hidden by default and counted for the toggle; shown when it is on', () => {
    const hidden = buildAuditView(log(), {}, 0);
    assert.deepEqual(hidden.rows.map((r) => r.id), ['e3', 'e2', 'e1']);
    assert.equal(hidden.ownReads, 2);
    assert.equal(hidden.total, 5);
    const shown = buildAuditView(log(), { own: 'show' }, 0);
    assert.deepEqual(shown.rows.map((r) => r.id), ['o2', 'o1', 'e3', 'e2', 'e1']);
    assert.equal(shown.ownReads, 2);
  });

  it('are exported only when shown', () => {
    assert.deepEqual(selectEvents(log(), {}).map((e) => e.eventID), ['e1', 'e2', 'e3']);
    assert.equal(selectEvents(log(), { own: 'show' }).length, 5);
  });

  it('get a cost line of their own, and the total includes them', () => {
    const users = estimateCost(log().filter((e) => !isExtensionRead(e)), [], Date.UTC(2026, 0, 2));
    const view = costView(users, new Map(), estimateCost(log().filter(isExtensionRead), [], Date.UTC(2026, 0, 2)));
    assert.equal(view.requestCount, '4');
    assert.deepEqual(view.ownReads, { label: OWN_READS_LABEL, requests: '2', keyStorage: '$0.00', requestCost: '<$0.0001', total: '<$0.0001' });
    assert.equal(costView(users).ownReads, undefined);
  });
});
