/**
 * Errors on their way to the user. Every command runs through `runCommand`, which logs the failure,
 * stays quiet for cancellations, and shows one notification with the actions that fix it.
 */
import * as vscode from 'vscode';
import { showAccessDenied } from './access/denials';
import { log } from './log';
import { explainError, UserError, type ErrorSubject } from './describeError';

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

/**
 * One notification per failure: the cause and its fix, with the buttons that fix it ("Cancel Key Deletion",
 * "Enable Key", …); warnings for what the user must do first, errors (with "Show Logs") for failures.
 */
export async function showError(context: string, error: unknown, subject: ErrorSubject = {}): Promise<void> {
  if (isCancellation(error)) {
    log.info(`${context}: cancelled`);
    return;
  }
  if (await showAccessDenied(context, error)) return;
  if (error instanceof UserError) log.warn(`${context}: ${error.message}`);
  else log.error(context, error);
  const { message, severity, actions } = explainError(error, context, subject);
  const buttons = [...actions.map((a) => a.title), ...(severity === 'error' ? ['Show Logs'] : [])];
  const choice = severity === 'warning' ? await vscode.window.showWarningMessage(message, ...buttons) : await vscode.window.showErrorMessage(message, ...buttons);
  if (choice === 'Show Logs') log.show();
  const action = actions.find((a) => a.title === choice);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}

/** Wraps a command body: the one path by which failures reach the user. */
export function runCommand<A extends unknown[]>(title: string, body: (...args: A) => Promise<unknown>, subject: ErrorSubject = {}) {
  return async (...args: A): Promise<void> => {
    try {
      await body(...args);
    } catch (error) {
      await showError(title, error, subject);
    }
  };
}
