/**
 * The HCL parser for the CLI: the core's parser (src-core/terraform/parser.ts) with its WebAssembly read from
 * beside the bundle (scripts/build.mjs copies the files to dist/), or from node_modules when run from source.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadHclParser as loadParser, loadHclParsers as loadParsers, wasmReader } from '../../src-core/terraform/parser';
import type { HclParse, HclParser } from '../../src-core/terraform/syntax';

// In a bundle __filename is the bundle (dist/kmsw.js); from source (ES modules) the entry script.
const script = typeof __filename === 'string' ? __filename : process.argv[1] ? realpathSync(process.argv[1]) : join(process.cwd(), 'x');

const readHclWasm = wasmReader({ folder: dirname(script), exists: existsSync, read: (path) => readFile(path), resolve: createRequire(script).resolve });

export function loadHclParser(): Promise<HclParse> {
  return loadParser(readHclWasm);
}

/** The one-off parse and, for a document edited in place (the benchmark), incremental parsers. */
export function loadHclParsers(): Promise<HclParser> {
  return loadParsers(readHclWasm);
}
