/**
 * Signing keys in a real VS Code: sign the open file with an RSA key and verify it (valid, then not after an
 * edit), and certificate signing requests signed in KMS by that key and by an ECC key, which openssl verifies.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerInput, chooseMenuItem, createKey, openFile, openWorkbench, pickItem, runCommand, treeRow, type Workbench, toast } from './workbench';

describe('Signing keys (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('signing');
    await createKey(wb, { alias: 'e2e-signer', spec: 'RSA_2048', usage: 'Sign and verify', from: 'palette' });
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

  /** Asks for a CSR from the key's context menu, checks with openssl the PEM the editor shows, and closes it. */
  async function csrFromMenu(alias: string, subject: string, file: string): Promise<string> {
    const { page } = wb;
    await treeRow(page, alias).click({ button: 'right' });
    await chooseMenuItem(page, 'Create Certificate Signing Request…', alias);
    await answerInput(page, subject, /CSR signed by/);
    const pem = page.locator('.monaco-editor .view-lines', { hasText: 'BEGIN CERTIFICATE REQUEST' }).filter({ visible: true });
    await pem.waitFor({ timeout: 30_000 });
    await wb.shot(file);
    // The PEM as drawn: Monaco renders each line in its own element, positioned by its `top`.
    const text = await pem.evaluate((el) => Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
      .sort((x, y) => parseFloat(x.style.top) - parseFloat(y.style.top))
      .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n'));
    const path = join(wb.workspace, file);
    writeFileSync(path, `${text.trim()}\n`);
    const check = spawnSync('openssl', ['req', '-in', path, '-verify', '-noout', '-subject', '-text'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    // OpenSSL 3.0 exits 0 on a bad signature too: its verdict is in the output.
    assert.match(`${check.stdout}${check.stderr}`, /self-signature verify OK/);
    // Closed unsaved, so that the next request's PEM is the only one on screen.
    await runCommand(page, 'View: Revert and Close Editor');
    await pem.waitFor({ state: 'hidden' });
    return check.stdout;
  }

  it('creates a certificate signing request that openssl verifies', async () => {
    const out = await csrFromMenu('alias/e2e-signer', 'CN=app.example.com,O=Example', 'request.csr');
    assert.match(out, /app\.example\.com/);
    assert.match(out, /sha256WithRSAEncryption/);
  });

  it('creates a certificate signing request for an ECC key (P-384, ECDSA with SHA-384)', async () => {
    await createKey(wb, { alias: 'e2e-ecc-signer', spec: 'ECC_NIST_P384', usage: 'Sign and verify', from: 'palette' });
    const out = await csrFromMenu('alias/e2e-ecc-signer', 'CN=ecc.example.com', 'request-ecc.csr');
    assert.match(out, /ecc\.example\.com/);
    assert.match(out, /ecdsa-with-SHA384/);
    assert.match(out, /NIST CURVE: P-384/);
  });
});
