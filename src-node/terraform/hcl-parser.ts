/**
 * Loads the HCL parser (web-tree-sitter and the Terraform grammar, both WebAssembly) the first time a
 * Terraform file is checked, for the CLI and the language server. In the bundles the .wasm files sit beside
 * the script (scripts/build.mjs copies them to dist/); from source they come from node_modules.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HclNode, HclParse } from '../../src-core/terraform/syntax';

// In a bundle __filename is the bundle (dist/server.js, dist/kmsw.js); from source (ES modules) the entry script.
const script = typeof __filename === 'string' ? __filename : process.argv[1] ? realpathSync(process.argv[1]) : join(process.cwd(), 'x');
const requireHere = createRequire(script);

function locate(file: string, specifier: string): string {
  const beside = join(dirname(script), file);
  return existsSync(beside) ? beside : requireHere.resolve(specifier);
}

let loading: Promise<HclParse> | undefined;

export function loadHclParser(): Promise<HclParse> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init({ locateFile: () => locate('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm') });
    const language = await Language.load(locate('tree-sitter-terraform.wasm', '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return <T>(text: string, use: (root: HclNode) => T): T => {
      const tree = parser.parse(text);
      if (!tree) throw new Error('the HCL parser returned no tree');
      try {
        return use(tree.rootNode as unknown as HclNode);
      } finally {
        tree.delete(); // the tree lives in WebAssembly memory, which no garbage collector frees
      }
    };
  })();
  return loading;
}
