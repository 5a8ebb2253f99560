/**
 * Who can use a key, and why, in a real VS Code: the Access folder under a key says who may do what from
 * the key policy and grants, and Check Access… answers one request with the deciding statement highlighted
 * in the policy editor and what each statement made of the request. Share Key with Another Account… shows
 * the access diff naming the new account before it applies the policy, and a local call the key policy
 * denies says which statement denied it, with a button that opens the policy. The code lens at the top of
 * a workspace key policy answers the same question offline for a key ARN the user names.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerInput, chooseMenuItem, createSymmetricKey, openFile, openKeyringView, openWorkbench, pickItem, runCommand, selectLine, toast, treeRow, type Workbench } from './workbench';

describe('Access (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    // Auto-save (code-server's default) can save the edited policy before the step's Ctrl+S, which then
    // saves nothing and asks nothing; as in key-policy-editor.test.ts, saves here are the user's.
    wb = await openWorkbench('access', { settings: { 'files.autoSave': 'off' } });
    await createSymmetricKey(wb, 'e2e-access');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  /** Answers Check Access's last two questions; returns its answer, a modal dialog, and the dialog's text. */
  const answerCheckAccess = async (action: string, context: string) => {
    // The action picker follows an input box in the same widget; when it closes, focus goes back to the
    // editor for a moment, and text typed then lands in the policy. Type only once the picker has the focus.
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'which action?' }).waitFor();
    await wb.page.waitForFunction(() => document.activeElement?.closest('.quick-input-widget') != null);
    await pickItem(wb.page, action);
    await answerInput(wb.page, context, /encryption context/);
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    return { dialog, text: (await dialog.textContent()) ?? '' };
  };

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
    await chooseMenuItem(page, 'Check Access…');
    await pickItem(page, 'arn:aws:iam::123456789012:root');
    const { dialog, text } = await answerCheckAccess('kms:Decrypt', 'tenant=a');
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

  it('shares a key with another account: the confirmation names the account and what it gains', async () => {
    const { page } = wb;
    await treeRow(page, 'alias/e2e-access').click({ button: 'right' });
    await chooseMenuItem(page, 'Share Key with Another Account…');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: /Share Key with Another Account \(1\/2\)/ }).waitFor();
    await input.fill('4444');
    await page.locator('.quick-input-widget', { hasText: 'An AWS account ID is 12 digits' }).waitFor();
    await wb.shot('share-account-invalid');
    await answerInput(page, '444455556666', /Share Key with Another Account \(1\/2\)/);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: /\(2\/2\): what may account 444455556666 do\?/ }).waitFor();
    await wb.shot('share-presets');
    await page.keyboard.press('Enter'); // "Use the key" is ticked
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /every principal of account 444455556666[^+]* gains: [^\n]*Decrypt/);
    assert.match(text, /statement "Allow use of the key \(account 444455556666\)" added/);
    await wb.shot('share-access-diff');
    await dialog.locator('.monaco-button', { hasText: 'Update Key Policy' }).click();
    await toast(wb, 'Key policy of alias/e2e-access updated');
    // The key's Access folder (open since the first step) names the new account once the tree has redrawn;
    // the next step's right-click must not land while it redraws.
    await treeRow(page, 'every principal of account 444455556666').waitFor({ timeout: 30_000 });
  });

  it('a local call the key policy denies says which statement denied it, and opens the policy', async () => {
    const { page } = wb;
    const denied = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' },
        { Sid: 'No encryption here', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*' },
      ],
    }, null, 2);
    await treeRow(page, 'alias/e2e-access').click({ button: 'right' });
    await chooseMenuItem(page, 'Edit Key Policy');
    await page.locator('.tabs-container .tab.active', { hasText: '.kms-policy.json' }).waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: 'Allow use of the key (account 444455556666)' }).filter({ visible: true }).waitFor();
    const lines = page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first();
    await lines.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(denied);
    await lines.filter({ hasText: 'No encryption here' }).waitFor();
    await page.keyboard.press('Control+S');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: 'Update Key Policy' }).click();
    await toast(wb, 'Key policy of alias/e2e-access updated');

    await openFile(page, 'app.env');
    await selectLine(page, 2);
    await runCommand(page, 'KMS: Encrypt Selection');
    await pickItem(page, 'alias/e2e-access');
    const error = await toast(wb, 'Encrypt Selection failed');
    assert.match((await error.textContent()) ?? '', /Local keyring: Denied: statement "No encryption here"[^.]* explicitly denies kms:Encrypt/);
    await wb.shot('denied-with-open-policy');
    await error.locator('.monaco-button', { hasText: 'Open Key Policy' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: '.kms-policy.json' }).waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: 'No encryption here' }).filter({ visible: true }).waitFor();
    await wb.shot('denied-policy-opened');
  });
  it('gives a role of another account temporary access through a grant, with no policy change', async () => {
    const { page } = wb;
    await openKeyringView(page);
    await treeRow(page, 'alias/e2e-access').click({ button: 'right' });
    await chooseMenuItem(page, 'Share Key with Another Account…');
    await answerInput(page, '444455556666', /Share Key with Another Account \(1\/2\)/);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: /\(2\/2\)/ }).waitFor();
    const row = (text: string) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    await row('Use the key').click(); // ticked by default: this share is the grant alone
    await row('Temporary access through a grant').click();
    await wb.shot('share-temporary-grant');
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
    await answerInput(page, 'Reader', /role of account 444455556666/);
    await answerInput(page, 'project=alpha', /encryption context the grant requires/);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /arn:aws:iam::444455556666:role\/Reader may call Decrypt and DescribeKey when the encryption context includes project=alpha/);
    await wb.shot('share-temporary-grant-confirm');
    await dialog.locator('.monaco-button', { hasText: 'Create Grant' }).click();
    await toast(wb, 'lets role Reader of account 444455556666 decrypt with alias/e2e-access until it is retired or revoked');
    await wb.shot('share-temporary-grant-created');
  });

  it('the Check Access code lens of a workspace key policy decides offline and highlights the deciding statement', async () => {
    const { page } = wb;
    await openFile(page, 'key-policy.json');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Check Access…' }).filter({ visible: true }).first();
    await lens.waitFor({ timeout: 30_000 });
    await wb.shot('check-access-lens');
    await lens.click();
    await answerInput(page, 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', /the key this policy is for/);
    // Clicked, not typed: the row shows before the list is filtered, and Enter would take the first one.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Another principal…' }).click();
    await answerInput(page, 'arn:aws:iam::123456789012:role/app', /Check Access: principal/);
    const { dialog, text } = await answerCheckAccess('kms:Encrypt', '');
    assert.match(text, /kms:Encrypt: Allowed by statement "Allow use of the key by the app role"\./);
    assert.match(text, /statement "Allow use of the key by the app role" \(line 12\) Allow: applies/);
    await wb.shot('check-access-lens-answer');
    await dialog.locator('.monaco-button', { hasText: 'OK' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'key-policy.json' }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'Ln 12, Col ' }).first().waitFor();
    await wb.shot('check-access-lens-deciding-statement');

    // The highlight is drawn line by line over the statement (lines 12–18); the first edit of the policy removes it.
    const editor = page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();
    const highlight = await editor.evaluate((el) => {
      const counts = new Map<string, number>();
      for (const line of el.querySelectorAll<HTMLElement>('.view-overlays .cdr')) {
        if (line.style.width !== '100%') continue;
        for (const c of line.classList) if (c !== 'cdr') counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      return [...counts].find(([, n]) => n >= 5)?.[0];
    });
    assert.ok(highlight, 'the deciding statement is highlighted over its lines');
    await page.keyboard.type(' ');
    await editor.locator(`.view-overlays .cdr.${highlight}`).first().waitFor({ state: 'detached' });
    await wb.shot('check-access-highlight-cleared-by-edit');
    await page.keyboard.press('Control+Z');
    await page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: 'key-policy.json' }).waitFor();
  });
});
