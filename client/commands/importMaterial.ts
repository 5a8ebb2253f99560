/**
 * The "Import Key Material" wizard for EXTERNAL-origin keys (PendingImport, or Enabled for re-import),
 * as AWS's console does it: wrapping parameters, then either wrap a material file here with node:crypto,
 * or save the wrapping public key and import token for wrapping elsewhere (openssl) and import the
 * wrapped files later; then the expiration, and ImportKeyMaterial.
 * Key material is read into memory only to be wrapped: it never reaches a log or a message.
 */
import * as vscode from 'vscode';
import { constants, createCipheriv, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import {
  DescribeKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand, type AlgorithmSpec, type ExpirationModelType,
  type ImportKeyMaterialCommandInput, type KMSClient, type WrappingKeySpec,
} from '@aws-sdk/client-kms';
import type { Ctx } from '../ctx';
import { required, UserError } from '../commandErrors';
import { keyFromArgs, type PickedKey } from '../keyPicker';
import { log } from '../log';
import type { Node } from '../tree/nodes';

const TITLE = 'Import Key Material';
const STEPS = 5;
/** The default initial value of AES Key Wrap with Padding (RFC 5649), which KMS expects. */
const KWP_IV = Buffer.from('a65959a6', 'hex');
const MAX_VALID_TO_DAYS = 365;
const DAY_MS = 24 * 3600 * 1000;

type Mode = 'wrapHere' | 'saveParameters' | 'importWrapped';

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

async function pick<T>(title: string, step: number, items: Item<T>[]): Promise<T> {
  const picked = await vscode.window.showQuickPick(items, { title: `${TITLE}: ${title}`, placeHolder: `Step ${step} of ${STEPS}`, ignoreFocusOut: true });
  return required(picked).value;
}

async function pickFile(title: string, openLabel: string): Promise<vscode.Uri> {
  const picked = await vscode.window.showOpenDialog({
    title, openLabel, canSelectMany: false, canSelectFiles: true, canSelectFolders: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return required(picked?.[0]);
}

async function readBytes(uri: vscode.Uri): Promise<Buffer> {
  return Buffer.from(await vscode.workspace.fs.readFile(uri));
}

function materialFormat(k: PickedKey): string {
  const spec = k.metadata.KeySpec ?? 'SYMMETRIC_DEFAULT';
  if (spec === 'SYMMETRIC_DEFAULT') return '32 raw bytes';
  if (spec.startsWith('HMAC_')) return 'raw HMAC key bytes';
  return 'DER PKCS#8 private key';
}

/** Wraps material as AWS's import guide does: RSA-OAEP alone, or OAEP over a one-time AES-256 key that wraps it (KWP). */
export function wrapKeyMaterial(publicKeyDer: Uint8Array, algorithm: AlgorithmSpec, material: Buffer): Buffer {
  const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
  const oaepHash = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  const oaep = (data: Buffer) => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data);
  if (algorithm.startsWith('RSAES_OAEP')) return oaep(material);
  const aesKey = randomBytes(32);
  try {
    const kwp = createCipheriv('id-aes256-wrap-pad', aesKey, KWP_IV);
    return Buffer.concat([oaep(aesKey), kwp.update(material), kwp.final()]);
  } finally {
    aesKey.fill(0);
  }
}

/** A future date within 365 days, as ISO YYYY-MM-DD (midnight UTC), or why not. */
export function validToProblem(text: string, now: number): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) return 'A date as YYYY-MM-DD, e.g. 2027-01-31.';
  const at = Date.parse(`${text}T00:00:00Z`);
  if (at <= now) return 'The date must be in the future.';
  if (at > now + MAX_VALID_TO_DAYS * DAY_MS) return `The date must be within ${MAX_VALID_TO_DAYS} days from today.`;
  return undefined;
}

interface Expiration {
  ExpirationModel: ExpirationModelType;
  ValidTo?: Date;
}

