/**
 * The language client's lifetime, apart from the extension's: at most one session (a started client and
 * the listeners that serve it), loaded lazily, stopped on deactivate. Callers never see "not started yet":
 * they wait for the start, and a start that failed answers with a clear error.
 */
import type * as vscode from 'vscode';
import { UserError } from '../commandErrors';
import type { ExtensionScope } from '../extensionScope';
import { log } from '../log';
import type { LanguageClientSession } from './client';

export class LanguageServer implements vscode.Disposable {
  private session: Promise<LanguageClientSession | undefined> | undefined;

  constructor(private readonly scope: ExtensionScope) {}

  /**
   * Loads and starts the client without holding activation up: on the next turn of the event loop, not
   * in a microtask (those run before VS Code sees activate() settle), because loading the language
   * client's bundle (dist/vendor/) is a third of the load time of the extension's own.
   */
  start(): void {
    this.session ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => import('./client'))
      .then(({ startLanguageClient }) => startLanguageClient(this.scope))
      .catch((error: unknown) => {
        log.error('language server did not start', error);
        return undefined;
      });
  }

  /** The `kmsWorkbench.restartLanguageServer` command body. */
  async restart(): Promise<void> {
    const session = await this.session;
    if (!session) throw new UserError('The language server has not started: see the KMS Workbench log for why.');
    await session.restart();
  }

  /** For deactivate(): stops the server process, disposes the session's listeners, and waits. */
  async stop(): Promise<void> {
    // Taken before the wait, so deactivate() and dispose() stop the session once between them.
    const pending = this.session;
    this.session = undefined;
    await (await pending)?.stop();
  }

  dispose(): void {
    void this.stop();
  }
}
