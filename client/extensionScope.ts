/**
 * The extension lifetime: what lives from activate() to deactivate() (the extension context, the
 * connections, the key tree and its view) and the one owner of their disposables. Feature modules take
 * this scope rather than the whole Ctx, so nothing they import leads back to the modules Ctx holds.
 */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connections/manager';
import type { KmsConnection } from './connections/connection';
import type { KeyringTreeProvider } from './tree/provider';
import type { Node } from './tree/nodes';

export class ExtensionScope implements vscode.Disposable {
  private readonly cleanups: vscode.Disposable[] = [];
  private readonly refreshed = new vscode.EventEmitter<KmsConnection | undefined>();
  /** Fires after refresh(): a command changed keys, so whoever mirrors them (the language server) re-reads. */
  readonly onDidRefresh = this.refreshed.event;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly connections: ConnectionManager,
    readonly tree: KeyringTreeProvider,
    readonly view: vscode.TreeView<Node>,
  ) {
    this.cleanups.push(this.refreshed);
  }

  pushExtCleanup(...disposables: vscode.Disposable[]): void {
    this.cleanups.push(...disposables);
  }

  /** The connection a command acts on: the node's, else the active one. */
  connectionFor(node?: { connection?: KmsConnection }): KmsConnection {
    const connection = node?.connection ?? this.connections.active();
    if (!connection) throw new vscode.CancellationError();
    return connection;
  }

  /** Redraws after a change (reloading that connection's keys) and tells whoever mirrors the keys. */
  refresh(connection?: KmsConnection): void {
    this.tree.refresh(connection);
    this.refreshed.fire(connection);
  }

  dispose(): void {
    for (const d of this.cleanups.splice(0).reverse()) d.dispose();
  }
}
