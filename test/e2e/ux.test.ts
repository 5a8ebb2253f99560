/**
 * Every message a way forward, as a new user meets it in a real VS Code: the welcome of an empty keyring,
 * key rows that say what matters, a decrypted view titled apart from the real file, an error that names its
 * cause and fixes it with one button, and an audit log that hides the extension's own reads behind a toggle.
 * The last step takes the same views again in a light theme.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerInput, chooseMenuItem, createSymmetricKey, openKeyringView, openWorkbench, pickItem, runCommand, toast, treeRow, type Workbench } from './workbench';

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
    await pickItem(page, 'alias/e2e-ux');
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

  it('says why a file cannot be decrypted, and fixes it with one button', async () => {
    const { page } = wb;
    // Key actions are on the key's context menu (the palette hides them: they need a key).
    await openKeyringView(page);
    await treeRow(page, 'alias/e2e-ux').click({ button: 'right' });
    await chooseMenuItem(page, 'Schedule Key Deletion…', 'alias/e2e-ux');
    await answerInput(page, 'alias/e2e-ux', /Schedule deletion of alias\/e2e-ux/);
    await answerInput(page, '7', /Waiting period/);
    await toast(wb, 'alias/e2e-ux will be deleted on');

    await page.keyboard.press('Control+Shift+E');
    await explorerRow('notes.txt.encrypted').click({ button: 'right' });
    await chooseMenuItem(page, 'Open Decrypted (Read-Only)');
    const warning = await toast(wb, 'Cannot decrypt notes.txt.encrypted: the key alias/e2e-ux');
    const text = (await warning.textContent()) ?? '';
    assert.match(text, /is pending deletion\. Cancel its deletion to use it again\./);
    assert.doesNotMatch(text, /CodeExpectedError|kms-decrypted:|%2F|KMSInvalidStateException/);
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

  it('reads alike in a light theme', async () => {
    const { page } = wb;
    // Ctrl+K Ctrl+T opens the installed themes (typing the command's name can land on the Marketplace's).
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    await pickItem(page, 'Light Modern');
    await page.locator('.monaco-workbench.vs').waitFor();
    await wb.shot('light-audit');
    await page.locator('.tabs-container .tab', { hasText: 'notes.txt.encrypted (decrypted)' }).click();
    await openKeyringView(page);
    await treeRow(page, 'alias/e2e-ux').waitFor();
    await wb.shot('light-tree-and-decrypted');
  });
});
