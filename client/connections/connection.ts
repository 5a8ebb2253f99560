/**
 * A place KMS calls go: the embedded local keyring (in-process, no port) or AWS through the standard
 * credential chain. The extension reaches KMS only through the KMSClient a connection hands out.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { AwsConnectionSetting } from '../config';

export type ConnectionKind = 'local' | 'aws';

/**
 * The user agent of the extension's own background reads (tree listings, the language server's keyring
 * feed, key pickers): the audit panel tells them from the user's calls by it, as CloudTrail does on AWS.
 */
export const EXTENSION_READS_AGENT = 'kms-workbench-background';

export interface KmsConnection {
  readonly id: string;
  readonly kind: ConnectionKind;
  /** Tree and status bar label, e.g. "Local keyring" or "dev@eu-west-1". */
  readonly label: string;
  readonly region: string;
  /** Opens the connection on first use; later calls return the same client. For what the user asked for. */
  client(): Promise<KMSClient>;
  /** The client of the extension's own reads, marked by EXTENSION_READS_AGENT (see `readsClient`). */
  readClient?(): Promise<KMSClient>;
  /** Simulated time, local keyring only: moves rotation dates and deletion windows forward. */
  advanceClock?(ms: number): Promise<number>;
  /** The CloudTrail-format audit log of this connection, when it has a local one. */
  readonly auditLogPath?: string;
  /**
   * False while there is nothing to read: a local keyring folder no one has written yet. Background
   * readers (the language server's keyring feed) skip such a connection rather than create the keyring,
   * which would fix its root key before `kmsw` had a chance to make one the user wants to share.
   */
  hasKeys?(): boolean;
  close(): Promise<void>;
}

/** The client for the extension's own reads: the marked one where the connection has it. */
export function readsClient(connection: KmsConnection): Promise<KMSClient> {
  return connection.readClient ? connection.readClient() : connection.client();
}

export function awsConnectionId(setting: AwsConnectionSetting): string {
  return `aws:${setting.name ?? `${setting.profile ?? 'default'}@${setting.region}`}`;
}

/** Real AWS (or any KMS-compatible endpoint): credentials come from the SDK's default chain. */
export class AwsConnection implements KmsConnection {
  readonly kind = 'aws';
  readonly id: string;
  readonly label: string;
  readonly region: string;
  private kms: KMSClient | undefined;
  private reads: KMSClient | undefined;

  constructor(private readonly setting: AwsConnectionSetting) {
    this.id = awsConnectionId(setting);
    this.label = setting.name ?? `${setting.profile ?? 'default'}@${setting.region}`;
    this.region = setting.region;
  }

  /** Where KMS calls go instead of the default AWS endpoint: `kmsw serve`, LocalStack, a VPC endpoint. */
  get endpoint(): string | undefined {
    return this.setting.endpoint || undefined;
  }

  /**
   * Whether KMS calls reach AWS itself, so the account's CloudTrail records them: no endpoint, or an
   * AWS one (FIPS, VPC interface endpoint). `kmsw serve` and LocalStack keep no CloudTrail of AWS's.
   */
  get reachesAws(): boolean {
    if (!this.endpoint) return true;
    try {
      return /(^|\.)(amazonaws\.com(\.cn)?|api\.aws)$/.test(new URL(this.endpoint).hostname);
    } catch {
      return false; // not a URL: the KMS client fails on it too, with its own message
    }
  }

  /**
   * What every AWS SDK client of this connection shares (KMS, and CloudTrail for the audit panel):
   * Region, profile (the credential chain resolves it) and retries. Not the endpoint: it serves KMS only.
   */
  sdkConfig(): { region: string; profile?: string; maxAttempts: number } {
    return { region: this.setting.region, ...(this.setting.profile ? { profile: this.setting.profile } : {}), maxAttempts: 3 };
  }

  async client(): Promise<KMSClient> {
    this.kms ??= new KMSClient({ ...this.sdkConfig(), ...(this.endpoint ? { endpoint: this.endpoint } : {}) });
    return this.kms;
  }

  async readClient(): Promise<KMSClient> {
    this.reads ??= new KMSClient({ ...this.sdkConfig(), ...(this.endpoint ? { endpoint: this.endpoint } : {}), customUserAgent: EXTENSION_READS_AGENT });
    return this.reads;
  }

  async close(): Promise<void> {
    this.kms?.destroy();
    this.reads?.destroy();
    this.kms = undefined;
    this.reads = undefined;
  }
}
