/**
 * The SOPS commands: **Edit Decrypted** opens a SOPS file's plaintext in the `kms-sops:` virtual file
 * system; **Encrypt with SOPS** turns a plaintext YAML/JSON/.env/INI file into a SOPS file in place,
 * with the keys of the nearest `.sops.yaml` creation rule or a key picked from the keyring.
 */
import * as vscode from 'vscode';
import { encryptSops, formatForPath, isSopsText, type EncryptionPlan } from '../../src-core/sops/document';
import { planFromConfig, SOPS_CONFIG_NAME } from '../../src-core/sops/config';
import { writeFileAtomic } from '../../src-node/store/atomic-write';
import type { Ctx } from '../ctx';
import { UserError } from '../commandErrors';
import { pickKey } from '../keyPicker';
import { log } from '../log';
import { decryptedSopsUri } from './fileSystem';
import { withSopsEnvironment } from './kms';

function targetOf(uri?: vscode.Uri): vscode.Uri {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') throw new vscode.CancellationError();
  return target;
}

export const sopsEditDecrypted = () => async (uri?: vscode.Uri) => {
  const document = await vscode.workspace.openTextDocument(decryptedSopsUri(targetOf(uri)));
  await vscode.window.showTextDocument(document, { preview: false });
};

/** The nearest `.sops.yaml` from the file's folder up to its workspace folder, as sops looks for it. */
async function configPlan(file: vscode.Uri): Promise<EncryptionPlan | undefined> {
  const root = vscode.workspace.getWorkspaceFolder(file)?.uri;
  for (let dir = vscode.Uri.joinPath(file, '..'); ; dir = vscode.Uri.joinPath(dir, '..')) {
    const config = vscode.Uri.joinPath(dir, SOPS_CONFIG_NAME);
    const bytes = await vscode.workspace.fs.readFile(config).then((b) => b, () => undefined);
    if (bytes) {
      const plan = planFromConfig(Buffer.from(bytes).toString('utf8'), file.path.slice(dir.path.length + 1));
      if (plan?.keyGroups.length) return plan;
      return undefined;
    }
    if (!root || dir.path === root.path || dir.path === '/') return undefined;
  }
}

export const sopsEncrypt = (ctx: Ctx) => async (uri?: vscode.Uri) => {
  const file = targetOf(uri);
  const format = formatForPath(file.fsPath);
  if (format === 'binary') throw new UserError('Encrypt with SOPS works on YAML, JSON, .env and INI files.');
  const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
  if (isSopsText(text, format)) throw new UserError(`${vscode.workspace.asRelativePath(file)} is already a SOPS file. Use Edit Decrypted to change it.`);
  let plan = await configPlan(file);
  if (!plan) {
    const key = await pickKey(ctx, 'encrypt', 'Encrypt with SOPS');
    const arn = key.metadata.Arn;
    if (!arn) throw new UserError(`${key.label} has no ARN to name in the file.`);
    plan = { keyGroups: [[{ arn }]] };
  }
  const encrypted = await withSopsEnvironment(ctx, (env) => encryptSops(text, format, plan, env));
  await writeFileAtomic(file.fsPath, Buffer.from(encrypted, 'utf8'));
  log.info(`encrypted ${file.fsPath} with SOPS (${plan.keyGroups.flat().map((k) => k.arn).join(', ')})`);
  void vscode.window.showInformationMessage(`Encrypted ${vscode.workspace.asRelativePath(file)} with SOPS.`, 'Edit Decrypted').then((choice) => {
    if (choice) void vscode.commands.executeCommand('kmsWorkbench.sopsEditDecrypted', file);
  });
};
