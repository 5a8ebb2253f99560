#!/usr/bin/env node
// Bundles the extension, the language server and the kmsw CLI with esbuild.
// Usage: node scripts/build.mjs [--production] [--watch] [--target PLATFORM-ARCH] [--vsix]
//   --target  the platform whose LMDB binding goes into dist/ (default: this machine's, e.g. linux-x64, alpine-x64, darwin-arm64, win32-x64)
//   --vsix    then package dist/kms-workbench-<target>.vsix for that platform (vsce --target)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resolvePackage = createRequire(join(root, 'package.json')).resolve;
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const vsix = process.argv.includes('--vsix');
const targetArg = process.argv.indexOf('--target');
const isMusl = () => process.platform === 'linux' && !process.report.getReport().header.glibcVersionRuntime;
const target = targetArg > 0 ? process.argv[targetArg + 1] : `${isMusl() ? 'alpine' : process.platform}-${process.arch}`;

/**
 * Large packages the extension imports only with `await import()` when first needed. CJS bundles do not
 * code-split, so inlined they would still be parsed on every activation (V8 compiles the whole file):
 * each gets its own bundle in dist/vendor/, which extension.js requires by relative path on first use.
 * Development and production builds share this layout, so the e2e suite tests what the .vsix ships.
 */
const lazyPackages = ['vscode-languageclient/node', 'node-forge', '@aws-sdk/client-cloudtrail', 'lmdb'];
const vendorFile = (pkg) => `vendor/${pkg.replace(/^@/, '').replace(/\//g, '-')}.js`;

/**
 * Packages the extension takes from a lazy package's bundle, which re-exports them: the message types of
 * protocol/messages.ts must come from the copy of vscode-jsonrpc the language client's connection uses,
 * which compares a message's parameter structure by identity.
 */
const reexportedBy = { 'vscode-languageserver-protocol': 'vscode-languageclient/node' };

/** Rewrites an import of a lazy package (or one it re-exports) into a require of its own bundle beside extension.js. */
const lazyPackagesPlugin = {
  name: 'lazy-packages',
  setup(build) {
    const names = [...lazyPackages, ...Object.keys(reexportedBy)];
    const filter = new RegExp(`^(${names.join('|')})$`); // names hold no regex metacharacters
    build.onResolve({ filter }, (args) => ({ path: `./${vendorFile(reexportedBy[args.path] ?? args.path)}`, external: true }));
  },
};

/** Each bundle is built only when its entry exists: other parts of the project land independently. */
const bundles = [
  // `import()` of a lazy package becomes require(): the same loading path as every other module.
  { entry: 'client/extension.ts', out: 'dist/extension.js', external: ['vscode'], plugins: [lazyPackagesPlugin], supported: { 'dynamic-import': false } },
  ...lazyPackages.map((pkg) => ({ entry: resolvePackage(pkg), out: `dist/${vendorFile(pkg)}`, external: ['vscode'] })),
  { entry: 'server/languageServer.ts', out: 'dist/server.js', external: [] },
  // The CLI shares the extension's LMDB bundle, which finds its native binding beside itself (see copyLmdbBinding).
  { entry: 'src-node/cli/main.ts', out: 'dist/kmsw.js', external: [], plugins: [lazyPackagesPlugin], banner: '#!/usr/bin/env node', executable: true },
];

/**
 * Modules the LMDB bundle requires only inside try/catch or on another runtime: msgpackr's optional
 * native accelerator (msgpackr falls back to JavaScript) and Bun's FFI.
 */
const optionalRequires = ['msgpackr-extract', 'bun:ffi'];

function options(bundle) {
  return {
    entryPoints: [resolve(root, bundle.entry)], // vendor entries are absolute paths into node_modules
    outfile: join(root, bundle.out),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: [...bundle.external, ...optionalRequires],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    // The AWS SDK ships ESM and CJS; prefer the module field so tree-shaking works.
    mainFields: ['module', 'main'],
    banner: bundle.banner ? { js: bundle.banner } : undefined,
    legalComments: production ? 'none' : 'inline',
    logLevel: 'warning',
    metafile: true,
    plugins: bundle.plugins ?? [],
    supported: bundle.supported,
    // web-tree-sitter's ES module build finds its .wasm through import.meta.url, which a CJS bundle lacks; its CJS build uses __filename.
    alias: { 'web-tree-sitter': resolvePackage('web-tree-sitter') },
  };
}

