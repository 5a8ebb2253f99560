/**
 * The extension's one logger, over a LogOutputChannel so users pick the level in the Output view.
 * Callers pass facts (operation, key id, error); plaintext, ciphertext and key material never go here.
 */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function createLogger(): vscode.Disposable {
  channel = vscode.window.createOutputChannel('KMS Workbench', { log: true });
  return channel;
}

function format(message: string, error?: unknown): string {
  if (error === undefined) return message;
  if (error instanceof Error) return `${message}: ${error.stack ?? `${error.name}: ${error.message}`}`;
  return `${message}: ${String(error)}`;
}

export const log = {
  trace: (message: string) => channel?.trace(message),
  debug: (message: string) => channel?.debug(message),
  info: (message: string) => channel?.info(message),
  warn: (message: string, error?: unknown) => channel?.warn(format(message, error)),
  error: (message: string, error?: unknown) => channel?.error(format(message, error)),
  show: () => channel?.show(true),
};
