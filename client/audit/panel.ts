/**
 * The audit panel: one webview over an audit source, the local keyring's log or an AWS account's
 * CloudTrail. The extension keeps the events and the filter; the webview renders one page at a time.
 * While the panel is visible it polls the source and re-reads it when another call was recorded, so the
 * table and the cost follow live use.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { estimateCost } from '../../src-core/audit/cost';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { toCloudTrailJson, toCsv } from '../../src-core/audit/export';
import { readsClient, type KmsConnection } from '../connections/connection';
import { describeError } from '../commandErrors';
import { log } from '../log';
import { listCostKeys, withDeletionWindows, type CostKeys } from './costKeys';
import { auditPageHtml } from './html';
import { parseWebviewMessage, type ExportFormat, type PanelMessage, type WebviewMessage } from './messages';
import type { AuditSource } from './source';
import { buildAuditView, chainStatus, costView, EMPTY_FILTER, eventDetails, isExtensionRead, selectEvents, type ChainStatus, type PanelFilter } from './view';

export const AUDIT_VIEW_TYPE = 'kmsWorkbench.audit';
/** How often a visible panel looks at the log's size. */
const POLL_MS = 2000;
/** A large log takes seconds to read: after a re-read, wait this many times as long before the next. */
const POLL_BACKOFF = 3;
/**
 * Live reloads re-verify the chain every time while that is cheap, else at most once a minute
 * (verifying 100,000 entries hashes for seconds on the extension host).
 */
const CHEAP_VERIFY_MS = 100;
const VERIFY_EVERY_MS = 60_000;

export interface AuditTarget {
  /** Whose keys the cost estimate lists. */
  connection: KmsConnection;
  source: AuditSource;
  /** Shown above the table, e.g. why this log and not the active AWS connection's. */
  notice?: string;
}

/** Two targets with the same key read the same events. */
const targetKey = (t: AuditTarget) => `${t.connection.id} · ${t.source.location}`;

export class AuditPanel implements vscode.Disposable {
  private static current: AuditPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private source: AuditSource;
  private events: CloudTrailEvent[] = [];
  private loadError: string | undefined;
  private loadNotice: string | undefined;
  private chain: ChainStatus | undefined;
  private badEntry: string | undefined;
  private costKeys: Promise<CostKeys> | undefined;
  /** Key ID → alias, from the cost estimate's listing, for the Key column. */
  private aliases: ReadonlyMap<string, string> = new Map();
  private filter: PanelFilter = EMPTY_FILTER;
  private page = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private verifiedAt = 0;
  private lastVerifyMs = 0;
  private lastReloadMs = 0;
  /** Reloads run one after another: a poll and a Refresh must not interleave their posts. */
  private reloads: Promise<void> = Promise.resolve();

