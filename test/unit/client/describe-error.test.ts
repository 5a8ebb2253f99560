/**
 * The error mapping: every exception the extension can meet becomes a sentence with its cause first and
 * the fix, never the exception's class name; the main ones carry the button that fixes them. Real failures
 * come from the local KMS through the AWS SDK, as the extension meets them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateKeyCommand, DecryptCommand, DisableKeyCommand, EncryptCommand, ScheduleKeyDeletionCommand, type KMSClient } from '@aws-sdk/client-kms';
import { aboutFile, ADVICE, explainError, UserError, CREATE_KEY_ACTION } from '../../../client/describeError';
import { openLocalKms } from '../../../src-node/host';
import { createLocalKmsClient } from '../../../src-node/local-client';
import { EncryptedMessageError } from '../../../src-core/encryption-sdk/message-error';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** The KMS operations the extension calls: every `XCommand` it imports from the SDK, across client/ and src-node/files/. */
function operationsCalled(): Set<string> {
  const ops = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/\b([A-Z][A-Za-z]+)Command\b/g)) ops.add(m[1]);
    }
  };
  walk(join(ROOT, 'client'));
  walk(join(ROOT, 'src-node', 'files'));
  return ops;
}

function exceptionsTheExtensionCanMeet(): string[] {
  const model = JSON.parse(readFileSync(join(ROOT, 'src-core', 'kms', 'model', 'kms-model.json'), 'utf8')) as { operations: Record<string, { errors?: string[] }> };
  const names = new Set<string>();
  for (const op of operationsCalled()) for (const e of model.operations[op]?.errors ?? []) names.add(e);
  // Not in the model: the SDK's and the service's own, met by every call.
  for (const e of ['AccessDeniedException', 'ValidationException', 'ThrottlingException', 'UnrecognizedClientException', 'InvalidSignatureException',
    'ExpiredTokenException', 'ExpiredToken', 'CredentialsProviderError', 'TimeoutError']) names.add(e);
  return [...names].sort();
}

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const failure = (name: string, message: string) => Object.assign(new Error(message), { name });

async function localClient(): Promise<KMSClient> {
  return createLocalKmsClient(await openLocalKms({ inMemory: true, region: 'us-east-1', accountId: '111122223333' }));
}

async function caught(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  assert.fail('expected a failure');
}

