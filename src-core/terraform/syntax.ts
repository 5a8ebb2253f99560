/**
 * The part of a tree-sitter HCL syntax tree the Terraform reader uses. The parser itself (web-tree-sitter
 * with the Terraform grammar, a WebAssembly module) is loaded by the host and handed in, so the core reads
 * no files. Offsets are UTF-16 code units into the text, as everywhere in the policy checker.
 */
export interface HclNode {
  type: string;
  startIndex: number;
  endIndex: number;
  isMissing: boolean;
  /** Whether the node or anything inside it is an error or missing token. */
  hasError: boolean;
  children: HclNode[];
  namedChildren: HclNode[];
}

/** Parses Terraform text and hands its syntax tree to `use`; the tree is freed when `use` returns. */
export type HclParse = <T>(text: string, use: (root: HclNode) => T) => T;

/**
 * An open document's parser: it keeps the syntax tree between calls, so a parse after an edit re-reads only what
 * changed. The root handed to `use` is valid until the next call; findings and policies built from it stay valid.
 */
export interface HclDocument {
  parse: HclParse;
  /** Frees the kept tree (WebAssembly memory, which no garbage collector frees). */
  delete(): void;
}

export interface HclParser {
  /** One-off parses (the CLI, a file read once). */
  parse: HclParse;
  /** A parser for one open document, to re-parse it incrementally. */
  open(): HclDocument;
}

export function child(node: HclNode | undefined, type: string): HclNode | undefined {
  return node?.namedChildren.find((c) => c.type === type);
}

export function children(node: HclNode | undefined, type: string): HclNode[] {
  return node?.namedChildren.filter((c) => c.type === type) ?? [];
}

/** An `expression` wraps the node that says what it is; step through the wrappers. */
export function unwrap(node: HclNode | undefined): HclNode | undefined {
  let n = node;
  while (n && (n.type === 'expression' || n.type === 'collection_value' || n.type === 'literal_value') && n.namedChildren.length === 1) n = n.namedChildren[0];
  return n;
}

/** Syntax errors: ERROR nodes and tokens the parser had to assume, outermost only. */
export function syntaxErrors(root: HclNode): HclNode[] {
  const out: HclNode[] = [];
  // Walking every node through the WebAssembly boundary costs more than the checks; most files have no error.
  if (!root.hasError) return out;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'ERROR' || n.isMissing) out.push(n);
    else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}
