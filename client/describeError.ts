/**
 * Errors as the user reads them: the AWS exception name, the service's message and what to do next.
 * Free of `vscode`, so sources that run outside the extension host (and their tests) describe failures alike.
 */

/** A problem the user can fix (wrong selection, no key picked); shown without a stack in the log. */
export class UserError extends Error {
  override name = 'UserError';
}

/** What to do next, by AWS exception name (SDK credential and network failures included). */
const NEXT_STEPS: Record<string, string> = {
  ExpiredTokenException: 'Your AWS session expired: sign in again (e.g. `aws sso login --profile …`) and refresh the view.',
  ExpiredToken: 'Your AWS session expired: sign in again (e.g. `aws sso login --profile …`) and refresh the view.',
  CredentialsProviderError: 'No AWS credentials were found for this connection: set its `profile` in kmsWorkbench.aws.connections or sign in with the AWS CLI.',
  UnrecognizedClientException: 'AWS does not recognise these credentials: check the profile of this connection, or its endpoint.',
  InvalidSignatureException: 'The request signature was refused: check the clock of this machine and the secret key of the profile.',
  AccessDeniedException: 'Your identity lacks a KMS permission (see the message): ask for it in IAM or the key policy, or use another profile.',
  ThrottlingException: 'KMS is throttling this account: wait a few seconds and try again.',
  NotFoundException: 'The key or alias does not exist in this account and Region: refresh the view, or check the connection\'s Region.',
  DisabledException: 'The key is disabled: enable it from its context menu in the Keyring view.',
  KMSInvalidStateException: 'The key is not in a state that allows this (see the message): check its state in the Keyring view.',
  TimeoutError: 'KMS did not answer: check the network, a proxy, or the endpoint of this connection.',
};

/**
 * AWS SDK and KmsError failures both carry the AWS exception name in `name`; the service message
 * never contains plaintext (the core guarantees it, AWS too), so it is safe to show and log. An error
 * may carry its own `nextStep` where the table's KMS advice would mislead (e.g. a CloudTrail permission).
 */
export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    const own = (error as { nextStep?: unknown }).nextStep;
    const next = (typeof own === 'string' ? own : NEXT_STEPS[error.name]) ?? (isUnreachable(error) ? NEXT_STEPS.TimeoutError : undefined);
    return `${name}${error.message}${next ? ` ${next}` : ''}`;
  }
  return String(error);
}

/** A network failure that never reached the service (no such host, refused, timed out). */
export function isUnreachable(error: Error): boolean {
  return /ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(error.message);
}
