/** What the audit webview may send, and the page it runs in. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditPageHtml, contentSecurityPolicy } from '../../../client/audit/html';
import { parseWebviewMessage } from '../../../client/audit/messages';
import { EMPTY_FILTER } from '../../../client/audit/view';

describe('webview messages', () => {
  it('keeps the known string fields of a filter and defaults the rest', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'query', filter: { key: 'alias/app', result: 7, extra: 'x' }, page: 2 }), {
      type: 'query', filter: { ...EMPTY_FILTER, key: 'alias/app' }, page: 2,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'ready', page: Number.NaN }), { type: 'ready', filter: EMPTY_FILTER, page: 0 });
  });

  it('accepts details, export, refresh and chainEntry in their shapes only', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'details', id: 'e1' }), { type: 'details', id: 'e1' });
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
    assert.deepEqual(parseWebviewMessage({ type: 'refresh', junk: 1 }), { type: 'refresh' });
    assert.deepEqual(parseWebviewMessage({ type: 'chainEntry' }), { type: 'chainEntry' });
    for (const bad of [null, 'query', {}, { type: 'details', id: 3 }, { type: 'export', format: 'xml' }, { type: 'eval' }]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('webview page', () => {
  const resources = { cspSource: 'https://file+.vscode-resource.example', scriptUri: 'https://r/audit.js', styleUri: 'https://r/audit.css', nonce: 'bm9uY2Vub25jZW5vbmNl' };

  it('allows nothing by default, the script by nonce only, styles from the media folder only', () => {
    const csp = contentSecurityPolicy(resources);
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-bm9uY2Vub25jZW5vbmNl'$/);
    assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.example;/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('has one script, carrying the nonce, and no inline script, style or handler', () => {
    const html = auditPageHtml(resources);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(resources)}">`));
    assert.deepEqual([...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]), ['<script nonce="bm9uY2Vub25jZW5vbmNl" src="https://r/audit.js">']);
    assert.doesNotMatch(html, /<style|style="|\son[a-z]+="/);
  });

  it('labels every filter control', () => {
    const html = auditPageHtml(resources);
    for (const id of ['filter-from', 'filter-to', 'filter-key', 'filter-operation', 'filter-caller', 'filter-result', 'filter-access']) {
      assert.match(html, new RegExp(`<label for="${id}">[^<]+</label>`), id);
    }
  });
});
