/**
 * What an asymmetric key does for files: export its public key as PEM, sign the current file and verify
 * a signature of it (signatures are base64 in `<file>.sig`), and a certificate signing request signed
 * by the key in KMS. node-forge builds the CSR; only its signature comes from KMS Sign, so the private
 * key never leaves KMS.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createHash, createPublicKey } from 'node:crypto';
import * as vscode from 'vscode';
import type forge from 'node-forge';
import { GetPublicKeyCommand, SignCommand, VerifyCommand, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import type { Ctx } from '../ctx';
import { required, UserError } from '../errors';
import { keyFromArgs, type PickedKey } from '../keyPicker';
import { log } from '../log';
import type { Node } from '../tree/nodes';

async function publicKeyPem(key: PickedKey): Promise<string> {
  const out = await (await key.connection.client()).send(new GetPublicKeyCommand({ KeyId: key.keyId }));
  if (!out.PublicKey) throw new UserError(`${key.label} has no public key: only asymmetric keys have one.`);
  return createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString();
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

/** Present in node-forge, missing from its type definitions. */
type ForgeWithRequestInfo = { pki: { getCertificationRequestInfo(csr: forge.pki.CertificateSigningRequest): forge.asn1.Asn1 } };

/** node-forge encodes RSA public keys only, so CSRs are for RSA signing keys (PKCS#1 v1.5, SHA-256). */
export const createCsr = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'sign', 'Create Certificate Signing Request');
  if (!key.metadata.KeySpec?.startsWith('RSA_') || !key.metadata.SigningAlgorithms?.includes('RSASSA_PKCS1_V1_5_SHA_256')) {
    throw new UserError('Certificate signing requests need an RSA signing key (RSASSA_PKCS1_V1_5_SHA_256).');
  }
  const subject = required(await vscode.window.showInputBox({
    title: `CSR signed by ${key.label}`, prompt: 'Subject, e.g. CN=app.example.com,O=Example', value: 'CN=example.com',
    validateInput: (v) => (parseSubject(v) ? undefined : 'Comma-separated NAME=value pairs, e.g. CN=app.example.com,O=Example.'),
  }));
  const { default: forge } = await import('node-forge'); // loaded on first use: it is large and rarely needed
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(await publicKeyPem(key));
  csr.setSubject(parseSubject(subject) ?? []);
  // What forge would sign, signed by KMS instead of a local private key.
  const info = Buffer.from(forge.asn1.toDer((forge as unknown as ForgeWithRequestInfo).pki.getCertificationRequestInfo(csr)).getBytes(), 'binary');
  const out = await (await key.connection.client()).send(new SignCommand({ KeyId: key.keyId, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256', MessageType: 'RAW', Message: info }));
  const signed = csr as forge.pki.CertificateSigningRequest & { signatureOid: string; signature: string; siginfo: { algorithmOid: string } };
  signed.signatureOid = forge.pki.oids.sha256WithRSAEncryption;
  signed.siginfo = { algorithmOid: forge.pki.oids.sha256WithRSAEncryption };
  signed.signature = Buffer.from(out.Signature ?? new Uint8Array()).toString('binary');
  const pem = forge.pki.certificationRequestToPem(signed);
  const document = await vscode.workspace.openTextDocument({ content: pem, language: 'plaintext' });
  await vscode.window.showTextDocument(document);
  log.info(`CSR for ${subject} signed by ${key.keyId}`);
};

function parseSubject(text: string): forge.pki.CertificateField[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const fields = parts.map((p) => /^([A-Za-z]+)=(.+)$/.exec(p)).map((m) => (m ? { shortName: m[1], value: m[2].trim() } : undefined));
  return fields.length && fields.every((f) => f) ? (fields as forge.pki.CertificateField[]) : undefined;
}
