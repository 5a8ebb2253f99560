/**
 * Share Key with Another Account…: asks for the account and what it may do, writes AWS's documented
 * cross-account statements into the key's policy (src-core/policy/share.ts) in the policy editor, and
 * applies it there, through the editor's one confirmation: the access diff naming the
 * new account, the statement diff and the lockout check, before any PutKeyPolicy. Temporary access is a
 * grant instead, confirmed and created here, with no policy change.
 */
import * as vscode from 'vscode';
import { CreateGrantCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  accountIdProblem, detailProblem, PRESET_NEEDS, SHARE_PRESETS, sharePolicy, temporaryGrant,
  type ShareDetails, type SharedKey, type SharePreset,
} from '../../src-core/policy/share';
import { parseTags } from '../commands/createKey';
import type { Ctx } from '../ctx';
import { required } from '../commandErrors';
import { keyFromArgs, type PickedKey } from '../keyPicker';
import { log } from '../log';
import type { Node } from '../tree/nodes';

const TITLE = 'Share Key with Another Account';
const TEMPORARY = {
  label: 'Temporary access through a grant',
  detail: 'A Decrypt grant for one role of that account, limited to an encryption context, that the role retires when done: no policy change.',
};

const DETAIL_PROMPTS: Record<keyof ShareDetails, { prompt: string; placeHolder: string }> = {
  roleName: { prompt: 'The role of that account, with its path if it has one', placeHolder: 'Reader' },
  trailName: { prompt: 'The name of the trail of that account that writes with this key', placeHolder: 'management-events' },
};

async function askDetail(detail: keyof ShareDetails, accountId: string): Promise<string> {
  return required(await vscode.window.showInputBox({
    title: `${TITLE}: ${detail === 'roleName' ? 'role' : 'trail'} of account ${accountId}`,
    ...DETAIL_PROMPTS[detail],
    ignoreFocusOut: true,
    validateInput: (v) => detailProblem(detail, v.trim()),
  })).trim();
}

export const shareKey = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', TITLE);
  const keyArn = key.metadata.Arn ?? '';
  const accountId = required(await vscode.window.showInputBox({
    title: `${TITLE} (1/2): ${key.label}`,
    prompt: 'The 12-digit ID of the AWS account to share with',
    placeHolder: '444455556666',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? accountIdProblem(v.trim(), keyArn) : undefined),
  })).trim();
  if (!accountId) throw new vscode.CancellationError();
  const items: (vscode.QuickPickItem & { preset?: SharePreset })[] = [
    ...(Object.keys(SHARE_PRESETS) as SharePreset[]).map((preset) => ({ ...SHARE_PRESETS[preset], picked: preset === 'use', preset })),
    TEMPORARY,
  ];
  const picked = required(await vscode.window.showQuickPick(items, { title: `${TITLE} (2/2): what may account ${accountId} do?`, canPickMany: true, ignoreFocusOut: true }));
  if (picked.length === 0) throw new vscode.CancellationError();
  const shared: SharedKey = { keyArn, keyUsage: key.metadata.KeyUsage ?? 'ENCRYPT_DECRYPT' };

  const presets = picked.flatMap((p) => (p.preset ? [p.preset] : []));
  if (presets.length) {
    const details: ShareDetails = {};
    for (const preset of presets) {
      const need = PRESET_NEEDS[preset];
      if (need) details[need] = await askDetail(need, accountId);
    }
    const client = await key.connection.client();
    const { Policy } = await client.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }));
    const text = sharePolicy(Policy ?? '{}', shared, accountId, presets, details);
    // The policy editor asks, showing who gains what, before anything reaches KMS.
    await ctx.policies.propose(key, text);
  }
  if (picked.includes(TEMPORARY)) await grantTemporaryAccess(ctx, key, shared, accountId);
};

async function grantTemporaryAccess(ctx: Ctx, key: PickedKey, shared: SharedKey, accountId: string): Promise<void> {
  const roleName = await askDetail('roleName', accountId);
  const contextText = required(await vscode.window.showInputBox({
    title: `${TITLE}: encryption context the grant requires (optional)`,
    prompt: 'key=value, key2=value2: the grant allows Decrypt only when the request\'s encryption context includes these pairs',
    ignoreFocusOut: true,
  }));
  const context = Object.fromEntries(parseTags(contextText).map((t) => [t.TagKey ?? '', t.TagValue ?? '']));
  const grant = temporaryGrant(shared, accountId, roleName, context);
  const pairs = Object.entries(context).map(([k, v]) => `${k}=${v}`).join(', ');
  const ok = await vscode.window.showWarningMessage(`Create a grant on ${key.label} for role ${roleName} of account ${accountId}?`, {
    modal: true,
    detail: `${grant.GranteePrincipal} may call ${grant.Operations.join(' and ')}${pairs ? ` when the encryption context includes ${pairs}` : ' with any encryption context'}, `
      + 'until the role retires the grant or you revoke it (Grants under the key). Its account\'s IAM policies must allow the calls too.',
  }, 'Create Grant');
  if (ok !== 'Create Grant') throw new vscode.CancellationError();
  const out = await (await key.connection.client()).send(new CreateGrantCommand(grant));
  const message = `Grant ${out.GrantId} lets role ${roleName} of account ${accountId} decrypt with ${key.label} until it is retired or revoked.`;
  log.info(message);
  ctx.refresh(key.connection);
  void vscode.window.showInformationMessage(message);
}