/**
 * WebAssembly the bundles load at run time from beside themselves: the tree-sitter runtime and the Terraform
 * grammar, read only when a Terraform file is checked (src-core/terraform/parser.ts; read by src-node/terraform/hcl-parser.ts and server/languageServer.ts).
 */
const wasmFiles = ['web-tree-sitter/tree-sitter.wasm', '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'];
mkdirSync(join(root, 'dist'), { recursive: true }); // a fresh clone has no dist/ yet
for (const specifier of wasmFiles) copyFileSync(resolvePackage(specifier), join(root, 'dist', specifier.split('/').pop()));

/**
 * LMDB's native binding for `target`: its loader (node-gyp-build-optional-packages), run from
 * dist/vendor/lmdb.js, looks in prebuilds/<platform>-<arch>/ beside it. Only the N-API builds are
 * copied: they load in Node and in VS Code's Electron alike (the ABI-specific ones are for Node only).
 * npm installs the binding package of this machine only; another platform's comes from
 * `npm install --no-save --force @lmdb/lmdb-<platform>-<arch>` (see README, Packaging).
 */
function copyLmdbBinding() {
  const [platform, arch] = target.split('-');
  const pkg = `@lmdb/lmdb-${platform === 'alpine' ? 'linux' : platform}-${arch}`;
  let from;
  try {
    from = dirname(resolvePackage(`${pkg}/package.json`));
  } catch {
    throw new Error(`${pkg} is not installed: run \`npm install --no-save --force ${pkg}@$(node -p "require('lmdb/package.json').version")\` first.`);
  }
  const libc = platform === 'linux' ? 'glibc' : platform === 'alpine' ? 'musl' : undefined;
  const files = readdirSync(from).filter((name) => name.startsWith('node.napi.') && name.endsWith('.node') && (libc === undefined || name.includes(`.${libc}.`)));
  if (files.length === 0) throw new Error(`${from} holds no N-API build of LMDB for ${target}.`);
  const into = join(root, 'dist', 'vendor', 'prebuilds', `${platform === 'alpine' ? 'linux' : platform}-${arch}`);
  rmSync(join(root, 'dist', 'vendor', 'prebuilds'), { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  for (const name of files) {
    copyFileSync(join(from, name), join(into, name));
    if (production) stripDebugInfo(join(into, name));
  }
}

/**
 * The Linux builds carry their debug info (3.4 MB of 3.5 MB, 1.1 MB of a 2 MB .vsix): a production
 * build drops it with binutils' strip, which keeps the dynamic symbols Node loads the module by.
 * Other formats (Mach-O, PE), or no strip for the architecture, are copied as they are.
 */
function stripDebugInfo(path) {
  const elf = readFileSync(path).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  if (!elf) return;
  try {
    execFileSync('strip', ['--strip-unneeded', path], { stdio: 'pipe' });
  } catch (e) {
    console.log(`kept the debug info of ${path}: strip failed (${String(e.stderr ?? e.message).trim()})`);
  }
}
copyLmdbBinding();

const present = bundles.filter((b) => existsSync(resolve(root, b.entry)));
for (const b of bundles) if (!present.includes(b)) console.log(`skip ${b.out}: ${b.entry} not present`);

if (watch) {
  for (const b of present) {
    const ctx = await esbuild.context(options(b));
    await ctx.watch();
  }
  console.log('watching…');
} else {
  let failed = false;
  for (const b of present) {
    try {
      const result = await esbuild.build(options(b));
      if (b.executable) chmodSync(join(root, b.out), 0o755);
      const bytes = Object.values(result.metafile.outputs).reduce((n, o) => (o.bytes > n ? o.bytes : n), 0);
      console.log(`built ${b.out} (${(bytes / 1024).toFixed(0)} KiB${production ? ', minified' : ''})`);
    } catch {
      failed = true; // esbuild already printed the diagnostics
    }
  }
  if (failed) process.exit(1);
  if (vsix) {
    const out = `dist/kms-workbench-${target}.vsix`;
    execFileSync(resolve(root, 'node_modules/.bin/vsce'), ['package', '--target', target, '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], { cwd: root, stdio: 'inherit' });
    console.log(`packaged ${out} (${(statSync(join(root, out)).size / 1024).toFixed(0)} KiB)`);
  }
}
