/**
 * An RSA signing key in a real VS Code: sign the open file and verify it (valid, then not after an edit),
 * and a certificate signing request signed in KMS, which openssl verifies.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerInput, chooseMenuItem, openFile, openKeyringView, openWorkbench, pickItem, runCommand, treeRow, type Workbench, toast } from './workbench';

describe('Signing keys (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('signing');
    const { page } = wb;
    await openKeyringView(page);
    await runCommand(page, 'KMS: Create Key…');
    await pickItem(page, 'RSA_2048');
    await pickItem(page, 'Sign and verify');
    await pickItem(page, 'KMS');
    await pickItem(page, 'Single-Region key');
    await answerInput(page, 'e2e-signer', /Alias/);
    await answerInput(page, '', /Description/);
    await answerInput(page, '', /Tags/);
    await treeRow(page, 'alias/e2e-signer').waitFor({ timeout: 30_000 });
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it('signs the current file and verifies it, and notices a change', async () => {
    const { page } = wb;
    await openFile(page, 'notes.txt');
    await runCommand(page, 'KMS: Sign Current File with Key…');
    await pickItem(page, 'alias/e2e-signer');
    await pickItem(page, 'RSASSA_PSS_SHA_256');
    await toast(wb, 'Signed with alias/e2e-signer');
    assert.ok(existsSync(join(wb.workspace, 'notes.txt.sig')));
    await runCommand(page, 'KMS: Verify Signature of Current File…');
    await pickItem(page, 'alias/e2e-signer');
    await pickItem(page, 'RSASSA_PSS_SHA_256');
    await toast(wb, 'is valid for alias/e2e-signer');
    await wb.shot('signature-valid');

    appendFileSync(join(wb.workspace, 'notes.txt'), 'one more line\n');
    await runCommand(page, 'KMS: Verify Signature of Current File…');
    await pickItem(page, 'alias/e2e-signer');
    await pickItem(page, 'RSASSA_PSS_SHA_256');
    await toast(wb, 'does NOT match');
    await wb.shot('signature-invalid');
  });

  it('creates a certificate signing request that openssl verifies', async () => {
    const { page } = wb;
    await treeRow(page, 'alias/e2e-signer').click({ button: 'right' });
    await chooseMenuItem(page, 'Create Certificate Signing Request…', 'alias/e2e-signer');
    await answerInput(page, 'CN=app.example.com,O=Example', /CSR signed by/);
    const pem = page.locator('.monaco-editor .view-lines', { hasText: 'BEGIN CERTIFICATE REQUEST' }).filter({ visible: true });
    await pem.waitFor({ timeout: 30_000 });
    await wb.shot('csr');
    // The PEM as drawn: Monaco renders each line in its own element, positioned by its `top`.
    const text = await pem.evaluate((el) => Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
      .sort((x, y) => parseFloat(x.style.top) - parseFloat(y.style.top))
      .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n'));
    const file = join(wb.workspace, 'request.csr');
    writeFileSync(file, `${text.trim()}\n`);
    const check = spawnSync('openssl', ['req', '-in', file, '-verify', '-noout', '-subject'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.match(`${check.stdout}${check.stderr}`, /app\.example\.com/);
  });
});
