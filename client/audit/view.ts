/**
 * The audit panel's view model, without vscode: the webview's filter form becomes an AuditFilter, the
 * log becomes one page of table rows (newest first) with the choices each filter offers, and the chain
 * verdict and cost estimate become display text. The webview only renders what this module produces.
 */
import type { CostEstimate, CostFigures } from '../../src-core/audit/cost';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { filterEvents, keyIdOfArn, keyReferences, type AuditFilter } from '../../src-core/audit/query';
import { EXTENSION_READS_AGENT } from '../connections/connection';
import type { ChainCheck } from './source';

/** Rows rendered at once: large logs are paged so the webview's DOM stays small. */
export const PAGE_SIZE = 200;
/** Suggestions per filter field; a log with more distinct values still filters by typed text. */
const MAX_CHOICES = 500;
/** Cost lines shown per table; the totals still cover every key. */
const MAX_COST_LINES = 50;

/** The filter form exactly as the webview sends it: every field is text, empty means "any". */
export interface PanelFilter {
  /** `YYYY-MM-DD`, `YYYY-MM-DD hh:mm` or `YYYY-MM-DDThh:mm`, read as UTC like the table's times. */
  from: string;
  to: string;
  /** Key ID, key ARN or alias name. */
  key: string;
  operation: string;
  /** Principal ARN or access key ID. */
  caller: string;
  /** '' any result, '*' any error, else one exception name. */
  result: string;
  /** '' any, 'read' read-only calls, 'write' calls that change something. */
  access: string;
  /** 'show' includes the extension's own background reads; '' (the default) hides them. */
  own: string;
}

export const EMPTY_FILTER: PanelFilter = { from: '', to: '', key: '', operation: '', caller: '', result: '', access: '', own: '' };

/** One of the extension's own reads (tree, keyring feed, key lists), told apart by its user agent. */
export function isExtensionRead(event: CloudTrailEvent): boolean {
  return typeof event.userAgent === 'string' && event.userAgent.includes(EXTENSION_READS_AGENT);
}

/** The log without the extension's own reads, unless the form asks for them. */
function shownEvents(events: readonly CloudTrailEvent[], form: Partial<PanelFilter>): readonly CloudTrailEvent[] {
  return form.own === 'show' ? events : events.filter((e) => !isExtensionRead(e));
}

export interface AuditRow {
  /** eventID: what the webview sends back to ask for details. */
  id: string;
  time: string;
  operation: string;
  key: string;
  caller: string;
  region: string;
  /** "OK" or the exception name. */
  result: string;
  failed: boolean;
}

export interface AuditView {
  rows: AuditRow[];
  /** Events that pass the filter, and events in the log. */
  matched: number;
  total: number;
  /** The extension's own reads in the log, hidden unless the form's `own` shows them. */
  ownReads: number;
  /** 0-based, clamped to the pages that exist. */
  page: number;
  pageCount: number;
  pageSize: number;
  /** Filter fields that could not be read; the filter is applied without them. */
  problems: string[];
  choices: { operations: string[]; keys: string[]; callers: string[]; errorCodes: string[] };
}

/** Reads the form; a field that does not parse is left out and named in `problems`. */
export function toAuditFilter(form: Partial<PanelFilter>): { filter: AuditFilter; problems: string[] } {
  const f = { ...EMPTY_FILTER, ...form };
  const filter: AuditFilter = {};
  const problems: string[] = [];
  const since = parseUtc(f.from, 'From', problems);
  const until = parseUtc(f.to, 'To', problems);
  if (since !== undefined && until !== undefined && since >= until) problems.push('From must be before To.');
  else {
    if (since !== undefined) filter.since = since;
    if (until !== undefined) filter.until = until;
  }
  if (f.key.trim()) filter.key = f.key.trim();
  if (f.operation.trim()) filter.operations = [f.operation.trim()];
  if (f.caller.trim()) filter.principal = f.caller.trim();
  if (f.result === '*') filter.errorsOnly = true;
  else if (f.result.trim()) filter.errorCode = f.result.trim();
  if (f.access === 'read') filter.readOnly = true;
  else if (f.access === 'write') filter.readOnly = false;
  return { filter, problems };
}

