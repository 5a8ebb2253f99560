/**
 * Encrypt and decrypt the editor's selections (or the whole document when nothing is selected) in
 * place. All selections change in one edit, so one Undo restores the text. Small text becomes a KMS
 * ciphertext blob (what `aws kms encrypt` prints), larger text an Encryption SDK message (encryption-sdk/text.ts).
 */
import * as vscode from 'vscode';
import { decryptText, encryptText } from '../../src-core/encryption-sdk/text';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { nodeRandom } from '../../src-node/host';
import type { Ctx } from '../ctx';
import { UserError } from '../commandErrors';
import { pickKey } from '../keyPicker';
import { log } from '../log';

function targets(editor: vscode.TextEditor): vscode.Range[] {
  const selected = editor.selections.filter((s) => !s.isEmpty);
  if (selected.length) return selected;
  const doc = editor.document;
  return [new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length))];
}

function activeEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new UserError('Open a file and select the text first.');
  return editor;
}

async function replaceAll(editor: vscode.TextEditor, ranges: vscode.Range[], texts: string[]): Promise<void> {
  const applied = await editor.edit((edit) => ranges.forEach((range, i) => edit.replace(range, texts[i])));
  if (!applied) throw new UserError('The document changed while KMS answered; nothing was replaced. Try again.');
}

export const encryptSelection = (ctx: Ctx) => async () => {
  const editor = activeEditor();
  const ranges = targets(editor);
  const plaintexts = ranges.map((r) => editor.document.getText(r));
  if (plaintexts.every((t) => t.length === 0)) throw new UserError('There is no text to encrypt.');
  const key = await pickKey(ctx, 'encrypt', 'Encrypt Selection');
  const kms = kmsFromClient(await key.connection.client());
  const ciphertexts = await Promise.all(plaintexts.map((plaintext) => encryptText(kms, { keyId: key.keyId, plaintext, random: nodeRandom })));
  await replaceAll(editor, ranges, ciphertexts);
  log.info(`encrypted ${ranges.length} selection(s) under ${key.keyId} in ${key.connection.id}`);
};

export const decryptSelection = (ctx: Ctx) => async () => {
  const editor = activeEditor();
  const ranges = targets(editor);
  const connection = ctx.connectionFor();
  const kms = kmsFromClient(await connection.client());
  const decrypted = await Promise.all(ranges.map((r) => decryptText(kms, editor.document.getText(r).trim())));
  await replaceAll(editor, ranges, decrypted.map((d) => d.plaintext));
  log.info(`decrypted ${ranges.length} selection(s) in ${connection.id} (keys: ${[...new Set(decrypted.map((d) => d.keyArn))].join(', ')})`);
};
