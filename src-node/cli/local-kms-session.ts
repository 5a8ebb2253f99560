/**
 * How keyring commands reach the keyring: open the folder's LocalKms, call operations as the account
 * root with wire JSON (the same path as every other host), close it whatever happens.
 */
import type { LocalKms } from '../host';
import { openLocalKms } from '../host';
import { accountIdOf, dataDirOf, regionOf, type ParsedArgs } from './args';
import type { CliIo } from './command';
import { stderrLogger } from './logger';

/** Wire JSON of an operation's output (base64 blobs, epoch-second dates). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Wire = Record<string, any>;

export interface LocalKmsSession {
  kms: LocalKms;
  call(operation: string, body?: Record<string, unknown>): Promise<Wire>;
}

export async function withLocalKms<T>(parsed: ParsedArgs, io: CliIo, work: (keyring: LocalKmsSession) => Promise<T>): Promise<T> {
  // An internal error reaches the user as KMSInternalException; the logger shows its cause.
  const kms = await openLocalKms({ dataDir: dataDirOf(parsed, io), accountId: accountIdOf(parsed), region: regionOf(parsed), env: io.env, logger: stderrLogger(io) });
  const caller = kms.defaultCaller();
  try {
    return await work({ kms, call: async (operation, body = {}) => (await kms.service.call(operation, body, caller)).output });
  } finally {
    await kms.close();
  }
}

/** Every item of a Limit/Marker-paginated List operation. */
export async function listAll(keyring: LocalKmsSession, operation: string, member: string, body: Record<string, unknown> = {}): Promise<Wire[]> {
  const items: Wire[] = [];
  let marker: string | undefined;
  do {
    const page = await keyring.call(operation, { ...body, ...(marker ? { Marker: marker } : {}) });
    items.push(...((page[member] as Wire[] | undefined) ?? []));
    marker = page.Truncated ? (page.NextMarker as string) : undefined;
  } while (marker);
  return items;
}
