/** The Keyring view in a real VS Code: it shows the local keyring and creates a key through the guided flow. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSymmetricKey, openKeyringView, openWorkbench, treeRow, type Workbench } from './workbench';

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
    await createSymmetricKey(wb, 'e2e-app');
    const row = treeRow(page, 'alias/e2e-app');
    await row.waitFor({ timeout: 30_000 });
    await wb.shot('key-created');
    assert.match((await row.textContent()) ?? '', /Enabled · SYMMETRIC_DEFAULT/);
  });
});
