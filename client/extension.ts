/**
 * Entry point. `activate` builds the long-lived parts once (connections, tree, status bar, commands) and
 * hands each to the Ctx, the owner of extension-lifetime disposables; VS Code disposes the Ctx. The
 * language client has its own lifetime (ctx.language), started after activation and stopped by deactivate.
 */
import * as vscode from 'vscode';
import { registerAccess } from './access/checkAccess';
import { registerAuditPanel } from './audit/commands';
import { registerCommands } from './commands/index';
import { ConnectionManager } from './connections/manager';
import { Ctx } from './ctx';
import { DECRYPTED_SCHEME, READ_ONLY_MESSAGE } from './decryptedDocuments';
import { KEY_SCHEME, KeyDetailsDocuments } from './keyDetailsDocument';
import { createLogger, log } from './log';
import { registerSops } from './sops/register';
import { ConnectionStatus } from './statusBar';
import { KeyringTreeProvider } from './tree/provider';
import { watchPolicyChecks } from './walkthrough';

/** The extension lifetime, kept so deactivate() can wait for the language server to stop. */
let active: Ctx | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  const started = performance.now();
  const logger = createLogger();
  const connections = new ConnectionManager(extension);
  const tree = new KeyringTreeProvider(connections, extension.workspaceState);
  const view = vscode.window.createTreeView('kmsWorkbench.keyring', { treeDataProvider: tree, showCollapseAll: true });
  const ctx = new Ctx(extension, connections, tree, view);
  active = ctx;
  extension.subscriptions.push(ctx);
  ctx.pushExtCleanup(
    logger,
    { dispose: () => void connections.close() },
    connections,
    tree,
    view,
    new ConnectionStatus(connections),
    connections.onDidChange(() => tree.refresh()),
  );
  ctx.pushExtCleanup(
    vscode.workspace.registerFileSystemProvider(DECRYPTED_SCHEME, ctx.decrypted, { isReadonly: READ_ONLY_MESSAGE, isCaseSensitive: true }),
    vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === DECRYPTED_SCHEME && ctx.decrypted.forget(d.uri)),
    vscode.workspace.registerTextDocumentContentProvider(KEY_SCHEME, new KeyDetailsDocuments(ctx)),
  );
  registerCommands(ctx);
  registerSops(ctx);
  registerAuditPanel(ctx);
  registerAccess(ctx);
  watchPolicyChecks(ctx);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  // The language server is not needed for the view to work: it starts without holding activation up.
  ctx.language.start();
}

export async function deactivate(): Promise<void> {
  await active?.language.stop();
  active = undefined;
}