  /** Shows the panel (creating it on first use) over `target`'s log. */
  static show(extensionUri: vscode.Uri, target: AuditTarget): AuditPanel {
    const existing = AuditPanel.current;
    if (existing) {
      existing.retarget(target);
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(AUDIT_VIEW_TYPE, 'KMS Audit Log', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    AuditPanel.current = new AuditPanel(panel, extensionUri, target);
    return AuditPanel.current;
  }

  /** Takes over a panel VS Code restored after a reload; its webview state still holds the filter. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, target: AuditTarget): AuditPanel {
    AuditPanel.current?.dispose();
    panel.webview.options = webviewOptions(extensionUri);
    AuditPanel.current = new AuditPanel(panel, extensionUri, target);
    return AuditPanel.current;
  }

  /** The open panel, if any (the export command exports what it shows). */
  static open(): AuditPanel | undefined {
    return AuditPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private target: AuditTarget,
  ) {
    this.source = target.source;
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.updatePolling()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (message) void this.handle(message);
      }),
    );
    this.updatePolling();
  }

  /** The events the current filter selects, in log order. */
  selectedEvents(): CloudTrailEvent[] {
    return selectEvents(this.events, this.filter);
  }

  private retarget(target: AuditTarget): void {
    const sameLog = targetKey(target) === targetKey(this.target);
    this.target = target;
    if (sameLog) return;
    this.source = target.source;
    this.costKeys = undefined;
    void this.reload(true);
  }

  private html(): string {
    const media = (file: string) => this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'audit', file)).toString();
    return auditPageHtml({ cspSource: this.panel.webview.cspSource, scriptUri: media('audit.js'), styleUri: media('audit.css'), nonce: randomBytes(16).toString('base64') });
  }

  private async handle(message: WebviewMessage): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          this.filter = message.filter;
          this.page = message.page;
          await this.reload(true);
          return;
        case 'query':
          this.filter = message.filter;
          this.page = message.page;
          this.postView();
          return;
        case 'details': {
          const json = eventDetails(this.events, message.id);
          if (json) this.post({ type: 'details', id: message.id, json });
          return;
        }
        case 'chainEntry':
          if (this.badEntry) this.post({ type: 'details', id: '', json: this.badEntry });
          return;
        case 'export':
          await exportAuditEvents(this.selectedEvents(), message.format);
          return;
        case 'refresh':
          this.costKeys = undefined;
          await this.reload(true);
          return;
      }
    } catch (error) {
      log.error(`audit panel: ${message.type}`, error);
      void vscode.window.showErrorMessage(`Audit panel: ${describeError(error)}`);
    }
  }

  /**
   * Re-reads the log and recomputes the cost, posting each as it is ready; re-verifies the chain when
   * `verify` is set (open, Refresh), when verifying is cheap, or when the last check is a minute old.
   */
  private reload(verify = false): Promise<void> {
    const run = this.reloads.then(() => this.reloadNow(verify));
    this.reloads = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(verify: boolean): Promise<void> {
    const started = Date.now();
    const snapshot = await this.source.load();
    this.events = snapshot.events;
    this.loadError = snapshot.error === undefined ? undefined : describeError(snapshot.error);
    this.loadNotice = snapshot.notice;
    this.postView();
    if (verify || !this.chain || this.lastVerifyMs < CHEAP_VERIFY_MS || started - this.verifiedAt >= VERIFY_EVERY_MS) {
      const verifyStarted = Date.now();
      const verdict = await this.source.verify();
      this.verifiedAt = Date.now();
      this.lastVerifyMs = this.verifiedAt - verifyStarted;
      this.chain = chainStatus(verdict, this.verifiedAt);
      this.badEntry = this.chain.badEntry;
    }
    this.post({ type: 'chain', status: this.chain });
    await this.postCost();
    this.lastReloadMs = Date.now() - started;
  }

  private postView(): void {
    const view = buildAuditView(this.events, this.filter, this.page, this.aliases);
    this.page = view.page;
    const message: PanelMessage = { type: 'view', source: `${this.target.connection.label} · ${this.source.location}`, view };
    const notice = [this.target.notice, this.loadNotice].filter(Boolean).join(' ');
    if (notice) message.notice = notice;
    if (this.loadError) message.error = this.loadError;
    this.post(message);
  }

  /** The keys are listed once per panel (and on Refresh): listing them is itself audited. */
  private async postCost(): Promise<void> {
    try {
      this.costKeys ??= readsClient(this.target.connection).then(listCostKeys);
      const { keys, labels } = await this.costKeys;
      const aliases = new Map([...labels].map(([arn, alias]) => [arn.slice(arn.lastIndexOf('/') + 1), alias]));
      if ([...aliases].some(([id, alias]) => this.aliases.get(id) !== alias) || aliases.size !== this.aliases.size) {
        this.aliases = aliases;
        this.postView();
      }
      const now = Date.now();
      const own = this.events.filter(isExtensionRead);
      const users = own.length ? this.events.filter((e) => !isExtensionRead(e)) : this.events;
      const estimate = estimateCost(users, withDeletionWindows(keys, this.events), now);
      this.post({ type: 'cost', cost: costView(estimate, labels, own.length ? estimateCost(own, [], now) : undefined) });
    } catch (error) {
      this.costKeys = undefined;
      log.warn('audit panel: cost estimate', error);
      this.post({ type: 'cost', error: `The keys could not be listed for the estimate: ${describeError(error)}` });
    }
  }

  private post(message: PanelMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private updatePolling(): void {
    if (this.panel.visible && !this.timer) this.schedulePoll();
    else if (!this.panel.visible && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** One poll at a time, each scheduled after the last finished, so a slow read never stacks up. */
  private schedulePoll(): void {
    const timer: ReturnType<typeof setTimeout> = setTimeout(() => void this.poll(timer), Math.max(POLL_MS, POLL_BACKOFF * this.lastReloadMs));
    this.timer = timer;
  }

  /** `timer` is the one that fired: if hiding or disposing replaced it meanwhile, this chain ends here. */
  private async poll(timer: ReturnType<typeof setTimeout>): Promise<void> {
    try {
      if (await this.source.changed()) await this.reload();
    } catch (error) {
      log.debug(`audit panel: polling ${this.source.location}: ${describeError(error)}`);
    }
    if (this.timer === timer) this.schedulePoll();
  }

  dispose(): void {
    if (AuditPanel.current === this) AuditPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Scripts on, and only the panel's own media folder readable. */
function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media', 'audit')] };
}

const EXPORT_FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  json: { 'CloudTrail JSON': ['json'] },
  csv: { CSV: ['csv'] },
};

/** Asks where to save (the dialog confirms overwriting) and writes the events; false when cancelled. */
export async function exportAuditEvents(events: readonly CloudTrailEvent[], format: ExportFormat): Promise<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `kms-audit-${new Date().toISOString().slice(0, 10)}.${format}`;
  const target = await vscode.window.showSaveDialog({
    title: `Export ${events.length} audit events`,
    saveLabel: 'Export',
    filters: EXPORT_FILTERS[format],
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (!target) return false;
  const text = format === 'json' ? toCloudTrailJson(events) : toCsv(events);
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  log.info(`audit: exported ${events.length} events as ${format} to ${target.fsPath}`);
  // Not awaited: the export is done whether or not the user opens it.
  void vscode.window.showInformationMessage(`Exported ${events.length} audit events to ${vscode.workspace.asRelativePath(target)}.`, 'Open File').then((choice) => {
    if (choice === 'Open File') void vscode.commands.executeCommand('vscode.open', target);
  });
  return true;
}
