/**
 * Aliases, grants and tags of a key, from the folders and items under it in the tree. Folder menus add,
 * item menus change or remove; the item's id is the alias name, grant ID or tag key.
 */
import * as vscode from 'vscode';
import {
  CreateAliasCommand, CreateGrantCommand, DeleteAliasCommand, RetireGrantCommand, RevokeGrantCommand, TagResourceCommand,
  UntagResourceCommand, UpdateAliasCommand, type GrantOperation,
} from '@aws-sdk/client-kms';
import { isGranteePrincipal } from '../../src-core/policy/principals';
import type { Ctx } from '../ctx';
import { required, UserError } from '../commandErrors';
import { keyFromArgs, pickKey } from '../keyPicker';
import { log } from '../log';
import type { DetailNode, Node } from '../tree/nodes';
import { parseTags, validateAlias } from './createKey';

function detail(node: Node | undefined, folder: DetailNode['folder']): DetailNode {
  if (node?.kind !== 'detail' || node.folder !== folder) throw new UserError(`Run this from an item under ${folder} in the Keyring view.`);
  return node;
}

const fullAlias = (name: string) => (name.startsWith('alias/') ? name : `alias/${name}`);

function done(ctx: Ctx, node: { connection: Parameters<Ctx['refresh']>[0] }, message: string): void {
  log.info(message);
  ctx.refresh(node.connection);
  void vscode.window.showInformationMessage(message);
}

export const createAlias = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Create Alias');
  const name = required(await vscode.window.showInputBox({ title: `New alias for ${key.label}`, prompt: 'e.g. my-app (alias/ is added)', validateInput: (v) => (v.trim() ? validateAlias(v) : 'Enter a name.') }));
  await (await key.connection.client()).send(new CreateAliasCommand({ AliasName: fullAlias(name.trim()), TargetKeyId: key.keyId }));
  done(ctx, key, `Alias ${fullAlias(name.trim())} now points at ${key.keyId}.`);
};

export const updateAlias = (ctx: Ctx) => async (node?: Node) => {
  const alias = detail(node, 'aliases');
  const target = await pickKey(ctx, 'any', `Point ${alias.id} at another key`);
  await (await alias.connection.client()).send(new UpdateAliasCommand({ AliasName: alias.id, TargetKeyId: target.keyId }));
  done(ctx, alias, `Alias ${alias.id} now points at ${target.label}.`);
};

export const deleteAlias = (ctx: Ctx) => async (node?: Node) => {
  const alias = detail(node, 'aliases');
  const ok = await vscode.window.showWarningMessage(`Delete ${alias.id}?`, { modal: true, detail: 'Code and templates that name the key by this alias will stop finding it. The key itself is kept.' }, 'Delete');
  if (ok !== 'Delete') throw new vscode.CancellationError();
  await (await alias.connection.client()).send(new DeleteAliasCommand({ AliasName: alias.id }));
  done(ctx, alias, `Alias ${alias.id} deleted.`);
};

const GRANT_OPERATIONS: GrantOperation[] = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey', 'CreateGrant', 'RetireGrant',
  'Sign', 'Verify', 'GetPublicKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret',
];

export const createGrant = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Create Grant');
  const grantee = required(await vscode.window.showInputBox({
    title: `Grant on ${key.label} (1/3): grantee`, prompt: 'The principal ARN that may use the key', placeHolder: 'arn:aws:iam::111122223333:role/app',
    validateInput: (v) => (isGranteePrincipal(v.trim()) ? undefined : 'An IAM principal ARN or a service principal.'),
  })).trim();
  const operations = required(await vscode.window.showQuickPick(GRANT_OPERATIONS.map((op) => ({ label: op, picked: op === 'Decrypt' || op === 'Encrypt' })), {
    title: `Grant on ${key.label} (2/3): operations`, canPickMany: true,
  }));
  if (operations.length === 0) throw new UserError('Pick at least one operation.');
  const name = required(await vscode.window.showInputBox({ title: `Grant on ${key.label} (3/3): name`, prompt: 'Optional name (retrying with the same name does not create a second grant)' })).trim();
  const out = await (await key.connection.client()).send(new CreateGrantCommand({
    KeyId: key.keyId, GranteePrincipal: grantee, Operations: operations.map((o) => o.label as GrantOperation), ...(name ? { Name: name } : {}),
  }));
  done(ctx, key, `Grant ${out.GrantId} lets ${grantee} call ${operations.map((o) => o.label).join(', ')} on ${key.label}.`);
};

export const retireGrant = (ctx: Ctx) => async (node?: Node) => {
  const grant = detail(node, 'grants');
  await (await grant.connection.client()).send(new RetireGrantCommand({ KeyId: grant.key.entry.metadata.Arn, GrantId: grant.id }));
  done(ctx, grant, `Grant ${grant.label} retired.`);
};

export const revokeGrant = (ctx: Ctx) => async (node?: Node) => {
  const grant = detail(node, 'grants');
  const ok = await vscode.window.showWarningMessage(`Revoke grant ${grant.label}?`, { modal: true, detail: 'Its grantee loses the operations it allows right away.' }, 'Revoke');
  if (ok !== 'Revoke') throw new vscode.CancellationError();
  await (await grant.connection.client()).send(new RevokeGrantCommand({ KeyId: grant.key.entry.metadata.KeyId, GrantId: grant.id }));
  done(ctx, grant, `Grant ${grant.label} revoked.`);
};

export const addTags = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Add Tags');
  const tags = parseTags(required(await vscode.window.showInputBox({
    title: `Tags for ${key.label}`, prompt: 'key=value, key2=value2 (an existing key gets the new value)', validateInput: (v) => (parseTags(v).length ? undefined : 'At least one key=value.'),
  })));
  await (await key.connection.client()).send(new TagResourceCommand({ KeyId: key.keyId, Tags: tags }));
  done(ctx, key, `Tagged ${key.label}: ${tags.map((t) => `${t.TagKey}=${t.TagValue}`).join(', ')}.`);
};

export const removeTag = (ctx: Ctx) => async (node?: Node) => {
  const tag = detail(node, 'tags');
  await (await tag.connection.client()).send(new UntagResourceCommand({ KeyId: tag.key.entry.metadata.KeyId, TagKeys: [tag.id] }));
  done(ctx, tag, `Tag ${tag.id} removed from ${tag.key.entry.aliases[0] ?? tag.key.entry.metadata.KeyId}.`);
};
