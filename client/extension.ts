/**
 * Entry point. `activate` builds the long-lived parts once (connections, tree, status bar, commands,
 * language client) and hands each to the Ctx, the one owner of disposables; VS Code disposes the Ctx.
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

let stopLanguageClient: (() => Promise<void>) | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  const started = performance.now();
  const logger = createLogger();
  const connections = new ConnectionManager(extension);
  const tree = new KeyringTreeProvider(connections, extension.workspaceState);
  const view = vscode.window.createTreeView('kmsWorkbench.keyring', { treeDataProvider: tree, showCollapseAll: true });
  const ctx = new Ctx(extension, connections, tree, view);
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
  // The language server is not needed for the view to work: load and start it without holding activation up.
  // On the next turn of the event loop, not in a microtask: those run before VS Code sees activate() settle,
  // and loading the language client's bundle (dist/vendor/) is a third of the load time of this one.
  setImmediate(() => {
    void import('./language/client').then(({ startLanguageClient }) => startLanguageClient(ctx)).then(
      (handle) => {
        ctx.language = handle;
        stopLanguageClient = handle.stop;
      },
      (error: unknown) => log.error('language server did not start', error),
    );
  });
}

export async function deactivate(): Promise<void> {
  await stopLanguageClient?.();
}
