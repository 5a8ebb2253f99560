import { KmsError, type KmsErrorName } from '../kms-error';

/**
 * Why an encrypted message was refused. Each case gets its own reason so callers (CLI, extension)
 * can tell the user what happened without matching on message text.
 */
export type MessageErrorReason =
  /** The input ended before the message did. */
  | 'truncated'
  /** A tag, the header authentication, the key commitment or the signature did not verify. */
  | 'tampered'
  /** The bytes are not a well-formed message (bad version, lengths, sequence, trailing data). */
  | 'malformed'
  /** Well-formed but uses something we refuse or do not implement (legacy suite, non-framed body, limits). */
  | 'unsupported'
  /** No encrypted data key could be decrypted: wrong key, no access, or a different encryption context. */
  | 'key'
  /** The caller required encryption context pairs the message does not carry. */
  | 'context-mismatch';

/** A refused encrypted message. It is a KmsError so every host renders it like any KMS failure. */
export class EncryptedMessageError extends KmsError {
  readonly reason: MessageErrorReason;

  constructor(reason: MessageErrorReason, message: string, options?: { name?: KmsErrorName; cause?: unknown }) {
    super(options?.name ?? 'InvalidCiphertextException', message, { cause: options?.cause });
    this.reason = reason;
  }
}

export function messageError(reason: MessageErrorReason, message: string, cause?: unknown): EncryptedMessageError {
  return new EncryptedMessageError(reason, message, { cause });
}
