/** Wires the SOPS support into the extension: the `kms-sops:` file system and the file watcher. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { SOPS_SCHEME, SopsFileSystem } from './fileSystem';
import { SopsFiles } from './sopsFiles';

export function registerSops(ctx: Ctx): void {
  const fileSystem = new SopsFileSystem(ctx);
  ctx.pushExtCleanup(fileSystem, vscode.workspace.registerFileSystemProvider(SOPS_SCHEME, fileSystem, { isCaseSensitive: true }), new SopsFiles(ctx));
}
