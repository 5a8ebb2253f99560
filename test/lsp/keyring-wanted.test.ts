/**
 * The server asks for the keyring only once a file needs it (it mentions a key, or is a key policy), so
 * the client makes no KMS calls for windows that never mention one; and it asks once per session.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspTestClient } from './client';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Admins', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
}, null, 2);

describe('the server asks for the keyring when a file first needs it', () => {
  let lsp: LspTestClient;
  before(async () => {
    lsp = await LspTestClient.start();
  });
  after(async () => {
    await lsp.stop();
  });

  it('does not ask for files that mention no key', async () => {
    await lsp.open('file:///w/readme.md', 'markdown', '# Deploying\nRun the script, then check the logs.\n');
    await lsp.open('file:///w/package.json', 'json', '{ "name": "app", "version": "1.0.0" }\n');
    assert.equal(lsp.keyringWanted, 0);
  });

  it('asks once a file mentions a key ARN, and only once for the session', async () => {
    await lsp.open('file:///w/deploy.tf', 'terraform', `kms_key_id = "${ARN}"\n`);
    assert.equal(lsp.keyringWanted, 1);
    await lsp.open('file:///w/app.env', 'dotenv', `KEY=${ARN}\nOTHER=alias/app\n`);
    assert.equal(lsp.keyringWanted, 1);
  });
});

describe('a key policy needs the keyring too', () => {
  it('asks when a key policy is opened', async () => {
    const lsp = await LspTestClient.start();
    try {
      await lsp.open('file:///w/key-policy.json', 'json', POLICY);
      assert.equal(lsp.keyringWanted, 1);
    } finally {
      await lsp.stop();
    }
  });
});
