/**
 * The getting-started walkthrough tells the truth: a step is ticked when what it teaches happened (a key
 * was created, text was encrypted, the audit log opened, the language server checked a key policy), through
 * context keys set here after success, never because its command merely ran. Its buttons open sample text
 * that works wherever the user is (an untitled document, the value already selected) instead of failing
 * with "open a file first".
 */
import * as vscode from 'vscode';
import { isKeyPolicyDocument } from '../src-core/policy/lint';
import { DIAGNOSTIC_SOURCE } from '../protocol/diagnostics';
import type { Ctx } from './ctx';

/** The commands whose success completes a step, and the context key each sets (package.json's completionEvents). */
const DONE_BY_COMMAND: Record<string, string> = {
  createKey: 'kmsWorkbench.walkthrough.keyCreated',
  encryptSelection: 'kmsWorkbench.walkthrough.encrypted',
  encryptFile: 'kmsWorkbench.walkthrough.encrypted',
  openAuditPanel: 'kmsWorkbench.walkthrough.auditOpened',
};
const POLICY_CHECKED = 'kmsWorkbench.walkthrough.policyChecked';
const KEYRING_SHOWN = 'kmsWorkbench.walkthrough.keyringShown';

const SECRET = 'correct-horse-battery-staple';
const SAMPLE_ENV = `# Encrypt Selection replaced the selected value with a KMS ciphertext; Decrypt Selection brings it back.\nDATABASE_PASSWORD=${SECRET}\n`;
/** A policy with two findings the language server explains (a wildcard principal and a misspelt action). */
const SAMPLE_POLICY = `${JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' },
    { Sid: 'Allow use of the key by the app role', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:Encrypt', 'kms:Decrpyt'], Resource: '*' },
  ],
}, null, 2)}\n`;

/** Called by the command table after a command succeeded. */
export function commandSucceeded(command: string): void {
  const key = DONE_BY_COMMAND[command];
  if (key) void vscode.commands.executeCommand('setContext', key, true);
}

/** Ticks "Check a key policy" once the language server reports on a document that is a key policy. */
export function watchPolicyChecks(ctx: Ctx): void {
  const listener = vscode.languages.onDidChangeDiagnostics((e) => {
    const checked = e.uris.some((uri) => {
      if (!vscode.languages.getDiagnostics(uri).some((d) => d.source === DIAGNOSTIC_SOURCE)) return false;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      return doc !== undefined && isKeyPolicyDocument(doc.getText());
    });
    if (!checked) return;
    void vscode.commands.executeCommand('setContext', POLICY_CHECKED, true);
    listener.dispose();
  });
  ctx.pushExtCleanup(listener);
}

/** The walkthrough's id as VS Code knows it: `<publisher>.<name>#<id>` from package.json. */
const WALKTHROUGH = 'kms-workbench.kms-workbench#kmsWorkbench.gettingStarted';

/**
 * `kmsWorkbench.openWalkthrough`: opens the walkthrough and ticks "Open the keyring" when the Keyring view is
 * already shown. The step's `onView:` event fires only when the view opens while the walkthrough is loaded,
 * and VS Code loads walkthroughs when one is first opened: a context key already true then marks its event as
 * seen without ticking the step, and it never ticks after. So the key is set once the walkthrough is open.
 */
export const openWalkthrough = (ctx: Ctx) => async () => {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
  if (ctx.view.visible) await vscode.commands.executeCommand('setContext', KEYRING_SHOWN, true);
};

/** `kmsWorkbench.openSample`: the walkthrough's sample for a step, `encrypt` (then Encrypt Selection) or `policy`. */
export const openSample = () => async (sample: 'encrypt' | 'policy' = 'encrypt') => {
  if (sample === 'policy') {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'json', content: SAMPLE_POLICY }));
    return;
  }
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'properties', content: SAMPLE_ENV }));
  const start = editor.document.positionAt(SAMPLE_ENV.indexOf(SECRET));
  editor.selection = new vscode.Selection(start, start.translate(0, SECRET.length));
  await vscode.commands.executeCommand('kmsWorkbench.encryptSelection');
};
