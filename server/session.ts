/**
 * Wires one language-server session: documents (incremental sync), settings, the keyring feed, and the
 * handlers for diagnostics, completion, hover, quick fixes and symbols. server.ts only supplies the
 * connection, so tests and other hosts can run the same session over any stream.
 */
import {
  CodeActionKind, DidChangeConfigurationNotification, TextDocumentSyncKind, TextDocuments,
  type Connection, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KeyringNotification, KeyringWantedNotification, type KeyringParams } from '../src-core/protocol';
import type { ReadHclWasm } from '../src-core/terraform/parser';
import { quickFixes } from './codeActions';
import { policyCompletions } from './completion';
import { identifierDiagnostics, identifierHover } from './identifiers';
import { Keyring } from './keyring';
import { policyHover } from './policyHover';
import { toDiagnostic } from './policyDiagnostics';
import { policyDiagnostics } from './policyLint';
import { PolicyDocuments, languageOf } from './policyDocuments';
import { SettingsCache } from './settings';
import { isTerraform, TerraformSupport } from './terraform';
import { policySymbols } from './symbols';
import { Validator, type DiagnosticsProvider } from './validation';

/**
 * `readHclWasm` reads the HCL parser's WebAssembly, loaded the first time a Terraform file is checked;
 * `readFile` a file that is not open (a key policy a .tf file names), undefined when there is none.
 */
export function startSession(connection: Connection, readHclWasm: ReadHclWasm, readFile: (uri: string) => string | undefined): void {
  const documents = new TextDocuments(TextDocument);
  const keyring = new Keyring(() => void connection.sendNotification(KeyringWantedNotification.method));
  const policies = new PolicyDocuments();
  let settings = new SettingsCache(connection, false);
  let validator: Validator | undefined;
  let dynamicConfiguration = false;

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
    onError: (message) => connection.console.error(message),
  });
  const policy: DiagnosticsProvider = (doc, s) => policyDiagnostics(doc, s, keyring, terraform);
  const identifiers: DiagnosticsProvider = (doc, s) =>
    s.checkIdentifiers && doc.getText().length <= s.maxIdentifierScanBytes ? identifierDiagnostics(doc, keyring, s.disabledChecks) : [];

  connection.onInitialize((params): InitializeResult => {
    const workspace = params.capabilities.workspace;
    settings = new SettingsCache(connection, Boolean(workspace?.configuration));
    dynamicConfiguration = Boolean(workspace?.didChangeConfiguration?.dynamicRegistration);
    validator = new Validator(connection, documents, settings, [policy, identifiers]);
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

  connection.onNotification(KeyringNotification.method, (params: KeyringParams) => {
    keyring.update(params);
    validator?.scheduleAll();
  });

  documents.onDidChangeContent((e) => validator?.schedule(e.document));
  documents.onDidClose((e) => {
    validator?.close(e.document.uri);
    terraform.forget(e.document.uri);
    policies.forget(e.document.uri);
    settings.forget(e.document.uri);
  });

  connection.onCompletion(async ({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    const format = doc && languageOf(doc);
    if (!doc || !format) return [];
    const { policyFiles } = await settings.get(doc.uri);
    const policy = policies.get(doc, policyFiles);
    // YAML is completed only inside CloudFormation templates with KMS keys; JSON wherever a Statement is.
    if (format === 'yaml' && !policy) return [];
    return policyCompletions({ doc, position, format, isPolicyFile: policy?.isPolicyFile ?? false, keyring });
  });

  connection.onHover(async ({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const found = identifierHover(doc, position, keyring);
    if (found) return found;
    if (isTerraform(doc)) return policyHover(doc, doc.offsetAt(position), terraform.roots(doc)) ?? null;
    const { policyFiles } = await settings.get(doc.uri);
    const policy = policies.get(doc, policyFiles);
    return (policy && policyHover(doc, doc.offsetAt(position), policy.roots)) ?? null;
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? quickFixes(doc, params) : [];
  });

  connection.onDocumentSymbol(async ({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const { policyFiles } = await settings.get(doc.uri);
    const policy = policies.get(doc, policyFiles);
    return policy ? policySymbols(doc, policy.roots) : [];
  });

  documents.listen(connection);
  connection.listen();
}
