/**
 * The walkthrough tells the truth, in a real VS Code: its steps are ticked by what happened (a key created,
 * text encrypted), not by a button being pressed, and "Encrypt a Sample Value" works in any workspace: it
 * opens a sample with the value selected and encrypts it in place. "Open the keyring" is ticked by the view being
 * shown, also when it was shown before the walkthrough opened. The last step looks at it in a light theme.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSymmetricKey, editorText, openKeyringView, openWorkbench, paintedLight, pickItem, repaint, treeRow, useLightTheme, type Workbench } from './workbench';

describe('Walkthrough (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('walkthrough');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  const step = (id: string) => wb.page.locator(`button.getting-started-step[data-step-id$="${id}"]`).filter({ visible: true }).first();
  const walkthroughTab = () => wb.page.locator('.tabs-container .tab', { hasText: /Walkthrough|Welcome|Get started/ }).first();

  const ticked = (id: string) => wb.page.locator(`button.getting-started-step[data-step-id$="${id}"][aria-checked="true"]`).filter({ visible: true });

  it('ticks "Open the keyring" when the view was open before the walkthrough, and "Create a key" once a key exists, not before', async () => {
    const { page } = wb;
    await openKeyringView(page);
    await treeRow(page, 'Open the walkthrough').click();
    await step('createKey').waitFor({ timeout: 30_000 });
    await ticked('keyring').waitFor({ timeout: 30_000 });
    assert.equal(await step('createKey').getAttribute('aria-checked'), 'false');
    assert.equal(await step('encrypt').getAttribute('aria-checked'), 'false');
    await wb.shot('walkthrough-start');
    await createSymmetricKey(wb, 'e2e-walk');
    await walkthroughTab().click();
    await ticked('createKey').waitFor({ timeout: 30_000 });
    await wb.shot('walkthrough-key-created');
  });

  it('"Encrypt a Sample Value" encrypts the selected sample value, then ticks its step', async () => {
    const { page } = wb;
    await step('encrypt').click();
    await page.getByRole('button', { name: 'Encrypt a Sample Value' }).filter({ visible: true }).first().click();
    await pickItem(page, 'alias/e2e-walk');
    await page.locator('.monaco-editor .view-lines', { hasText: 'DATABASE_PASSWORD=' }).filter({ visible: true }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: 'correct-horse-battery-staple' }).filter({ visible: true }).waitFor({ state: 'detached', timeout: 30_000 });
    assert.match(await editorText(page), /DATABASE_PASSWORD=\S{40,}/);
    await wb.shot('walkthrough-sample-encrypted');
    await walkthroughTab().click();
    await ticked('encrypt').waitFor({ timeout: 30_000 });
    await wb.shot('walkthrough-encrypt-ticked');
  });

  it('reads alike in a light theme', async () => {
    const { page } = wb;
    await useLightTheme(page);
    await walkthroughTab().click();
    await step('audit').click();
    await paintedLight(page, page.locator('.gettingStartedContainer').first());
    for (const id of ['keyring', 'createKey', 'encrypt']) await ticked(id).waitFor({ timeout: 30_000 });
    assert.equal(await step('audit').getAttribute('aria-checked'), 'false');
    await repaint(page);
    await wb.shot('light-walkthrough');
  });
});