function parseUtc(text: string, field: string, problems: string[]): number | undefined {
  const value = text.trim();
  if (!value) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/.exec(value);
  const ms = match ? Date.parse(`${match[1]}T${match[2] ?? '00:00'}Z`) : NaN;
  if (Number.isNaN(ms)) {
    problems.push(`${field} is not a date and time (YYYY-MM-DD hh:mm, UTC).`);
    return undefined;
  }
  return ms;
}

/** The events that pass the form, in log order (what an export writes). */
export function selectEvents(events: readonly CloudTrailEvent[], form: Partial<PanelFilter>): CloudTrailEvent[] {
  return filterEvents(shownEvents(events, form), toAuditFilter(form).filter);
}

/**
 * One page of the filtered log, newest first. `events` are in log order. `aliases` (key ID → alias) names
 * the keys in the Key column beside their IDs, as the cost table names them.
 */
export function buildAuditView(events: readonly CloudTrailEvent[], form: Partial<PanelFilter>, page: number, aliases: ReadonlyMap<string, string> = new Map()): AuditView {
  const { filter, problems } = toAuditFilter(form);
  const shown = shownEvents(events, form);
  const matched = filterEvents(shown, filter);
  const pageCount = Math.max(1, Math.ceil(matched.length / PAGE_SIZE));
  const current = Math.min(Math.max(0, Math.trunc(page) || 0), pageCount - 1);
  // Newest first: page 0 ends at the log's end.
  const end = matched.length - current * PAGE_SIZE;
  const rows = matched.slice(Math.max(0, end - PAGE_SIZE), end).reverse().map((e) => toRow(e, aliases));
  const ownReads = form.own === 'show' ? events.filter(isExtensionRead).length : events.length - shown.length;
  return { rows, matched: matched.length, total: events.length, ownReads, page: current, pageCount, pageSize: PAGE_SIZE, problems, choices: choicesOf(events) };
}

function toRow(event: CloudTrailEvent, aliases: ReadonlyMap<string, string>): AuditRow {
  const key = keyOf(event);
  const alias = aliases.get(keyIdOfArn(key) ?? key);
  return {
    id: event.eventID,
    time: event.eventTime,
    operation: event.eventName,
    key: alias ? `${alias} (${key})` : key,
    caller: event.userIdentity.arn,
    region: event.awsRegion,
    result: event.errorCode ?? 'OK',
    failed: event.errorCode !== undefined,
  };
}

/** The key a call acted on (its ID), else the one it created or asked for (a failed call has no resources). */
function keyOf(event: CloudTrailEvent): string {
  return keyReferences(event)[0] ?? '';
}

/** Choices depend on the log only, so each loaded log computes them once, not on every filter change. */
const choicesByLog = new WeakMap<readonly CloudTrailEvent[], AuditView['choices']>();

function choicesOf(events: readonly CloudTrailEvent[]): AuditView['choices'] {
  let choices = choicesByLog.get(events);
  if (!choices) choicesByLog.set(events, (choices = collectChoices(events)));
  return choices;
}

function collectChoices(events: readonly CloudTrailEvent[]): AuditView['choices'] {
  const operations = new Set<string>();
  const keys = new Set<string>();
  const callers = new Set<string>();
  const errorCodes = new Set<string>();
  for (const e of events) {
    operations.add(e.eventName);
    const key = keyOf(e);
    if (key) keys.add(key);
    callers.add(e.userIdentity.arn);
    if (e.errorCode) errorCodes.add(e.errorCode);
  }
  const list = (set: Set<string>) => [...set].sort().slice(0, MAX_CHOICES);
  return { operations: list(operations), keys: list(keys), callers: list(callers), errorCodes: list(errorCodes) };
}

