/**
 * The detail view of one key: a read-only JSON document (`kms-key:` scheme) with its metadata, rotation
 * status, last use and tags, read fresh from KMS each time it opens.
 */
import * as vscode from 'vscode';
import { DescribeKeyCommand, GetKeyLastUsageCommand, GetKeyRotationStatusCommand, ListResourceTagsCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Ctx } from './ctx';
import { keyFromArgs } from './keyPicker';
import type { Node } from './tree/nodes';

export const KEY_SCHEME = 'kms-key';

/** Optional parts: not every key or backend answers every call (e.g. rotation status of asymmetric keys). */
async function optional<T>(call: () => Promise<T>): Promise<T | { unavailable: string }> {
  try {
    return await call();
  } catch (error) {
    return { unavailable: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

async function details(client: KMSClient, keyId: string): Promise<unknown> {
  const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
  const strip = <T extends object>(out: T) => { const { $metadata: _ignored, ...rest } = out as T & { $metadata?: unknown }; return rest; };
  return {
    KeyMetadata,
    Rotation: await optional(async () => strip(await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId })))),
    LastUsage: await optional(async () => strip(await client.send(new GetKeyLastUsageCommand({ KeyId: keyId })))),
    Tags: await optional(async () => (await client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 50 }))).Tags),
  };
}

export class KeyDetailsDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: Ctx) {}

  /** URI: kms-key:/<connection id>/<key id>.json */
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, connectionId, file] = uri.path.split('/');
    const connection = this.ctx.connections.get(decodeURIComponent(connectionId)) ?? this.ctx.connectionFor();
    return `${JSON.stringify(await details(await connection.client(), file.replace(/\.json$/, '')), null, 2)}\n`;
  }
}

export const showKeyDetails = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Show Key Details');
  const uri = vscode.Uri.from({ scheme: KEY_SCHEME, path: `/${encodeURIComponent(key.connection.id)}/${key.keyId}.json` });
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
};
