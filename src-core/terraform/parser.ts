/**
 * The HCL parser (web-tree-sitter with the Terraform grammar) for the core, the CLI and the language server.
 * Both are WebAssembly modules; the host reads their bytes (the core reads no files) and hands them in here.
 * The tree-sitter runtime is one per process, so the parser is made once and shared.
 */
import type { HclNode, HclParse } from './syntax';

/** The two WebAssembly files, with the npm package path each comes from (the bundles ship them beside themselves). */
export const HCL_WASM = {
  'tree-sitter.wasm': 'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-terraform.wasm': '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
} as const;

export type HclWasmFile = keyof typeof HCL_WASM;

/** Reads one of the WebAssembly files: the host's only part in loading the parser. */
export type ReadHclWasm = (file: HclWasmFile) => Promise<Uint8Array>;

/** What a Node host (the CLI, the language server) hands in for wasmReader: its bundle's folder and file access. */
export interface WasmHost {
  /** The folder of the running bundle or script. */
  folder: string;
  exists(path: string): boolean;
  read(path: string): Promise<Uint8Array>;
  /** The path of a file of an npm package, as require.resolve finds it. */
  resolve(packageFile: string): string;
}

/** Reads each file beside the bundle (scripts/build.mjs copies them to dist/), else from node_modules when run from source. */
export function wasmReader(host: WasmHost): ReadHclWasm {
  return (file) => {
    const beside = `${host.folder}/${file}`;
    return host.read(host.exists(beside) ? beside : host.resolve(HCL_WASM[file]));
  };
}

let loading: Promise<HclParse> | undefined;

/** The parser, loaded on the first call (a later call's reader is not used). A failed load is retried next time. */
export function loadHclParser(read: ReadHclWasm): Promise<HclParse> {
  loading ??= makeParser(read).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function makeParser(read: ReadHclWasm): Promise<HclParse> {
  const [{ Parser, Language }, runtime, grammar] = await Promise.all([import('web-tree-sitter'), read('tree-sitter.wasm'), read('tree-sitter-terraform.wasm')]);
  await Parser.init({ wasmBinary: runtime });
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammar));
  return <T>(text: string, use: (root: HclNode) => T): T => {
    const tree = parser.parse(text);
    if (!tree) throw new Error('the HCL parser returned no tree');
    try {
      return use(tree.rootNode as unknown as HclNode);
    } finally {
      tree.delete(); // the tree lives in WebAssembly memory, which no garbage collector frees
    }
  };
}
