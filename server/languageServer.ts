/**
 * Entry of the language server bundle (dist/server.js): the connection comes from the process arguments, and
 * the HCL parser's WebAssembly from beside the bundle (or node_modules when run from source).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { wasmReader } from '../src-core/terraform/parser';
import { startSession } from './session';

const script = typeof __filename === 'string' ? __filename : realpathSync(process.argv[1]);

const readHclWasm = wasmReader({ folder: dirname(script), exists: existsSync, read: (path) => readFile(path), resolve: createRequire(script).resolve });

/** A file on disk by its URI (a key policy a .tf file names); undefined when it is missing or not a file: URI. */
function readDiskFile(uri: string): string | undefined {
  try {
    return readFileSync(fileURLToPath(uri), 'utf8');
  } catch {
    return undefined;
  }
}

startSession(createConnection(ProposedFeatures.all), readHclWasm, readDiskFile);
