/**
 * SOPS files in the workspace, recognised by their `sops` metadata whatever their name: a notice with
 * **Edit Decrypted** when one is opened, a status bar item naming its keys, the context key for the
 * editor title button, and diagnostics (in this extension's own collection) when the file's MAC does
 * not verify or no connection can use any of its KMS keys.
 */
import * as vscode from 'vscode';
import { decryptSops, formatForPath, isSopsText, readMetadata } from '../../src-core/sops/document';
import { SopsError } from '../../src-core/sops/sops-error';
import { describeKey } from '../../src-core/sops/data-key';
import type { Ctx } from '../ctx';
import { log } from '../log';
import { SOPS_SCHEME } from './fileSystem';
import { withSopsEnvironment } from './kms';

const CONTEXT_KEY = 'kmsWorkbench.isSopsFile';

function isSopsDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && doc.getText().includes('sops') && isSopsText(doc.getText(), formatForPath(doc.uri.fsPath));
}

/** The line of a metadata field (`mac`, `kms`, `sops`…) for a diagnostic's range, else the first line. */
function lineOf(doc: vscode.TextDocument, pattern: RegExp): vscode.Range {
  for (let i = doc.lineCount - 1; i >= 0; i--) if (pattern.test(doc.lineAt(i).text)) return doc.lineAt(i).range;
  return doc.lineAt(0).range;
}

export class SopsFiles implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('kms-sops');
  private readonly status = vscode.window.createStatusBarItem('kmsWorkbench.sops', vscode.StatusBarAlignment.Left, 9);
  private readonly noticed = new Set<string>();
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.status.name = 'SOPS file keys';
    this.listeners = [
      vscode.workspace.onDidOpenTextDocument((doc) => void this.check(doc, true)),
      vscode.workspace.onDidSaveTextDocument((doc) => void this.check(doc, false)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.diagnostics.delete(doc.uri)),
      vscode.window.onDidChangeActiveTextEditor(() => this.showStatus()),
    ];
    for (const doc of vscode.workspace.textDocuments) void this.check(doc, false);
    this.showStatus();
  }

  private async check(doc: vscode.TextDocument, notice: boolean): Promise<void> {
    if (!isSopsDocument(doc)) return;
    this.showStatus();
    if (notice && !this.noticed.has(doc.uri.fsPath)) {
      this.noticed.add(doc.uri.fsPath);
      void vscode.window.showInformationMessage(`${vscode.workspace.asRelativePath(doc.uri)} is a SOPS file: its values are encrypted.`, 'Edit Decrypted').then((choice) => {
        if (choice) void vscode.commands.executeCommand('kmsWorkbench.sopsEditDecrypted', doc.uri);
      });
    }
    await this.verify(doc);
  }

  /** One KMS Decrypt: tells whether the MAC verifies and whether any connection can open the file. */
  private async verify(doc: vscode.TextDocument): Promise<void> {
    try {
      await withSopsEnvironment(this.ctx, (env) => decryptSops(doc.getText(), formatForPath(doc.uri.fsPath), env));
      this.diagnostics.delete(doc.uri);
    } catch (e) {
      if (!(e instanceof SopsError)) {
        log.warn(`could not check SOPS file ${doc.uri.fsPath}: ${(e as Error).message}`);
        return;
      }
      // A value that does not authenticate is marked on its own line; a MAC mismatch on the mac.
      const key = /value at "(?:[^"]*\.)?([^".]+)"/.exec(e.message)?.[1]?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const range =
        e.reason !== 'tampered' ? lineOf(doc, /^\s*"?(sops_)?(kms|sops|key_groups)"?\s*[:=]|^\[sops\]/) : key ? lineOf(doc, new RegExp(`^\\s*"?${key}"?\\s*[:=]`)) : lineOf(doc, /^\s*"?(sops_)?mac"?\s*[:=]/);
      const message = e.reason === 'no-key' ? `No connection can use this file's KMS keys: ${e.message}` : e.message;
      const diagnostic = new vscode.Diagnostic(range, message, e.reason === 'malformed' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'KMS Workbench (SOPS)';
      diagnostic.code = e.reason === 'no-key' ? 'sops-no-usable-key' : e.reason === 'tampered' ? 'sops-tampered' : 'sops-malformed';
      this.diagnostics.set(doc.uri, [diagnostic]);
    }
  }

  private showStatus(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const file = doc?.uri.scheme === SOPS_SCHEME ? vscode.Uri.file(doc.uri.fsPath) : doc?.uri;
    const isSops = doc !== undefined && (doc.uri.scheme === SOPS_SCHEME || isSopsDocument(doc));
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, isSops && doc?.uri.scheme === 'file');
    if (!isSops || !file) {
      this.status.hide();
      return;
    }
    void vscode.workspace.fs.readFile(file).then(
      (bytes) => {
        const keys = readMetadata(Buffer.from(bytes).toString('utf8'), formatForPath(file.fsPath)).keyGroups;
        const all = keys.flat();
        this.status.text = `$(lock) SOPS: ${all.length} key${all.length === 1 ? '' : 's'}`;
        this.status.tooltip = keys.map((group, i) => `${keys.length > 1 ? `Group ${i + 1}: ` : ''}${group.map(describeKey).join(', ')}`).join('\n');
        this.status.command = doc.uri.scheme === 'file' ? { title: 'Edit Decrypted', command: 'kmsWorkbench.sopsEditDecrypted', arguments: [file] } : undefined;
        this.status.show();
      },
      () => this.status.hide(),
    );
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.diagnostics.dispose();
    this.status.dispose();
  }
}
