/**
 * Wires one language-server session, a thin adapter of the protocol to the language service
 * (languageService.ts): documents (incremental sync), settings pulled per document, the keyring feed, and
 * the requests for diagnostics, completion, hover, quick fixes and symbols. main.ts only supplies the
 * connection, so tests and other hosts can run the same session over any stream.
 */
import {
  CodeActionKind, DidChangeConfigurationNotification, TextDocumentSyncKind, TextDocuments,
  type Connection, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KnownKeysNotification, KnownKeysWantedNotification } from '../protocol/messages';
import type { ReadHclWasm } from '../src-core/terraform/parser';
import { KeyIndex } from './keyIndex';
import { getLanguageService } from './languageService';
import { toDiagnostic } from './policyDiagnostics';
import { SettingsCache } from './settings';
import { TerraformSupport } from './terraform';
import { Validator } from './validation';

/**
 * `readHclWasm` reads the HCL parser's WebAssembly, loaded the first time a Terraform file is checked;
 * `readFile` a file that is not open (a key policy a .tf file names), undefined when there is none.
 */
export function startSession(connection: Connection, readHclWasm: ReadHclWasm, readFile: (uri: string) => string | undefined): void {
  const documents = new TextDocuments(TextDocument);
  const keyring = new KeyIndex(() => void connection.sendNotification(KnownKeysWantedNotification));
  let settings = new SettingsCache(connection, false);
  let validator: Validator | undefined;
  let dynamicConfiguration = false;

  const onError = (message: string) => connection.console.error(message);
  const terraform = new TerraformSupport({
    readWasm: readHclWasm,
    readFile: (uri) => documents.get(uri)?.getText() ?? readFile(uri),
    isOpen: (uri) => documents.get(uri) !== undefined,
    recheck: (uri) => {
      const doc = documents.get(uri);
      if (doc) validator?.schedule(doc);
    },
    publish: (uri, text, findings) => {
      const doc = TextDocument.create(uri, 'json', 0, text);
      void connection.sendDiagnostics({ uri, diagnostics: findings.map((f) => toDiagnostic(doc, f)) });
    },
    onReady: () => validator?.scheduleAll(),
    onError,
  });
  const service = getLanguageService({ keyring, terraform, onError });

  connection.onInitialize((params): InitializeResult => {
    const workspace = params.capabilities.workspace;
    settings = new SettingsCache(connection, Boolean(workspace?.configuration));
    dynamicConfiguration = Boolean(workspace?.didChangeConfiguration?.dynamicRegistration);
    validator = new Validator(connection, documents, settings, service.doValidation);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', ':'] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
      },
      serverInfo: { name: 'KMS Workbench language server' },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    validator?.scheduleAll();
  });

  connection.onNotification(KnownKeysNotification, (params) => {
    keyring.update(params);
    validator?.scheduleAll();
  });

  documents.onDidChangeContent((e) => validator?.schedule(e.document));
  documents.onDidClose((e) => {
    validator?.close(e.document.uri);
    service.forget(e.document.uri);
    settings.forget(e.document.uri);
  });

  connection.onCompletion(async ({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    return doc ? service.doComplete(doc, position, await settings.get(doc.uri)) : [];
  });

  connection.onHover(async ({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    return doc ? service.doHover(doc, position, await settings.get(doc.uri)) : null;
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? service.doCodeActions(doc, params) : [];
  });

  connection.onDocumentSymbol(async ({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    return doc ? service.findDocumentSymbols(doc, await settings.get(doc.uri)) : [];
  });

  documents.listen(connection);
  connection.listen();
}
