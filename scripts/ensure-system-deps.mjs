#!/usr/bin/env node
// Installs the Debian packages the test suites drive (AWS CLI v2 for the endpoint's integration
// tests; Chromium, ripgrep and Kerberos headers for VS Code in code-server). Quick when present.
import { spawnSync } from 'node:child_process';

const PACKAGES = ['awscli', 'chromium', 'ripgrep', 'libkrb5-dev'];

const installed = (pkg) =>
  spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed');

const missing = PACKAGES.filter((pkg) => !installed(pkg));
if (missing.length === 0) process.exit(0);

if (process.getuid?.() !== 0) {
  console.error(`Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
console.log(`Installing Debian packages: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`apt-get ${args[0]} failed (exit ${r.status}).`);
    process.exit(1);
  }
}
