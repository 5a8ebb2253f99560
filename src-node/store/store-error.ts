/**
 * Failures of the on-disk keyring and audit log. Each says which file is affected and what to do,
 * because the fix is always the user's (restore a backup, set the right root key, remove a stale
 * lock): the store never resets or overwrites a file it cannot read.
 */
export type StoreErrorCode =
  | 'foreign-file'
  | 'newer-format'
  | 'damaged-file'
  | 'wrong-root-key'
  | 'bad-root-key'
  | 'insecure-root-key'
  | 'missing-root-key'
  | 'lock-timeout'
  | 'lock-lost'
  | 'damaged-audit-log';

export class StoreError extends Error {
  override name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
