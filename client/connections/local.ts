/**
 * The embedded local keyring: the local KMS core running inside the extension host, on the same data
 * folder `kmsw serve` uses. Its root key (which encrypts the keyring at rest) lives in SecretStorage.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { KMSClient } from '@aws-sdk/client-kms';
import { openLocalKms, type LocalKms } from '../../src-node/host';
import { createLocalKmsClient } from '../../src-node/local-client';
import { KEYRING_FILE } from '../../src-node/store/file-store';
import { loadOrCreateRootKey, newRootKeyFor, ROOT_KEY_FILE } from '../../src-node/store/root-key';
import { recordDenial } from '../access/denials';
import { log } from '../log';
import { EXTENSION_READS_AGENT, type KmsConnection } from './connection';

export const LOCAL_CONNECTION_ID = 'local';

export interface LocalOptions {
  dataDir: string;
  region?: string;
  accountId?: string;
}

interface LocalHandle {
  kms: LocalKms;
  client: KMSClient;
  reads: KMSClient;
}

export class LocalConnection implements KmsConnection {
  readonly kind = 'local';
  readonly id = LOCAL_CONNECTION_ID;
  readonly label = 'Local keyring';
  readonly region: string;
  readonly auditLogPath: string;
  private opening: Promise<LocalHandle> | undefined;

  constructor(
    private readonly options: LocalOptions,
    private readonly secrets: vscode.SecretStorage,
  ) {
    this.region = options.region || 'us-east-1';
    this.auditLogPath = options.dataDir; // the audit log sits beside the keyring, as for kmsw serve
  }

  /** Simulated time: moves rotation dates, deletion windows and material expiry forward. */
  async advanceClock(ms: number): Promise<number> {
    const { kms } = await this.handle();
    return kms.service.advanceClock(ms, kms.defaultCaller());
  }

  hasKeys(): boolean {
    return this.opening !== undefined || existsSync(join(this.options.dataDir, KEYRING_FILE));
  }

  async client(): Promise<KMSClient> {
    return (await this.handle()).client;
  }

  async readClient(): Promise<KMSClient> {
    return (await this.handle()).reads;
  }

  async handle(): Promise<LocalHandle> {
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined; // let the next call retry, e.g. after the user fixed the data folder
      throw error;
    });
    return this.opening;
  }

  private async open(): Promise<LocalHandle> {
    const { dataDir, accountId } = this.options;
    log.info(`opening local keyring in ${dataDir} (${this.region})`);
    const kms = await openLocalKms({ dataDir, rootKey: await this.rootKey(), region: this.region, ...(accountId ? { accountId } : {}), onDeny: (d) => recordDenial(this, d) });
    return { kms, client: createLocalKmsClient(kms), reads: createLocalKmsClient(kms, { caller: { userAgent: EXTENSION_READS_AGENT } }) };
  }

  /** `kmsw serve` on the same folder needs the same root key (KMSW_ROOT_KEY); only for a user's explicit copy. */
  async serveCommand(): Promise<string> {
    const key = Buffer.from(await this.rootKey()).toString('base64');
    return `KMSW_ROOT_KEY='${key}' kmsw serve --data '${this.options.dataDir.replace(/'/g, `'\\''`)}'`;
  }

  /**
   * One root key per data folder, kept in SecretStorage and never logged. A folder `kmsw` created
   * first already has its root.key file: adopt it, so the editor and `kmsw serve` share the keyring.
   */
  private async rootKey(): Promise<Uint8Array> {
    const name = `kmsWorkbench.local.rootKey:${this.options.dataDir}`;
    const stored = await this.secrets.get(name);
    if (stored) return Buffer.from(stored, 'base64');
    const fresh = existsSync(join(this.options.dataDir, ROOT_KEY_FILE)) ? await loadOrCreateRootKey({ dir: this.options.dataDir }) : newRootKeyFor(this.options.dataDir);
    await this.secrets.store(name, Buffer.from(fresh).toString('base64'));
    return fresh;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (opening) {
      const { kms, client, reads } = await opening;
      client.destroy();
      reads.destroy();
      await kms.close();
    }
  }
}
