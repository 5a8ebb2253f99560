/** The Keyring view in a real VS Code: it shows the local keyring and creates a key through the guided flow. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerInput, openKeyringView, openWorkbench, pickItem, treeRow, type Workbench } from './workbench';

describe('Keyring view (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('keyring');
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the local keyring in the activity bar view', async () => {
    await openKeyringView(wb.page);
    await wb.shot('keyring-view');
    assert.match((await treeRow(wb.page, 'Local keyring').textContent()) ?? '', /Local keyring/);
  });

  it('creates a symmetric key with an alias from the view title', async () => {
    const { page } = wb;
    await page.locator('[id="workbench.view.extension.kmsWorkbench"]').hover();
    await page.locator('.pane-header [aria-label="Create Key…"], .title-actions [aria-label="Create Key…"]').first().click();
    await pickItem(page, 'SYMMETRIC_DEFAULT');
    await wb.shot('create-key-spec');
    await pickItem(page, 'KMS');
    await pickItem(page, 'Single-Region key');
    await answerInput(page, 'e2e-app', /Alias/);
    await answerInput(page, 'made by the e2e test', /Description/);
    await answerInput(page, 'team=e2e', /Tags/);
    const row = treeRow(page, 'alias/e2e-app');
    await row.waitFor({ timeout: 30_000 });
    await wb.shot('key-created');
    assert.match((await row.textContent()) ?? '', /Enabled · SYMMETRIC_DEFAULT/);
  });
});
