/** Key policy checks in a real VS Code: the language server flags a misspelt action and its quick fix repairs it. */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, openWorkbench, type Workbench } from './workbench';

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
});
