/**
 * Editing a key's policy in a real VS Code: it opens from the tree as a checked document, a save updates
 * the key through PutKeyPolicy, and a policy that would lock everyone out needs a second yes (refused here).
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseMenuItem, createSymmetricKey, openWorkbench, treeRow, type Workbench, toast } from './workbench';

const policy = (sid: string, principal: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }],
});

describe('Key policy editor (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('key-policy-editor');
    await createSymmetricKey(wb, 'e2e-policy');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  /** Replaces the whole text of the policy editor (insertText skips auto-closing brackets) and saves. */
  async function replaceAndSave(text: string, marker: string): Promise<void> {
    const { page } = wb;
    const lines = page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first();
    await lines.click(); // focus may have moved while the JSON support activated
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
    await lines.filter({ hasText: marker }).waitFor();
    await page.keyboard.press('Control+S');
  }

  it('saves an edited policy to the key and asks before saving one that locks everyone out', async () => {
    const { page } = wb;
    await treeRow(page, 'alias/e2e-policy').click({ button: 'right' });
    await chooseMenuItem(page, 'Edit Key Policy', 'alias/e2e-policy');
    await page.locator('.tabs-container .tab.active', { hasText: '.kms-policy.json' }).waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: 'arn:aws:iam::123456789012:root' }).filter({ visible: true }).waitFor();
    await wb.shot('policy-opened');

    await replaceAndSave(policy('Account root administers the key', 'arn:aws:iam::123456789012:root'), 'Account root administers');
    await toast(wb, 'Key policy of alias/e2e-policy updated');
    await wb.shot('policy-saved');

    await replaceAndSave(policy('Someone else', 'arn:aws:iam::111122223333:root'), '111122223333');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    await wb.shot('lockout-warning');
    assert.match((await dialog.textContent()) ?? '', /lock everyone out/);
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await toast(wb, 'was not changed');
  });
});
