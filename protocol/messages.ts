/**
 * The custom messages between the extension's language client and the language server, declared once
 * with their direction and parameter types; both sides pass these objects (never a method string) to
 * their connection. Only client/language/ and server/ import this module's values: the extension bundle
 * takes 'vscode-languageserver-protocol' from the language client's lazily loaded bundle (scripts/build.mjs),
 * so one copy of vscode-jsonrpc checks the message types. Types may be imported from anywhere.
 */
import { NotificationType, NotificationType0 } from 'vscode-languageserver-protocol';
import type { KeyState } from '../src-core/kms/state';

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

export interface KnownKeysParams {
  scopes: KeyringScope[];
  keys: KeyringKey[];
}

/**
 * Client → server notification, sent after start and whenever the keyring changes (create, delete,
 * state change, alias change, connection added or removed). Each one replaces the previous feed.
 */
export const KnownKeysNotification = new NotificationType<KnownKeysParams>('kmsWorkbench/keyring');

/**
 * Server → client notification, sent once per session the first time a check, hover or completion
 * consults the keyring, i.e. once an open file mentions a KMS key or is a key policy. Only then does the
 * client list its connections' keys: no KMS calls (billed on AWS) for windows that never mention one.
 */
export const KnownKeysWantedNotification = new NotificationType0('kmsWorkbench/keyringWanted');
