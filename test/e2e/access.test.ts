/**
 * Who can use a key, and why, in a real VS Code: the Access folder under a key says who may do what from
 * the key policy and grants, and Check Access… answers one request with the deciding statement highlighted
 * in the policy editor and what each statement made of the request.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerInput, chooseMenuItem, createSymmetricKey, openWorkbench, pickItem, treeRow, type Workbench } from './workbench';

describe('Access (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('access');
    await createSymmetricKey(wb, 'e2e-access');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it("opens a key's Access folder: who may do what, and that IAM is not seen", async () => {
    const { page } = wb;
    // A click on a key opens its details; its twistie expands it.
    await treeRow(page, 'alias/e2e-access').locator('.monaco-tl-twistie').click();
    await treeRow(page, /^Access$/).click();
    await treeRow(page, 'every principal of account 123456789012').waitFor({ timeout: 30_000 });
    await treeRow(page, 'Key policy and grants only').waitFor();
    await wb.shot('access-folder');
  });

  it('Check Access answers in words and highlights the deciding statement in the policy', async () => {
    const { page } = wb;
    await treeRow(page, 'alias/e2e-access').click({ button: 'right' });
    await chooseMenuItem(page, 'Check Access…', 'alias/e2e-access');
    await pickItem(page, 'arn:aws:iam::123456789012:root');
    await pickItem(page, 'kms:Decrypt');
    await answerInput(page, 'tenant=a', /encryption context/);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /kms:Decrypt: Allowed by statement "Enable IAM User Permissions"\./);
    const line = /statement "Enable IAM User Permissions" \(line (\d+)\) Allow: applies/.exec(text)?.[1];
    assert.ok(line, text);
    assert.match(text, /IAM policies, SCPs and permission boundaries are not seen/);
    await wb.shot('check-access-answer');
    await dialog.locator('.monaco-button', { hasText: 'OK' }).click();
    // The deciding statement is revealed in the policy editor: the cursor sits on its first line.
    await page.locator('.tabs-container .tab.active', { hasText: '.kms-policy.json' }).waitFor();
    await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ` }).first().waitFor();
    await wb.shot('deciding-statement');
  });
});
