/**
 * Typed access to the `kmsWorkbench.*` settings declared in package.json (the single source of truth
 * for names, defaults and descriptions). Code never calls getConfiguration with a literal elsewhere.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const SECTION = 'kmsWorkbench';

export interface AwsConnectionSetting {
  /** Shown in the tree and status bar; defaults to `profile@region`. */
  name?: string;
  profile?: string;
  region: string;
  /** A custom endpoint, e.g. `kmsw serve` on http://127.0.0.1:4599 or a VPC endpoint. */
  endpoint?: string;
}

interface Settings {
  'local.enabled': boolean;
  'local.dataDir': string;
  'local.region': string;
  'local.accountId': string;
  'aws.connections': AwsConnectionSetting[];
  'keys.pageSize': number;
  'deletion.defaultWaitingPeriodDays': number;
  'encryption.confirmOverwrite': boolean;
}

export function setting<K extends keyof Settings>(key: K): Settings[K] {
  return vscode.workspace.getConfiguration(SECTION).get(key) as Settings[K];
}

export async function updateSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

export function affects(event: vscode.ConfigurationChangeEvent, ...keys: (keyof Settings)[]): boolean {
  return keys.some((k) => event.affectsConfiguration(`${SECTION}.${k}`));
}

/** Shared with `kmsw serve` so the CLI, the endpoint and the editor see one keyring. */
export function localDataDir(): string {
  const configured = setting('local.dataDir').trim();
  if (!configured) return process.env.KMSW_DATA_DIR || join(homedir(), '.kms-workbench');
  return configured.startsWith('~') ? join(homedir(), configured.slice(1)) : configured;
}
