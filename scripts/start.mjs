#!/usr/bin/env node
// `npm start`: builds the extension, prepares code-server (VS Code from the npm registry, cached), installs
// the extension into a profile kept in .cache/start/, opens a copy of sample-workspace/ (kept outside the
// repository) on the local keyring and prints the URL to open in a browser. Runs until Ctrl-C.
// Usage: npm start [-- --port N] [--data DIR]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareCodeServer, startCodeServer } from './e2e/code-server.mjs';
import { startWorkspace } from './start-workspace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string' }, data: { type: 'string' } } });

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

console.log('Preparing code-server (the first run installs it into a cache: a few minutes)…');
const { entry } = prepareCodeServer({ log: (line) => console.log(line) });

// A profile of its own, kept between runs, so the window and the SecretStorage root key survive restarts.
const profileDir = join(root, '.cache', 'start');
mkdirSync(profileDir, { recursive: true });
// A copy of sample-workspace/, made once, so what is tried out (encrypted files, edits) stays out of the repository;
// outside its folder too, or VS Code would find this repository above it and ask about opening it.
const workspace = startWorkspace(homedir(), process.env);
if (!existsSync(workspace)) cpSync(join(root, 'sample-workspace'), workspace, { recursive: true });
const settings = values.data ? { 'kmsWorkbench.local.dataDir': resolve(values.data) } : {};
const server = await startCodeServer({
  entry,
  workspace,
  extensionRoot: root,
  profileDir,
  settings,
  ...(values.port ? { port: Number(values.port) } : {}),
  log: (line) => { if (/error/i.test(line)) console.error(line); },
});

console.log(`\nKMS Workbench is running in VS Code (code-server ${server.url}).\nOpen: ${server.folderUrl}\nPress Ctrl-C to stop.\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => {
  if (!stopping) {
    console.error(`code-server exited (${code}).`);
    process.exit(1);
  }
});
