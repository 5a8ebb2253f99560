// Prepares and starts code-server (VS Code from the npm registry) for `npm start` and the e2e tests.
// VS Code builds cannot be downloaded here, so code-server is installed from npm into a cache folder
// keyed by its version (never into the project's node_modules: it must not reach the .vsix), its
// native modules are rebuilt against the local Node, and system tools come from Debian packages.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync, copyFileSync, writeFileSync, chmodSync, lstatSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = '/usr/bin/chromium';
/** Flags chromium needs on this closed network (no sandbox in containers, no GPU, no calls home). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

const SYSTEM_PACKAGES = [
  { pkg: 'libkrb5-dev', present: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h') },
  { pkg: 'ripgrep', present: () => existsSync('/usr/bin/rg') },
  { pkg: 'chromium', present: () => existsSync(CHROMIUM) },
];
const NATIVE_MODULES = ['native-watchdog', 'kerberos', '@vscode/spdlog', '@parcel/watcher', '@vscode/deviceid', 'node-pty'];

/** Raised when this machine cannot host code-server (no apt, not root, install failed). */
export class HarnessUnavailableError extends Error {
  name = 'HarnessUnavailableError';
}

export function cacheDir(version = CODE_SERVER_VERSION) {
  return process.env.KMSW_CODE_SERVER_DIR ?? join(homedir(), '.cache', 'kms-workbench', `code-server-${version}`);
}

function run(cmd, args, cwd, log) {
  log(`$ ${cmd} ${args.join(' ')}${cwd ? `   (in ${cwd})` : ''}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new HarnessUnavailableError(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})\n${tail}`);
  }
  return r.stdout;
}

function ensureSystemPackages(log) {
  const missing = SYSTEM_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new HarnessUnavailableError(`missing Debian packages (${missing.join(' ')}) and not root to install them`);
  if (!existsSync('/usr/bin/apt-get')) throw new HarnessUnavailableError(`missing packages (${missing.join(' ')}) and no apt-get`);
  run('apt-get', ['update'], undefined, log);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], undefined, log);
}

/** Runs `step` unless its stamp file exists, so a broken half-install is resumed, not redone. */
function once(dir, name, log, step) {
  const stamp = join(dir, '.steps', name);
  if (existsSync(stamp)) return;
  step();
  mkdirSync(join(dir, '.steps'), { recursive: true });
  writeFileSync(stamp, new Date().toISOString());
  log(`done: ${name}`);
}

function symlink(target, path) {
  if (existsSync(path) || isSymlink(path)) rmSync(path, { force: true });
  symlinkSync(target, path);
}

function isSymlink(path) {
  try { return lstatSync(path).isSymbolicLink(); } catch { return false; }
}

/**
 * Makes code-server runnable; idempotent and quick once done. Returns the paths to start it.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 */
