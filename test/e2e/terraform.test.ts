/**
 * Terraform in a real VS Code: a key-policy finding in a .tf file shows in the Problems panel at the HCL place
 * kmsw lint prints, and its quick fix (an HCL edit) repairs the file; a fix that inserts a whole statement writes
 * it in HCL object syntax.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintRecords } from '../../src-node/cli/commands/lint';
import { loadHclParser } from '../../src-node/terraform/hcl-parser';
import { createSymmetricKey, openFile, openWorkbench, type Workbench } from './workbench';

const MAIN_TF = `resource "aws_kms_key" "app" {
  description = "app data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Use"
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.app.arn }
      Action    = ["kms:Decryp"]
      Resource  = "*"
    }]
  })
}
`;

/** A policy of the local keyring's account (123456789012) whose only statement lets nobody change it again. */
const LOCKOUT_TF = `resource "aws_kms_key" "logs" {
  description         = "log archive"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "App"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:role/app" }
        Action    = ["kms:Encrypt", "kms:Decrypt"]
        Resource  = "*"
      }
    ]
  })
}
`;

describe('Terraform key policies (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('terraform');
    // Written before the steps: quick open lists a file created while the window is open only after a while.
    writeFileSync(join(wb.workspace, 'lockout.tf'), LOCKOUT_TF);
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  const visibleEditor = () => wb.page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();

  /** Goes to `line:column` of the active editor, opens the quick-fix menu and applies its preferred fix, `title`. */
  async function applyPreferredFix(place: string, title: string, shot: string): Promise<void> {
    const { page } = wb;
    await visibleEditor().click({ position: { x: 200, y: 10 } });
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(`:${place}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    // The preferred fix is focused in the menu (a click is intercepted by the menu's pointer block).
    await page.locator('.action-widget .monaco-list-row.focused', { hasText: title }).waitFor();
    await wb.shot(shot);
    await page.keyboard.press('Enter');
  }

  /** Saves the active file and returns what is on disk. */
  async function saveAndRead(name: string, shot: string): Promise<string> {
    await wb.page.keyboard.press('Control+S');
    await wb.page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: name }).waitFor();
    await wb.shot(shot);
    return readFileSync(join(wb.workspace, name), 'utf8');
  }

  it('shows the finding kmsw lint prints at the same HCL place and applies its quick fix', async () => {
    const { page } = wb;
    const [record] = lintRecords('main.tf', MAIN_TF, {}, await loadHclParser()).filter((r) => r.code === 'unknown-action');
    assert.deepEqual([record.line, record.column], [9, 20]);
    writeFileSync(join(wb.workspace, 'main.tf'), MAIN_TF);
    await openFile(page, 'main.tf');

    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: new RegExp(`kms:Decryp.*Ln ${record.line}, Col ${record.column}`) });
    await problem.waitFor({ timeout: 60_000 });
    await wb.shot('problems-panel');

    await applyPreferredFix(`${record.line}:${record.column + 2}`, 'kms:Decrypt', 'quick-fix-menu');
    await visibleEditor().locator('.view-lines', { hasText: '["kms:Decrypt"]' }).waitFor();
    await problem.waitFor({ state: 'detached' });
    assert.match(await saveAndRead('main.tf', 'fixed'), /Action {4}= \["kms:Decrypt"\]/);
  });

  it('applies the lockout fix to a jsonencode policy: the account-root statement in HCL object syntax', async () => {
    const { page } = wb;
    await page.keyboard.press('Escape');
    // main.tf, fixed above, still has its lockout-risk (at Ln 5): this file's is at Ln 6.
    // The fix names the root of a keyring account the module mentions: the local keyring claims its account once it has a key.
    await createSymmetricKey(wb, 'e2e-terraform');
    await openFile(page, 'lockout.tf');

    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /No principal can call kms:PutKeyPolicy.*Ln 6, Col 5/ });
    await problem.waitFor({ timeout: 60_000 });
    await applyPreferredFix('6:7', 'Add the account-root statement', 'lockout-fix-menu');
    await visibleEditor().locator('.view-lines', { hasText: 'Enable IAM User Permissions' }).waitFor();
    await problem.waitFor({ state: 'detached' });
    const saved = await saveAndRead('lockout.tf', 'lockout-fixed');
    assert.match(saved, /Statement = \[\n {6}\{\n {8}Sid = "Enable IAM User Permissions"\n[\s\S]* {8}Principal = \{ AWS = "arn:aws:iam::123456789012:root" \}\n/);
    assert.deepEqual(lintRecords('lockout.tf', saved, { accountIds: ['123456789012'] }, await loadHclParser()).map((r) => r.code), []);
  });
});
