/**
 * The `--credentials FILE` of `kmsw serve`: a JSON array of {accessKeyId, secretAccessKey, principal},
 * so that signatures are verified and each access key acts as its own IAM principal.
 */
import { readFile } from 'node:fs/promises';
import { accountOfPrincipal, isCallerPrincipal } from '../../src-core/policy/principals';

export interface KnownCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** IAM principal ARN, e.g. arn:aws:iam::111122223333:user/alice. */
  principal: string;
  /** The account of the principal ARN. */
  accountId: string;
}

/** Validates the parsed file; the message names the entry and what to fix (never the secret). */
export function parseCredentials(data: unknown, source: string): Map<string, KnownCredential> {
  if (!Array.isArray(data)) throw new Error(`${source}: expected a JSON array of {"accessKeyId", "secretAccessKey", "principal"} objects`);
  const map = new Map<string, KnownCredential>();
  data.forEach((entry: unknown, i) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const where = `${source}: entry ${i + 1}`;
    for (const field of ['accessKeyId', 'secretAccessKey', 'principal']) {
      if (typeof e[field] !== 'string' || e[field] === '') throw new Error(`${where} needs a non-empty string "${field}"`);
    }
    const accessKeyId = e.accessKeyId as string;
    const principal = e.principal as string;
    const accountId = principal.startsWith('arn:') && isCallerPrincipal(principal) ? accountOfPrincipal(principal) : undefined;
    if (!accountId) throw new Error(`${where}: "principal" must be an IAM ARN such as arn:aws:iam::111122223333:user/alice, not "${principal}"`);
    if (map.has(accessKeyId)) throw new Error(`${where}: access key ${accessKeyId} appears twice`);
    map.set(accessKeyId, { accessKeyId, secretAccessKey: e.secretAccessKey as string, principal, accountId });
  });
  return map;
}

export async function loadCredentialsFile(path: string): Promise<Map<string, KnownCredential>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read credentials file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseCredentials(data, path);
}
