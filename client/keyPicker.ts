/**
 * Picking a key outside the tree (palette, editor and explorer menus): keys of the active connection
 * that can do the operation, those this user picked for an operation lately first, under their own heading.
 */
import * as vscode from 'vscode';
import { DescribeKeyCommand, type KeyMetadata } from '@aws-sdk/client-kms';
import { readsClient, type KmsConnection } from './connections/connection';
import type { ExtensionScope } from './extensionScope';
import { CREATE_KEY_ACTION } from './describeError';
import { required, UserError } from './commandErrors';
import { byRecentUse, withRecent } from './recentKeys';
import { KeyList, type KeyEntry } from './tree/keyList';
import { keyLabel } from './tree/keyKind';
import { keyIdOf, type KeyNode, type Node } from './tree/nodes';

const RECENT_KEY = 'kmsWorkbench.recentKeys';

export interface PickedKey {
  connection: KmsConnection;
  keyId: string;
  metadata: KeyMetadata;
  label: string;
}

export type KeyPurpose = 'encrypt' | 'sign' | 'any';

function fits(m: KeyMetadata, purpose: KeyPurpose): boolean {
  if (m.KeyState !== 'Enabled' && purpose !== 'any') return false;
  if (purpose === 'encrypt') return m.KeyUsage === 'ENCRYPT_DECRYPT' && m.KeySpec === 'SYMMETRIC_DEFAULT';
  if (purpose === 'sign') return m.KeyUsage === 'SIGN_VERIFY';
  return true;
}

export function fromNode(node: KeyNode): PickedKey {
  return { connection: node.connection, keyId: keyIdOf(node), metadata: node.entry.metadata, label: keyLabel(node.entry) };
}

/**
 * A key node from a tree menu, a key ARN or ID (an error message's button names the key it is about),
 * or a prompt when the command came from elsewhere.
 */
export async function keyFromArgs(ctx: ExtensionScope, node: Node | string | undefined, purpose: KeyPurpose, title: string): Promise<PickedKey> {
  if (typeof node === 'string') return describedKey(ctx, node);
  if (node?.kind === 'key') return fromNode(node);
  if (node && 'key' in node) return fromNode(node.key);
  return pickKey(ctx, purpose, title);
}

async function describedKey(ctx: ExtensionScope, keyId: string): Promise<PickedKey> {
  const connection = ctx.connectionFor();
  const { KeyMetadata: metadata } = await (await connection.client()).send(new DescribeKeyCommand({ KeyId: keyId }));
  if (!metadata?.KeyId) throw new UserError(`${keyId} was not found in ${connection.label}.`);
  return { connection, keyId: metadata.KeyId, metadata, label: ctx.tree.labelOf(connection.id, metadata.KeyId) ?? metadata.KeyId };
}

export async function pickKey(ctx: ExtensionScope, purpose: KeyPurpose, title: string): Promise<PickedKey> {
  const connection = ctx.connectionFor();
  let entries: readonly KeyEntry[] = ctx.tree.loadedKeys(connection.id);
  if (entries.length === 0) {
    const list = new KeyList();
    await list.loadMore(await readsClient(connection), 1000, '');
    entries = list.entries;
  }
  const candidates = entries.filter((e) => fits(e.metadata, purpose));
  if (candidates.length === 0) throw new UserError(`No ${purpose === 'any' ? '' : `enabled ${purpose === 'encrypt' ? 'symmetric encryption' : 'signing'} `}keys in ${connection.label}. Create one first.`, [CREATE_KEY_ACTION]);
  const groups = byRecentUse(candidates, recentKeys(ctx, connection.id));
  const item = (e: KeyEntry) => ({
    label: keyLabel(e),
    description: `${e.metadata.KeySpec} · ${e.metadata.KeyState}`,
    detail: e.metadata.Description || e.metadata.KeyId,
    entry: e,
  });
  const heading = (label: string) => ({ label, kind: vscode.QuickPickItemKind.Separator });
  // Headings only when there is a recent key: a lone "other keys" heading says nothing.
  const items = groups.recent.length
    ? [heading('recently used'), ...groups.recent.map(item), ...(groups.others.length ? [heading('other keys'), ...groups.others.map(item)] : [])]
    : groups.others.map(item);
  const picked = required(await vscode.window.showQuickPick(items, { title: `${title} (${connection.label})`, placeHolder: 'Pick a key', matchOnDetail: true }));
  if (!('entry' in picked)) throw new vscode.CancellationError();
  await rememberKey(ctx, connection.id, picked.entry.metadata.KeyId ?? '');
  return { connection, keyId: picked.entry.metadata.KeyId ?? '', metadata: picked.entry.metadata, label: picked.label };
}

function recentKeys(ctx: ExtensionScope, connectionId: string): string[] {
  return ctx.extension.globalState.get<Record<string, string[]>>(RECENT_KEY, {})[connectionId] ?? [];
}

async function rememberKey(ctx: ExtensionScope, connectionId: string, keyId: string): Promise<void> {
  const all = ctx.extension.globalState.get<Record<string, string[]>>(RECENT_KEY, {});
  await ctx.extension.globalState.update(RECENT_KEY, { ...all, [connectionId]: withRecent(all[connectionId] ?? [], keyId) });
}
