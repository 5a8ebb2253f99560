/**
 * Push diagnostics: each change (re)starts a short per-document timer; when it fires the document is
 * checked if it is still at the version that scheduled it, so a burst of keystrokes costs one check
 * and a stale result is never published.
 */
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerSettings } from '../protocol/settings';
import type { SettingsCache } from './settings';

export type DiagnosticsProvider = (doc: TextDocument, settings: ServerSettings) => Diagnostic[];

export class Validator {
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Bumped on every schedule, so a settings lookup that resolves late cannot start an old check. */
  #generation = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsCache,
    private readonly validate: DiagnosticsProvider,
  ) {}

  schedule(doc: TextDocument): void {
    const generation = (this.#generation.get(doc.uri) ?? 0) + 1;
    this.#generation.set(doc.uri, generation);
    this.#cancel(doc.uri);
    void this.settings.get(doc.uri).then((settings) => {
      if (this.#generation.get(doc.uri) !== generation) return;
      this.#timers.set(doc.uri, setTimeout(() => this.#run(doc.uri, doc.version, settings), settings.diagnosticsDelayMs));
    }, (err: unknown) => this.connection.console.error(`settings for ${doc.uri}: ${String(err)}`));
  }

  scheduleAll(): void {
    for (const doc of this.documents.all()) this.schedule(doc);
  }

  /** The document was closed: drop pending work and clear what was published for it. */
  close(uri: string): void {
    this.#cancel(uri);
    this.#generation.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  #cancel(uri: string): void {
    const timer = this.#timers.get(uri);
    if (timer) clearTimeout(timer);
    this.#timers.delete(uri);
  }

  #run(uri: string, version: number, settings: ServerSettings): void {
    this.#timers.delete(uri);
    const doc = this.documents.get(uri);
    if (!doc || doc.version !== version) return;
    void this.connection.sendDiagnostics({ uri, version, diagnostics: this.validate(doc, settings) });
  }
}
