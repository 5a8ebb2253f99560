/**
 * The messages between the audit panel and its webview (media/audit/audit.js). What the webview
 * sends is checked field by field before use: it is another process's data.
 */
import type { AuditView, ChainStatus, CostView, PanelFilter } from './view';
import { EMPTY_FILTER } from './view';

export type ExportFormat = 'json' | 'csv';

/** Webview → extension. */
export type WebviewMessage =
  /** Sent when the webview (re)loads, with the filter it kept in its state. */
  | { type: 'ready'; filter: PanelFilter; page: number }
  | { type: 'query'; filter: PanelFilter; page: number }
  | { type: 'details'; id: string }
  | { type: 'chainEntry' }
  | { type: 'export'; format: ExportFormat }
  | { type: 'refresh' };

/** Extension → webview. */
export type PanelMessage =
  | { type: 'view'; source: string; notice?: string; view: AuditView; error?: string }
  | { type: 'chain'; status: ChainStatus }
  | { type: 'cost'; cost?: CostView; error?: string }
  | { type: 'details'; id: string; json: string };

export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'chainEntry':
    case 'refresh':
      return { type: m.type };
    case 'ready':
    case 'query':
      return { type: m.type, filter: parseFilter(m.filter), page: typeof m.page === 'number' && Number.isFinite(m.page) ? m.page : 0 };
    case 'details':
      return typeof m.id === 'string' ? { type: 'details', id: m.id } : undefined;
    case 'export':
      return m.format === 'json' || m.format === 'csv' ? { type: 'export', format: m.format } : undefined;
    default:
      return undefined;
  }
}

function parseFilter(raw: unknown): PanelFilter {
  const r = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const filter = { ...EMPTY_FILTER };
  for (const field of Object.keys(filter) as (keyof PanelFilter)[]) {
    const value = r[field];
    if (typeof value === 'string') filter[field] = value;
  }
  return filter;
}
