/**
 * The audit panel in a real VS Code: over the keyring folder's log, where the core recorded a create,
 * two encrypts and a refused decrypt (beside whatever the extension's own listing calls add), it lists
 * the events, filters them by operation and by result, verifies the chain, and exports them to a file it opens.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KmsService } from '../../src-core/kms/service';
import { MemoryKeyringStore } from '../../src-core/kms/memory-store';
import { createPolicyAuthorizer } from '../../src-core/policy/authorizer';
import { openFileAuditSink } from '../../src-node/audit/file-audit-sink';
import { nodeRandom, openLocalKms, wallClock } from '../../src-node/host';
import { openWorkbench, runCommand, toast, type Workbench } from './workbench';

/** Calls recorded the way the keyring records them: through the core, into the log in the keyring folder. */
async function seedAuditLog(dataDir: string): Promise<void> {
  const audit = await openFileAuditSink({ dir: dataDir });
  const service = new KmsService({ store: new MemoryKeyringStore(), clock: wallClock, random: nodeRandom, authorizer: createPolicyAuthorizer(), audit });
  const caller = (await openLocalKms({ inMemory: true })).defaultCaller();
  const { output } = await service.call('CreateKey', { Description: 'audited' }, caller);
  const keyId = (output as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
  await service.call('Encrypt', { KeyId: keyId, Plaintext: Buffer.from('one').toString('base64') }, caller);
  await service.call('Encrypt', { KeyId: keyId, Plaintext: Buffer.from('two').toString('base64') }, caller);
  await service.call('Decrypt', { CiphertextBlob: Buffer.from('not a ciphertext').toString('base64') }, caller).catch(() => undefined);
}

describe('Audit panel (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('audit');
    await seedAuditLog(wb.dataDir);
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it('lists the events, verifies the chain and filters by operation and result', async () => {
    const { page } = wb;
    await runCommand(page, 'KMS: Open Audit Log');
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#summary', { hasText: /^\d+ events$/ }).waitFor({ timeout: 30_000 });
    await panel.locator('#chain-status', { hasText: /intact/i }).waitFor();
    await wb.shot('audit-panel');
    assert.ok((await panel.locator('#events-body tr').count()) >= 4);

    await panel.locator('#filter-operation').selectOption('Encrypt');
    await panel.locator('#summary', { hasText: /^2 of \d+ events match$/ }).waitFor();
    await wb.shot('filtered-by-operation');

    await panel.locator('#filter-operation').selectOption('');
    await panel.locator('#filter-result').selectOption('*');
    await panel.locator('#summary', { hasText: /^1 of \d+ events match$/ }).waitFor();
    assert.match((await panel.locator('#events-body tr').first().textContent()) ?? '', /Decrypt/);
    await panel.locator('#events-body tr').first().focus();
    await page.keyboard.press('Enter');
    await panel.locator('#details:not([hidden])').waitFor();
    await wb.shot('event-details');
  });

  it('exports the events as CloudTrail JSON, and [Open File] opens the export', async () => {
    const { page } = wb;
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#export-json').click();
    // code-server's save dialog is a quick input holding the proposed path in the workspace folder.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30_000 });
    // It shows the folder first, then completes the proposed name.
    const proposed = /kms-audit-\d{4}-\d{2}-\d{2}\.json$/;
    for (let tries = 0; tries < 40 && !proposed.test(await input.inputValue()); tries++) await page.waitForTimeout(250);
    const name = proposed.exec(await input.inputValue())?.[0];
    assert.ok(name, `proposed path: ${await input.inputValue()}`);
    await wb.shot('audit-export-save-dialog');
    await input.press('Enter');
    const done = await toast(wb, `audit events to ${name}`);
    assert.match((await done.textContent()) ?? '', /Exported \d+ audit events/);
    await wb.shot('audit-exported');
    await done.locator('.monaco-button', { hasText: 'Open File' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: '"Records"' }).filter({ visible: true }).waitFor();
    await wb.shot('audit-export-opened');
  });
});
