/**
 * The end-to-end harness: code-server (prepared and cached by scripts/e2e/code-server.mjs) with this
 * extension loaded from source, a throwaway profile, keyring folder and copy of sample-workspace/,
 * driven by Debian's Chromium through playwright-core. Every step is screenshotted into
 * test-results/e2e/<suite>/ so a failure can be looked at afterwards.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, prepareCodeServer, startCodeServer, type CodeServer } from '../../scripts/e2e/code-server.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const RESULTS_DIR = join(ROOT, 'test-results', 'e2e');

export interface Workbench {
  page: Page;
  /** The throwaway copy of sample-workspace/ that code-server opened. */
  workspace: string;
  /** The local keyring folder of this run. */
  dataDir: string;
  /** Saves `<n>-<name>.png` into this suite's results folder. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds nothing: `npm test` builds dist/ before the tests, and so must a lone run (`npm run build`). */
export async function openWorkbench(suite: string): Promise<Workbench> {
  const { entry } = prepareCodeServer({ log: (line) => console.log(`[prepare] ${line}`) });
  const scratch = mkdtempSync(join(tmpdir(), 'kmsw-e2e-'));
  const workspace = join(scratch, 'workspace');
  const dataDir = join(scratch, 'keyring');
  cpSync(join(ROOT, 'sample-workspace'), workspace, { recursive: true });
  const shots = join(RESULTS_DIR, suite);
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  console.log(`screenshots: ${shots}`);

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      entry,
      workspace,
      extensionRoot: ROOT,
      profileDir: join(scratch, 'profile'),
      settings: { 'kmsWorkbench.local.dataDir': dataDir, 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false },
    });
    // launch() gives Chromium its own new, empty profile.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.folderUrl);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    let step = 0;
    const started = { server, browser };
    return {
      page,
      workspace,
      dataDir,
      shot: async (name) => {
        step += 1;
        await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`) });
      },
      close: async () => {
        await started.browser.close();
        await started.server.stop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** Runs a command from the palette by its full title, e.g. "KMS: Create Key…". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Answers the open quick pick by picking the row whose label is `label`. */
export async function pickItem(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Answers the open input box with `text` (possibly empty) and Enter. */
export async function answerInput(page: Page, text: string, title: string | RegExp): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  const input = page.locator('.quick-input-widget input');
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** The row of the Keyring tree whose label contains `text`. */
export function treeRow(page: Page, text: string | RegExp): Locator {
  return page.locator('[id="workbench.view.extension.kmsWorkbench"] .monaco-list-row', { hasText: text }).first();
}

/** Opens the KMS Workbench view from the activity bar. */
export async function openKeyringView(page: Page): Promise<void> {
  await page.locator('.activitybar [aria-label^="KMS Workbench"]').first().click();
  await treeRow(page, 'Local keyring').waitFor({ timeout: 30_000 });
}
