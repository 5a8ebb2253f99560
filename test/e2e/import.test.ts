/**
 * Bring your own key in a real VS Code: an EXTERNAL symmetric key made with the guided flow waits in
 * PendingImport; the Import Key Material wizard, started from its context menu, wraps a 32-byte file
 * from the workspace and imports it, and the key becomes Enabled; then the same material is wrapped by
 * openssl with the saved wrapping key and re-imported from files, expiring on a date.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { wrapWithOpenssl } from '../unit/kms/import-support';
import { answerInput, chooseMenuItem, createKey, openWorkbench, pickItem, treeRow, type Workbench, toast } from './workbench';

/** The dialog writes its starting folder into the input once listed: typing before that is overwritten. */
/** Opens the wizard from the key's context menu. */
async function openImportWizard(wb: Workbench, shot?: string): Promise<void> {
  await treeRow(wb.page, 'alias/e2e-byok').click({ button: 'right' });
  if (shot) await wb.shot(shot);
  await chooseMenuItem(wb.page, 'Import Key Material…', 'alias/e2e-byok');
}

async function dialogLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value.endsWith('/'));
}

/**
 * Answers code-server's file dialog, a quick input listing one folder: typing the path lists the file's
 * folder with the file selected, and Enter on it accepts.
 */
async function chooseFile(page: Page, path: string, title: RegExp): Promise<void> {
  const dialogTitle = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  await dialogTitle.waitFor();
  await dialogLoaded(page);
  const name = path.split('/').pop() ?? path;
  const picked = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name });
  // The dialog may list its folder again and reset the input once more: type the path until the file is picked.
  for (let attempt = 0; attempt < 10 && !(await picked.isVisible()); attempt++) {
    await page.locator('.quick-input-widget input').fill(path);
    await picked.waitFor({ timeout: 3_000 }).catch(() => undefined);
  }
  await picked.waitFor();
  await page.keyboard.press('Enter');
  await dialogTitle.waitFor({ state: 'hidden' });
}

/** Answers code-server's folder dialog: the folder's path, then its accept button. */
async function chooseFolder(page: Page, path: string, title: RegExp, button: string): Promise<void> {
  const dialogTitle = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  await dialogTitle.waitFor();
  await dialogLoaded(page);
  await page.locator('.quick-input-widget input').fill(`${path}/`);
  await page.locator('.quick-input-widget .monaco-button', { hasText: button }).click();
  await dialogTitle.waitFor({ state: 'hidden' });
}

describe('Import key material (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  const material = randomBytes(32);
  before(async () => {
    wb = await openWorkbench('import');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it('creates an EXTERNAL symmetric key, which waits for its material', async () => {
    const row = await createKey(wb, { alias: 'e2e-byok', origin: 'External' });
    await wb.shot('pending-import');
    assert.match((await row.textContent()) ?? '', /awaiting key material · encrypt\/decrypt · imported/);
  });

  it('imports a 32-byte material file from the context menu and the key becomes Enabled', async () => {
    const { page } = wb;
    const materialFile = join(wb.workspace, 'byok-material.bin');
    writeFileSync(materialFile, material);
    await openImportWizard(wb, 'context-menu');
    await pickItem(page, 'Import from a file');
    await pickItem(page, 'RSA_4096');
    await pickItem(page, 'RSAES_OAEP_SHA_256');
    await wb.shot('material-file-dialog');
    await chooseFile(page, materialFile, /the key material for alias\/e2e-byok \(32 raw bytes\)/);
    await pickItem(page, 'Key material does not expire');
    await toast(wb, 'it is now Enabled');
    const row = treeRow(page, /alias\/e2e-byok\s*encrypt\/decrypt · imported/);
    await row.waitFor({ timeout: 30_000 });
    await wb.shot('imported-enabled');
    assert.match((await row.textContent()) ?? '', /alias\/e2e-byok\s*encrypt\/decrypt · imported/);
  });

  it('saves the wrapping key and token, and re-imports material wrapped by openssl, expiring on a date', async () => {
    const { page } = wb;
    await openImportWizard(wb);
    await pickItem(page, 'Save wrapping public key and import token to files');
    await pickItem(page, 'RSA_2048');
    await pickItem(page, 'RSA_AES_KEY_WRAP_SHA_256');
    await chooseFolder(page, wb.workspace, /folder for the wrapping public key and import token/, 'Save here');
    await toast(wb, 'Import wrapped material from files');
    await wb.shot('parameters-saved');
    const saved = (suffix: string) => join(wb.workspace, readdirSync(wb.workspace).find((name) => name.endsWith(suffix)) ?? assert.fail(`no *${suffix} saved`));
    const wrapped = join(wb.workspace, 'byok-material.wrapped');
    writeFileSync(wrapped, wrapWithOpenssl(readFileSync(saved('-wrapping-key.der')), 'RSA_AES_KEY_WRAP_SHA_256', material));

    await openImportWizard(wb);
    await pickItem(page, 'Import wrapped material from files');
    await chooseFile(page, wrapped, /the encrypted \(wrapped\) key material/);
    await chooseFile(page, saved('-import-token.bin'), /the import token/);
    await pickItem(page, 'Key material expires on a date');
    const validTo = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await answerInput(page, validTo, /expiration date of the material/);
    await toast(wb, `it is now Enabled, until ${validTo}`);
    await wb.shot('reimported-expiring');
    assert.match((await treeRow(page, 'alias/e2e-byok').textContent()) ?? '', /alias\/e2e-byok\s*encrypt\/decrypt · imported/);
  });

  it('refuses different material for the key with the reason and the next step', async () => {
    const { page } = wb;
    const otherFile = join(wb.workspace, 'other-material.bin');
    writeFileSync(otherFile, randomBytes(32));
    await openImportWizard(wb);
    await pickItem(page, 'Import from a file');
    await pickItem(page, 'RSA_4096');
    await pickItem(page, 'RSAES_OAEP_SHA_256');
    await chooseFile(page, otherFile, /the key material for alias\/e2e-byok/);
    await pickItem(page, 'Key material does not expire');
    const refusal = await toast(wb, 'This is not the material the key was created with');
    await wb.shot('different-material-refused');
    assert.match((await refusal.textContent()) ?? '', /Import that same material\./);
    assert.doesNotMatch((await refusal.textContent()) ?? '', /Exception/);
    assert.match((await treeRow(page, 'alias/e2e-byok').textContent()) ?? '', /alias\/e2e-byok\s*encrypt\/decrypt · imported/);
  });
});
