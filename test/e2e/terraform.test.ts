/**
 * Terraform in a real VS Code: a key-policy finding in a .tf file shows in the Problems panel at the HCL place
 * kmsw lint prints, and its quick fix (an HCL edit) repairs the file.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintRecords } from '../../src-node/cli/commands/lint';
import { loadHclParser } from '../../src-node/terraform/hcl-parser';
import { openFile, openWorkbench, type Workbench } from './workbench';

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

describe('Terraform key policies (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('terraform');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

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

    const editor = page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();
    await editor.click({ position: { x: 200, y: 10 } });
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(`:${record.line}:${record.column + 2}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    // The preferred fix is focused in the menu (a click is intercepted by the menu's pointer block).
    await page.locator('.action-widget .monaco-list-row.focused', { hasText: 'kms:Decrypt' }).waitFor();
    await wb.shot('quick-fix-menu');
    await page.keyboard.press('Enter');

    await editor.locator('.view-lines', { hasText: '["kms:Decrypt"]' }).waitFor();
    await problem.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: 'main.tf' }).waitFor();
    await wb.shot('fixed');
    assert.match(readFileSync(join(wb.workspace, 'main.tf'), 'utf8'), /Action {4}= \["kms:Decrypt"\]/);
  });
});
