/**
 * The audit commands: open the panel over the active connection's events (the local log, or an AWS
 * account's CloudTrail), and export them (what the panel's filter selects when it is open, all of them
 * otherwise) as CloudTrail JSON or CSV.
 */
import * as vscode from 'vscode';
import { AwsConnection, type KmsConnection } from '../connections/connection';
import type { Ctx } from '../ctx';
import { describeError, required, UserError } from '../commandErrors';
import { log } from '../log';
import type { ExportFormat } from './messages';
import { AUDIT_VIEW_TYPE, AuditPanel, exportAuditEvents, type AuditTarget } from './panel';
import { CloudTrailSource } from './cloudTrailSource';
import { AuditLogSource } from './source';

/**
 * The events to show for the given (or active) connection: its own log when it keeps one
 * (`auditLogPath`, the keyring folder the file audit sink writes in); its account's CloudTrail when its
 * KMS calls reach AWS, with the credentials, Region and profile its KMS client uses; else the local
 * keyring's log. A custom endpoint (`kmsw serve`, LocalStack) serves KMS only: AWS's CloudTrail has no
 * record of its calls, and sending the connection's credentials there would only fail or mislead.
 */
export function auditTarget(ctx: Ctx, connection?: KmsConnection): AuditTarget {
  const wanted = connection ?? ctx.connections.active();
  if (wanted?.auditLogPath) return { connection: wanted, source: new AuditLogSource(wanted.auditLogPath) };
  if (wanted instanceof AwsConnection && wanted.reachesAws) return { connection: wanted, source: new CloudTrailSource({ config: wanted.sdkConfig() }) };
  const why = wanted instanceof AwsConnection ? `${wanted.label} sends its KMS calls to ${wanted.endpoint}, not to AWS, so AWS CloudTrail has no record of them` : undefined;
  const local = ctx.connections.all().find((c) => c.auditLogPath);
  if (!local?.auditLogPath) {
    throw new UserError(`${why ? `${why}. ` : ''}The audit log is kept by the local keyring, which is turned off. Enable it with the setting kmsWorkbench.local.enabled.`);
  }
  const notice = why ? `Showing the ${local.label} log: ${why}.` : undefined;
  return { connection: local, source: new AuditLogSource(local.auditLogPath), ...(notice ? { notice } : {}) };
}

/** From the palette, or from a tree node's menu (the node's connection is shown then). */
export const openAuditPanel = (ctx: Ctx) => async (node?: { connection?: KmsConnection }): Promise<void> => {
  AuditPanel.show(ctx.extension.extensionUri, auditTarget(ctx, node?.connection));
};

/** `format` is taken only when a caller passes 'json' or 'csv'; menus pass tree nodes, which are ignored. */
export const exportAudit = (ctx: Ctx) => async (format?: unknown): Promise<void> => {
  const events = AuditPanel.open()?.selectedEvents() ?? (await wholeLog(ctx));
  const chosen: ExportFormat = format === 'json' || format === 'csv' ? format : required(await vscode.window.showQuickPick(
    [{ label: 'CloudTrail JSON', description: '{"Records": [...]}, as CloudTrail writes to S3', format: 'json' as const },
      { label: 'CSV', description: 'one row per call, for spreadsheets', format: 'csv' as const }],
    { title: `Export ${events.length} audit events`, placeHolder: 'Format' },
  )).format;
  await exportAuditEvents(events, chosen);
};

async function wholeLog(ctx: Ctx) {
  const snapshot = await auditTarget(ctx).source.load();
  if (snapshot.error !== undefined) throw snapshot.error;
  return snapshot.events;
}

/**
 * Restores the panel after a window reload (with the `onWebviewPanel:kmsWorkbench.audit` activation
 * event), and disposes it with the extension.
 */
export function registerAuditPanel(ctx: Ctx): void {
  ctx.pushExtCleanup(
    vscode.window.registerWebviewPanelSerializer(AUDIT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        try {
          AuditPanel.revive(panel, ctx.extension.extensionUri, auditTarget(ctx));
        } catch (error) {
          // The local keyring was turned off since: there is no log to show any more.
          log.info(`audit panel not restored: ${describeError(error)}`);
          panel.dispose();
        }
      },
    }),
    { dispose: () => AuditPanel.open()?.dispose() },
  );
}
