/**
 * Errors on their way to the user. Every command runs through `runCommand`, which logs the failure,
 * stays quiet for cancellations, and shows one notification with a "Show Logs" action.
 */
import * as vscode from 'vscode';
import { log } from './log';

/** The user dismissed a prompt: not an error, nothing to show. */
export class Cancelled extends Error {
  override name = 'Cancelled';
  constructor() {
    super('cancelled by the user');
  }
}

/** A problem the user can fix (wrong selection, no key picked); shown without a stack in the log. */
export class UserError extends Error {
  override name = 'UserError';
}

/** Throws Cancelled when a prompt returned nothing, so flows read top to bottom. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
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
 * never contains plaintext (the core guarantees it, AWS too), so it is safe to show and log.
 */
export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    const next = NEXT_STEPS[error.name] ?? (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(error.message) ? NEXT_STEPS.TimeoutError : undefined);
    return `${name}${error.message}${next ? ` ${next}` : ''}`;
  }
  return String(error);
}

export function isCancellation(error: unknown): boolean {
  return error instanceof Cancelled || error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'AbortError');
}

export async function showError(context: string, error: unknown): Promise<void> {
  if (isCancellation(error)) {
    log.info(`${context}: cancelled`);
    return;
  }
  if (error instanceof UserError) log.warn(`${context}: ${error.message}`);
  else log.error(context, error);
  const choice = await vscode.window.showErrorMessage(`${context} failed. ${describeError(error)}`, 'Show Logs');
  if (choice === 'Show Logs') log.show();
}

/** Wraps a command body: the one path by which failures reach the user. */
export function runCommand<A extends unknown[]>(title: string, body: (...args: A) => Promise<unknown>) {
  return async (...args: A): Promise<void> => {
    try {
      await body(...args);
    } catch (error) {
      await showError(title, error);
    }
  };
}
