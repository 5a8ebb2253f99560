/**
 * The audit webview's script in a real browser (Debian's Chromium through playwright-core), under the
 * page's own CSP, with a stand-in for VS Code's webview API: what it renders from the extension's
 * messages, and what it sends back from the keyboard and the filter form.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { auditPageHtml } from '../../../client/audit/html';
import type { PanelMessage } from '../../../client/audit/messages';
import { buildAuditView, chainStatus, EMPTY_FILTER } from '../../../client/audit/view';
import { arnOf, auditEvent, KEY_A, KEY_B } from '../audit/events';

const ORIGIN = 'http://webview.test';
const NONCE = 'dGVzdG5vbmNlMTIzNDU2Nw==';
const media = (file: string) => readFile(new URL(`../../../media/audit/${file}`, import.meta.url), 'utf8');

const log = [
  auditEvent({ operation: 'Encrypt', time: Date.UTC(2026, 0, 1, 10), resources: [arnOf(KEY_A)], eventId: 'e1' }),
  auditEvent({ operation: 'Decrypt', time: Date.UTC(2026, 0, 1, 11), input: { KeyId: KEY_B }, error: { name: 'AccessDeniedException', message: 'denied' }, eventId: 'e2' }),
  // Text from the log is data, never markup.
  auditEvent({ operation: '<img src=x id=injected>', time: Date.UTC(2026, 0, 1, 12), resources: [arnOf(KEY_A)], eventId: 'e3' }),
];

let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

async function sent(): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { sent: never[] }).sent);
}

async function lastSent() {
  return (await sent()).at(-1);
}

/** Posts as the extension would and resolves once the script's own listener (registered first) has run. */
function post(message: PanelMessage) {
  return page.evaluate((m) => new Promise<void>((resolve) => {
    window.addEventListener('message', () => resolve(), { once: true });
    window.postMessage(m, '*');
  }), message);
}