async function pickExpiration(k: PickedKey): Promise<Expiration> {
  const expires = await pick('Expiration', STEPS, [
    { label: 'Key material does not expire', value: false },
    { label: 'Key material expires on a date…', detail: 'KMS deletes the material then and the key goes back to PendingImport', value: true },
  ]);
  if (!expires) return { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };
  const date = required(await vscode.window.showInputBox({
    title: `${TITLE}: expiration date of the material of ${k.label}`,
    prompt: `ISO date (YYYY-MM-DD, midnight UTC), within ${MAX_VALID_TO_DAYS} days`,
    ignoreFocusOut: true,
    validateInput: (v) => validToProblem(v, Date.now()),
  }));
  return { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(`${date}T00:00:00Z`) };
}

interface Parameters {
  algorithm: AlgorithmSpec;
  publicKey: Uint8Array;
  token: Uint8Array;
}

async function getParameters(c: KMSClient, k: PickedKey): Promise<Parameters> {
  const spec = await pick<WrappingKeySpec>('Wrapping key spec', 2, (['RSA_4096', 'RSA_3072', 'RSA_2048'] as const).map((s) => ({
    label: s, description: s === 'RSA_4096' ? 'default' : undefined, value: s,
  })));
  const algorithm = await pick<AlgorithmSpec>('Wrapping algorithm', 3, [
    { label: 'RSAES_OAEP_SHA_256', description: 'default', detail: 'RSA-OAEP wraps the material directly (symmetric and HMAC material)', value: 'RSAES_OAEP_SHA_256' },
    { label: 'RSAES_OAEP_SHA_1', value: 'RSAES_OAEP_SHA_1' },
    { label: 'RSA_AES_KEY_WRAP_SHA_256', detail: 'RSA-OAEP wraps a one-time AES key that wraps the material (needed for RSA private keys)', value: 'RSA_AES_KEY_WRAP_SHA_256' },
    { label: 'RSA_AES_KEY_WRAP_SHA_1', value: 'RSA_AES_KEY_WRAP_SHA_1' },
  ]);
  const out = await c.send(new GetParametersForImportCommand({ KeyId: k.keyId, WrappingKeySpec: spec, WrappingAlgorithm: algorithm }));
  if (!out.PublicKey || !out.ImportToken) throw new UserError('KMS returned no wrapping key or import token.');
  return { algorithm, publicKey: out.PublicKey, token: out.ImportToken };
}

/** Writes the wrapping public key (DER SPKI) and the import token next to each other, for openssl. */
async function saveParameters(k: PickedKey, p: Parameters): Promise<void> {
  const folder = required((await vscode.window.showOpenDialog({
    title: `${TITLE}: folder for the wrapping public key and import token of ${k.label}`, openLabel: 'Save here',
    canSelectFiles: false, canSelectFolders: true, canSelectMany: false, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  }))?.[0]);
  const publicKey = vscode.Uri.joinPath(folder, `${k.keyId}-wrapping-key.der`);
  const token = vscode.Uri.joinPath(folder, `${k.keyId}-import-token.bin`);
  await vscode.workspace.fs.writeFile(publicKey, p.publicKey);
  await vscode.workspace.fs.writeFile(token, p.token);
  log.info(`${TITLE}: saved import parameters (${p.algorithm}) of ${k.keyId} to ${folder.fsPath}`);
  void vscode.window.showInformationMessage(
    `Saved ${publicKey.path.split('/').pop()} and ${token.path.split('/').pop()} (valid 24 hours). Wrap the material with ${p.algorithm} (e.g. openssl pkeyutl), then run "Import wrapped material from files".`,
  );
}

