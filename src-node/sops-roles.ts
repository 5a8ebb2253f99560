/**
 * The IAM role of a sops `kms` entry (`ARN+ROLE` in `.sops.yaml`, `role:` in the file): sops assumes
 * it with STS AssumeRole, with the connection's own credentials and in the key's Region, as session
 * `sops@<hostname>`, then calls KMS with the role's temporary credentials (getsops/sops
 * kms/keysource.go `createKMSConfig`, `createSTSConfig`, `stsSessionName`). The role's credentials are
 * kept until shortly before they expire, so opening and saving a file assume the role once.
 */
import { hostname } from 'node:os';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { KmsError, type KmsErrorName } from '../src-core/kms-error';

/** AWS's role session name limit (keysource.go roleSessionNameLengthLimit). */
const SESSION_NAME_LIMIT = 64;
/** Assumed again this long before expiry: the SDK's own margin for expiring credentials (@smithy/core EXPIRATION_MS). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * keysource.go stsSessionName: `sops@` and the hostname without the characters of sops's pattern
 * `[^a-zA-Z0-9=,.@-_]+`, cut to 64 characters. `@-_` is a range in Go's pattern as in this one, so the
 * same characters go.
 */
export function stsSessionName(host = hostname()): string {
  return `sops@${host.replace(/[^a-zA-Z0-9=,.@-_]+/g, '')}`.slice(0, SESSION_NAME_LIMIT);
}

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

interface Cached {
  credentials: Promise<RoleCredentials>;
  /** Known once STS answers. */
  expires?: number;
}

/** The roles one connection has assumed, each kept until it is about to expire. */
export class AssumedRoles {
  private readonly cached = new Map<string, Cached>();

  /** `stsIn` gives an STS client with the connection's credentials in a Region (the key's, as sops). */
  constructor(
    private readonly stsIn: (region: string) => STSClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The role's credentials: cached, or assumed now (one AssumeRole however many calls wait for it). */
  credentials(role: string, region: string): Promise<RoleCredentials> {
    const hit = this.cached.get(role);
    if (hit && (hit.expires === undefined || hit.expires - REFRESH_MARGIN_MS > this.now())) return hit.credentials;
    const entry: Cached = { credentials: this.assume(role, region) };
    this.cached.set(role, entry);
    entry.credentials.then(
      (c) => (entry.expires = c.expiration?.getTime() ?? Number.POSITIVE_INFINITY),
      () => this.cached.get(role) === entry && this.cached.delete(role),
    );
    return entry.credentials;
  }

  private async assume(role: string, region: string): Promise<RoleCredentials> {
    const sts = this.stsIn(region);
    try {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: stsSessionName() }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new KmsError('AccessDeniedException', `STS AssumeRole of role ${role} returned no credentials`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration ? { expiration: c.Expiration } : {}) };
    } catch (e) {
      if (e instanceof KmsError || !(e instanceof Error)) throw e;
      // STS says AccessDenied where KMS says AccessDeniedException; other failures (network, no credentials) keep their name.
      const name = (e.name === 'AccessDenied' ? 'AccessDeniedException' : e.name) as KmsErrorName;
      throw new KmsError(name, `cannot assume role ${role} for its KMS key (STS AssumeRole: ${e.message})`, { cause: e });
    } finally {
      sts.destroy();
    }
  }
}
