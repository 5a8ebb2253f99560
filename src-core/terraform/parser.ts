/**
 * The HCL parser (web-tree-sitter with the Terraform grammar) for the core, the CLI and the language server.
 * Both are WebAssembly modules; the host reads their bytes (the core reads no files) and hands them in here.
 * The tree-sitter runtime is one per process, so the parser is made once and shared.
 */
import type { Edit, Parser, Tree } from 'web-tree-sitter';
import { TreeMirror } from './mirror';
import type { HclDocument, HclNode, HclParse, HclParser } from './syntax';

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

let loading: Promise<HclParser> | undefined;

/** The parser, loaded on the first call (a later call's reader is not used). A failed load is retried next time. */
export function loadHclParsers(read: ReadHclWasm): Promise<HclParser> {
  loading ??= makeParser(read).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/** The one-off parse of loadHclParsers. */
export async function loadHclParser(read: ReadHclWasm): Promise<HclParse> {
  return (await loadHclParsers(read)).parse;
}

async function makeParser(read: ReadHclWasm): Promise<HclParser> {
  const [{ Parser, Language }, runtime, grammar] = await Promise.all([import('web-tree-sitter'), read('tree-sitter.wasm'), read('tree-sitter-terraform.wasm')]);
  await Parser.init({ wasmBinary: runtime });
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammar));
  return {
    parse: <T>(text: string, use: (root: HclNode) => T): T => {
      const tree = parser.parse(text);
      if (!tree) throw new Error('the HCL parser returned no tree');
      try {
        return use(tree.rootNode as unknown as HclNode);
      } finally {
        tree.delete(); // the tree lives in WebAssembly memory, which no garbage collector frees
      }
    },
    open: () => openDocument(parser),
  };
}

function openDocument(parser: Parser): HclDocument {
  let tree: Tree | undefined;
  let text = '';
  let root: HclNode | undefined;
  const mirror = new TreeMirror();
  const reset = () => {
    tree?.delete();
    tree = undefined;
    root = undefined;
    mirror.clear();
  };
  return {
    parse<T>(next: string, use: (root: HclNode) => T): T {
      if (!root || next !== text) {
        try {
          let edit = tree ? changeBetween(text, next) : undefined;
          if (edit) tree!.edit(edit);
          let parsed = parser.parse(next, tree);
          // After an edit that leaves syntax errors, tree-sitter's error recovery may group tokens otherwise than
          // a parse from scratch would; parse from scratch then, so the findings never depend on the edit history.
          if (edit && parsed?.rootNode.hasError) {
            parsed.delete();
            parsed = parser.parse(next);
            edit = undefined;
          }
          if (!parsed) throw new Error('the HCL parser returned no tree');
          root = mirror.update(parsed, edit && {
            start: edit.startIndex, oldEnd: edit.oldEndIndex, newEnd: edit.newEndIndex,
            changed: [{ start: edit.startIndex, end: edit.newEndIndex }, ...tree!.getChangedRanges(parsed).map((r) => ({ start: r.startIndex, end: r.endIndex }))],
          });
          tree?.delete();
          tree = parsed;
          text = next;
        } catch (err) {
          reset();
          throw err;
        }
      }
      return use(root);
    },
    delete: reset,
  };
}

/** The one edit that turns `before` into `after`: their common prefix and suffix are unchanged. */
export function changeBetween(before: string, after: string): Edit {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let oldEnd = before.length;
  let newEnd = after.length;
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return {
    startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
    startPosition: pointAt(before, start), oldEndPosition: pointAt(before, oldEnd), newEndPosition: pointAt(after, newEnd),
  };
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
