#!/usr/bin/env node
// Bundles the extension, the language server and the kmsw CLI with esbuild.
// Usage: node scripts/build.mjs [--production] [--watch]
import { existsSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Each bundle is built only when its entry exists: other parts of the project land independently. */
const bundles = [
  { entry: 'client/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
  { entry: 'server/server.ts', out: 'dist/server.js', external: [] },
  { entry: 'src-node/cli/main.ts', out: 'dist/kmsw.js', external: [], banner: '#!/usr/bin/env node', executable: true },
];

function options(bundle) {
  return {
    entryPoints: [join(root, bundle.entry)],
    outfile: join(root, bundle.out),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: bundle.external,
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    // The AWS SDK ships ESM and CJS; prefer the module field so tree-shaking works.
    mainFields: ['module', 'main'],
    banner: bundle.banner ? { js: bundle.banner } : undefined,
    legalComments: production ? 'none' : 'inline',
    logLevel: 'warning',
    metafile: true,
  };
}

const present = bundles.filter((b) => existsSync(join(root, b.entry)));
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
}