/** The import-specific refusals, which the shared error handling does not know: the cause in words, then the fix. */
const IMPORT_REFUSALS: Record<string, string> = {
  ExpiredImportTokenException: 'The import token has expired: tokens last 24 hours. Run Import Key Material again for a new wrapping key and token.',
  InvalidImportTokenException: 'KMS does not accept this import token for this key. Use the token saved with the wrapping public key, for this same key.',
  InvalidCiphertextException: 'KMS could not unwrap the material: it was not wrapped with this token\'s wrapping public key and algorithm. Wrap it again with them.',
  IncorrectKeyMaterialException: 'This is not the material the key was created with: a key takes only the material imported into it first. Import that same material.',
};

async function sendImport(c: KMSClient, input: ImportKeyMaterialCommandInput): Promise<void> {
  try {
    await c.send(new ImportKeyMaterialCommand(input));
  } catch (error) {
    const sentence = error instanceof Error ? IMPORT_REFUSALS[error.name] : undefined;
    if (sentence) throw new UserError(sentence);
    throw error;
  }
}

async function importAndReport(ctx: Ctx, c: KMSClient, k: PickedKey, token: Uint8Array, encrypted: Uint8Array): Promise<void> {
  const expiration = await pickExpiration(k);
  await sendImport(c, { KeyId: k.keyId, ImportToken: token, EncryptedKeyMaterial: encrypted, ...expiration });
  log.info(`${TITLE}: ${k.keyId} in ${k.connection.id} (${expiration.ExpirationModel})`);
  ctx.refresh(k.connection);
  const state = (await c.send(new DescribeKeyCommand({ KeyId: k.keyId }))).KeyMetadata?.KeyState ?? 'unknown';
  const until = expiration.ValidTo ? `, until ${expiration.ValidTo.toISOString().slice(0, 10)}` : '';
  void vscode.window.showInformationMessage(`Key material imported into ${k.label}: it is now ${state}${until}.`);
}

export const importMaterial = (ctx: Ctx) => async (node?: Node) => {
  const k = await keyFromArgs(ctx, node, 'any', TITLE);
  if (k.metadata.Origin !== 'EXTERNAL') throw new UserError(`${k.label} has ${k.metadata.Origin} key material: only keys created with origin EXTERNAL take imported material.`);
  const mode = await pick<Mode>(`how to import into ${k.label}`, 1, [
    { label: 'Import from a file', detail: `Wrap a file holding the key material (${materialFormat(k)}) here and import it`, value: 'wrapHere' },
    { label: 'Save wrapping public key and import token to files', detail: 'To wrap the material elsewhere, e.g. with openssl', value: 'saveParameters' },
    { label: 'Import wrapped material from files', detail: 'The encrypted key material and the import token saved earlier', value: 'importWrapped' },
  ]);
  const c = await k.connection.client();
  if (mode === 'importWrapped') {
    const encrypted = await readBytes(await pickFile(`${TITLE}: the encrypted (wrapped) key material for ${k.label}`, 'Use encrypted material'));
    const token = await readBytes(await pickFile(`${TITLE}: the import token for ${k.label}`, 'Use import token'));
    return importAndReport(ctx, c, k, token, encrypted);
  }
  const parameters = await getParameters(c, k);
  if (mode === 'saveParameters') return saveParameters(k, parameters);
  const file = await pickFile(`${TITLE}: the key material for ${k.label} (${materialFormat(k)})`, 'Wrap and import');
  const material = await readBytes(file);
  let encrypted: Buffer;
  try {
    encrypted = wrapKeyMaterial(parameters.publicKey, parameters.algorithm, material);
  } catch (error) {
    // RSA-OAEP alone takes at most a few hundred bytes: an RSA private key needs the AES key wrap.
    if (!parameters.algorithm.startsWith('RSAES_OAEP')) throw error;
    throw new UserError(`The material in ${file.path.split('/').pop()} is too long to wrap with ${parameters.algorithm}: choose RSA_AES_KEY_WRAP_SHA_256.`);
  } finally {
    material.fill(0);
  }
  return importAndReport(ctx, c, k, parameters.token, encrypted);
};
