// @ts-check
// The audit panel's webview script. It renders what the extension sends (client/audit/messages.ts)
// with textContent only, and sends back the filter form, page changes and requests for details or
// export. The filter and page survive the panel being hidden through the webview state.
(function () {
  const vscode = acquireVsCodeApi();
  const TEXT_DEBOUNCE_MS = 250;
  const FIELDS = ['from', 'to', 'key', 'operation', 'caller', 'result', 'access'];

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @param {string} id */
  const input = (id) => /** @type {HTMLInputElement | HTMLSelectElement} */ (document.getElementById(id));

  const saved = vscode.getState() || {};
  let page = typeof saved.page === 'number' ? saved.page : 0;
  let pageCount = 1;
  /** @type {string | undefined} */
  let detailsId;

  function readFilter() {
    /** @type {Record<string, string>} */
    const filter = {};
    for (const field of FIELDS) filter[field] = input(`filter-${field}`).value;
    filter.own = /** @type {HTMLInputElement} */ ($('filter-own')).checked ? 'show' : '';
    return filter;
  }

  /** @param {Record<string, string>} filter */
  function writeFilter(filter) {
    for (const field of FIELDS) {
      const value = typeof filter[field] === 'string' ? filter[field] : '';
      const element = input(`filter-${field}`);
      if (element instanceof HTMLSelectElement) ensureOption(element, value);
      element.value = value;
    }
    /** @type {HTMLInputElement} */ ($('filter-own')).checked = filter.own === 'show';
  }

  function save() {
    vscode.setState({ filter: readFilter(), page });
  }

  /** @param {'ready' | 'query'} type */
  function send(type) {
    save();
    vscode.postMessage({ type, filter: readFilter(), page });
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pending;
  function queryFromFirstPage(delay = 0) {
    page = 0;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => send('query'), delay);
  }

  // Filters: text fields wait for a pause in typing; pickers apply at once.
  for (const field of FIELDS) {
    const element = input(`filter-${field}`);
    const isText = element instanceof HTMLInputElement;
    element.addEventListener(isText ? 'input' : 'change', () => queryFromFirstPage(isText ? TEXT_DEBOUNCE_MS : 0));
  }
  $('filter-own').addEventListener('change', () => queryFromFirstPage());
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    queryFromFirstPage();
  });
  $('filter-clear').addEventListener('click', () => {
    /** @type {Record<string, string>} */
    const empty = {};
    writeFilter(empty);
    queryFromFirstPage();
  });

  $('page-newer').addEventListener('click', () => turnPage(-1));
  $('page-older').addEventListener('click', () => turnPage(1));
  /** @param {number} delta */
  function turnPage(delta) {
    const next = Math.min(Math.max(0, page + delta), pageCount - 1);
    if (next === page) return;
    page = next;
    send('query');
  }

  $('export-json').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'json' }));
  $('export-csv').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv' }));
  $('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  $('chain-show').addEventListener('click', () => vscode.postMessage({ type: 'chainEntry' }));
  $('details-close').addEventListener('click', closeDetails);

  // The table: one Tab stop (roving tabindex: the row last focused, or the selected, or the first, has
  // tabindex 0, the others -1); arrows move, Enter or Space (or a click) opens the details.
  const body = /** @type {HTMLTableSectionElement} */ ($('events-body'));
  body.addEventListener('click', (e) => {
    const row = /** @type {HTMLElement} */ (e.target).closest('tr[data-event-id]');
    if (row instanceof HTMLTableRowElement) openDetails(row);
  });
  body.addEventListener('focusin', (e) => {
    const row = /** @type {HTMLElement} */ (e.target).closest('tr[data-event-id]');
    if (row instanceof HTMLTableRowElement) makeTabStop(row);
  });
  /** @param {HTMLTableRowElement | undefined} row */
  function makeTabStop(row) {
    for (const r of Array.from(body.rows)) r.tabIndex = r === row ? 0 : -1;
  }
  body.addEventListener('keydown', (e) => {
    const row = /** @type {HTMLElement} */ (e.target).closest('tr[data-event-id]');
    if (!(row instanceof HTMLTableRowElement)) return;
    const rows = Array.from(body.rows);
    const index = rows.indexOf(row);
    /** @type {HTMLTableRowElement | undefined} */
    let target;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openDetails(row);
      return;
    }
    if (e.key === 'ArrowDown') target = rows[index + 1];
    else if (e.key === 'ArrowUp') target = rows[index - 1];
    else if (e.key === 'Home') target = rows[0];
    else if (e.key === 'End') target = rows[rows.length - 1];
    else if (e.key === 'PageDown') target = rows[Math.min(rows.length - 1, index + 10)];
    else if (e.key === 'PageUp') target = rows[Math.max(0, index - 10)];
    if (target) {
      e.preventDefault();
      target.focus();
    }
  });

  /** @param {HTMLTableRowElement} row */
  function openDetails(row) {
    const id = row.dataset.eventId || '';
    detailsId = id;
    for (const r of Array.from(body.rows)) r.toggleAttribute('aria-current', r === row);
    vscode.postMessage({ type: 'details', id });
  }

  function closeDetails() {
    $('details').hidden = true;
    const row = detailsId ? body.querySelector(`tr[data-event-id="${CSS.escape(detailsId)}"]`) : null;
    detailsId = undefined;
    for (const r of Array.from(body.rows)) r.removeAttribute('aria-current');
    if (row instanceof HTMLElement) row.focus();
  }
  $('details').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeDetails();
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'view') renderView(message);
    else if (message.type === 'chain') renderChain(message.status);
    else if (message.type === 'cost') renderCost(message);
    else if (message.type === 'details') renderDetails(message);
  });

  /** @param {any} message */
  function renderView(message) {
    const view = message.view;
    $('source').textContent = message.source;
    showText('notice', message.notice);
    showText('load-error', message.error && `The log could not be read: ${message.error}`);
    page = view.page;
    pageCount = view.pageCount;
    save();

    fillSelect(input('filter-operation'), view.choices.operations);
    fillSelect(input('filter-result'), view.choices.errorCodes, 2);
    fillDatalist('choices-keys', view.choices.keys);
    fillDatalist('choices-callers', view.choices.callers);

    const problems = $('problems');
    problems.replaceChildren(...view.problems.map((/** @type {string} */ p) => element('li', p)));

    const first = view.page * view.pageSize + 1;
    const last = view.page * view.pageSize + view.rows.length;
    // Counted against the events the toggle lets through: hidden own reads are not "filtered out".
    const total = readFilter().own === 'show' ? view.total : view.total - view.ownReads;
    $('summary').textContent = view.matched === total
      ? `${total.toLocaleString('en-US')} events`
      : `${view.matched.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} events match`;
    // The toggle says how many rows it hides or shows, so the extension's reads are never silently gone.
    $('filter-own-label').textContent = `Show the extension's own reads (${view.ownReads.toLocaleString('en-US')})`;
    $('page-info').textContent = view.matched === 0 ? '' : `${first}–${last}, page ${view.page + 1} of ${view.pageCount}`;
    /** @type {HTMLButtonElement} */ ($('page-newer')).disabled = view.page === 0;
    /** @type {HTMLButtonElement} */ ($('page-older')).disabled = view.page >= view.pageCount - 1;

    const focusedId = document.activeElement instanceof HTMLTableRowElement ? document.activeElement.dataset.eventId : undefined;
    body.replaceChildren(...view.rows.map(rowOf));
    if (view.rows.length === 0) {
      const row = element('tr');
      const cell = element('td', view.total === 0 ? 'No KMS calls recorded yet.' : 'No events match the filters.');
      cell.colSpan = 6;
      row.append(cell);
      body.append(row);
    }
    const again = focusedId ? body.querySelector(`tr[data-event-id="${CSS.escape(focusedId)}"]`) : null;
    const stop = again ?? body.querySelector('tr[aria-current]') ?? body.querySelector('tr[data-event-id]');
    if (stop instanceof HTMLTableRowElement) makeTabStop(stop);
    if (again instanceof HTMLElement) again.focus();
  }

  /** @param {any} r */
  function rowOf(r) {
    const row = element('tr');
    row.tabIndex = -1;
    row.dataset.eventId = r.id;
    if (r.failed) row.classList.add('failed');
    if (r.id === detailsId) row.setAttribute('aria-current', 'true');
    for (const text of [r.time, r.operation, r.key, r.caller, r.region, r.result]) row.append(element('td', text));
    return row;
  }

  /** @param {any} status */
  function renderChain(status) {
    const el = $('chain-status');
    el.textContent = status.text;
    el.classList.toggle('broken', !status.ok);
    // A source without a chain (CloudTrail) gets no verdict mark: nothing was verified.
    el.classList.toggle('ok', status.ok && !status.unchained);
    $('chain-show').hidden = !status.badEntry;
  }

  /** @param {any} message */
  function renderCost(message) {
    const summary = $('cost-summary');
    const byKey = /** @type {HTMLTableElement} */ ($('cost-by-key')).tBodies[0];
    const byMonth = /** @type {HTMLTableElement} */ ($('cost-by-month')).tBodies[0];
    if (!message.cost) {
      summary.textContent = message.error || '';
      byKey.replaceChildren();
      byMonth.replaceChildren();
      return;
    }
    const cost = message.cost;
    summary.textContent = `${cost.total} in total for ${cost.requestCount} billed requests and the keys' storage.`
      + (cost.moreKeys ? ` The ${cost.moreKeys} least expensive keys are not listed.` : '');
    byKey.replaceChildren(...cost.byKey.map(costRow), ...(cost.ownReads ? [costRow(cost.ownReads)] : []));
    byMonth.replaceChildren(...cost.byMonth.map(costRow));
  }

  /** @param {any} line */
  function costRow(line) {
    const row = element('tr');
    const head = element('th', line.label);
    head.scope = 'row';
    row.append(head);
    for (const text of [line.requests, line.keyStorage, line.requestCost, line.total]) row.append(element('td', text));
    return row;
  }

  /** @param {any} message */
  function renderDetails(message) {
    $('details-heading').textContent = message.id ? 'Event details' : 'First entry that breaks the chain';
    $('details-json').textContent = message.json;
    $('details').hidden = false;
    $('details-json').focus();
  }

  /** @param {string} id @param {string | undefined} text */
  function showText(id, text) {
    const el = $(id);
    el.textContent = text || '';
    el.hidden = !text;
  }

  /**
   * Keeps the select's fixed leading options and replaces the rest, preserving the chosen value.
   * @param {HTMLInputElement | HTMLSelectElement} select @param {string[]} values @param {number} fixed
   */
  function fillSelect(select, values, fixed = 1) {
    if (!(select instanceof HTMLSelectElement)) return;
    const chosen = select.value;
    while (select.options.length > fixed) select.remove(fixed);
    for (const value of values) select.add(new Option(value, value));
    ensureOption(select, chosen);
    select.value = chosen;
  }

  /**
   * A saved choice stays selectable even when the log no longer has it.
   * @param {HTMLSelectElement} select @param {string} value
   */
  function ensureOption(select, value) {
    if (value && !Array.from(select.options).some((o) => o.value === value)) select.add(new Option(value, value));
  }

  /** @param {string} id @param {string[]} values */
  function fillDatalist(id, values) {
    $(id).replaceChildren(...values.map((v) => {
      const option = document.createElement('option');
      option.value = v;
      return option;
    }));
  }

  /** @param {string} tag @param {string} [text] */
  function element(tag, text) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    return /** @type {any} */ (el);
  }

  writeFilter(saved.filter || {});
  send('ready');
})();
