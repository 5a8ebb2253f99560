/**
 * Extension activation, measured two ways on the production bundles (`node scripts/build.mjs
 * --production`, as `npm run package`; the development ones are built again at the end):
 * 1. In fresh Node processes with a stand-in `vscode` module: load dist/extension.js and run `activate()`.
 *    Reference: loading a bare bundle of @aws-sdk/client-kms alone (the cost any extension that talks to
 *    KMS pays).
 * 2. In a real VS Code (code-server, cold start each round, a JSON file opened): the activation time VS
 *    Code itself reports in "Developer: Show Running Extensions". VS Code activates the extensions waiting
 *    for one event together and each one's clock runs while the others load, so the reference is an empty
 *    extension (`activate() {}`) with the same activation events, in the same window; VS Code's built-in
 *    JSON Language Features is printed too.
 * Each prints medians and the ratio to its reference.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, prepareCodeServer, startCodeServer } from '../scripts/e2e/code-server.mjs';

const ROUNDS = 15;
const VSCODE_ROUNDS = 5;
const ROOT = join(import.meta.dirname, '..');
const EXTENSION = join(ROOT, 'dist', 'extension.js');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { activationEvents: string[] };

/** A `vscode` whose every namespace, class and function exists and returns more of the same. */
const VSCODE_STUB = `
const any = { get: (t, p) => (p === 'then' ? undefined : p in t ? t[p] : (t[p] = new Proxy(function () {}, any))),
  apply: () => new Proxy({}, any), construct: () => new Proxy({}, any) };
const names = ${JSON.stringify(['CancellationError', 'ConfigurationTarget', 'Diagnostic', 'Disposable', 'EventEmitter', 'MarkdownString', 'ProgressLocation', 'QuickPickItemKind', 'Range', 'StatusBarAlignment', 'ThemeIcon', 'TreeItem', 'TreeItemCollapsibleState', 'Uri', 'ViewColumn', 'commands', 'env', 'languages', 'window', 'workspace'])};
module.exports = Object.fromEntries(names.map((n) => [n, new Proxy(function () {}, any)]));
// Settings read as the defaults package.json declares.
const declared = [require(process.env.ROOT + '/package.json').contributes.configuration].flat();
const defaults = Object.assign({}, ...declared.map((c) => Object.fromEntries(Object.entries(c.properties).map(([k, v]) => [k, v.default]))));
module.exports.workspace.getConfiguration = (section) => ({
  get: (key, fallback) => defaults[section ? section + '.' + key : key] ?? fallback,
  has: () => false, inspect: () => undefined, update: async () => {},
});
`;

/** Runs in the child: loads the bundle, then (for the extension) activates it; prints both times. */
const PROBE = `
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? process.env.VSCODE_STUB : resolve.call(this, request, ...rest);
};
const started = performance.now();
const loaded = require(process.env.BUNDLE);
const load = performance.now() - started;
const memento = { get: () => undefined, update: async () => {}, keys: () => [] };
const context = { subscriptions: [], workspaceState: memento, globalState: memento,
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
  globalStorageUri: { fsPath: process.env.STORAGE }, extensionPath: process.env.ROOT, asAbsolutePath: (p) => p };
const activating = typeof loaded.activate === 'function' ? loaded.activate(context) : undefined;
Promise.resolve(activating).then(() => {
  console.log(JSON.stringify({ load, activate: performance.now() - started - load }));
  process.exit(0);
});
`;

interface Sample {
  load: number;
  activate: number;
}

