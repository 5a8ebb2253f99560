/**
 * The language features behind one facade, callable without a connection (as vscode-json-languageservice's
 * getLanguageService): diagnostics (key-policy checks and identifier checks), completion, hover, quick fixes
 * and symbols, each a synchronous function of a document, its settings and the injected inputs. The LSP
 * session (session.ts) only adapts the protocol to it: it keeps the documents, pulls the settings, feeds the
 * keyring and publishes; unit tests call the facade directly.
 */
import type { CodeAction, CodeActionParams, CompletionItem, Diagnostic, DocumentSymbol, Hover, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerSettings } from '../protocol/settings';
import { quickFixes } from './codeActions';
import { policyCompletions, terraformCompletions } from './completion';
import { identifierDiagnostics, identifierHover } from './identifiers';
import type { KeyIndex } from './keyIndex';
import { policyHover } from './policyHover';
import { policyDiagnostics } from './policyLint';
import { PolicyDocuments, languageOf } from './policyDocuments';
import { isHcl, isTerraform, type TerraformSupport } from './terraform';
import { policySymbols } from './symbols';

export interface LanguageServiceParams {
  /** What the client listed of the keyring: identifier checks, hovers, Resource completion, lint accounts. */
  keyring: KeyIndex;
  /** Terraform files are checked and hovered only with it (it loads the HCL parser on first use). */
  terraform?: TerraformSupport;
  /** A check that threw: the others still report, and the message (with its stack) goes here. */
  onError(message: string): void;
}

export interface LanguageService {
  /** Key-policy findings, then identifier findings (when `checkIdentifiers` and the file is small enough). */
  doValidation(doc: TextDocument, settings: ServerSettings): Diagnostic[];
  doComplete(doc: TextDocument, position: Position, settings: ServerSettings): CompletionItem[];
  doHover(doc: TextDocument, position: Position, settings: ServerSettings): Hover | null;
  doCodeActions(doc: TextDocument, params: CodeActionParams): CodeAction[];
  findDocumentSymbols(doc: TextDocument, settings: ServerSettings): DocumentSymbol[];
  /** The document was closed: drop what was kept for it. */
  forget(uri: string): void;
}

export function getLanguageService({ keyring, terraform, onError }: LanguageServiceParams): LanguageService {
  const policies = new PolicyDocuments();
  const policyOf = (doc: TextDocument, settings: ServerSettings) => policies.get(doc, settings.policyFiles);

  const checks: ((doc: TextDocument, settings: ServerSettings) => Diagnostic[])[] = [
    (doc, settings) => policyDiagnostics(doc, settings, keyring, terraform),
    (doc, settings) =>
      settings.checkIdentifiers && doc.getText().length <= settings.maxIdentifierScanBytes ? identifierDiagnostics(doc, keyring, settings.disabledChecks) : [],
  ];

  return {
    doValidation(doc, settings) {
      return checks.flatMap((check) => {
        try {
          return check(doc, settings);
        } catch (err) {
          // One failing check must not take the others (or the server) down with it.
          onError(`checking ${doc.uri}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          return [];
        }
      });
    },

    doComplete(doc, position, settings) {
      if (isHcl(doc)) return terraformCompletions(doc, position, keyring);
      const format = languageOf(doc);
      if (!format) return [];
      const policy = policyOf(doc, settings);
      // YAML is completed only inside CloudFormation templates with KMS keys; JSON wherever a Statement is.
      if (format === 'yaml' && !policy) return [];
      return policyCompletions({ doc, position, format, isPolicyFile: policy?.isPolicyFile ?? false, keyring });
    },

    doHover(doc, position, settings) {
      const found = identifierHover(doc, position, keyring);
      if (found) return found;
      const roots = isTerraform(doc) ? terraform?.roots(doc) : policyOf(doc, settings)?.roots;
      return (roots && policyHover(doc, doc.offsetAt(position), roots)) ?? null;
    },

    doCodeActions: quickFixes,

    findDocumentSymbols(doc, settings) {
      const policy = policyOf(doc, settings);
      return policy ? policySymbols(doc, policy.roots) : [];
    },

    forget(uri) {
      policies.forget(uri);
      terraform?.forget(uri);
    },
  };
}
