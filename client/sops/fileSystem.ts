/**
 * The decrypted text of a SOPS file as a virtual file (`kms-sops:` + the file's path, so the editor
 * picks the language from its name). Reading decrypts in memory; saving encrypts again and replaces
 * the file on disk atomically, keeping the ciphertext of every value that did not change (and an
 * unchanged save writes nothing, as `sops edit`). Plaintext is
 * never written anywhere, not even to a temporary file.
 */
import { readFile, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { decryptSops, formatForPath, type DecryptedSops } from '../../src-core/sops/document';
import { writeFileAtomic } from '../../src-node/store/atomic-write';
import type { Ctx } from '../ctx';
import { log } from '../log';
import { withSopsEnvironment } from './kms';

export const SOPS_SCHEME = 'kms-sops';

export function decryptedSopsUri(file: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: SOPS_SCHEME, path: file.path });
}

function fileOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.file(uri.fsPath);
}

export class SopsFileSystem implements vscode.FileSystemProvider {
  /** The file as last decrypted, with the data key and IVs its next save reuses. */
  private readonly opened = new Map<string, DecryptedSops>();
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  constructor(private readonly ctx: Ctx) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const s = await stat(fileOf(uri).fsPath).catch(() => {
      throw vscode.FileSystemError.FileNotFound(uri);
    });
    const size = Buffer.byteLength(this.opened.get(uri.path)?.plaintext ?? '');
    return { type: vscode.FileType.File, ctime: s.ctimeMs, mtime: s.mtimeMs, size };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const file = fileOf(uri).fsPath;
    const text = await readFile(file, 'utf8');
    const opened = await withSopsEnvironment(this.ctx, (env) => decryptSops(text, formatForPath(file), env));
    this.opened.set(uri.path, opened);
    log.info(`opened SOPS file ${file} decrypted in memory`);
    return Buffer.from(opened.plaintext, 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const file = fileOf(uri).fsPath;
    const opened = this.opened.get(uri.path) ?? (await this.readFile(uri), this.opened.get(uri.path)!);
    const encrypted = opened.save(Buffer.from(content).toString('utf8'));
    if (encrypted === undefined) {
      log.info(`SOPS file ${file} has not changed: nothing written`);
      return;
    }
    await writeFileAtomic(file, Buffer.from(encrypted, 'utf8'), (await stat(file)).mode & 0o777);
    log.info(`saved SOPS file ${file} (encrypted)`);
    this.changes.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  readDirectory(): never {
    throw vscode.FileSystemError.NoPermissions('SOPS documents are single files');
  }

  createDirectory(): never {
    throw vscode.FileSystemError.NoPermissions('SOPS documents are single files');
  }

  delete(): never {
    throw vscode.FileSystemError.NoPermissions('delete the SOPS file itself from the Explorer');
  }

  rename(): never {
    throw vscode.FileSystemError.NoPermissions('rename the SOPS file itself from the Explorer');
  }

  dispose(): void {
    this.changes.dispose();
    this.opened.clear();
  }
}
