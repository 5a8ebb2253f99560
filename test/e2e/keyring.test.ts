/**
 * The Keyring view in a real VS Code: it shows the local keyring, creates a key through the guided flow,
 * changes its state, and the language server warns about that key in any file that names it.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseMenuItem, createSymmetricKey, openFile, openKeyringView, openWorkbench, treeRow, type Workbench } from './workbench';

describe('Keyring view (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('keyring');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
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
    // The usage decides a choice; the state shows only when it is not Enabled, and the group says the spec.
    assert.match((await row.textContent()) ?? '', /alias\/e2e-app\s*encrypt\/decrypt/);
    assert.doesNotMatch((await row.textContent()) ?? '', /Enabled|SYMMETRIC_DEFAULT/);
  });

  it('shows the key details and disables the key from its context menu', async () => {
    const { page } = wb;
    await treeRow(page, 'alias/e2e-app').click({ button: 'right' });
    await chooseMenuItem(page, 'Show Key Details', 'alias/e2e-app');
    // A readable view titled with the alias, not a <uuid>.json of raw DescribeKey output.
    await page.locator('.tabs-container .tab.active', { hasText: 'e2e-app (key details)' }).waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: '| Spec | SYMMETRIC_DEFAULT |' }).filter({ visible: true }).waitFor();
    await wb.shot('key-details');

    await treeRow(page, 'alias/e2e-app').click({ button: 'right' });
    await chooseMenuItem(page, 'Disable Key', 'alias/e2e-app');
    await treeRow(page, /alias\/e2e-app\s*disabled/).waitFor();
    await wb.shot('key-disabled');
    assert.match((await treeRow(page, 'alias/e2e-app').textContent()) ?? '', /alias\/e2e-app\s*disabled · encrypt\/decrypt/);
  });

  it('warns in any file that names the disabled key, from what the keyring holds', async () => {
    const { page } = wb;
    writeFileSync(join(wb.workspace, 'deploy.env'), 'APP_KMS_KEY=alias/e2e-app\n');
    await openFile(page, 'deploy.env');
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'is disabled: requests that use it fail until it is enabled' });
    await problem.waitFor({ timeout: 30_000 });
    await wb.shot('disabled-key-warning');
    assert.match((await problem.textContent()) ?? '', /alias\/e2e-app/);
  });
});
