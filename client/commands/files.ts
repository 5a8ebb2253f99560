/**
 * Encrypt and decrypt files and folders from the Explorer, as Encryption SDK messages (the format the
 * AWS Encryption CLI reads and writes). Progress shows per file and Cancel aborts cleanly: the file
 * jobs stage their output and publish it only when complete. Existing outputs are never replaced
 * without asking. "Open Decrypted" shows the plaintext in a read-only editor and writes nothing.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { decryptFile, encryptFile, type FileJobResult } from '../../src-node/files/file-crypto';
import { decryptFolder, decryptedName, encryptedName, encryptFolder, type FolderFileResult } from '../../src-node/files/folder-crypto';
import { exists } from '../../src-node/files/staged-output';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { setting } from '../config';
import type { Ctx } from '../ctx';
import { aboutFile } from '../describeError';
import { UserError } from '../commandErrors';
import { pickKey } from '../keyPicker';
import { log } from '../log';

type Direction = 'encrypt' | 'decrypt';

/** The Explorer passes the clicked item and the whole multi-selection; the palette passes nothing. */
function selectedUris(uri?: vscode.Uri, uris?: vscode.Uri[]): vscode.Uri[] {
  const chosen = uris?.length ? uris : uri ? [uri] : vscode.window.activeTextEditor ? [vscode.window.activeTextEditor.document.uri] : [];
  const files = chosen.filter((u) => u.scheme === 'file');
  if (files.length === 0) throw new UserError('Pick a file or folder in the Explorer (files on disk only).');
  return files;
}

async function mayOverwrite(output: string): Promise<boolean> {
  if (!(await exists(output))) return false;
  if (!setting('encryption.confirmOverwrite')) return true;
  const answer = await vscode.window.showWarningMessage(`${basename(output)} already exists. Replace it?`, { modal: true }, 'Replace');
  if (answer !== 'Replace') throw new vscode.CancellationError();
  return true;
}

function summary(direction: Direction, results: FolderFileResult[]): string {
  const done = results.filter((r) => r.status === 'done').length;
  const failed = results.filter((r): r is Extract<FolderFileResult, { status: 'failed' }> => r.status === 'failed');
  for (const f of failed) log.error(`${direction} ${f.input}`, f.error);
  const skipped = results.length - done - failed.length;
  return `${direction === 'encrypt' ? 'Encrypted' : 'Decrypted'} ${done} file(s)${skipped ? `, skipped ${skipped}` : ''}${failed.length ? `, ${failed.length} failed (see the log)` : ''}.`;
}

function fileCommand(direction: Direction) {
  return (ctx: Ctx) => async (uri?: vscode.Uri, uris?: vscode.Uri[]) => {
    const targets = selectedUris(uri, uris);
    const key = direction === 'encrypt' ? await pickKey(ctx, 'encrypt', 'Encrypt File') : undefined;
    const connection = key?.connection ?? ctx.connectionFor();
    const kms = kmsFromClient(await connection.client());
    const messages: string[] = [];
    const outputs: string[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: direction === 'encrypt' ? 'Encrypting' : 'Decrypting', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          for (const target of targets) {
            const path = target.fsPath;
            const common = { signal: abort.signal, onProgress: (p: { bytesDone: number; totalBytes: number }) => progress.report({ message: `${basename(path)} ${percent(p)}` }) };
            if ((await stat(path)).isDirectory()) {
              const onFile = (input: string, i: number, n: number) => progress.report({ message: `${basename(input)} (${i + 1}/${n})` });
              const results = direction === 'encrypt'
                ? await encryptFolder(path, { ...common, onFile, kms, keyId: key?.keyId ?? '' })
                : await decryptFolder(path, { ...common, onFile, kms });
              messages.push(summary(direction, results));
              continue;
            }
            const output = direction === 'encrypt' ? encryptedName(path) : decryptedName(path);
            const force = await mayOverwrite(output);
            const result: FileJobResult = await aboutFile(basename(path), direction === 'encrypt'
              ? encryptFile(path, output, { ...common, force, kms, keyId: key?.keyId ?? '' })
              : decryptFile(path, output, { ...common, force, kms }));
            messages.push(`${direction === 'encrypt' ? 'Encrypted' : 'Decrypted'} ${basename(path)} → ${basename(result.output)}.`);
            outputs.push(result.output);
          }
        } finally {
          cancel.dispose();
        }
      },
    );
    log.info(`${direction} ${targets.length} item(s) in ${connection.id}${key ? ` under ${key.keyId}` : ''}`);
    followUp(direction, messages.join(' '), outputs);
  };
}

/**
 * The message after a run, with the way to what it wrote when that is one file: [Reveal] in the Explorer,
 * and [Open], the decrypted view for an encrypted file (its bytes are not text), the file itself otherwise.
 */
function followUp(direction: Direction, message: string, outputs: string[]): void {
  if (outputs.length !== 1) {
    void vscode.window.showInformationMessage(message);
    return;
  }
  const output = vscode.Uri.file(outputs[0]);
  // Not awaited: the files are written whether or not the user follows up.
  void vscode.window.showInformationMessage(message, 'Reveal', 'Open').then((choice) => {
    if (choice === 'Reveal') void vscode.commands.executeCommand('revealInExplorer', output);
    else if (choice === 'Open') void vscode.commands.executeCommand(direction === 'encrypt' ? 'kmsWorkbench.openDecrypted' : 'vscode.open', output);
  });
}

function percent(p: { bytesDone: number; totalBytes: number }): string {
  return p.totalBytes ? `${Math.floor((p.bytesDone / p.totalBytes) * 100)}%` : '';
}

export const encryptFiles = fileCommand('encrypt');
export const decryptFiles = fileCommand('decrypt');
