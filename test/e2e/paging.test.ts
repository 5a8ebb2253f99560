/**
 * A keyring made by `kmsw` (its own root.key) opened by the extension, which adopts that root key, and
 * listed a page at a time: 120 keys show as "100+" with a "Load more keys…" row, then all of them; the
 * filter narrows the view to one alias.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openLocalKms } from '../../src-node/host';
import { answerInput, openKeyringView, openWorkbench, treeRow, type Workbench } from './workbench';

const KEYS = 120;

async function seedKeyring(dataDir: string): Promise<void> {
  const kms = await openLocalKms({ dataDir, env: {} });
  try {
    const caller = kms.defaultCaller();
    for (let i = 0; i < KEYS; i++) {
      const { output } = await kms.service.call('CreateKey', { Description: `seeded ${i}` }, caller);
      if (i === 7) await kms.service.call('CreateAlias', { AliasName: 'alias/needle', TargetKeyId: (output as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId }, caller);
    }
  } finally {
    await kms.close();
  }
}

describe('Keyring paging and filter (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('paging');
    await seedKeyring(wb.dataDir); // before the view opens: the extension opens the keyring on first use
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it('lists the first page, then the rest on "Load more keys…"', async () => {
    const { page } = wb;
    await openKeyringView(page);
    await treeRow(page, /Local keyring.*100\+ keys/).waitFor({ timeout: 30_000 });
    await wb.shot('first-page');
    // The tree draws only the rows in view: go to its last row, where "Load more keys…" is.
    await page.locator('[id="workbench.view.extension.kmsWorkbench"] .monaco-list').first().hover();
    for (let i = 0; i < 40 && !(await treeRow(page, 'Load more keys…').isVisible()); i++) await page.mouse.wheel(0, 2000);
    await treeRow(page, 'Load more keys…').click();
    // The last page is in when its row goes away. The connection's own row is scrolled out of view (the
    // tree shows only a sticky copy of it at the top): scroll back to the top to read it.
    await treeRow(page, 'Load more keys…').waitFor({ state: 'detached', timeout: 30_000 });
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -5000);
    await treeRow(page, new RegExp(`Local keyring.*${KEYS} keys`)).waitFor({ timeout: 30_000 });
    await wb.shot('all-keys');
    assert.equal(await treeRow(page, 'Load more keys…').count(), 0);
  });

  it('filters the keys by alias', async () => {
    const { page } = wb;
    await page.locator('[id="workbench.view.extension.kmsWorkbench"]').hover();
    await page.locator('.pane-header [aria-label="Filter Keys…"], .title-actions [aria-label="Filter Keys…"]').first().click();
    await answerInput(page, 'needle', /Filter keys/);
    await treeRow(page, /filter: needle/).waitFor();
    await treeRow(page, 'alias/needle').waitFor();
    await wb.shot('filtered');
    assert.equal(await page.locator('[id="workbench.view.extension.kmsWorkbench"] .monaco-list-row', { hasText: 'seeded' }).count(), 0);
  });
});
