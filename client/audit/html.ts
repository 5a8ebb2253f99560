/**
 * The audit webview's page. It carries no data: media/audit/audit.js fills it from messages with
 * textContent only, so nothing from the log is ever parsed as HTML. The CSP allows the one script by
 * nonce and styles from the extension's media folder, and nothing else (no inline code, no network).
 *
 * Element ids and labels are stable: the end-to-end tests find the panel's parts by them.
 */

export interface AuditPageResources {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Fresh per page load: base64 of 16 random bytes. */
  nonce: string;
}

export function contentSecurityPolicy(r: Pick<AuditPageResources, 'cspSource' | 'nonce'>): string {
  return [`default-src 'none'`, `style-src ${r.cspSource}`, `font-src ${r.cspSource}`, `img-src ${r.cspSource}`, `script-src 'nonce-${r.nonce}'`].join('; ');
}

export function auditPageHtml(r: AuditPageResources): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(r)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${r.styleUri}">
<title>KMS Audit Log</title>
</head>
<body>
<header>
  <h1>Audit log <span id="source"></span></h1>
  <p id="notice" hidden></p>
  <p id="load-error" role="alert" hidden></p>
  <div class="chain">
    <span id="chain-status" role="status" aria-live="polite">Reading the log…</span>
    <button type="button" id="chain-show" hidden>Show the first bad entry</button>
  </div>
</header>
<form id="filters" aria-label="Filters">
  <div class="field"><label for="filter-from">From (UTC)</label><input id="filter-from" name="from" class="date" placeholder="YYYY-MM-DD hh:mm" autocomplete="off" aria-describedby="date-format"></div>
  <div class="field"><label for="filter-to">To (UTC)</label><input id="filter-to" name="to" class="date" placeholder="YYYY-MM-DD hh:mm" autocomplete="off" aria-describedby="date-format"></div>
  <div class="field"><label for="filter-key">Key</label><input id="filter-key" name="key" list="choices-keys" placeholder="Key ID, ARN or alias" autocomplete="off"></div>
  <div class="field"><label for="filter-operation">Operation</label><select id="filter-operation" name="operation"><option value="">Any</option></select></div>
  <div class="field"><label for="filter-caller">Caller</label><input id="filter-caller" name="caller" list="choices-callers" placeholder="Principal ARN or access key ID" autocomplete="off"></div>
  <div class="field"><label for="filter-result">Result</label><select id="filter-result" name="result"><option value="">Any</option><option value="*">Errors only</option></select></div>
  <div class="field"><label for="filter-access">Access</label><select id="filter-access" name="access"><option value="">Any</option><option value="read">Read-only</option><option value="write">Changes</option></select></div>
  <div class="field own"><input id="filter-own" name="own" type="checkbox" value="show"><label for="filter-own" id="filter-own-label">Show the extension's own reads</label></div>
  <div class="field buttons"><button type="button" id="filter-clear">Clear filters</button></div>
  <p id="date-format" class="hint" hidden>Dates are YYYY-MM-DD, optionally with hh:mm (24-hour), in UTC.</p>
  <datalist id="choices-keys"></datalist>
  <datalist id="choices-callers"></datalist>
</form>
<ul id="problems" role="alert"></ul>
<div class="toolbar">
  <span id="summary" role="status" aria-live="polite"></span>
  <button type="button" id="page-newer" aria-label="Newer events">Newer</button>
  <span id="page-info"></span>
  <button type="button" id="page-older" aria-label="Older events">Older</button>
  <span class="spacer"></span>
  <button type="button" id="export-json">Export JSON…</button>
  <button type="button" id="export-csv">Export CSV…</button>
  <button type="button" id="refresh">Refresh</button>
</div>
<div class="layout">
  <div class="table-wrap">
    <table id="events" aria-label="Audit events" aria-describedby="table-help">
      <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Operation</th><th scope="col">Key</th><th scope="col">Caller</th><th scope="col">Region</th><th scope="col">Result</th></tr></thead>
      <tbody id="events-body"></tbody>
    </table>
    <p id="table-help" class="hint">The table is one Tab stop: arrow keys, Home, End, Page Up and Page Down move between events; Enter shows an event's details.</p>
  </div>
  <section id="details" aria-labelledby="details-heading" hidden>
    <div class="details-head"><h2 id="details-heading">Event details</h2><button type="button" id="details-close">Close</button></div>
    <pre id="details-json" tabindex="0"></pre>
  </section>
</div>
<section id="cost" aria-labelledby="cost-heading">
  <h2 id="cost-heading">Estimated cost on AWS KMS</h2>
  <p id="cost-summary" role="status"></p>
  <div class="cost-tables">
    <table id="cost-by-key" aria-label="Cost per key">
      <thead><tr><th scope="col">Key</th><th scope="col">Requests</th><th scope="col">Key storage</th><th scope="col">Request cost</th><th scope="col">Total</th></tr></thead>
      <tbody></tbody>
    </table>
    <table id="cost-by-month" aria-label="Cost per month">
      <thead><tr><th scope="col">Month (UTC)</th><th scope="col">Requests</th><th scope="col">Key storage</th><th scope="col">Request cost</th><th scope="col">Total</th></tr></thead>
      <tbody></tbody>
    </table>
  </div>
  <p class="hint">The whole log, whatever the filters above select. US East list prices, before the 20,000 free requests a month; successful calls only.</p>
</section>
<script nonce="${r.nonce}" src="${r.scriptUri}"></script>
</body>
</html>
`;
}
