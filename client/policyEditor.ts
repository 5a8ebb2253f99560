/**
 * Editing a key policy: GetKeyPolicy into a `<key id>.kms-policy.json` file in the extension's storage
 * (a name the language server checks as a key policy). A PutKeyPolicy is deliberate: only an explicit
 * save (not auto-save or focus change) asks, and the question shows what changes (who gains and who
 * loses which actions, and which statements changed) before anything is sent. A policy that would
 * lock everyone out, whether the language server says so (lockout-risk, lockout-conditional) or KMS
 * refuses it for that, is asked about as such. Closing the editor forgets it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { accessDiff, accessDiffLines, statementDiffLines } from '../src-core/policy/access-diff';
import { lockoutRisk } from '../src-core/policy/lockout';
import { DIAGNOSTIC_SOURCE } from '../protocol/diagnostics';
import type { KmsConnection } from './connections/connection';
import { LocalConnection } from './connections/local';
import type { ExtensionScope } from './extensionScope';
import { highlightStatement } from './access/highlight';
import { showError } from './commandErrors';
import { keyFromArgs } from './keyPicker';
import { log } from './log';
import type { Node } from './tree/nodes';

const LOCKOUT_CODES = new Set(['lockout-risk', 'lockout-conditional']);

/** A key named without a tree node (from an error message, Check Access): optionally a statement to highlight. */
export interface KeyRef {
  connection: KmsConnection;
  keyId: string;
  label: string;
  statement?: number;
}

interface OpenPolicy {
  connection: KmsConnection;
  keyId: string;
  label: string;
  /** The policy as KMS holds it (as opened, then as last applied): what the confirmation compares with. */
  applied: string;
  /** Why the file is being saved: set by onWillSave, read by onDidSave. */
  reason?: vscode.TextDocumentSaveReason;
  /** The document version propose() saves and applies itself: the save listener leaves that save alone. */
  appliedVersion?: number;
  /** Told once that auto-save keeps the file on disk only. */
  toldAboutAutoSave?: boolean;
}

