/**
 * The end-to-end harness: code-server (prepared and cached by scripts/e2e/code-server.mjs) with this
 * extension loaded from source, a throwaway profile, keyring folder and copy of sample-workspace/,
 * driven by Debian's Chromium through playwright-core. Every step is screenshotted into
 * test-results/e2e/<suite>/ so a failure can be looked at afterwards.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  /** code-server's user-data folder of this run (its logs/ hold the extension's log). */
  userDataDir: string;
  /** Saves `<n>-<name>.png` into this suite's results folder. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds nothing: `npm test` builds dist/ before the tests, and so must a lone run (`npm run build`).
 * `options.settings` adds user settings for one suite. Note that code-server, like VS Code for the web,
 * auto-saves after a delay by default (`files.autoSave` is `afterDelay` unless a suite says otherwise).
 * With KMSW_E2E_VSIX set (e.g. `npm run package && KMSW_E2E_VSIX=dist/kms-workbench-linux-x64.vsix npm run test:e2e`;
 * `npm run package` names the .vsix after the platform it targets) the packaged extension is installed
 * instead of the built source tree.
 */
export async function openWorkbench(suite: string, options: { settings?: Record<string, unknown> } = {}): Promise<Workbench> {
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
      ...(process.env.KMSW_E2E_VSIX ? { vsix: resolve(process.env.KMSW_E2E_VSIX) } : { extensionRoot: ROOT }),
      profileDir: join(scratch, 'profile'),
      settings: {
        'kmsWorkbench.local.dataDir': dataDir,
        'workbench.colorTheme': 'Default Dark Modern',
        'window.commandCenter': false,
        // Tests type whole documents: the editor must not add brackets, quotes or indentation of its own.
        'editor.autoClosingBrackets': 'never',
        'editor.autoClosingQuotes': 'never',
        'editor.autoIndent': 'none',
        'editor.autoSurround': 'never',
        ...options.settings,
      },
    });
    // launch() gives Chromium its own new, empty profile.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.folderUrl);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The view container appears once the extension is registered: its commands are in the palette then.
    await page.locator('.activitybar [aria-label^="KMS Workbench"]').first().waitFor({ timeout: 60_000 });
    let step = 0;
    const started = { server, browser };
    return {
      page,
      workspace,
      dataDir,
      userDataDir: server.userDataDir,
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
  // Enter on the input itself: an open walkthrough takes the focus back as one quick pick closes and the
  // next opens (both stay open with ignoreFocusOut), and a keypress sent to the page would go to it.
  await input.press('Enter');
}

/** Answers the open input box with `text` (possibly empty) and Enter. */
export async function answerInput(page: Page, text: string, title: string | RegExp): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  const input = page.locator('.quick-input-widget input');
  await input.fill(text);
  await input.press('Enter');
}

/** The row of the Keyring tree whose label contains `text`. */
export function treeRow(page: Page, text: string | RegExp): Locator {
  return page.locator('[id="workbench.view.extension.kmsWorkbench"] .monaco-list-row', { hasText: text }).first();
}

/** Opens the KMS Workbench view from the activity bar. */
export async function openKeyringView(page: Page): Promise<void> {
  // Clicking the activity bar icon of the view already shown would close the side bar.
  if (await treeRow(page, 'Local keyring').isVisible()) return;
  await page.locator('.activitybar [aria-label^="KMS Workbench"]').first().click();
  await treeRow(page, 'Local keyring').waitFor({ timeout: 30_000 });
}

export interface NewKey {
  alias: string;
  /** Default SYMMETRIC_DEFAULT. */
  spec?: string;
  /** The usage step's label, asked for asymmetric specs only (e.g. "Sign and verify"). */
  usage?: string;
  /** "KMS" (default) or "External". */
  origin?: string;
  description?: string;
  /** "key=value" pairs, comma-separated. */
  tags?: string;
  /** Start from the Keyring view's title bar (default) or from the command palette. */
  from?: 'view' | 'palette';
}

/** Creates a key through the guided flow, as a user would; returns its row in the Keyring tree. */
export async function createKey(wb: Workbench, key: NewKey): Promise<Locator> {
  const { page } = wb;
  await openKeyringView(page);
  if (key.from === 'palette') {
    await runCommand(page, 'KMS: Create Key…');
  } else {
    await page.locator('[id="workbench.view.extension.kmsWorkbench"]').hover();
    await page.locator('.pane-header [aria-label="Create Key…"], .title-actions [aria-label="Create Key…"]').first().click();
  }
  await pickItem(page, key.spec ?? 'SYMMETRIC_DEFAULT');
  await wb.shot('create-key-spec');
  if (key.usage) await pickItem(page, key.usage);
  await pickItem(page, key.origin ?? 'KMS');
  await pickItem(page, 'Single-Region key');
  await answerInput(page, key.alias, /Alias/);
  await answerInput(page, key.description ?? '', /Description/);
  await answerInput(page, key.tags ?? '', /Tags/);
  const row = treeRow(page, `alias/${key.alias}`);
  await row.waitFor({ timeout: 30_000 });
  return row;
}

