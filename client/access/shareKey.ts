/**
 * Share Key with Another Account…: asks for the account and what it may do, writes AWS's documented
 * cross-account statements into the key's policy (src-core/policy/share.ts) in the policy editor, and
 * applies it there, through the editor's one confirmation: the access diff naming the
 * new account, the statement diff and the lockout check, before any PutKeyPolicy.
 */
import * as vscode from 'vscode';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { accountIdProblem, SHARE_PRESETS, sharePolicy, type SharePreset } from '../../src-core/policy/share';
import type { Ctx } from '../ctx';
import { required } from '../errors';
import { keyFromArgs } from '../keyPicker';
import type { Node } from '../tree/nodes';

const TITLE = 'Share Key with Another Account';

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
  const presets = required(await vscode.window.showQuickPick(
    (Object.keys(SHARE_PRESETS) as SharePreset[]).map((preset) => ({ ...SHARE_PRESETS[preset], picked: preset === 'use', preset })),
    { title: `${TITLE} (2/2): what may account ${accountId} do?`, canPickMany: true, ignoreFocusOut: true },
  ));
  if (presets.length === 0) throw new vscode.CancellationError();

  const client = await key.connection.client();
  const { Policy } = await client.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }));
  const text = sharePolicy(Policy ?? '{}', { keyArn, keyUsage: key.metadata.KeyUsage ?? 'ENCRYPT_DECRYPT' }, accountId, presets.map((p) => p.preset));
  // The policy editor asks, showing who gains what, before anything reaches KMS.
  await ctx.policies.propose(key, text);
};