export class PolicyEditor implements vscode.Disposable {
  private readonly open = new Map<string, OpenPolicy>();
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly ctx: ExtensionScope) {
    this.listeners = [
      vscode.workspace.onWillSaveTextDocument((e) => {
        const target = this.open.get(e.document.uri.fsPath);
        if (target) target.reason = e.reason;
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const target = this.open.get(doc.uri.fsPath);
        if (!target) return;
        // Each reason serves one save: a save whose will-save event never came (VS Code skips it for
        // Save without Formatting, and drops it when the extension host answers late) must not pass
        // as explicit on the strength of an earlier Ctrl+S.
        const reason = target.reason;
        target.reason = undefined;
        if (doc.version === target.appliedVersion) return;
        if (reason !== vscode.TextDocumentSaveReason.Manual) return this.keptOnDisk(target, reason);
        void this.save(doc, target).catch((error: unknown) => showError(`Save key policy of ${target.label}`, error));
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => void this.open.delete(doc.uri.fsPath)),
    ];
  }

  /** The key policies open for editing (their files), for the access code lens and Check Access. */
  target(fsPath: string): { connection: KmsConnection; keyId: string; label: string } | undefined {
    return this.open.get(fsPath);
  }

  private keptOnDisk(target: OpenPolicy, reason: vscode.TextDocumentSaveReason | undefined): void {
    log.info(`key policy of ${target.keyId} saved without an explicit save (reason ${reason ?? 'unknown'}): kept on disk only`);
    if (target.toldAboutAutoSave) return;
    target.toldAboutAutoSave = true;
    const how = reason === undefined ? 'This save' : 'Auto-save';
    void vscode.window.showInformationMessage(`${how} kept the key policy of ${target.label} on disk only: save it yourself (Ctrl+S) to update it in ${target.connection.label}.`);
  }

  /** The `kmsWorkbench.editKeyPolicy` command body. */
  edit = (arg?: Node | KeyRef): Promise<vscode.TextEditor> => this.openPolicy(arg, true);

  private async openPolicy(arg: Node | KeyRef | undefined, tellHowToApply: boolean): Promise<vscode.TextEditor> {
    const key = arg && !('kind' in arg) ? arg : await keyFromArgs(this.ctx, arg, 'any', 'Edit Key Policy');
    const client = await key.connection.client();
    const { Policy } = await client.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }));
    const folder = vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'policies', encodeURIComponent(key.connection.id));
    await mkdir(folder.fsPath, { recursive: true });
    const file = vscode.Uri.joinPath(folder, `${key.keyId}.kms-policy.json`);
    const text = pretty(Policy ?? '{}');
    await writeFile(file.fsPath, text);
    this.open.set(file.fsPath, { connection: key.connection, keyId: key.keyId, label: key.label, applied: text });
    const editor = await vscode.window.showTextDocument(file, { preview: false });
    if (arg && !('kind' in arg) && arg.statement !== undefined) highlightStatement(editor, arg.statement);
    else if (tellHowToApply) void vscode.window.showInformationMessage(`Editing the key policy of ${key.label}: save it (Ctrl+S) to review the change and update it in ${key.connection.label}.`);
    return editor;
  }

  /**
   * Opens a key's policy with proposed text in place of the current one (Share Key…), saves the file and
   * asks, as an explicit save does, before updating the key: the user sees who gains what and decides.
   */
  async propose(node: Node | KeyRef | undefined, text: string): Promise<void> {
    const editor = await this.openPolicy(node, false);
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), text));
    const target = this.open.get(editor.document.uri.fsPath);
    if (!target) return;
    target.appliedVersion = editor.document.version;
    await editor.document.save();
    await this.save(editor.document, target);
  }

  private async save(doc: vscode.TextDocument, target: OpenPolicy): Promise<void> {
    // Diagnostics can lag the text by the server's debounce: they only add a warning here; KMS itself
    // refuses malformed policies, with a message the user sees.
    const text = doc.getText();
    const changes = whatChanges(target.applied, text);
    const lockout = vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === DIAGNOSTIC_SOURCE && LOCKOUT_CODES.has(codeOf(d)))?.message ?? (await localLockout(target, text));
    if (lockout ? !(await confirmLockout(target, `${lockout}\n\n${changes}`)) : !(await confirm(target, `Update the key policy of ${target.label} in ${target.connection.label}?`, changes, 'Update Key Policy'))) return;
    const client = await target.connection.client();
    const put = (bypass: boolean) => client.send(new PutKeyPolicyCommand({ KeyId: target.keyId, PolicyName: 'default', Policy: text, BypassPolicyLockoutSafetyCheck: bypass }));
    let bypass = lockout !== undefined;
    try {
      await put(bypass);
    } catch (error) {
      // KMS's own lockout safety check: the language server may not know the caller, KMS does.
      if (bypass || !isLockoutRefusal(error) || !(await confirmLockout(target, (error as Error).message))) throw isLockoutRefusal(error) ? new vscode.CancellationError() : error;
      bypass = true;
      await put(bypass);
    }
    target.applied = text;
    log.info(`PutKeyPolicy on ${target.keyId} in ${target.connection.id}${bypass ? ' (lockout check bypassed after confirmation)' : ''}`);
    this.ctx.refresh(target.connection);
    void vscode.window.showInformationMessage(`Key policy of ${target.label} updated in ${target.connection.label}.`);
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.open.clear();
  }
}

/**
 * The lockout check for the local keyring, whose caller is known: decided here rather than waiting for
 * the language server's diagnostics, which can lag the text. (On AWS, KMS's own check answers.)
 */
async function localLockout(target: OpenPolicy, text: string): Promise<string | undefined> {
  if (!(target.connection instanceof LocalConnection)) return undefined;
  const { kms } = await target.connection.handle();
  const caller = kms.defaultCaller();
  const keyArn = `arn:aws:kms:${kms.region}:${kms.accountId}:key/${target.keyId}`;
  return lockoutRisk(text, caller, keyArn) ? `Under this policy ${caller.principal}, the local keyring's caller, could no longer call kms:PutKeyPolicy on the key.` : undefined;
}

/** The access diff and the statement diff, as the confirmation shows them. */
function whatChanges(before: string, after: string): string {
  return ['Who gains and who loses:', ...accessDiffLines(accessDiff(before, after)), '', 'Statements:', ...statementDiffLines(before, after)].join('\n');
}

async function confirm(target: OpenPolicy, message: string, detail: string, button: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, button);
  if (choice !== button) void vscode.window.showInformationMessage(`The key policy of ${target.label} was not changed in KMS.`);
  return choice === button;
}

function confirmLockout(target: OpenPolicy, why: string): Promise<boolean> {
  return confirm(target, `This policy could lock everyone out of ${target.label}.`, `${why}\n\nUpdating anyway bypasses the KMS lockout safety check: nobody may be able to change the policy again.`, 'Update Anyway');
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
