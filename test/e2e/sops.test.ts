/**
 * SOPS files as a user meets them in a real VS Code: Encrypt with SOPS from the Explorer (a key picked
 * from the keyring), Edit Decrypted from the notice, change one value and save. The file on disk then
 * differs only on that value's line (plus lastmodified and mac), and it never held plaintext; a save
 * with no change writes nothing.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseMenuItem, createSymmetricKey, openFile, openWorkbench, pickItem, selectLine, toast, type Workbench } from './workbench';

const PLAIN = `# settings of the demo service
service:
    user: admin
    password: hunter2-original
    port: 5432
public_unencrypted: hello
`;
const NEW_SECRET = 'sops-e2e-new-secret-7f3a';

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesContaining(path, needle));
    else if (entry.isFile() && statSync(path).size < 5_000_000 && readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

describe('SOPS files (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench('sops');
    await createSymmetricKey(wb, 'e2e-sops');
  });
  afterEach(async () => {
    await wb?.shot('end-of-test');
  });
  after(async () => {
    await wb?.close();
  });

  it('encrypts a YAML file from the Explorer, edits it decrypted and saves only the changed value', async () => {
    const { page } = wb;
    const file = join(wb.workspace, 'secrets.yaml');
    writeFileSync(file, PLAIN);
    await page.keyboard.press('Control+Shift+E');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^secrets\.yaml$/ }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    await chooseMenuItem(page, 'Encrypt with SOPS');
    await pickItem(page, 'alias/e2e-sops');
    const notice = await toast(wb, 'Encrypted secrets.yaml with SOPS');
    await wb.shot('encrypted');
    const encrypted = readFileSync(file, 'utf8');
    assert.ok(!encrypted.includes('hunter2') && !encrypted.includes('admin') && !encrypted.includes('demo service'), 'no plaintext on disk');
    assert.match(encrypted, /^sops:\n {4}kms:\n {8}- arn: arn:aws:kms:/m);
    assert.match(encrypted, /^public_unencrypted: hello$/m);

    await notice.getByRole('button', { name: 'Edit Decrypted' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'secrets.yaml' }).waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: 'hunter2-original' }).filter({ visible: true }).waitFor({ timeout: 30_000 });
    await wb.shot('decrypted-editor');

    await selectLine(page, 4);
    // Home goes to the first non-blank character: the selection is the line without its indentation.
    await page.keyboard.type(`password: ${NEW_SECRET}`);
    await page.keyboard.press('Control+S');
    const saved = await (async () => {
      for (let i = 0; i < 100; i++) {
        const now = readFileSync(file, 'utf8');
        if (now !== encrypted) return now;
        await page.waitForTimeout(200);
      }
      throw new Error('the SOPS file was not saved');
    })();
    await wb.shot('saved');
    const before = encrypted.split('\n');
    const after = saved.split('\n');
    assert.equal(after.length, before.length);
    const changed = after.flatMap((line, i) => (line === before[i] ? [] : [line.trim().split(':')[0]]));
    assert.deepEqual(changed, ['password', 'lastmodified', 'mac']);
    assert.deepEqual(filesContaining(wb.workspace, NEW_SECRET), [], 'the new value is on disk only encrypted');
    assert.deepEqual(filesContaining(wb.workspace, 'hunter2-original'), []);
    // Nor in code-server's own files (local history, backups of unsaved editors).
    assert.deepEqual(filesContaining(wb.userDataDir, NEW_SECRET), [], 'no copy in the editor\'s user data');

    // An explicit save with no change reaches the file system provider, which writes nothing (as sops edit).
    await page.keyboard.press('Control+S');
    const logs = join(wb.userDataDir, 'logs');
    for (let i = 0; i < 100 && !filesContaining(logs, 'secrets.yaml has not changed: nothing written').length; i++) await page.waitForTimeout(200);
    assert.equal(filesContaining(logs, 'secrets.yaml has not changed: nothing written').length, 1, 'the unchanged save reached the provider');
    assert.equal(readFileSync(file, 'utf8'), saved, 'an unchanged save leaves the file as it was');
  });

  it('marks a SOPS file whose values were swapped between keys with a diagnostic', async () => {
    const { page } = wb;
    const encrypted = readFileSync(join(wb.workspace, 'secrets.yaml'), 'utf8');
    const lines = encrypted.split('\n');
    // Two values moved between keys: each still decrypts under its own key path only, so this is refused.
    const user = lines.findIndex((l) => l.trim().startsWith('user:'));
    const port = lines.findIndex((l) => l.trim().startsWith('port:'));
    [lines[user], lines[port]] = [`    user:${lines[port].split(':').slice(1).join(':')}`, `    port:${lines[user].split(':').slice(1).join(':')}`];
    writeFileSync(join(wb.workspace, 'swapped.yaml'), lines.join('\n'));
    await openFile(page, 'swapped.yaml');
    await toast(wb, 'swapped.yaml is a SOPS file');
    await page.locator('.monaco-editor .squiggly-error').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    // On the line of the value that does not authenticate (service.user, line 3).
    await page.locator('.markers-panel .monaco-list-row', { hasText: /value at "service\.user" does not authenticate.*Ln 3, Col 1/ }).waitFor({ timeout: 30_000 });
    await wb.shot('tampered-diagnostic');
  });
});
