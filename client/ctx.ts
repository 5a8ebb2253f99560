/**
 * The one owner of the extension's disposables. Extension-lifetime things (views, commands, logger)
 * go to `pushExtCleanup`; connection-lifetime things are owned by ConnectionManager, which closes
 * clients when settings replace them.
 */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connections/manager';
import type { KmsConnection } from './connections/connection';
import type { LanguageClientHandle } from './language/client';
import { DecryptedDocuments } from './decryptedDocuments';
import { PolicyEditor } from './policyEditor';
import type { KeyringTreeProvider } from './tree/provider';
import type { Node } from './tree/nodes';

export class Ctx implements vscode.Disposable {
  private readonly cleanups: vscode.Disposable[] = [];
  /** Set once the language server runs (it starts after activation, see extension.ts). */
  language: LanguageClientHandle | undefined;
  /** Key policies open for editing; saving one updates the key. */
  readonly policies: PolicyEditor;
  /** The read-only `kms-decrypted:` file system behind Open Decrypted. */
  readonly decrypted: DecryptedDocuments;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly connections: ConnectionManager,
    readonly tree: KeyringTreeProvider,
    readonly view: vscode.TreeView<Node>,
  ) {
    this.policies = new PolicyEditor(this);
    this.decrypted = new DecryptedDocuments(this);
    this.cleanups.push(this.policies, this.decrypted);
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

  /** Redraws after a change (reloading that connection's keys) and tells the language server. */
  refresh(connection?: KmsConnection): void {
    this.tree.refresh(connection);
    void this.language?.refreshKeyring();
  }

  dispose(): void {
    for (const d of this.cleanups.splice(0).reverse()) d.dispose();
  }
}
