/**
 * The guided create-key flow: spec → usage → origin → multi-Region → alias → description → tags,
 * each step a QuickPick or InputBox, then CreateKey (+ CreateAlias).
 */
import * as vscode from 'vscode';
import { CreateAliasCommand, CreateKeyCommand, type KeySpec, type KeyUsageType, type OriginType, type Tag } from '@aws-sdk/client-kms';
import type { Ctx } from '../ctx';
import { required } from '../commandErrors';
import { log } from '../log';
import type { Node } from '../tree/nodes';

const SPECS: { spec: KeySpec; family: string; detail: string; usages: KeyUsageType[] }[] = [
  { spec: 'SYMMETRIC_DEFAULT', family: 'Symmetric', detail: 'AES-256-GCM: encrypt, decrypt, data keys', usages: ['ENCRYPT_DECRYPT'] },
  { spec: 'HMAC_224', family: 'HMAC', detail: 'Generate and verify MACs', usages: ['GENERATE_VERIFY_MAC'] },
  { spec: 'HMAC_256', family: 'HMAC', detail: 'Generate and verify MACs', usages: ['GENERATE_VERIFY_MAC'] },
  { spec: 'HMAC_384', family: 'HMAC', detail: 'Generate and verify MACs', usages: ['GENERATE_VERIFY_MAC'] },
  { spec: 'HMAC_512', family: 'HMAC', detail: 'Generate and verify MACs', usages: ['GENERATE_VERIFY_MAC'] },
  { spec: 'RSA_2048', family: 'RSA', detail: 'Sign/verify or encrypt/decrypt', usages: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'] },
  { spec: 'RSA_3072', family: 'RSA', detail: 'Sign/verify or encrypt/decrypt', usages: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'] },
  { spec: 'RSA_4096', family: 'RSA', detail: 'Sign/verify or encrypt/decrypt', usages: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'] },
  { spec: 'ECC_NIST_P256', family: 'ECC', detail: 'ECDSA signing or ECDH key agreement', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'] },
  { spec: 'ECC_NIST_P384', family: 'ECC', detail: 'ECDSA signing or ECDH key agreement', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'] },
  { spec: 'ECC_NIST_P521', family: 'ECC', detail: 'ECDSA signing or ECDH key agreement', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'] },
  { spec: 'ECC_SECG_P256K1', family: 'ECC', detail: 'ECDSA signing (secp256k1)', usages: ['SIGN_VERIFY'] },
  { spec: 'ECC_NIST_EDWARDS25519', family: 'ECC', detail: 'Ed25519 signing', usages: ['SIGN_VERIFY'] },
  { spec: 'ML_DSA_65', family: 'ML-DSA', detail: 'Post-quantum signing', usages: ['SIGN_VERIFY'] },
];

const USAGE_LABELS: Record<string, string> = {
  ENCRYPT_DECRYPT: 'Encrypt and decrypt',
  SIGN_VERIFY: 'Sign and verify',
  GENERATE_VERIFY_MAC: 'Generate and verify MAC',
  KEY_AGREEMENT: 'Key agreement',
};

type Item<T> = vscode.QuickPickItem & { value: T };

/** "Create Key (3/6)": steps count up by one even when a step is skipped (a spec with one usage has 6). */
interface Steps { at: number; total: number }
const counter = (steps: Steps) => `Create Key (${++steps.at}/${steps.total})`;

async function pick<T>(title: string, steps: Steps, items: Item<T>[]): Promise<T> {
  return required(await vscode.window.showQuickPick(items, { title: `${counter(steps)}: ${title}`, ignoreFocusOut: true })).value;
}

async function input(title: string, steps: Steps, prompt: string, validate?: (v: string) => string | undefined): Promise<string> {
  return required(await vscode.window.showInputBox({ title: `${counter(steps)}: ${title}`, prompt, ignoreFocusOut: true, validateInput: validate })).trim();
}

export function validateAlias(value: string): string | undefined {
  const name = value.trim();
  if (!name) return undefined;
  const full = name.startsWith('alias/') ? name : `alias/${name}`;
  if (full.startsWith('alias/aws/')) return 'The alias/aws/ prefix is reserved for AWS managed keys.';
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(full)) return 'Use letters, digits, /, _ and - (at most 256 characters).';
  return undefined;
}

export function parseTags(text: string): Tag[] {
  return text.split(',').map((p) => p.trim()).filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? { TagKey: pair, TagValue: '' } : { TagKey: pair.slice(0, eq).trim(), TagValue: pair.slice(eq + 1).trim() };
  });
}

export const createKey = (ctx: Ctx) => async (node?: Node) => {
  const connection = ctx.connectionFor(node);
  const specItems: Item<(typeof SPECS)[number]>[] = [];
  let family = '';
  for (const s of SPECS) {
    if (s.family !== family) specItems.push({ label: s.family, kind: vscode.QuickPickItemKind.Separator, value: s });
    family = s.family;
    specItems.push({ label: s.spec, detail: s.detail, value: s });
  }
  const steps: Steps = { at: 0, total: 7 };
  const spec = await pick('Key spec', steps, specItems);
  if (spec.usages.length === 1) steps.total = 6;
  const usage = spec.usages.length === 1 ? spec.usages[0] : await pick('Key usage', steps, spec.usages.map((u) => ({ label: USAGE_LABELS[u], description: u, value: u })));
  const origin = await pick<OriginType>('Key material origin', steps, [
    { label: 'KMS', description: 'AWS_KMS', detail: 'KMS generates the key material', value: 'AWS_KMS' },
    { label: 'External', description: 'EXTERNAL', detail: 'You import key material later', value: 'EXTERNAL' },
  ]);
  const multiRegion = await pick('Regionality', steps, [
    { label: 'Single-Region key', value: false },
    { label: 'Multi-Region primary key', detail: 'Can be replicated to other Regions (each replica is billed as a key)', value: true },
  ]);
  const aliasText = await input('Alias', steps, 'Optional alias, e.g. my-app (alias/ is added)', validateAlias);
  const description = await input('Description', steps, 'Optional description');
  const tags = parseTags(await input('Tags', steps, 'Optional tags: key=value, key2=value2'));

  const client = await connection.client();
  const created = await client.send(new CreateKeyCommand({
    KeySpec: spec.spec, KeyUsage: usage, Origin: origin, MultiRegion: multiRegion, Description: description || undefined, Tags: tags.length ? tags : undefined,
  }));
  const keyId = created.KeyMetadata?.KeyId ?? '';
  log.info(`created key ${keyId} (${spec.spec}, ${usage}) in ${connection.id}`);
  const alias = aliasText ? (aliasText.startsWith('alias/') ? aliasText : `alias/${aliasText}`) : undefined;
  if (alias) await client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  ctx.refresh(connection);
  const name = alias ?? keyId;
  // Not awaited: the command has succeeded whether or not the user follows up.
  const next = spec.spec === 'SYMMETRIC_DEFAULT' ? ['Encrypt a File…', 'Show Key Details'] : ['Show Key Details'];
  void vscode.window.showInformationMessage(`Created ${name} (${spec.spec}) in ${connection.label}.`, ...next).then((choice) => {
    if (choice === 'Encrypt a File…') void vscode.commands.executeCommand('kmsWorkbench.encryptFile');
    else if (choice === 'Show Key Details') void vscode.commands.executeCommand('kmsWorkbench.showKeyDetails', keyId);
  });
};