export function prepareCodeServer(options = {}) {
  const log = options.log ?? (() => {});
  const version = options.version ?? CODE_SERVER_VERSION;
  const dir = cacheDir(version);
  const pkgDir = join(dir, 'node_modules', 'code-server');
  const entry = join(pkgDir, 'out', 'node', 'entry.js');
  if (existsSync(join(dir, '.steps', 'ready'))) return { dir, entry };

  ensureSystemPackages(log);
  mkdirSync(dir, { recursive: true });
  const npmGyp = ['--yes', 'node-gyp', 'rebuild', '--nodedir=/usr'];
  const vscodeDir = join(pkgDir, 'lib', 'vscode');

  once(dir, 'install', log, () => {
    // A private package.json keeps npm from walking up into an unrelated project.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kmsw-code-server-cache', private: true }));
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${version}`], dir, log);
  });
  once(dir, 'vscode-deps', log, () => run('npm', ['install', '--unsafe-perm', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vscodeDir, log));
  once(dir, 'ripgrep', log, () => {
    const binDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(binDir, { recursive: true });
    copyFileSync('/usr/bin/rg', join(binDir, 'rg'));
    chmodSync(join(binDir, 'rg'), 0o755);
  });
  for (const mod of NATIVE_MODULES) {
    once(dir, `native-${mod.replace('/', '_')}`, log, () => run('npx', npmGyp, join(vscodeDir, 'node_modules', mod), log));
  }
  once(dir, 'links', log, () => {
    symlink('node_modules', join(vscodeDir, 'node_modules.asar'));
    symlink('code-linux.sh', join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
    symlink('browser-linux.sh', join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  });
  once(dir, 'builtin-extensions', log, () => run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], join(vscodeDir, 'extensions'), log));
  once(dir, 'argon2', log, () => {
    // npm hoists argon2 next to code-server, so resolve it the way code-server will.
    const argon = dirname(createRequire(join(pkgDir, 'package.json')).resolve('argon2/package.json'));
    run('npx', [...npmGyp, '--module_name=argon2', `--module_path=${join(argon, 'lib', 'binding', 'napi-v3')}`, '--napi_build_version=3'], argon, log);
  });
  once(dir, 'ready', log, () => {});
  return { dir, entry };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 with a fresh profile, the extension either installed from a .vsix
 * or copied from a built source tree (`extensionRoot`: what the .vsix would hold), and `workspace` opened.
 * @param {{ entry: string, workspace: string, vsix?: string, extensionRoot?: string,
 *   settings?: Record<string, unknown>, port?: number, profileDir?: string, env?: NodeJS.ProcessEnv,
 *   log?: (line: string) => void }} options
 */
export async function startCodeServer(options) {
  const log = options.log ?? (() => {});
  const profile = options.profileDir ?? mkdtempSync(join(tmpdir(), 'kmsw-code-server-'));
  const userDataDir = join(profile, 'user-data');
  const extensionsDir = join(profile, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    ...options.settings,
  };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const env = { ...process.env, ...options.env };

  if (options.vsix) {
    run(process.execPath, [options.entry, ...common, '--install-extension', options.vsix], undefined, log);
  }
  if (options.extensionRoot) installFromSource(options.extensionRoot, extensionsDir, log);
  const port = options.port ?? (await freePort());
  const args = [
    options.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', ...common,
    options.workspace,
  ];
  log(`$ node ${args.join(' ')}`);
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = chunk.toString();
      output.push(text);
      for (const line of text.split('\n')) if (line.trim()) log(`[code-server] ${line}`);
      if (/HTTP server listening on/.test(text)) resolve(`http://127.0.0.1:${port}/`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new HarnessUnavailableError(`code-server exited (${code}) before listening:\n${output.join('').slice(-3000)}`)));
  });
  const folderUrl = `${url}?folder=${encodeURIComponent(options.workspace)}`;
  return {
    url,
    folderUrl,
    port,
    userDataDir,
    extensionsDir,
    profileDir: profile,
    child,
    /** Stops the server and removes the throwaway profile unless the caller supplied it. */
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.profileDir) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * code-server has no --extensionDevelopmentPath, and packaging a .vsix on every run is slow: copy what
 * the .vsix would hold (package.json, the bundles, media) into the extensions folder, where VS Code
 * finds it as an installed extension.
 */
export function installFromSource(root, extensionsDir, log = () => {}) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  rmSync(target, { recursive: true, force: true });
  for (const part of ['package.json', 'README.md', 'dist/extension.js', 'dist/server.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-terraform.wasm', 'dist/vendor', 'media']) {
    if (existsSync(join(root, part))) cpSync(join(root, part), join(target, part), { recursive: true });
  }
  log(`extension copied from ${root} to ${target}`);
  return target;
}

/** Lists what the cache holds, for diagnostics (`node scripts/e2e/code-server.mjs --status`). */
export function cacheStatus(version = CODE_SERVER_VERSION) {
  const steps = join(cacheDir(version), '.steps');
  return existsSync(steps) ? readdirSync(steps) : [];
}

// Running this file directly prepares the cache: `node scripts/e2e/code-server.mjs`.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  if (process.argv.includes('--status')) {
    console.log(cacheDir(), cacheStatus());
  } else {
    const t0 = Date.now();
    const { entry } = prepareCodeServer({ log: (l) => console.log(l) });
    console.log(`code-server ready: ${entry} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
