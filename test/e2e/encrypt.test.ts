/**
 * Encrypt and decrypt as a user would in a real VS Code: a selection from the editor's context menu
 * (one Undo brings the ciphertext back), a file from the Explorer's context menu (with the overwrite
 * question), and a read-only decrypted view that writes nothing to disk.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseMenuItem, createSymmetricKey, editorText, openFile, openWorkbench, pickItem, selectLine, type Workbench, toast } from './workbench';

const SECRET = 'DATABASE_PASSWORD=correct-horse-battery-staple';

describe('Encrypt and decrypt (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('encrypt');
    await createSymmetricKey(wb, 'e2e-crypto');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it('encrypts then decrypts a selection from the editor context menu, each one undo step', async () => {
    const { page } = wb;
    await openFile(page, 'app.env');
    await selectLine(page, 2);
    await page.keyboard.press('Shift+F10');
    await chooseMenuItem(page, 'Encrypt Selection');
    await pickItem(page, 'alias/e2e-crypto');
    await page.waitForFunction((secret) => !document.querySelector('.editor-instance .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes(secret), SECRET);
    await wb.shot('selection-encrypted');
    const encrypted = (await editorText(page)).replace(/\u00a0/g, ' ');
    assert.ok(!encrypted.includes('correct-horse'), 'the secret is gone from the editor');

    await selectLine(page, 2);
    await page.keyboard.press('Shift+F10');
    await chooseMenuItem(page, 'Decrypt Selection');
    await page.waitForFunction((secret) => document.querySelector('.editor-instance .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes(secret), SECRET);
    await wb.shot('selection-decrypted');

    await page.keyboard.press('Control+Z');
    await page.waitForFunction((secret) => !document.querySelector('.editor-instance .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes(secret), SECRET);
    await wb.shot('undo-restores-ciphertext');
  });

  it('encrypts and decrypts a file from the Explorer context menu, asking before it replaces', async () => {
    const { page } = wb;
    const plain = join(wb.workspace, 'notes.txt');
    const original = readFileSync(plain, 'utf8');
    await page.keyboard.press('Control+Shift+E');
    const explorerRow = (name: string) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }).first();
    await explorerRow('notes.txt').click({ button: 'right' });
    await wb.shot('explorer-menu');
    await chooseMenuItem(page, 'Encrypt File');
    await pickItem(page, 'alias/e2e-crypto');
    await explorerRow('notes.txt.encrypted').waitFor({ timeout: 30_000 });
    await wb.shot('file-encrypted');
    const sealed = readFileSync(`${plain}.encrypted`);
    assert.ok(!sealed.toString('latin1').includes('Explorer'), 'the encrypted file does not hold the plaintext');

    await explorerRow('notes.txt.encrypted').click({ button: 'right' });
    await chooseMenuItem(page, 'Decrypt File');
    const replace = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Replace' });
    await replace.waitFor();
    await wb.shot('overwrite-question');
    await replace.click();
    await toast(wb, 'Decrypted notes.txt.encrypted');
    assert.equal(readFileSync(plain, 'utf8'), original);

    await explorerRow('notes.txt.encrypted').click({ button: 'right' });
    await chooseMenuItem(page, 'Open Decrypted (Read-Only)');
    // Titled apart from the real notes.txt beside it.
    await page.locator('.tabs-container .tab.active', { hasText: 'notes.txt.encrypted (decrypted)' }).waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: 'Right-click this file' }).filter({ visible: true }).waitFor();
    await wb.shot('opened-decrypted');
    assert.equal(existsSync(`${plain}.decrypted`), false, 'nothing was written for the read-only view');
  });
});