before(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) pageProblems.push(m.text());
  });
  page.on('pageerror', (e) => pageProblems.push(e.message));
  const html = auditPageHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/audit.js`, styleUri: `${ORIGIN}/audit.css`, nonce: NONCE });
  const bodies: Record<string, [string, string]> = {
    '/index.html': ['text/html', html],
    '/audit.js': ['text/javascript', await media('audit.js')],
    '/audit.css': ['text/css', await media('audit.css')],
  };
  await page.route(`${ORIGIN}/**`, (route) => {
    const [contentType, body] = bodies[new URL(route.request().url()).pathname] ?? ['text/plain', ''];
    return route.fulfill({ status: 200, contentType, body });
  });
  // A string, not a function: tsx would wrap a function's inner functions in a helper the page lacks.
  await page.addInitScript(`
    window.sent = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.sent.push(m), getState: () => window.state, setState: (s) => { window.state = s; } });
  `);
  await page.goto(`${ORIGIN}/index.html`);
});

after(async () => {
  await browser?.close();
});

describe('audit webview', () => {
  it('asks for the view on load with the empty filter', async () => {
    assert.deepEqual(await sent(), [{ type: 'ready', filter: EMPTY_FILTER, page: 0 }]);
  });

  it('renders the rows newest first as text, with the summary, choices and chain status', async () => {
    await post({ type: 'view', source: 'Local keyring · /data/audit', view: buildAuditView(log, {}, 0) });
    await post({ type: 'chain', status: chainStatus({ ok: false, index: 1, reason: 'entry 2 was changed after it was written', entry: { seq: 2 } }, Date.UTC(2026, 0, 1, 12)) });
    const rows = page.locator('#events-body tr[data-event-id]');
    assert.equal(await rows.count(), 3);
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.eventId)), ['e3', 'e2', 'e1']);
    assert.equal(await page.locator('#events-body tr').first().locator('td').nth(1).textContent(), '<img src=x id=injected>');
    assert.equal(await page.locator('#injected').count(), 0);
    assert.equal(await page.textContent('#summary'), '3 events');
    assert.deepEqual(await page.locator('#filter-operation option').allTextContents(), ['Any', '<img src=x id=injected>', 'Decrypt', 'Encrypt']);
    assert.deepEqual(await page.locator('#filter-result option').allTextContents(), ['Any', 'Errors only', 'AccessDeniedException']);
    assert.equal(await page.textContent('#chain-status'), 'Chain broken at entry 2 (checked at 12:00:00 UTC): entry 2 was changed after it was written.');
    assert.equal(await page.isVisible('#chain-show'), true);
    assert.equal(await page.getByRole('table', { name: 'Audit events' }).count(), 1);
  });

  it('moves between rows with the arrow keys and asks for details with Enter', async () => {
    await page.locator('#events-body tr').first().focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.eventId), 'e2');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastSent(), { type: 'details', id: 'e2' });

    await post({ type: 'details', id: 'e2', json: JSON.stringify(log[1], null, 2) });
    assert.equal(await page.isVisible('#details'), true);
    assert.equal(await page.textContent('#details-json'), JSON.stringify(log[1], null, 2));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'details-json');
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#details'), false);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.eventId), 'e2', 'focus returns to the row');
  });

  it('sends the whole form from the first page when a filter changes, and keeps it in the state', async () => {
    await page.getByLabel('Key', { exact: true }).fill(KEY_A);
    await page.getByLabel('Operation', { exact: true }).selectOption('Encrypt');
    await page.getByLabel('From (UTC)', { exact: true }).fill('2026-01-01T09:30');
    await page.waitForFunction(() => (window as unknown as { sent: { filter?: { from?: string } }[] }).sent.at(-1)?.filter?.from === '2026-01-01T09:30');
    const expected = { ...EMPTY_FILTER, key: KEY_A, operation: 'Encrypt', from: '2026-01-01T09:30' };
    assert.deepEqual(await lastSent(), { type: 'query', filter: expected, page: 0 });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { state: unknown }).state), { filter: expected, page: 0 });
  });

  it('shows filter problems and an empty result, then clears the filters', async () => {
    const view = buildAuditView(log, { from: '2026-02-01', to: '2026-01-01', key: 'nothing' }, 0);
    await post({ type: 'view', source: 's', view });
    assert.deepEqual(await page.locator('#problems li').allTextContents(), ['From must be before To.']);
    assert.equal(await page.textContent('#summary'), '0 of 3 events match');
    assert.equal(await page.textContent('#events-body'), 'No events match the filters.');
    await page.click('#filter-clear');
    // Filter changes are sent from a timer (text fields debounce), so wait for it.
    await page.waitForFunction(() => (window as unknown as { sent: { filter?: { key?: string } }[] }).sent.at(-1)?.filter?.key === '');
    assert.deepEqual(await lastSent(), { type: 'query', filter: EMPTY_FILTER, page: 0 });
  });

  it('pages older and newer, and sends export, refresh and chain requests', async () => {
    const many = Array.from({ length: 450 }, (_, i) => auditEvent({ operation: 'Encrypt', eventId: `n${i}` }));
    await post({ type: 'view', source: 's', view: buildAuditView(many, {}, 0) });
    assert.equal(await page.textContent('#page-info'), '1–200, page 1 of 3');
    assert.equal(await page.isDisabled('#page-newer'), true);
    await page.click('#page-older');
    assert.deepEqual(await lastSent(), { type: 'query', filter: EMPTY_FILTER, page: 1 });
    await page.click('#export-csv');
    assert.deepEqual(await lastSent(), { type: 'export', format: 'csv' });
    await page.click('#export-json');
    assert.deepEqual(await lastSent(), { type: 'export', format: 'json' });
    await page.click('#refresh');
    assert.deepEqual(await lastSent(), { type: 'refresh' });
    await page.click('#chain-show');
    assert.deepEqual(await lastSent(), { type: 'chainEntry' });
  });

  it('renders the cost tables, or the reason there is no estimate', async () => {
    const line = (label: string) => ({ label, requests: '10', keyStorage: '$1.00', requestCost: '$0.0000', total: '$1.00' });
    await post({ type: 'cost', cost: { total: '$2.00', requestCount: '20', byKey: [line('alias/app'), line(KEY_B)], byMonth: [line('2026-01')], moreKeys: 0 } });
    assert.equal(await page.textContent('#cost-summary'), "$2.00 in total for 20 billed requests and the keys' storage.");
    assert.deepEqual(await page.locator('#cost-by-key tbody th').allTextContents(), ['alias/app', KEY_B]);
    assert.deepEqual(await page.locator('#cost-by-month tbody tr').first().locator('th, td').allTextContents(), ['2026-01', '10', '$1.00', '$0.0000', '$1.00']);
    await post({ type: 'cost', error: 'The keys could not be listed for the estimate: ExpiredTokenException: expired' });
    assert.equal(await page.textContent('#cost-summary'), 'The keys could not be listed for the estimate: ExpiredTokenException: expired');
    assert.equal(await page.locator('#cost-by-key tbody tr').count(), 0);
  });

  it('shows CloudTrail events with the source\'s notice and no chain verdict, only why there is none', async () => {
    await post({ type: 'view', source: 'dev@eu-west-1 · AWS CloudTrail · eu-west-1 · last 7 days', notice: 'KMS calls of the last 7 days from the CloudTrail event history.', view: buildAuditView(log, {}, 0) });
    assert.equal(await page.textContent('#source'), 'dev@eu-west-1 · AWS CloudTrail · eu-west-1 · last 7 days');
    assert.equal(await page.textContent('#notice'), 'KMS calls of the last 7 days from the CloudTrail event history.');
    await post({ type: 'chain', status: chainStatus({ ok: true, count: 3 }, Date.UTC(2026, 0, 1, 12)) });
    assert.equal(await page.getAttribute('#chain-status', 'class'), 'ok');
    await post({ type: 'chain', status: chainStatus({ unchained: 'Events from AWS CloudTrail: chain verification applies to the local log only.' }, Date.UTC(2026, 0, 1, 12)) });
    assert.equal(await page.textContent('#chain-status'), 'Events from AWS CloudTrail: chain verification applies to the local log only.');
    assert.equal(await page.getAttribute('#chain-status', 'class'), '', 'neither verified nor broken');
    assert.equal(await page.isVisible('#chain-show'), false);
  });

  it('ran without a single CSP violation or script error', () => {
    assert.deepEqual(pageProblems, []);
  });
});
