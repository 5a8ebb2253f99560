/**
 * The detail view of one key: a read-only Markdown document (`kms-key:` scheme) titled with the key's alias,
 * read fresh from KMS each time it opens (its text: keyDetailsText.ts).
 */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { keyFromArgs } from './keyPicker';
import { keyDetailsMarkdown } from './keyDetailsText';
import type { Node } from './tree/nodes';

export const KEY_SCHEME = 'kms-key';

export class KeyDetailsDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: Ctx) {}

  /** URI: kms-key:/<connection id>/<key id>/<title> */
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, connectionId, keyId] = uri.path.split('/');
    const connection = this.ctx.connections.get(decodeURIComponent(connectionId)) ?? this.ctx.connectionFor();
    return keyDetailsMarkdown(await connection.client(), keyId);
  }
}

export const showKeyDetails = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Show Key Details');
  // The tab reads "app (key details)" for alias/app: the alias, not a UUID named like a file.
  const title = `${key.label.replace(/^alias\//, '')} (key details)`;
  const uri = vscode.Uri.from({ scheme: KEY_SCHEME, path: `/${encodeURIComponent(key.connection.id)}/${key.keyId}/${title}` });
  const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'markdown');
  await vscode.window.showTextDocument(document, { preview: true });
};
