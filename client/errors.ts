/**
 * Errors on their way to the user. Every command runs through `runCommand`, which logs the failure,
 * stays quiet for cancellations, and shows one notification with a "Show Logs" action.
 */
import * as vscode from 'vscode';
import { showAccessDenied } from './access/denials';
import { log } from './log';
import { describeError, UserError } from './describeError';

export { describeError, UserError } from './describeError';

/** The user dismissed a prompt: not an error, nothing to show. */
export class Cancelled extends Error {
  override name = 'Cancelled';
  constructor() {
    super('cancelled by the user');
  }
}

/** Throws Cancelled when a prompt returned nothing, so flows read top to bottom. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

export function isCancellation(error: unknown): boolean {
  return error instanceof Cancelled || error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'AbortError');
}

export async function showError(context: string, error: unknown): Promise<void> {
  if (isCancellation(error)) {
    log.info(`${context}: cancelled`);
    return;
  }
  if (await showAccessDenied(context, error)) return;
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
