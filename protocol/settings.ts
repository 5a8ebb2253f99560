/**
 * The language server's settings (`kmsWorkbench.languageServer.*`): the section the client synchronises
 * and the server pulls, their types and the server's defaults (test/unit/structure/contributions.test.ts
 * checks they agree with package.json).
 */

/** The configuration section the server pulls (`workspace/configuration`), i.e. `kmsWorkbench.languageServer.*`. */
export const SERVER_SETTINGS_SECTION = 'kmsWorkbench.languageServer';

export interface ServerSettings {
  /** Globs (matched against the workspace-relative or absolute path) of files that are key policies. */
  policyFiles: string[];
  /** Check KMS key ARNs, key IDs and aliases in every open file. */
  checkIdentifiers: boolean;
  /** Quiet time after the last keystroke before a document is re-checked. */
  diagnosticsDelayMs: number;
  /** Files larger than this are not scanned for identifiers (policies are always linted). */
  maxIdentifierScanBytes: number;
  /** Diagnostic codes to leave out (policy checks and identifier checks alike), e.g. `wildcard-principal`. */
  disabledChecks: string[];
}

export const DEFAULT_SERVER_SETTINGS: Readonly<ServerSettings> = {
  policyFiles: ['**/*.kms-policy.json', '**/key-policy*.json'],
  checkIdentifiers: true,
  diagnosticsDelayMs: 150,
  maxIdentifierScanBytes: 2 * 1024 * 1024,
  disabledChecks: [],
};
