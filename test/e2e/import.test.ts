/**
 * Bring your own key in a real VS Code: an EXTERNAL symmetric key made with the guided flow waits in
 * PendingImport; the Import Key Material wizard, started from its context menu, wraps a 32-byte file
 * from the workspace and imports it, and the key becomes Enabled.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { answerInput, chooseMenuItem, openKeyringView, openWorkbench, pickItem, treeRow, type Workbench } from './workbench';

/**
 * Answers code-server's file dialog, a quick input listing one folder: typing the path lists the file's
 * folder with the file selected, and Enter on it accepts.
 */
async function chooseFile(page: Page, path: string, title: RegExp): Promise<void> {
  const dialogTitle = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  await dialogTitle.waitFor();
  await page.locator('.quick-input-widget input').fill(path);
  const name = path.split('/').pop() ?? path;
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await dialogTitle.waitFor({ state: 'hidden' });
}

describe('Import key material (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
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
    const { page } = wb;
    await openKeyringView(page);
    await page.locator('[id="workbench.view.extension.kmsWorkbench"]').hover();
    await page.locator('.pane-header [aria-label="Create Key…"], .title-actions [aria-label="Create Key…"]').first().click();
    await pickItem(page, 'SYMMETRIC_DEFAULT');
    await pickItem(page, 'External');
    await pickItem(page, 'Single-Region key');
    await answerInput(page, 'e2e-byok', /Alias/);
    await answerInput(page, '', /Description/);
    await answerInput(page, '', /Tags/);
    const row = treeRow(page, 'alias/e2e-byok');
    await row.waitFor({ timeout: 30_000 });
    await wb.shot('pending-import');
    assert.match((await row.textContent()) ?? '', /PendingImport · SYMMETRIC_DEFAULT/);
  });

  it('imports a 32-byte material file from the context menu and the key becomes Enabled', async () => {
    const { page } = wb;
    const materialFile = join(wb.workspace, 'byok-material.bin');
    writeFileSync(materialFile, randomBytes(32));
    await treeRow(page, 'alias/e2e-byok').click({ button: 'right' });
    await wb.shot('context-menu');
    await chooseMenuItem(page, 'Import Key Material…');
    await pickItem(page, 'Import from a file');
    await pickItem(page, 'RSA_4096');
    await pickItem(page, 'RSAES_OAEP_SHA_256');
    await wb.shot('material-file-dialog');
    await chooseFile(page, materialFile, /the key material for alias\/e2e-byok \(32 raw bytes\)/);
    await pickItem(page, 'Key material does not expire');
    await page.locator('.notifications-toasts', { hasText: 'it is now Enabled' }).waitFor({ timeout: 30_000 });
    const row = treeRow(page, /alias\/e2e-byok\s*Enabled/);
    await row.waitFor({ timeout: 30_000 });
    await wb.shot('imported-enabled');
    assert.match((await row.textContent()) ?? '', /Enabled · SYMMETRIC_DEFAULT/);
  });
});
