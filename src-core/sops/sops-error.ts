import { KmsError, type KmsErrorName } from '../kms-error';

/** Why a SOPS file was refused; callers (CLI, extension) tell the user without matching on message text. */
export type SopsErrorReason =
  /** A value, comment or the MAC did not authenticate, or the MAC does not match the values. */
  | 'tampered'
  /** Not a SOPS file, or its text or metadata cannot be read. */
  | 'malformed'
  /** Something SOPS allows that we do not do (e.g. a YAML sequence at the top). */
  | 'unsupported'
  /** No key group (or not enough for the Shamir threshold) could give the data key. */
  | 'no-key'
  /** A `.sops.yaml` or command-line choice of keys that cannot be used. */
  | 'config';

/** A refused SOPS file or operation. It is a KmsError so every host renders it like any KMS failure. */
export class SopsError extends KmsError {
  readonly reason: SopsErrorReason;

  constructor(reason: SopsErrorReason, message: string, options?: { name?: KmsErrorName; cause?: unknown }) {
    super(options?.name ?? (reason === 'tampered' ? 'InvalidCiphertextException' : 'ValidationException'), message, { cause: options?.cause });
    this.reason = reason;
  }
}
