/**
 * A minimal LSP client for tests: spawns the real server (`node --import tsx server/languageServer.ts --stdio`,
 * or the bundle named by KMSW_LSP_SERVER, e.g. dist/server.js) and speaks JSON-RPC to it over its stdio,
 * the way VS Code's language client does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  CodeActionRequest, CompletionRequest, ConfigurationRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DocumentSymbolRequest, ExitNotification, HoverRequest,
  InitializeRequest, InitializedNotification, LogMessageNotification, MessageType, PublishDiagnosticsNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  createProtocolConnection,
  type CodeAction, type CompletionItem, type CompletionList, type Diagnostic, type DocumentSymbol, type Hover, type InitializeResult,
  type Position, type ProtocolConnection, type PublishDiagnosticsParams, type Range, type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { KnownKeysNotification, KnownKeysWantedNotification, type KnownKeysParams } from '../../protocol/messages';
import type { ServerSettings } from '../../protocol/settings';

export class LspTestClient {
  readonly #child: ChildProcess;
  readonly #connection: ProtocolConnection;
  #waiters = new Map<string, ((p: PublishDiagnosticsParams) => void)[]>();
  #versions = new Map<string, number>();
  settings: Partial<ServerSettings>;
  /** Errors the server logged (a check or handler that threw). */
  readonly loggedErrors: string[] = [];
  /** How many times the server asked for the keyring (KnownKeysWantedNotification). */
  keyringWanted = 0;
  capabilities?: InitializeResult['capabilities'];

  private constructor(settings: Partial<ServerSettings>) {
    this.settings = settings;
    const bundle = process.env.KMSW_LSP_SERVER;
    const args = bundle ? [bundle, '--stdio'] : ['--import', 'tsx', 'server/languageServer.ts', '--stdio'];
    this.#child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#connection = createProtocolConnection(new StreamMessageReader(this.#child.stdout!), new StreamMessageWriter(this.#child.stdin!));
    this.#connection.onNotification(LogMessageNotification.type, (m) => {
      if (m.type === MessageType.Error) this.loggedErrors.push(m.message);
    });
    this.#connection.onNotification(KnownKeysWantedNotification, () => {
      this.keyringWanted += 1;
    });
    this.#connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    this.#connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const waiters = this.#waiters.get(p.uri) ?? [];
      this.#waiters.delete(p.uri);
      for (const w of waiters) w(p);
    });
    this.#connection.listen();
  }

  /** Starts a server; diagnostics are published without delay unless the settings say otherwise. */
  static async start(settings: Partial<ServerSettings> = {}): Promise<LspTestClient> {
    const client = new LspTestClient({ diagnosticsDelayMs: 0, ...settings });
    const result = await client.#connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: { publishDiagnostics: { versionSupport: true }, completion: { completionItem: { snippetSupport: true } } },
      },
    });
    client.capabilities = result.capabilities;
    await client.#connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Resolves with the next diagnostics published for `uri`: call it before the action that triggers them. */
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.#waiters.set(uri, [...(this.#waiters.get(uri) ?? []), resolve]));
  }

  async open(uri: string, languageId: string, text: string): Promise<Diagnostic[]> {
    const published = this.nextDiagnostics(uri);
    this.#versions.set(uri, 1);
    await this.#connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return (await published).diagnostics;
  }

  /** Sends an incremental change and returns the diagnostics published for the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<PublishDiagnosticsParams> {
    const version = (this.#versions.get(uri) ?? 1) + 1;
    this.#versions.set(uri, version);
    const published = this.nextDiagnostics(uri);
    await this.#connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return published;
  }

  async close(uri: string): Promise<PublishDiagnosticsParams> {
    const published = this.nextDiagnostics(uri);
    await this.#connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    return published;
  }

  async sendKeyring(params: KnownKeysParams): Promise<void> {
    await this.#connection.sendNotification(KnownKeysNotification, params);
  }

  async changeSettings(settings: Partial<ServerSettings>): Promise<void> {
    this.settings = { diagnosticsDelayMs: 0, ...settings };
    await this.#connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r: CompletionItem[] | CompletionList | null = await this.#connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    return !r ? [] : Array.isArray(r) ? r : r.items;
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.#connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const r = await this.#connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } });
    return (r ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
  }

  async symbols(uri: string): Promise<DocumentSymbol[]> {
    return ((await this.#connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ?? []) as DocumentSymbol[];
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.#connection.sendRequest(ShutdownRequest.type);
    await this.#connection.sendNotification(ExitNotification.type);
    await exited;
    this.#connection.dispose();
  }
}

/** Position of the first occurrence of `needle` in `text` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0): Position {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" not in text`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The markdown of a hover, or '' when there is none. */
export function hoverText(hover: Hover | null): string {
  if (!hover) return '';
  const c = hover.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((m) => (typeof m === 'string' ? m : m.value)).join('\n');
  return c.value;
}

/** A diagnostic's message as text (LSP 3.18 allows markup there). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}