describe('explainError', () => {
  it('has advice for every exception the extension can meet, and none reads as a class name', () => {
    const names = exceptionsTheExtensionCanMeet();
    assert.ok(names.length > 30, `found ${names.length} names`);
    for (const name of names) {
      assert.ok(ADVICE[name], `no advice for ${name}`);
      const { message, actions } = explainError(failure(name, `${ARN} says what went wrong.`), 'Encrypt File', { file: 'notes.txt' });
      assert.match(message, /^Cannot encrypt notes\.txt: .+\. \S.+[.)]$/, `${name}: ${message}`);
      assert.doesNotMatch(message, new RegExp(`${name}|Error:|%2F`), `${name}: ${message}`);
      for (const a of actions) assert.match(a.command, /^(kmsWorkbench|workbench)\./, `${name}: ${a.command}`);
    }
  });

  it('a key pending deletion: the file and the key first, then [Cancel Key Deletion] for that key, as a warning', async () => {
    const client = await localClient();
    const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
    const blob = (await client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('hi') }))).CiphertextBlob;
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    const error = await caught(aboutFile('notes.txt.encrypted', client.send(new DecryptCommand({ CiphertextBlob: blob }))));
    const explained = explainError(error, 'Open Decrypted (Read-Only)', { keyLabel: (arn) => (arn === key.Arn ? 'alias/app' : undefined) });
    assert.deepEqual(explained, {
      message: `Cannot decrypt notes.txt.encrypted: the key alias/app (${key.Arn}) is pending deletion. Cancel its deletion to use it again.`,
      severity: 'warning',
      actions: [{ title: 'Cancel Key Deletion', command: 'kmsWorkbench.cancelDeletion', args: [key.Arn] }],
    });
  });

  it('an encrypted file whose data key KMS refuses is explained by that refusal, not by the format error around it', async () => {
    const client = await localClient();
    const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
    const blob = (await client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('hi') }))).CiphertextBlob;
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    const refusal = (await caught(client.send(new DecryptCommand({ CiphertextBlob: blob })))) as Error;
    // As the message reader reports it (src-core/encryption-sdk/message.ts): the KMS failure is its cause.
    const error = new EncryptedMessageError('key', `could not decrypt the data key under ${key.Arn}: the key is wrong or unavailable (${refusal.name}: ${refusal.message})`, { name: 'KMSInvalidStateException', cause: refusal });
    const explained = explainError(error, 'Open Decrypted (Read-Only)', { file: 'notes.txt.encrypted', keyLabel: (arn) => (arn === key.Arn ? 'alias/app' : undefined) });
    assert.equal(explained.message, `Cannot decrypt notes.txt.encrypted: the key alias/app (${key.Arn}) is pending deletion. Cancel its deletion to use it again.`);
    assert.deepEqual(explained.actions, [{ title: 'Cancel Key Deletion', command: 'kmsWorkbench.cancelDeletion', args: [key.Arn] }]);
  });

  it('a disabled key: [Enable Key] for that key, as a warning', async () => {
    const client = await localClient();
    const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
    await client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const error = await caught(client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('hi') })));
    assert.deepEqual(explainError(error, 'Encrypt Selection'), {
      message: `Encrypt Selection failed: the key ${key.Arn} is disabled. Enable it to use it again.`,
      severity: 'warning',
      actions: [{ title: 'Enable Key', command: 'kmsWorkbench.enableKey', args: [key.Arn] }],
    });
  });

  it('a key pending import: [Import Key Material]', () => {
    const { message, actions } = explainError(failure('KMSInvalidStateException', `${ARN} is pending import.`), 'Encrypt File', { file: 'a.txt' });
    assert.equal(message, `Cannot encrypt a.txt: the key ${ARN} is pending import. Import its key material first.`);
    assert.deepEqual(actions, [{ title: 'Import Key Material', command: 'kmsWorkbench.importMaterial', args: [ARN] }]);
  });

  it('access denied: the service\'s reason and [Open Key Policy] for the key it names', () => {
    const error = failure('AccessDeniedException', `User: arn:aws:iam::111122223333:user/bob is not authorized to perform: kms:Decrypt on resource: ${ARN} because no resource-based policy allows the kms:Decrypt action`);
    const { message, severity, actions } = explainError(error, 'Decrypt File', { file: 'db.env.encrypted' });
    assert.match(message, /^Cannot decrypt db\.env\.encrypted: you are not allowed to do this with the key arn:.* because no resource-based policy allows the kms:Decrypt action\. The key policy/);
    assert.equal(severity, 'error');
    assert.deepEqual(actions, [{ title: 'Open Key Policy', command: 'kmsWorkbench.editKeyPolicy', args: [ARN] }]);
  });

  it('no usable key: [Create Key…], as a warning', () => {
    const error = new UserError('No enabled symmetric encryption keys in Local keyring. Create one first.', [CREATE_KEY_ACTION]);
    assert.deepEqual(explainError(error, 'Encrypt File'), {
      message: 'No enabled symmetric encryption keys in Local keyring. Create one first.',
      severity: 'warning',
      actions: [{ title: 'Create Key…', command: 'kmsWorkbench.createKey' }],
    });
  });

  it('a failure with no advice keeps its message, without its class name', () => {
    const { message, severity, actions } = explainError(failure('CodeExpectedError', 'disk full'), 'Decrypt File');
    assert.equal(message, 'Decrypt File failed: disk full.');
    assert.equal(severity, 'error');
    assert.deepEqual(actions, []);
  });
});
