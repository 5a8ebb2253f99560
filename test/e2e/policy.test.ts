/**
 * Key policy checks in a real VS Code: the language server flags a misspelt action and its quick fix repairs it;
 * and the keyring the client feeds the server (protocol/messages.ts) reaches it: a key's alias hovers as the key.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSymmetricKey, openFile, openWorkbench, runCommand, type Workbench } from './workbench';

describe('Key policy diagnostics (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('policy');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the unknown action as an error and applies the quick fix', async () => {
    const { page } = wb;
    await openFile(page, 'key-policy.json');
    const editor = page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
    await wb.shot('diagnostic');

    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':16:36');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'kms:Decrypt' }).first();
    await fix.waitFor();
    await wb.shot('quick-fix-menu');
    await page.keyboard.press('Enter'); // the only fix is focused

    await editor.locator('.view-lines', { hasText: '"kms:Decrypt"' }).waitFor();
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached' });
    await page.keyboard.press('Control+S');
    await wb.shot('fixed');
    await page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: 'key-policy.json' }).waitFor();
    assert.match(readFileSync(join(wb.workspace, 'key-policy.json'), 'utf8'), /"kms:Decrypt"/);
  });

  it('hovers a key of the keyring in any file, from the keyring the client sent the server', async () => {
    const { page } = wb;
    await createSymmetricKey(wb, 'e2e-hover');
    writeFileSync(join(wb.workspace, 'notes.txt'), 'alias/e2e-hover\n');
    await openFile(page, 'notes.txt'); // the cursor is on the alias
    // The first look-up asks the client for the keyring, so the first hovers may come before it arrives.
    const hover = page.locator('.monaco-hover', { hasText: 'KMS key' }).filter({ visible: true });
    for (let attempt = 0; attempt < 20; attempt++) {
      await runCommand(page, 'Show or Focus Hover');
      if (await hover.waitFor({ timeout: 3000 }).then(() => true, () => false)) break;
      await page.keyboard.press('Escape');
    }
    await hover.waitFor({ timeout: 1000 });
    await wb.shot('key-hover');
  });
});
