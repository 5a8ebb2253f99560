/**
 * Check Access…: "may this principal do this with the key, and why", answered offline from the key
 * policy (the open editor's text, unsaved edits included, or GetKeyPolicy) and the key's grants, with the
 * deciding statement revealed and highlighted and each statement's "applies / does not, because …".
 */
import * as vscode from 'vscode';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import type { ConditionValues } from '../../src-core/kms/operation-context';
import { encryptionContextConditions } from '../../src-core/kms/ops/crypto-common';
import type { GrantRecord } from '../../src-core/kms/state';
import { KMS_ACTIONS, KMS_ACTION_NAMES } from '../../src-core/policy/data';
import { explainDecision, traceLines } from '../../src-core/policy/explain';
import { isKeyPolicyDocument } from '../../src-core/policy/lint';
import { accountOfKeyArn } from '../../src-core/ids/identifiers';
import { accountOfPrincipal, isCallerPrincipal, isServicePrincipal, parseAwsPrincipal } from '../../src-core/policy/principals';
import type { Ctx } from '../ctx';
import { required, UserError } from '../commandErrors';
import { keyFromArgs } from '../keyPicker';
import type { Node } from '../tree/nodes';
import { NOT_SEEN, readGrants } from './accessDetails';
import { highlightStatement } from './highlight';

const RECENT_CALLERS = 'kmsWorkbench.access.recentCallers';

async function askPrincipal(ctx: Ctx, accountId: string | undefined, policy: string): Promise<string> {
  const named = [...policy.matchAll(/"(arn:[^"]+)"/g)].map((m) => m[1]).filter(isCallerPrincipal);
  const recent = ctx.extension.globalState.get<string[]>(RECENT_CALLERS, []);
  const offered = [...new Set([...(accountId ? [`arn:aws:iam::${accountId}:root`] : []), ...recent, ...named])];
  const items: (vscode.QuickPickItem & { value?: string })[] = [
    ...offered.map((value) => ({ label: value, value, description: value.endsWith(':root') && value.includes(accountId ?? '-') ? "the key's account" : recent.includes(value) ? 'recent caller' : 'named in the policy' })),
    { label: 'Another principal…', description: 'an IAM ARN or a service principal' },
  ];
  const picked = required(await vscode.window.showQuickPick(items, { title: 'Check Access: who calls?', placeHolder: 'Principal ARN' }));
  const principal = picked.value ?? required(await vscode.window.showInputBox({
    title: 'Check Access: principal',
    prompt: 'An IAM user, role, assumed-role session or account root ARN, or a service principal (logs.amazonaws.com)',
    validateInput: (v) => (isServicePrincipal(v.trim()) || (v.trim().startsWith('arn:') && parseAwsPrincipal(v.trim())) ? undefined : 'Not an IAM principal ARN or a service principal'),
  })).trim();
  await ctx.extension.globalState.update(RECENT_CALLERS, [principal, ...recent.filter((r) => r !== principal)].slice(0, 5));
  return principal;
}

async function askAction(): Promise<string> {
  const items = KMS_ACTION_NAMES.filter((a) => KMS_ACTIONS[a].effectiveIn !== 'IAM').map((a) => ({ label: `kms:${a}`, detail: KMS_ACTIONS[a].doc }));
  return required(await vscode.window.showQuickPick(items, { title: 'Check Access: which action?', placeHolder: 'kms:Decrypt', matchOnDetail: true })).label;
}

/** "tenant=a, kms:ViaService=s3.us-east-1.amazonaws.com": pairs with a prefix are condition keys, others the encryption context. */
export function parseRequestPairs(text: string): ConditionValues {
  const ec: Record<string, string> = Object.create(null);
  const conditions: ConditionValues = Object.create(null);
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UserError(`"${part}" is not key=value`);
    const [k, v] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    if (/^(kms|aws):/i.test(k)) conditions[k] = v;
    else ec[k] = v;
  }
  return { ...(Object.keys(ec).length ? encryptionContextConditions(ec) : {}), ...conditions };
}

async function askConditions(): Promise<ConditionValues> {
  const text = required(await vscode.window.showInputBox({
    title: 'Check Access: encryption context and condition keys (optional)',
    prompt: 'Comma-separated key=value: plain keys are the encryption context (tenant=a); kms:… and aws:… keys are conditions (kms:ViaService=ec2.us-east-1.amazonaws.com, aws:SourceIp=10.0.0.1)',
    validateInput: (v) => { try { parseRequestPairs(v); return undefined; } catch (e) { return (e as Error).message; } },
  }));
  return parseRequestPairs(text);
}

/** The `kmsWorkbench.checkAccess` command: on a key node, or on a key policy document (the code lens). */
export function checkAccess(ctx: Ctx) {
  return async (arg?: Node | vscode.Uri): Promise<void> => {
    let policy: string;
    let grants: GrantRecord[] = [];
    let keyArn: string;
    let editor: vscode.TextEditor | undefined;
    const uri = arg instanceof vscode.Uri ? arg : !arg ? vscode.window.activeTextEditor?.document.uri : undefined;
    const open = uri ? ctx.policies.target(uri.fsPath) : undefined;
    if (uri && !open) {
      // A key policy of the workspace, not tied to a key: decided offline for the key ARN the user names.
      editor = await vscode.window.showTextDocument(uri, { preview: false });
      policy = editor.document.getText();
      if (!isKeyPolicyDocument(policy)) throw new UserError('This document is not a key policy.');
      keyArn = required(await vscode.window.showInputBox({ title: 'Check Access: the key this policy is for', prompt: 'Key ARN (its account decides what is cross-account)', value: 'arn:aws:kms:us-east-1:111122223333:key/', validateInput: (v) => (accountOfKeyArn(v) ? undefined : 'arn:aws:kms:REGION:ACCOUNT:key/ID') }));
    } else {
      const key = open ?? (await keyFromArgs(ctx, arg instanceof vscode.Uri ? undefined : arg, 'any', 'Check Access'));
      const client = await key.connection.client();
      keyArn = (await client.send(new DescribeKeyCommand({ KeyId: key.keyId }))).KeyMetadata?.Arn ?? '';
      grants = await readGrants(client, key.keyId); // the policy is the editor's text, below
      editor = open ? await vscode.window.showTextDocument(uri!, { preview: false }) : await ctx.policies.edit({ connection: key.connection, keyId: key.keyId, label: key.label });
      // Decided on the text shown (GetKeyPolicy's is compact JSON), so the lines named are the editor's.
      policy = editor.document.getText();
    }
    const accountId = accountOfKeyArn(keyArn);
    const principal = await askPrincipal(ctx, accountId, policy);
    const action = await askAction();
    const context = await askConditions();
    const why = explainDecision(policy, grants, { principal, accountId: accountOfPrincipal(principal), action, keyArn, context });
    highlightStatement(editor, why.deciding[0]?.index);
    const show = why.decision === 'allow' || why.decision === 'iam' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    await show(`${principal} → ${action}: ${why.summary}`, { modal: true, detail: [...traceLines(why.trace), '', NOT_SEEN].join('\n') });
  };
}

/** "Check Access…" at the top of every key policy document. */
export class CheckAccessLens implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isKeyPolicyDocument(doc.getText())) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: 'Check Access…', command: 'kmsWorkbench.checkAccess', arguments: [doc.uri] })];
  }
}

export function registerAccess(ctx: Ctx): void {
  ctx.pushExtCleanup(vscode.languages.registerCodeLensProvider([{ language: 'json' }, { language: 'jsonc' }], new CheckAccessLens()));
}
