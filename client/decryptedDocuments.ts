/**
 * Read-only editors over decrypted files: `kms-decrypted:` documents whose text is decrypted in memory and
 * never written to disk. The tab reads "notes.txt.encrypted (decrypted)" so it cannot pass for the real
 * file; the file system is read-only with a message (and VS Code's lock on the tab); every Open Decrypted
 * calls KMS again, so a key disabled or scheduled for deletion since the last open is noticed.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { decryptText } from '../src-core/encryption-sdk/text';
import { kmsFromClient } from '../src-node/files/kms-adapter';
import { decryptedName } from '../src-node/files/folder-crypto';
import type { ExtensionScope } from './extensionScope';
import { aboutFile } from './describeError';
import { log } from './log';

export const DECRYPTED_SCHEME = 'kms-decrypted';
const SUFFIX = ' (decrypted)';

export const READ_ONLY_MESSAGE = new vscode.MarkdownString(
  'Decrypted in memory and read-only: nothing is written to disk. Use **Decrypt File** to write the plaintext to a file.',
);

export function decryptedUri(encrypted: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: DECRYPTED_SCHEME, path: `${encrypted.path}${SUFFIX}` });
}

function encryptedPathOf(uri: vscode.Uri): string {
  return vscode.Uri.file(uri.path.endsWith(SUFFIX) ? uri.path.slice(0, -SUFFIX.length) : uri.path).fsPath;
}

export class DecryptedDocuments implements vscode.FileSystemProvider {
  private readonly plaintexts = new Map<string, { bytes: Uint8Array; mtime: number }>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly ctx: ExtensionScope) {}

  dispose(): void {
    this.changed.dispose();
    this.plaintexts.clear();
  }

  /** Decrypts with a fresh KMS call and tells an editor already showing the file to re-read it. */
  async decrypt(uri: vscode.Uri): Promise<void> {
    const path = encryptedPathOf(uri);
    const connection = this.ctx.connectionFor();
    const { plaintext, keyArn } = await aboutFile(basename(path), (async () => {
      const bytes = await readFile(path);
      return decryptText(kmsFromClient(await connection.client()), bytes.toString('base64'));
    })()).catch((error: unknown) => {
      this.plaintexts.delete(uri.toString()); // a refused decrypt keeps no earlier plaintext to show
      throw error;
    });
    log.info(`opened ${path} decrypted in memory (key ${keyArn}, ${connection.id})`);
    this.plaintexts.set(uri.toString(), { bytes: new TextEncoder().encode(plaintext), mtime: Date.now() });
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const held = this.plaintexts.get(uri.toString());
    return { type: vscode.FileType.File, ctime: 0, mtime: held?.mtime ?? 0, size: held?.bytes.length ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  /** A tab restored after a reload has nothing in memory yet: decrypt it then. */
  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    if (!this.plaintexts.has(uri.toString())) await this.decrypt(uri);
    return this.plaintexts.get(uri.toString())?.bytes ?? new Uint8Array();
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    throw vscode.FileSystemError.NoPermissions('decrypted views are single files');
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_MESSAGE.value);
  }

  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_MESSAGE.value);
  }

  delete(uri: vscode.Uri): void {
    this.plaintexts.delete(uri.toString());
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_MESSAGE.value);
  }

  /** Closed editors keep no plaintext in memory. */
  forget(uri: vscode.Uri): void {
    this.plaintexts.delete(uri.toString());
  }
}

/** The language VS Code would give the decrypted file's own name (`notes.txt` → plaintext, `app.env` → dotenv). */
function languageOfName(name: string): string | undefined {
  let best: { id: string; length: number } | undefined;
  for (const extension of vscode.extensions.all) {
    const languages = (extension.packageJSON as { contributes?: { languages?: { id: string; extensions?: string[]; filenames?: string[] }[] } }).contributes?.languages ?? [];
    for (const language of languages) {
      const hits = [...(language.filenames ?? []).filter((f) => f === name), ...(language.extensions ?? []).filter((e) => name.endsWith(e))];
      for (const hit of hits) if (!best || hit.length > best.length) best = { id: language.id, length: hit.length };
    }
  }
  return best?.id;
}

export const openDecrypted = (ctx: { readonly decrypted: DecryptedDocuments }) => async (uri?: vscode.Uri) => {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') throw new vscode.CancellationError();
  const decrypted = decryptedUri(target);
  await ctx.decrypted.decrypt(decrypted);
  let document = await vscode.workspace.openTextDocument(decrypted);
  const language = languageOfName(basename(decryptedName(target.fsPath)));
  if (language && document.languageId !== language) document = await vscode.languages.setTextDocumentLanguage(document, language);
  await vscode.window.showTextDocument(document, { preview: true });
};
