/**
 * What an asymmetric key does for files: export its public key as PEM, sign the current file and verify
 * a signature of it (signatures are base64 in `<file>.sig`), and a certificate signing request signed
 * by the key in KMS (built by ../certificateRequest).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createHash, createPublicKey } from 'node:crypto';
import * as vscode from 'vscode';
import { GetPublicKeyCommand, SignCommand, VerifyCommand, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { buildCsr, csrSigningAlgorithm, csrUnsupportedReason, parseSubject, SUBJECT_NAMES } from '../certificateRequest';
import type { Ctx } from '../ctx';
import { required, UserError } from '../commandErrors';
import { keyFromArgs, type PickedKey } from '../keyPicker';
import { log } from '../log';
import type { Node } from '../tree/nodes';

/** The key's DER SubjectPublicKeyInfo from KMS GetPublicKey. */
async function publicKeyDer(key: PickedKey): Promise<Uint8Array> {
  const out = await (await key.connection.client()).send(new GetPublicKeyCommand({ KeyId: key.keyId }));
  if (!out.PublicKey) throw new UserError(`${key.label} has no public key: only asymmetric keys have one.`);
  return out.PublicKey;
}

async function publicKeyPem(key: PickedKey): Promise<string> {
  return createPublicKey({ key: Buffer.from(await publicKeyDer(key)), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString();
}

export const exportPublicKey = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Export Public Key');
  const document = await vscode.workspace.openTextDocument({ content: await publicKeyPem(key), language: 'plaintext' });
  await vscode.window.showTextDocument(document);
};

function currentFile(): vscode.Uri {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') throw new UserError('Open the file to sign or verify in the editor first.');
  return uri;
}

async function signingAlgorithm(key: PickedKey): Promise<SigningAlgorithmSpec> {
  const algorithms = key.metadata.SigningAlgorithms ?? [];
  if (algorithms.length === 0) throw new UserError(`${key.label} is not a signing key.`);
  if (algorithms.length === 1) return algorithms[0];
  return required(await vscode.window.showQuickPick(algorithms, { title: `Signing algorithm (${key.label})` })) as SigningAlgorithmSpec;
}

/** KMS Sign takes at most 4096 bytes of message: larger files are signed as their SHA digest. */
function signInput(bytes: Buffer, algorithm: string): { Message: Uint8Array; MessageType: 'RAW' | 'DIGEST' } {
  if (bytes.length <= 4096) return { Message: bytes, MessageType: 'RAW' };
  const hash = /SHA_384/.test(algorithm) ? 'sha384' : /SHA_512/.test(algorithm) ? 'sha512' : 'sha256';
  return { Message: createHash(hash).update(bytes).digest(), MessageType: 'DIGEST' };
}

export const signFile = (ctx: Ctx) => async (node?: Node) => {
  const file = currentFile();
  const key = await keyFromArgs(ctx, node, 'sign', 'Sign File');
  const algorithm = await signingAlgorithm(key);
  const out = await (await key.connection.client()).send(new SignCommand({ KeyId: key.keyId, SigningAlgorithm: algorithm, ...signInput(await readFile(file.fsPath), algorithm) }));
  const sigPath = `${file.fsPath}.sig`;
  await writeFile(sigPath, `${Buffer.from(out.Signature ?? new Uint8Array()).toString('base64')}\n`);
  log.info(`signed ${file.fsPath} with ${key.keyId} (${algorithm})`);
  void vscode.window.showInformationMessage(`Signed with ${key.label} (${algorithm}): ${vscode.workspace.asRelativePath(sigPath)}.`);
};

export const verifyFile = (ctx: Ctx) => async (node?: Node) => {
  const file = currentFile();
  const key = await keyFromArgs(ctx, node, 'sign', 'Verify Signature');
  const algorithm = await signingAlgorithm(key);
  const signature = Buffer.from((await readFile(`${file.fsPath}.sig`, 'utf8').catch(() => { throw new UserError(`No signature file ${file.fsPath}.sig: sign the file first.`); })).trim(), 'base64');
  const out = await (await key.connection.client()).send(new VerifyCommand({ KeyId: key.keyId, SigningAlgorithm: algorithm, Signature: signature, ...signInput(await readFile(file.fsPath), algorithm) }))
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === 'KMSInvalidSignatureException') return { SignatureValid: false };
      throw error;
    });
  if (out.SignatureValid) void vscode.window.showInformationMessage(`The signature of ${vscode.workspace.asRelativePath(file)} is valid for ${key.label} (${algorithm}).`);
  else void vscode.window.showWarningMessage(`The signature of ${vscode.workspace.asRelativePath(file)} does NOT match ${key.label}: the file or the signature changed, or another key signed it.`);
};

/** A CSR signed in KMS by an RSA or ECC signing key; other keys get the reason they cannot. */
export const createCsr = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'sign', 'Create Certificate Signing Request');
  const unsupported = csrUnsupportedReason(key.metadata);
  if (unsupported) throw new UserError(`${key.label} cannot sign a certificate signing request: ${unsupported}`);
  const subject = required(await vscode.window.showInputBox({
    title: `CSR signed by ${key.label}`, prompt: 'Subject, e.g. CN=app.example.com,O=Example', value: 'CN=example.com',
    validateInput: (v) => (parseSubject(v) ? undefined : `Comma-separated NAME=value pairs, NAME one of ${SUBJECT_NAMES.join(', ')}, e.g. CN=app.example.com,O=Example.`),
  }));
  const client = await key.connection.client();
  const pem = await buildCsr({
    key: key.metadata, publicKey: await publicKeyDer(key), subject: parseSubject(subject) ?? [],
    sign: async (message, algorithm) => (await client.send(new SignCommand({ KeyId: key.keyId, SigningAlgorithm: algorithm, MessageType: 'RAW', Message: message }))).Signature ?? new Uint8Array(),
  });
  const document = await vscode.workspace.openTextDocument({ content: pem, language: 'plaintext' });
  await vscode.window.showTextDocument(document);
  log.info(`CSR for ${subject} signed by ${key.keyId} (${csrSigningAlgorithm(key.metadata)})`);
};