function sample(bundle: string, dir: string): Sample {
  const env = { ...process.env, BUNDLE: bundle, VSCODE_STUB: join(dir, 'vscode.cjs'), STORAGE: join(dir, 'storage'), ROOT };
  const r = spawnSync(process.execPath, ['-e', PROBE], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loading ${bundle} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Sample;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number): string => `${x.toFixed(1).padStart(6)} ms`;
const kib = (file: string): string => `${(statSync(file).size / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kmsw-activation-'));
  try {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('production build failed');
    writeFileSync(join(dir, 'vscode.cjs'), VSCODE_STUB);
    const reference = join(dir, 'client-kms.js');
    await esbuild.build({
      stdin: { contents: "module.exports = require('@aws-sdk/client-kms');", resolveDir: ROOT },
      outfile: reference, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true,
      mainFields: ['module', 'main'], legalComments: 'none', logLevel: 'warning',
    });

    const ext: Sample[] = [];
    const ref: Sample[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Interleaved, so that other load on the machine falls on both alike.
      ext.push(sample(EXTENSION, dir));
      ref.push(sample(reference, dir));
    }
    const load = median(ext.map((s) => s.load));
    const activate = median(ext.map((s) => s.activate));
    const total = median(ext.map((s) => s.load + s.activate));
    const refLoad = median(ref.map((s) => s.load));
    console.log(`median of ${ROUNDS} fresh processes each`);
    console.log(`dist/extension.js (${kib(EXTENSION)})  load ${ms(load)}  activate ${ms(activate)}  load+activate ${ms(total)}`);
    console.log(`reference: bare @aws-sdk/client-kms bundle (${kib(reference)})  load ${ms(refLoad)}`);
    console.log(`ratio load+activate / reference load: ${(total / refLoad).toFixed(2)}x`);

    const inVsCode: InVsCode[] = [];
    for (let i = 0; i < VSCODE_ROUNDS; i++) inVsCode.push(await activationInVsCode(join(dir, `vscode-${i}`)));
    const line = (label: string, pick: (r: InVsCode) => number) =>
      console.log(`${label} ${ms(median(inVsCode.map(pick)))}   (rounds: ${inVsCode.map(pick).join(', ')} ms)`);
    console.log(`\nin code-server, as "Show Running Extensions" reports it; median of ${VSCODE_ROUNDS} cold starts; activation events: ${manifest.activationEvents.join(', ')}`);
    line('KMS Workbench', (r) => r.ours);
    line('reference: an empty extension, same activation events', (r) => r.empty);
    line('built-in JSON Language Features', (r) => r.json);
    console.log(`ratio KMS Workbench / empty extension: ${(median(inVsCode.map((r) => r.ours)) / median(inVsCode.map((r) => r.empty))).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // Leave dist/ as `npm run build` makes it: the single-file layout the e2e harness copies.
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  }
}

interface InVsCode {
  ours: number;
  empty: number;
  json: number;
}

/**
 * One cold start of code-server with the built extension and an empty one with the same activation
 * events, and a key policy opened; VS Code's Running Extensions editor then shows how long each
 * one's activation took.
 */
async function activationInVsCode(scratch: string): Promise<InVsCode> {
  const { entry } = prepareCodeServer();
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'key-policy.json'), JSON.stringify({ Version: '2012-10-17', Statement: [] }, null, 2));
  // startCodeServer keeps what the profile's extensions folder already holds.
  const empty = join(scratch, 'profile', 'extensions', 'bench.empty-1.0.0');
  mkdirSync(empty, { recursive: true });
  writeFileSync(join(empty, 'package.json'), JSON.stringify({
    name: 'empty', publisher: 'bench', version: '1.0.0', displayName: 'Empty Reference', main: './extension.js',
    engines: { vscode: '^1.80.0' }, activationEvents: manifest.activationEvents,
  }));
  writeFileSync(join(empty, 'extension.js'), 'exports.activate = () => {};\n');
  const server = await startCodeServer({
    entry, workspace, extensionRoot: ROOT, profileDir: join(scratch, 'profile'),
    settings: { 'kmsWorkbench.local.dataDir': join(scratch, 'keyring') },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.folderUrl);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const quickInput = page.locator('.quick-input-widget input');
    await page.keyboard.press('Control+P');
    await quickInput.fill('key-policy.json');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'key-policy.json' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'key-policy.json' }).waitFor();
    await page.keyboard.press('F1');
    await quickInput.fill('>Developer: Show Running Extensions');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Running Extensions' }).first().waitFor();
    await page.keyboard.press('Enter');
    const activation = async (name: string): Promise<number> => {
      const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: name }).filter({ hasText: /Activation: \d+ms/ }).first();
      await row.waitFor({ timeout: 60_000 });
      const time = /Activation: (\d+)ms/.exec(await row.innerText());
      if (!time) throw new Error(`no activation time for ${name}`);
      return Number(time[1]);
    };
    return { ours: await activation('KMS Workbench'), empty: await activation('Empty Reference'), json: await activation('JSON Language Features') };
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
