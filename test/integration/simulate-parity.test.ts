/**
 * The local keyring enforces exactly what `kmsw simulate` answers: the same requests go through
 * KmsService with the policy authorizer and through the simulate command (on the key's policy and the
 * grants ListGrants returns), and agree: allow and iam (no IAM locally, so IAM's share is allowed)
 * succeed, explicit-deny and implicit-deny are AccessDeniedException.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Caller } from '../../src-core/kms/operation-context';
import { createPolicyAuthorizer } from '../../src-core/policy/authorizer';
import type { CliIo } from '../../src-node/cli/command';
import { simulateCommand } from '../../src-node/cli/commands/simulate';
import { ACCOUNT, createTestKms, rootCaller } from '../unit/kms/harness';

const OTHER = '444455556666';
const user = (name: string, accountId = ACCOUNT): Caller => ({ ...rootCaller(accountId), principal: `arn:aws:iam::${accountId}:user/${name}` });
const ADMIN = user('admin');
const dir = mkdtempSync(join(tmpdir(), 'kmsw-parity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: ADMIN.principal }, Action: 'kms:*', Resource: '*' },
    { Sid: 'AliceTenantA', Effect: 'Allow', Principal: { AWS: user('alice').principal }, Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:tenant': 'a' } } },
    { Sid: 'AliceDescribes', Effect: 'Allow', Principal: { AWS: user('alice').principal }, Action: 'kms:DescribeKey', Resource: '*' },
    { Sid: 'OtherAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' },
    { Sid: 'NoBlankContext', Effect: 'Deny', Principal: '*', Action: 'kms:GenerateDataKey', Resource: '*', Condition: { Null: { 'kms:EncryptionContextKeys': 'true' } } },
    { Sid: 'NotMallory', Effect: 'Deny', Principal: { AWS: user('mallory', OTHER).principal }, Action: 'kms:*', Resource: '*' },
  ],
});

async function simulate(args: string[]): Promise<{ code: number; out: unknown }> {
  let out = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: () => {}, env: {}, cwd: dir, isTTY: false, signal: new AbortController().signal };
  const code = await simulateCommand.run([...args, '--format', 'json'], io);
  return { code, out: JSON.parse(out) };
}

test('the local keyring and kmsw simulate decide the same requests alike', async () => {
  const kms = createTestKms({ authorizer: createPolicyAuthorizer() });
  const key = (await kms.call('CreateKey', { Policy: policy }, ADMIN)).KeyMetadata;
  await kms.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: user('bob').principal, Operations: ['Encrypt'], Constraints: { EncryptionContextSubset: { tenant: 'b' } } }, ADMIN);
  writeFileSync(join(dir, 'policy.json'), (await kms.call('GetKeyPolicy', { KeyId: key.KeyId }, ADMIN)).Policy);
  writeFileSync(join(dir, 'grants.json'), JSON.stringify(await kms.call('ListGrants', { KeyId: key.KeyId }, ADMIN)));

  const callers = [user('alice'), user('bob'), user('carol'), user('eve', OTHER), user('mallory', OTHER)];
  const operations = ['Encrypt', 'GenerateDataKey', 'DescribeKey'];
  const contexts: Record<string, string>[] = [{}, { tenant: 'a' }, { tenant: 'b' }];
  const seen = new Set<string>();
  for (const caller of callers) {
    for (const operation of operations) {
      for (const context of operation === 'DescribeKey' ? [{}] : contexts) {
        const body: Record<string, unknown> = { KeyId: key.Arn, ...(operation === 'DescribeKey' ? {} : { EncryptionContext: context }) };
        if (operation === 'Encrypt') body.Plaintext = Buffer.from('x').toString('base64');
        if (operation === 'GenerateDataKey') body.KeySpec = 'AES_256';
        const keyring = await kms.call(operation, body, caller).then(() => 'ok', (e: Error) => e.name);
        const args = ['--policy', 'policy.json', '--grants', 'grants.json', '--key-arn', key.Arn, '--principal', caller.principal, '--action', `kms:${operation}`];
        for (const [k, v] of Object.entries(context)) args.push('--context', `${k}=${v}`);
        const { code, out } = await simulate(args);
        const decision = (out as { decision: string }).decision;
        seen.add(decision);
        const what = `${caller.principal} ${operation} ${JSON.stringify(context)}: simulate says ${decision}, the keyring ${keyring}`;
        assert.equal(keyring, code === 0 ? 'ok' : 'AccessDeniedException', what);
        assert.equal(code === 0, decision === 'allow' || decision === 'iam', what);
      }
    }
  }
  assert.deepEqual([...seen].sort(), ['allow', 'explicit-deny', 'iam', 'implicit-deny']);
});
