/**
 * The extension's parts, handed to every command: the extension lifetime (ExtensionScope, the one owner
 * of extension-lifetime disposables) plus the features built on it. The language server has its own
 * lifetime (LanguageServer): one client session at a time, whose disposables that session owns.
 */
import type * as vscode from 'vscode';
import type { ConnectionManager } from './connections/manager';
import { DecryptedDocuments } from './decryptedDocuments';
import { ExtensionScope } from './extensionScope';
import { LanguageServer } from './language/lifetime';
import { PolicyEditor } from './policyEditor';
import type { KeyringTreeProvider } from './tree/provider';
import type { Node } from './tree/nodes';

export class Ctx extends ExtensionScope {
  /** Key policies open for editing; saving one updates the key. */
  readonly policies: PolicyEditor;
  /** The read-only `kms-decrypted:` file system behind Open Decrypted. */
  readonly decrypted: DecryptedDocuments;
  /** The language server; it starts after activation (see extension.ts). */
  readonly language: LanguageServer;

  constructor(extension: vscode.ExtensionContext, connections: ConnectionManager, tree: KeyringTreeProvider, view: vscode.TreeView<Node>) {
    super(extension, connections, tree, view);
    this.policies = new PolicyEditor(this);
    this.decrypted = new DecryptedDocuments(this);
    this.language = new LanguageServer(this);
    this.pushExtCleanup(this.policies, this.decrypted, this.language);
  }
}
