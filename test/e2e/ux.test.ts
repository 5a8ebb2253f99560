/**
 * Every message a way forward, as a new user meets it in a real VS Code: the welcome of an empty keyring,
 * key rows that say what matters, a decrypted view titled apart from the real file, an error that names its
 * cause and fixes it with one button, and an audit log that hides the extension's own reads behind a toggle.
 * Success messages carry their follow-up ([Reveal]/[Open], [Cancel Deletion]), the key picker lists only keys
 * actually used as "recently used", and the audit panel reads unambiguous dates and is one Tab stop.
 * The last step takes the same views again in a light theme, with the error path of a disabled key and its
 * [Enable Key] button.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerInput, chooseMenuItem, createSymmetricKey, openKeyringView, openWorkbench, paintedLight, pickItem, repaint, runCommand, settled, toast, treeRow, useLightTheme, type Workbench } from './workbench';

describe('Every message a way forward (code-server + Chromium)', { timeout: 20 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('ux');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  const explorerRow = (name: string) => wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }).first();
  const auditPanel = () => wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  it('welcomes an empty keyring with its first steps', async () => {
    const { page } = wb;
    await openKeyringView(page);
    await treeRow(page, 'No keys yet: create a key…').waitFor({ timeout: 30_000 });
    await treeRow(page, 'Open the walkthrough').waitFor();
    await treeRow(page, 'Encrypt a sample file (notes.txt)…').waitFor();
    await wb.shot('empty-keyring-welcome');
  });

  it('labels a key by what decides a choice, and opens its details on click', async () => {
    const { page } = wb;
    const row = await createSymmetricKey(wb, 'e2e-ux');
    await treeRow(page, /Local keyring.*· 1 key\b/).waitFor();
    await treeRow(page, /^Symmetric$/).waitFor();
    assert.match((await row.textContent()) ?? '', /alias\/e2e-ux\s*encrypt\/decrypt/);
    assert.doesNotMatch((await row.textContent()) ?? '', /Enabled|SYMMETRIC_DEFAULT/);
    await wb.shot('tree-labels');
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'e2e-ux (key details)' }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: '| Automatic rotation | off |' }).filter({ visible: true }).waitFor();
    await wb.shot('key-details');
  });

  it('titles the decrypted view apart from the real file, read-only with a message', async () => {
    const { page } = wb;
    await page.keyboard.press('Control+Shift+E');
    await explorerRow('notes.txt').click({ button: 'right' });
    await chooseMenuItem(page, 'Encrypt File');
    // A key that was only created is not "recently used".
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'alias/e2e-ux' }).first().waitFor();
    assert.doesNotMatch((await page.locator('.quick-input-list').textContent()) ?? '', /recently used/);
    await pickItem(page, 'alias/e2e-ux');
    const encrypted = await toast(wb, 'Encrypted notes.txt → notes.txt.encrypted.');
    await encrypted.locator('.monaco-button', { hasText: /^Reveal$/ }).waitFor();
    await encrypted.locator('.monaco-button', { hasText: /^Open$/ }).waitFor();
    await wb.shot('encrypted-follow-ups');
    await explorerRow('notes.txt.encrypted').waitFor({ timeout: 30_000 });
    await explorerRow('notes.txt.encrypted').click({ button: 'right' });
    await chooseMenuItem(page, 'Open Decrypted (Read-Only)');
    await page.locator('.tabs-container .tab.active', { hasText: 'notes.txt.encrypted (decrypted)' }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: 'Right-click this file' }).filter({ visible: true }).waitFor();
    await page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first().click();
    await page.keyboard.type('x');
    await page.locator('.monaco-editor-overlaymessage', { hasText: 'Decrypted in memory and read-only' }).waitFor();
    await wb.shot('decrypted-tab');
  });

  it('offers the key it used under "recently used", and [Open] shows the new file decrypted', async () => {
    const { page } = wb;
    await page.keyboard.press('Control+Shift+E');
    await explorerRow('README.md').click({ button: 'right' });
    await chooseMenuItem(page, 'Encrypt File');
    // The heading is drawn on the first row of its group.
    const first = page.locator('.quick-input-list .monaco-list-row').filter({ visible: true }).first();
    await first.filter({ hasText: 'recently used' }).waitFor();
    assert.match((await first.textContent()) ?? '', /alias\/e2e-ux/);
    await wb.shot('picker-recently-used');
    await pickItem(page, 'alias/e2e-ux');
    await toast(wb, 'Encrypted README.md → README.md.encrypted.');
    // toast() gives all the toasts; the earlier file's is still there, with its own buttons.
    await page.locator('.notification-toast', { hasText: 'Encrypted README.md' }).locator('.monaco-button', { hasText: /^Open$/ }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'README.md.encrypted (decrypted)' }).waitFor({ timeout: 30_000 });
    await wb.shot('opened-from-follow-up');
  });

  it('says why a file cannot be decrypted, and fixes it with one button', async () => {
    const { page } = wb;
    // Key actions are on the key's context menu (the palette hides them: they need a key).
    await openKeyringView(page);
    await treeRow(page, 'alias/e2e-ux').click({ button: 'right' });
    await chooseMenuItem(page, 'Schedule Key Deletion…', 'alias/e2e-ux');
    await answerInput(page, 'alias/e2e-ux', /Schedule deletion of alias\/e2e-ux/);
    await answerInput(page, '7', /Waiting period/);
    const scheduled = await toast(wb, 'alias/e2e-ux will be deleted on');
    await scheduled.locator('.monaco-button', { hasText: 'Cancel Deletion' }).waitFor();
    await wb.shot('deletion-scheduled-with-undo');

    await page.keyboard.press('Control+Shift+E');
    await explorerRow('notes.txt.encrypted').click({ button: 'right' });
    await chooseMenuItem(page, 'Open Decrypted (Read-Only)');
    const warning = await toast(wb, 'Cannot decrypt notes.txt.encrypted: the key alias/e2e-ux');
    const text = (await warning.textContent()) ?? '';
    assert.match(text, /is pending deletion\. Cancel its deletion to use it again\./);
    assert.doesNotMatch(text, /CodeExpectedError|kms-decrypted:|%2F|KMSInvalidStateException/);
    await warning.locator('.monaco-button', { hasText: 'Cancel Key Deletion' }).waitFor();
    await settled(page, warning);
    await wb.shot('error-with-action');
    await warning.locator('.monaco-button', { hasText: 'Cancel Key Deletion' }).click();
    await toast(wb, 'Deletion of alias/e2e-ux cancelled');
    await openKeyringView(page); // the Explorer was in front for the file's menu
    await treeRow(page, /alias\/e2e-ux\s*disabled/).waitFor({ timeout: 30_000 });
    await wb.shot('deletion-cancelled');
  });

  it("hides the extension's own reads behind a visible toggle that counts them", async () => {
    const { page } = wb;
    await runCommand(page, 'KMS: Open Audit Log');
    const panel = auditPanel();
    const toggle = panel.locator('#filter-own-label', { hasText: /Show the extension's own reads \([1-9]\d*\)/ });
    await toggle.waitFor({ timeout: 30_000 });
    await panel.locator('#summary', { hasText: /^\d+ events$/ }).waitFor();
    const hidden = await panel.locator('#events-body tr').allTextContents();
    assert.ok(hidden.some((t) => t.includes('CreateKey')), 'the user\'s calls are listed');
    assert.ok(!hidden.some((t) => t.includes('ListKeys')), 'the tree\'s listings are hidden');
    await panel.locator('#cost-by-key tr', { hasText: "The extension's own reads" }).waitFor();
    await wb.shot('audit-own-reads-hidden');
    await panel.locator('#filter-own').check();
    await panel.locator('#events-body tr', { hasText: 'ListKeys' }).first().waitFor();
    await wb.shot('audit-own-reads-shown');
  });

  it('reads dates as YYYY-MM-DD hh:mm, names keys by alias and ID, and is one Tab stop', async () => {
    const panel = auditPanel();
    // The alias comes from the cost estimate's key listing: the view is redrawn with it.
    await panel.locator('#events-body tr', { hasText: /CreateKey.*alias\/e2e-ux \([0-9a-f-]{36}\)/ }).first().waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('#filter-from').getAttribute('placeholder'), 'YYYY-MM-DD hh:mm');
    await panel.locator('#filter-from').fill('2000-01-01 00:00');
    await panel.locator('#summary', { hasText: /^\d+ events$/ }).waitFor();
    assert.equal(await panel.locator('#problems li').count(), 0);
    await panel.locator('#filter-to').fill('01/02/2026');
    await panel.locator('#problems li', { hasText: 'To is not a date and time (YYYY-MM-DD hh:mm, UTC).' }).waitFor();
    await wb.shot('audit-dates-dark');
    await panel.locator('#filter-to').fill('');
    await panel.locator('#problems li').first().waitFor({ state: 'detached' });
    assert.equal(await panel.locator('#events-body tr[tabindex="0"]').count(), 1, 'one row is the table\'s Tab stop');
    // Tab into the table lands on its one stop; the next Tab leaves the table.
    await panel.locator('#refresh').focus();
    await wb.page.keyboard.press('Tab');
    const first = panel.locator('#events-body tr').first();
    assert.equal(await first.evaluate((el) => el === document.activeElement), true);
    await wb.page.keyboard.press('ArrowDown');
    const second = panel.locator('#events-body tr').nth(1);
    assert.equal(await second.evaluate((el) => el === document.activeElement && el.getAttribute('tabindex') === '0'), true);
    await wb.page.keyboard.press('Tab');
    assert.equal(await panel.locator('#events-body').evaluate((body) => body.contains(document.activeElement)), false);
    await panel.locator('#cost .hint', { hasText: 'The whole log, whatever the filters above select.' }).waitFor();
    await wb.shot('audit-table-one-tab-stop');
  });

  it('reads alike in a light theme, the error path and its action button too', async () => {
    const { page } = wb;
    await useLightTheme(page);
    await page.locator('.tabs-container .tab', { hasText: 'KMS Audit Log' }).click();
    await auditPanel().locator('#filter-to').fill('01/02/2026');
    await auditPanel().locator('#problems li').first().waitFor();
    await paintedLight(page, auditPanel().locator('body'));
    await repaint(page);
    await wb.shot('light-audit');
    await page.locator('.tabs-container .tab', { hasText: '(decrypted)' }).first().click();
    await openKeyringView(page);
    await treeRow(page, 'alias/e2e-ux').waitFor();
    await repaint(page);
    await wb.shot('light-tree-and-decrypted');

    // The key is disabled since its deletion was cancelled: opening the file again decrypts again, and fails.
    await page.keyboard.press('Control+Shift+E');
    await explorerRow('notes.txt.encrypted').click({ button: 'right' });
    await chooseMenuItem(page, 'Open Decrypted (Read-Only)');
    const warning = await toast(wb, 'Cannot decrypt notes.txt.encrypted: the key alias/e2e-ux');
    const text = (await warning.textContent()) ?? '';
    assert.match(text, /is disabled\. Enable it to use it again\./);
    assert.doesNotMatch(text, /CodeExpectedError|kms-decrypted:|%2F|DisabledException/);
    await warning.locator('.monaco-button', { hasText: 'Enable Key' }).waitFor();
    await settled(page, warning);
    await wb.shot('light-error-with-action');
    await warning.locator('.monaco-button', { hasText: 'Enable Key' }).click();
    await openKeyringView(page);
    await treeRow(page, /alias\/e2e-ux\s*encrypt\/decrypt/).waitFor({ timeout: 30_000 });
    assert.doesNotMatch((await treeRow(page, 'alias/e2e-ux').textContent()) ?? '', /disabled/);
    await wb.shot('light-key-enabled');
  });
});