/** A symmetric key with a description and a tag, created from the Keyring view's title bar. */
export async function createSymmetricKey(wb: Workbench, alias: string): Promise<Locator> {
  return createKey(wb, { alias, description: 'made by the e2e test', tags: 'team=e2e' });
}

/** Picks `label` in a context menu that is open (editor or Explorer). */
export async function chooseMenuItem(page: Page, label: string, forKey?: string): Promise<void> {
  // Menus closed earlier stay in the DOM, hidden: only the visible one counts.
  // A mouse-up right after the menu opens can be ignored (it guards against the opening right-click's
  // release), so focus the item by pointing at it and confirm with the keyboard, as a user may.
  const item = page.getByRole('menuitem', { name: label }).filter({ visible: true }).first();
  await item.hover();
  await page.keyboard.press('Enter');
  await item.waitFor({ state: 'hidden' });
  if (forKey === undefined) return;
  // When the tree redraws the row under the open menu (a refresh after the previous step), VS Code runs
  // the command without its row and the command asks which key: answer it as a user would.
  const keyPicker = page.locator('.quick-input-widget input[placeholder="Pick a key"]').filter({ visible: true });
  if (await keyPicker.waitFor({ timeout: 1500 }).then(() => true, () => false)) await pickItem(page, forKey);
}

/**
 * Waits until `part` is painted on a light background (the sum of its RGB channels above 600): its own, or
 * its nearest ancestor's when its own is transparent.
 */
export async function paintedLight(page: Page, part: Locator, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let background = '';
  while (Date.now() < deadline) {
    background = await part.evaluate((el) => {
      for (let at: Element | null = el; at; at = at.parentElement) {
        const color = getComputedStyle(at).backgroundColor;
        if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') return color;
      }
      return '';
    });
    if ((background.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, c) => sum + Number(c), 0) > 600) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`still painted ${background} after ${timeout} ms`);
}

/** Switches the window to the installed "Light Modern" theme, as a user would, and waits until it is painted. */
export async function useLightTheme(page: Page): Promise<void> {
  // Ctrl+K Ctrl+T opens the installed themes (typing the command's name can land on the Marketplace's).
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await pickItem(page, 'Light Modern');
  // The picker previews a theme while open: the choice holds once it has closed.
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // The theme's class comes before its colours (its extension activates first): wait for light pixels.
  await paintedLight(page, page.locator('.part.sidebar'));
}

/** Lets the page paint anew: its last composited frame can still be the previous theme's. */
export async function repaint(page: Page): Promise<void> {
  await page.mouse.move(700, 450);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Waits until `part` has finished moving in (a toast slides and fades in): for screenshots that show it whole. */
export async function settled(page: Page, part: Locator): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await part.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
}

/** Opens a workspace file through Quick Open. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  await page.locator('.editor-instance .monaco-editor.focused').waitFor();
}

/** Selects one whole line of the active editor. */
export async function selectLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
}

/** The visible text of the active editor. */
export async function editorText(page: Page): Promise<string> {
  return (await page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first().textContent()) ?? '';
}

/**
 * Waits for a notification toast that contains `text`. When none comes, the error says what the
 * window showed instead (toasts, dialog, quick input) and the end of the extension's log, so a failure
 * in CI can be understood from its output alone.
 */
export async function toast(wb: Workbench, text: string, timeout = 30_000): Promise<Locator> {
  const found = wb.page.locator('.notifications-toasts', { hasText: text });
  try {
    await found.waitFor({ timeout });
    return found;
  } catch (error) {
    throw new Error(`no notification with "${text}" within ${timeout} ms.\n${await describeScreen(wb)}`, { cause: error });
  }
}

async function describeScreen(wb: Workbench): Promise<string> {
  const visibleText = async (selector: string) =>
    (await wb.page.locator(selector).filter({ visible: true }).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const lines = [
    `toasts: ${JSON.stringify(await visibleText('.notifications-toasts .notification-toast'))}`,
    `dialog: ${JSON.stringify(await visibleText('.monaco-dialog-box'))}`,
    `quick input: ${JSON.stringify(await visibleText('.quick-input-widget'))}`,
    `extension log (end):\n${extensionLogTail(wb.userDataDir)}`,
  ];
  return lines.join('\n');
}

/** The last lines of every "KMS Workbench" log VS Code wrote for this run. */
function extensionLogTail(userDataDir: string, lines = 40): string {
  const logs: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.includes('KMS Workbench') && entry.name.endsWith('.log')) logs.push(path);
    }
  };
  try {
    walk(join(userDataDir, 'logs'));
  } catch {
    return '(no logs folder)';
  }
  return logs.map((path) => readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')).join('\n') || '(no KMS Workbench log)';
}
