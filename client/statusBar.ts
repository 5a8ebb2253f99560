/** The status bar item naming the active connection; clicking it switches connections. */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connections/manager';

export class ConnectionStatus implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem('kmsWorkbench.connection', vscode.StatusBarAlignment.Left, 10);
  readonly #listener: vscode.Disposable;

  constructor(private readonly connections: ConnectionManager) {
    this.#item.name = 'KMS Workbench connection';
    this.#item.command = 'kmsWorkbench.selectConnection';
    this.#listener = connections.onDidChange(() => this.refresh());
    this.refresh();
  }

  refresh(): void {
    const active = this.connections.active();
    if (!active) {
      this.#item.hide();
      return;
    }
    this.#item.text = `$(${active.kind === 'local' ? 'vm' : 'cloud'}) KMS: ${active.label}`;
    this.#item.tooltip = `KMS commands outside the Keyring view use ${active.label} (${active.region}). Click to switch.`;
    // Screen readers read words, not the icon's name.
    this.#item.accessibilityInformation = { label: `KMS connection: ${active.label}, ${active.region}. Switch connection.`, role: 'button' };
    this.#item.show();
  }

  dispose(): void {
    this.#listener.dispose();
    this.#item.dispose();
  }
}