/** The event's full record for the details pane, or undefined when it is no longer in the log. */
export function eventDetails(events: readonly CloudTrailEvent[], id: string): string | undefined {
  const event = events.find((e) => e.eventID === id);
  return event && JSON.stringify(event, null, 2);
}

export interface ChainStatus {
  ok: boolean;
  text: string;
  /** The source keeps no chain (CloudTrail): `text` says so, and there is no verdict to show. */
  unchained?: true;
  /** The first entry that breaks the chain, pretty-printed, when there is one to show. */
  badEntry?: string;
}

/** `checkedAt` (epoch ms) is shown because a large log is re-verified only now and then, not on every call. */
export function chainStatus(verdict: ChainCheck, checkedAt: number): ChainStatus {
  if ('unchained' in verdict) return { ok: true, text: verdict.unchained, unchained: true };
  const at = `${new Date(checkedAt).toISOString().slice(11, 19)} UTC`;
  if (verdict.ok) return { ok: true, text: `Chain verified at ${at}: ${plural(verdict.count, 'entry', 'entries')} intact.` };
  const status: ChainStatus = { ok: false, text: `Chain broken at entry ${verdict.index + 1} (checked at ${at}): ${verdict.reason}.` };
  if (verdict.entry !== undefined) status.badEntry = typeof verdict.entry === 'string' ? verdict.entry : JSON.stringify(verdict.entry, null, 2);
  return status;
}

export interface CostLine {
  label: string;
  requests: string;
  keyStorage: string;
  requestCost: string;
  total: string;
}

export interface CostView {
  total: string;
  requestCount: string;
  byKey: CostLine[];
  byMonth: CostLine[];
  /** Lines left out of byKey because only the most expensive are listed. */
  moreKeys: number;
  /** The extension's own reads (billed on AWS too), on their line apart from the user's calls per key. */
  ownReads?: CostLine;
}

export const OWN_READS_LABEL = 'The extension\'s own reads (tree, key lists)';

/**
 * `labels` maps key ARNs to what the user knows them by (an alias); other keys show their ID. `ownReads`
 * is the estimate of the extension's own reads alone, when `estimate` covers the user's calls only: the
 * total then adds them, and they get a line of their own.
 */
export function costView(estimate: CostEstimate, labels: ReadonlyMap<string, string> = new Map(), ownReads?: CostFigures): CostView {
  const keyLabel = (arn: string | undefined) => (arn === undefined ? 'Requests without a key' : (labels.get(arn) ?? keyIdOfArn(arn) ?? arn));
  const view: CostView = {
    total: dollars(estimate.total + (ownReads?.total ?? 0)),
    requestCount: (estimate.requestCount + (ownReads?.requestCount ?? 0)).toLocaleString('en-US'),
    byKey: estimate.byKey.slice(0, MAX_COST_LINES).map((k) => costLine(keyLabel(k.arn), k)),
    byMonth: estimate.byMonth.map((m) => costLine(m.month, m)),
    moreKeys: Math.max(0, estimate.byKey.length - MAX_COST_LINES),
  };
  if (ownReads?.requestCount) view.ownReads = costLine(OWN_READS_LABEL, ownReads);
  return view;
}

function costLine(label: string, figures: CostFigures): CostLine {
  return {
    label,
    requests: figures.requestCount.toLocaleString('en-US'),
    keyStorage: dollars(figures.keyStorage),
    requestCost: dollars(figures.requests),
    total: dollars(figures.total),
  };
}

/** Cents for bills; sub-cent request costs keep four decimals, and smaller ones say so, so none reads as free. */
export function dollars(amount: number): string {
  if (amount > 0 && amount < 0.00005) return '<$0.0001';
  return `$${amount.toFixed(amount > 0 && amount < 0.01 ? 4 : 2)}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
