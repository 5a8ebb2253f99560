/**
 * The language client: starts dist/server.js, keeps it in sync with `kmsWorkbench.languageServer.*`,
 * and feeds it the keyring. The feed is re-sent whenever the server (re)starts, because a new server
 * process knows nothing, and re-collected whenever the connections change or the tree says keys did.
 */
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { KnownKeysNotification, KnownKeysWantedNotification, type KnownKeysParams } from '../../protocol/messages';
import { SERVER_SETTINGS_SECTION } from '../../protocol/settings';
import type { ConnectionManager } from '../connections/manager';
import type { ExtensionScope } from '../extensionScope';
import { log } from '../log';
import { collectKeyring } from './keyringFeed';

/** One started client and the listeners that serve it; a session owns its disposables and ends with stop(). */
export interface LanguageClientSession {
  /** The `kmsWorkbench.restartLanguageServer` command body. */
  restart(): Promise<void>;
  /** Disposes the session's listeners, stops the server process and waits for it. */
  stop(): Promise<void>;
}

const SERVER_BUNDLE = 'dist/server.js';

export async function startLanguageClient(scope: ExtensionScope): Promise<LanguageClientSession> {
  const module = scope.extension.asAbsolutePath(SERVER_BUNDLE);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Key ARNs and aliases are checked in any language; policies are recognised by the server itself.
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    synchronize: { configurationSection: SERVER_SETTINGS_SECTION },
    outputChannelName: 'KMS Workbench Language Server',
  };
  const client = new LanguageClient('kmsWorkbench.languageServer', 'KMS Workbench Language Server', serverOptions, clientOptions);
  const feed = new KeyringFeed(client, scope.connections);
  const subscriptions = [
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) void feed.resend();
    }),
    client.onNotification(KnownKeysWantedNotification, () => void feed.want()),
    scope.connections.onDidChange(() => void feed.refresh()),
    scope.onDidRefresh(() => void feed.refresh()),
  ];
  await client.start();
  log.info('language server started');
  return {
    restart: async () => {
      await client.restart();
      log.info('language server restarted');
    },
    stop: async () => {
      for (const d of subscriptions.splice(0)) d.dispose();
      await client.dispose();
    },
  };
}

/**
 * Lists the keyring for the server only once the server asks (KnownKeysWantedNotification: an open file
 * mentions a key or is a key policy), then keeps it current. Until then nothing calls KMS.
 */
class KeyringFeed {
  private wanted = false;
  private last: KnownKeysParams | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly client: LanguageClient,
    private readonly connections: ConnectionManager,
  ) {}

  async send(params: KnownKeysParams): Promise<void> {
    this.last = params;
    if (!this.client.isRunning()) return; // sent by resend() once the server is up
    await this.client.sendNotification(KnownKeysNotification, params);
  }

  async resend(): Promise<void> {
    if (this.last) await this.send(this.last);
  }

  /** The server asked (again, after a restart): collect now if nothing was collected yet. */
  async want(): Promise<void> {
    if (this.wanted && (this.last || this.running)) return;
    this.wanted = true;
    await this.refresh();
  }

  /** One collection at a time; a request during a run schedules exactly one more, with fresh data. */
  refresh(): Promise<void> {
    if (!this.wanted) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.collectAndSend().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  private async collectAndSend(): Promise<void> {
    try {
      const { params, failures } = await collectKeyring(this.connections.all());
      for (const f of failures) log.warn(`keyring for the language server: ${f.connection.id} not listed`, f.error);
      await this.send(params);
      log.debug(`keyring sent to the language server: ${params.keys.length} keys, ${params.scopes.length} scopes`);
    } catch (error) {
      log.warn('keyring for the language server', error);
    }
  }
}
