/**
 * The set of connections, rebuilt from settings, and which one is active. A settings change closes
 * the connections it replaces; the tree and status bar follow `onDidChange`.
 */
import * as vscode from 'vscode';
import { affects, localDataDir, setting } from '../config';
import { log } from '../log';
import { AwsConnection, type KmsConnection } from './connection';
import { LOCAL_CONNECTION_ID, LocalConnection } from './local';

const ACTIVE_KEY = 'kmsWorkbench.activeConnection';

export class ConnectionManager implements vscode.Disposable {
  private connections: KmsConnection[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.connections = this.build();
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affects(e, 'local.enabled', 'local.dataDir', 'local.region', 'local.accountId', 'aws.connections')) void this.reload();
      }),
    );
  }

  all(): readonly KmsConnection[] {
    return this.connections;
  }

  get(id: string): KmsConnection | undefined {
    return this.connections.find((c) => c.id === id);
  }

  active(): KmsConnection | undefined {
    const id = this.context.workspaceState.get<string>(ACTIVE_KEY);
    return (id && this.get(id)) || this.connections[0];
  }

  async setActive(id: string): Promise<void> {
    await this.context.workspaceState.update(ACTIVE_KEY, id);
    this.changed.fire();
  }

  private build(): KmsConnection[] {
    const list: KmsConnection[] = [];
    if (setting('local.enabled')) {
      list.push(new LocalConnection({ dataDir: localDataDir(), region: setting('local.region'), accountId: setting('local.accountId') }, this.context.secrets));
    }
    const seen = new Set<string>();
    for (const aws of setting('aws.connections')) {
      if (!aws?.region) continue;
      const connection = new AwsConnection(aws);
      if (seen.has(connection.id)) continue; // two identical entries would share tree ids
      seen.add(connection.id);
      list.push(connection);
    }
    return list;
  }

  /** Ends the connection lifetime: closes every client, keeps extension-lifetime listeners. */
  private async reload(): Promise<void> {
    const old = this.connections;
    this.connections = this.build();
    this.changed.fire();
    await closeAll(old);
    log.info(`connections: ${this.connections.map((c) => c.id).join(', ') || 'none'}`);
  }

  hasLocal(): boolean {
    return this.connections.some((c) => c.id === LOCAL_CONNECTION_ID);
  }

  async close(): Promise<void> {
    await closeAll(this.connections);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

async function closeAll(connections: readonly KmsConnection[]): Promise<void> {
  for (const c of connections) {
    try {
      await c.close();
    } catch (error) {
      log.warn(`closing ${c.id}`, error);
    }
  }
}
