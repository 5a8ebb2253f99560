/** Connection set-up: add an AWS connection to the settings, and share the local keyring with `kmsw serve`. */
import * as vscode from 'vscode';
import { REGION_PATTERN } from '../../src-core/ids/identifiers';
import { setting, updateSetting, type AwsConnectionSetting } from '../config';
import { LocalConnection } from '../connections/local';
import type { Ctx } from '../ctx';
import { required, UserError } from '../commandErrors';

export const addAwsConnection = (ctx: Ctx) => async () => {
  const profile = required(await vscode.window.showInputBox({
    title: 'Add AWS connection (1/3): profile', prompt: 'A profile from ~/.aws/config (SSO included); empty for the default credential chain', placeHolder: 'default',
  })).trim();
  const region = required(await vscode.window.showInputBox({
    title: 'Add AWS connection (2/3): Region', value: 'us-east-1', validateInput: (v) => (REGION_PATTERN.test(v.trim()) ? undefined : 'A Region name such as eu-west-1.'),
  })).trim();
  const endpoint = required(await vscode.window.showInputBox({
    title: 'Add AWS connection (3/3): endpoint', prompt: 'Empty for AWS itself; or a KMS-compatible endpoint, e.g. http://127.0.0.1:4599 for kmsw serve',
    validateInput: (v) => (!v.trim() || /^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http(s) URL, or empty.'),
  })).trim();
  const entry: AwsConnectionSetting = { region, ...(profile ? { profile } : {}), ...(endpoint ? { endpoint } : {}) };
  await updateSetting('aws.connections', [...setting('aws.connections'), entry]);
  void vscode.window.showInformationMessage(`Added ${profile || 'default'}@${region} to the Keyring view (setting kmsWorkbench.aws.connections).`);
  ctx.refresh();
};

export const copyServeCommand = (ctx: Ctx) => async () => {
  const local = ctx.connections.all().find((c): c is LocalConnection => c instanceof LocalConnection);
  if (!local) throw new UserError('The local keyring is turned off (setting kmsWorkbench.local.enabled).');
  const ok = await vscode.window.showWarningMessage('Copy a kmsw serve command line that carries the keyring\'s root key?', {
    modal: true,
    detail: 'kmsw serve needs the root key that VS Code keeps in its secret storage to open the same keyring. Anyone with the key and the folder can read every key in it: paste it only into your own terminal.',
  }, 'Copy');
  if (ok !== 'Copy') throw new vscode.CancellationError();
  await vscode.env.clipboard.writeText(await local.serveCommand());
  void vscode.window.showInformationMessage('Copied. Paste it into a terminal to serve this keyring over HTTP.');
};
