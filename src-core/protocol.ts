/**
 * The client ↔ language-server protocol: the one module both sides import (esbuild inlines it into each
 * bundle). Custom messages are declared once here with their direction; settings names and defaults too.
 * Types only and plain constants: no vscode or vscode-languageserver import, so either side can use it.
 */
import type { KeyState } from './kms/state';

/** `source` of every diagnostic the language server publishes. */
export const DIAGNOSTIC_SOURCE = 'kms-workbench';

/** One key of the keyring, as the client knows it from DescribeKey/ListAliases on a connection. */
export interface KeyringKey {
  keyId: string;
  arn: string;
  /** Alias names (`alias/…`) that point at the key. */
  aliases: string[];
  /** `Unknown` when the key could not be described (see `unreadable`). */
  state: KeyState | 'Unknown';
  spec: string;
  usage: string;
  description: string;
  accountId: string;
  region: string;
  /** Name of the connection the key was listed from (`local`, `prod@eu-west-1`, …). */
  connection: string;
  /** ISO 8601; set while the key is PendingDeletion. */
  deletionDate?: string;
  /** Why DescribeKey failed (e.g. the key policy denies the caller): the key exists, its state and spec are unknown. */
  unreadable?: string;
}

/** An account and Region whose keys the client listed completely: only there is "no such key" a finding. */
export interface KeyringScope {
  connection: string;
  accountId: string;
  region: string;
}

export interface KeyringParams {
  scopes: KeyringScope[];
  keys: KeyringKey[];
}

/**
 * Client → server notification, sent after start and whenever the keyring changes (create, delete,
 * state change, alias change, connection added or removed). Each one replaces the previous feed.
 */
export const KeyringNotification = {
  method: 'kmsWorkbench/keyring',
} as const;

/**
 * Server → client notification, sent once per session the first time a check, hover or completion
 * consults the keyring, i.e. once an open file mentions a KMS key or is a key policy. Only then does the
 * client list its connections' keys: no KMS calls (billed on AWS) for windows that never mention one.
 */
export const KeyringWantedNotification = {
  method: 'kmsWorkbench/keyringWanted',
} as const;

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
