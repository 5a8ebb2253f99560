/**
 * Editing a key policy: GetKeyPolicy into a `<key id>.kms-policy.json` file in the extension's storage
 * (a name the language server checks as a key policy), and every save of that file is a PutKeyPolicy.
 * A policy that would lock everyone out, whether the language server says so (lockout-risk,
 * lockout-conditional) or KMS refuses it for that, needs a second, explicit yes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { DIAGNOSTIC_SOURCE } from '../src-core/protocol';
import type { KmsConnection } from './connections/connection';
import type { Ctx } from './ctx';
import { showError } from './errors';
import { keyFromArgs } from './keyPicker';
import { log } from './log';
import type { Node } from './tree/nodes';

const LOCKOUT_CODES = new Set(['lockout-risk', 'lockout-conditional']);

interface OpenPolicy {
  connection: KmsConnection;
  keyId: string;
  label: string;
}

export class PolicyEditor implements vscode.Disposable {
  private readonly open = new Map<string, OpenPolicy>();
  private readonly listener: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    this.listener = vscode.workspace.onDidSaveTextDocument((doc) => {
      const target = this.open.get(doc.uri.fsPath);
      if (target) void this.save(doc, target).catch((error: unknown) => showError(`Save key policy of ${target.label}`, error));
    });
  }

  /** The `kmsWorkbench.editKeyPolicy` command body. */
  edit = async (node?: Node): Promise<void> => {
    const key = await keyFromArgs(this.ctx, node, 'any', 'Edit Key Policy');
    const client = await key.connection.client();
    const { Policy } = await client.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }));
    const folder = vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'policies', encodeURIComponent(key.connection.id));
    await mkdir(folder.fsPath, { recursive: true });
    const file = vscode.Uri.joinPath(folder, `${key.keyId}.kms-policy.json`);
    await writeFile(file.fsPath, pretty(Policy ?? '{}'));
    this.open.set(file.fsPath, { connection: key.connection, keyId: key.keyId, label: key.label });
    await vscode.window.showTextDocument(file, { preview: false });
    void vscode.window.showInformationMessage(`Editing the key policy of ${key.label}: saving the file updates it in ${key.connection.label}.`);
  };

  private async save(doc: vscode.TextDocument, target: OpenPolicy): Promise<void> {
    // Diagnostics can lag the text by the server's debounce: they only add a warning here; KMS itself
    // refuses malformed policies, with a message the user sees.
    const lockout = vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === DIAGNOSTIC_SOURCE && LOCKOUT_CODES.has(codeOf(d)));
    if (lockout && !(await confirmLockout(target, lockout.message))) return;
    const client = await target.connection.client();
    const put = (bypass: boolean) => client.send(new PutKeyPolicyCommand({ KeyId: target.keyId, PolicyName: 'default', Policy: doc.getText(), BypassPolicyLockoutSafetyCheck: bypass }));
    let bypass = lockout !== undefined;
    try {
      await put(bypass);
    } catch (error) {
      // KMS's own lockout safety check: the language server may not know the caller, KMS does.
      if (bypass || !isLockoutRefusal(error) || !(await confirmLockout(target, (error as Error).message))) throw isLockoutRefusal(error) ? new vscode.CancellationError() : error;
      bypass = true;
      await put(bypass);
    }
    log.info(`PutKeyPolicy on ${target.keyId} in ${target.connection.id}${bypass ? ' (lockout check bypassed after confirmation)' : ''}`);
    this.ctx.refresh(target.connection);
    void vscode.window.showInformationMessage(`Key policy of ${target.label} updated in ${target.connection.label}.`);
  }

  dispose(): void {
    this.listener.dispose();
  }
}

async function confirm(target: OpenPolicy, message: string, detail: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Update Anyway');
  if (choice !== 'Update Anyway') void vscode.window.showInformationMessage(`The key policy of ${target.label} was not changed in KMS.`);
  return choice === 'Update Anyway';
}

function confirmLockout(target: OpenPolicy, why: string): Promise<boolean> {
  return confirm(target, `This policy could lock everyone out of ${target.label}.`, `${why}\n\nUpdating anyway bypasses the KMS lockout safety check: nobody may be able to change the policy again.`);
}

function isLockoutRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'MalformedPolicyDocumentException' && /will not allow you to update the key policy/.test(error.message);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
}

function pretty(policy: string): string {
  try {
    return `${JSON.stringify(JSON.parse(policy), null, 2)}\n`;
  } catch {
    return policy; // keep what KMS returned, even if it is not JSON we can format
  }
}
