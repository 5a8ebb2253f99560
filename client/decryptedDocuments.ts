/**
 * Read-only editors over decrypted files: `kms-decrypted:` documents whose text is decrypted in memory
 * when VS Code asks for it and is never written to disk. The URI's path is the decrypted name (so the
 * editor picks the language from it); its query is the encrypted file's path.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { decryptText } from '../src-core/formats/text';
import { kmsFromClient } from '../src-node/files/kms-adapter';
import { decryptedName } from '../src-node/files/folder-crypto';
import type { Ctx } from './ctx';
import { log } from './log';

export const DECRYPTED_SCHEME = 'kms-decrypted';

export function decryptedUri(encrypted: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: DECRYPTED_SCHEME, path: decryptedName(encrypted.fsPath), query: encrypted.fsPath });
}

export class DecryptedDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: Ctx) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const connection = this.ctx.connectionFor();
    const bytes = await readFile(uri.query);
    const { plaintext, keyArn } = await decryptText(kmsFromClient(await connection.client()), bytes.toString('base64'));
    log.info(`opened ${uri.query} decrypted in memory (key ${keyArn}, ${connection.id})`);
    return plaintext;
  }
}

export const openDecrypted = () => async (uri?: vscode.Uri) => {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') throw new vscode.CancellationError();
  const document = await vscode.workspace.openTextDocument(decryptedUri(target));
  await vscode.window.showTextDocument(document, { preview: true });
};
