/**
 * The YAML store (sops stores/yaml/store.go), editing the file's concrete syntax tree so that only
 * the scalars and comments SOPS changes are rewritten: everything else (indentation, quoting, blank
 * lines, key order) stays byte for byte. Comments belong to the map or list they are written in,
 * which gives their additional data as in SOPS (a comment's path is its collection's path).
 */
import { Composer, CST, Parser, isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit, type Node, type Pair, type Scalar } from 'yaml';
import { METADATA_KEY, metadataText, yamlSource } from './yaml-emit';
import { parseSimpleYaml } from './yaml-fast';
import { SopsError } from './sops-error';
import { boolValue, floatValue, type SopsValue } from './values';
import type { CommentLeaf, ListNode, MapNode, ScalarLeaf, TreeNode } from './tree';
import type { RawMetadata, StoreDocument } from './store';


function malformed(message: string): SopsError {
  return new SopsError('malformed', message);
}

function commentLeaves(tokens: CST.SourceToken[] | undefined): CommentLeaf[] {
  return (tokens ?? []).filter((t) => t.type === 'comment').map((token) => ({
    kind: 'comment',
    text: token.source.slice(1),
    set(text: string) {
      this.text = text;
      token.source = `#${text}`;
    },
  }));
}

/** The comments written after a scalar on its line (or after a block scalar's header). */
function trailingComments(token: CST.Token | undefined): CommentLeaf[] {
  if (!token) return [];
  if (token.type === 'block-scalar') return commentLeaves(token.props.filter((t): t is CST.SourceToken => 'source' in t && t.type === 'comment'));
  return 'end' in token && token.type !== 'document' && token.type !== 'flow-collection' && token.type !== 'doc-end' ? commentLeaves(token.end) : [];
}

/** How SOPS types a plaintext YAML scalar (yaml.v3 decoding into interface{}). */
function scalarValue(node: Scalar): SopsValue | null {
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return { type: 'int', text: v.toString() };
  if (typeof v === 'number') return floatValue(v);
  if (typeof v === 'boolean') return boolValue(v);
  if (typeof v === 'string') return { type: 'str', text: v };
  throw new SopsError('unsupported', 'a YAML value of an unsupported type');
}

/** `inFlow`: the scalar is an item of a flow collection, where a plain `ENC[…,…]` would end at its first comma. */
function scalarLeaf(node: Node | null, afterKey: boolean, inFlow: boolean): ScalarLeaf {
  if (!isScalar(node)) throw malformed('a YAML value is neither a scalar nor a collection');
  const token = node.srcToken;
  return {
    kind: 'scalar',
    value: scalarValue(node),
    set(value: SopsValue) {
      this.value = value;
      if (!token) throw malformed('a YAML value without source');
      const { source, type } = yamlSource(value);
      CST.setScalarValue(token, source, { type, afterKey, inFlow });
    },
  };
}

function treeOf(node: Node | null, afterKey: boolean, inFlow: boolean): TreeNode {
  if (isMap(node)) return mapOf(node.items as Pair<Node, Node | null>[], node.srcToken as CST.BlockMap | CST.FlowCollection | undefined);
  if (isSeq(node)) return listOf(node.items as Array<Node | null>, node.srcToken as CST.BlockSequence | CST.FlowCollection | undefined);
  return scalarLeaf(node, afterKey, inFlow);
}

function keyText(pair: Pair<Node, Node | null>): string {
  const key = pair.key;
  if (!isScalar(key) || typeof key.value !== 'string') throw new SopsError('unsupported', 'SOPS supports only string keys in YAML maps');
  return key.value;
}

function mapOf(pairs: Pair<Node, Node | null>[], token: CST.BlockMap | CST.FlowCollection | undefined, skip?: string): MapNode {
  const map: MapNode = { kind: 'map', items: [] };
  const byItem = new Map(pairs.map((p) => [p.srcToken, p]));
  for (const item of token?.items ?? []) {
    map.items.push(...commentLeaves(item.start));
    const pair = byItem.get(item as CST.CollectionItem);
    if (!pair) continue;
    map.items.push(...commentLeaves(item.sep));
    const key = keyText(pair);
    if (key === skip) continue;
    const value = pair.value;
    if (isScalar(value) || value === null) map.items.push(...trailingComments(item.value));
    map.items.push({ kind: 'entry', key, value: treeOf(value, true, token?.type === 'flow-collection') });
  }
  return map;
}

function listOf(values: Array<Node | null>, token: CST.BlockSequence | CST.FlowCollection | undefined): ListNode {
  const list: ListNode = { kind: 'list', items: [] };
  let index = 0;
  for (const item of token?.items ?? []) {
    list.items.push(...commentLeaves(item.start));
    if (!item.value) continue;
    const value = values[index++];
    if (isScalar(value) || value === null) list.items.push(...trailingComments(item.value));
    list.items.push(treeOf(value, false, token?.type === 'flow-collection'));
  }
  return list;
}

/** Plain JSON of a metadata node: the yaml library's ints are bigints here. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

interface ParsedDoc {
  token: CST.Document;
  doc: ReturnType<Composer['compose']> extends Generator<infer D> ? D : never;
}

function rootItems(d: ParsedDoc): CST.BlockMap['items'] | undefined {
  const value = d.token.value;
  return value?.type === 'block-map' ? value.items : undefined;
}

function metadataItem(d: ParsedDoc): CST.BlockMap['items'][number] | undefined {
  return rootItems(d)?.find((item) => item.key && CST.isScalar(item.key) && CST.resolveAsScalar(item.key)?.value === METADATA_KEY);
}

/** The YAML store: the fast path when the file is of its simple form, the syntax tree otherwise. */
export function parseYamlStore(text: string): StoreDocument {
  return parseSimpleYaml(text, parseYamlSyntaxTree) ?? parseYamlSyntaxTree(text);
}

/**
 * The text as sops has it after decoding YAML into its tree (stores/yaml `nodeToTreeValue` and
 * `appendYamlNodeToTreeBranch`): an alias is a copy of its anchor's node, anchors are gone, and a
 * merge key `<<` is a key like any other, which yaml.v3 writes quoted. sops writes the whole file
 * again from that tree (4-space indent), so a file with anchors is too; any other file is untouched.
 */
function withoutAliases(text: string): string {
  if (!/[&*]/.test(text)) return text;
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return text;
  let found = false;
  for (const doc of docs) {
    visit(doc, {
      Alias(_, alias) {
        found = true;
        const target = alias.resolve(doc);
        if (!target) throw malformed(`the YAML alias *${alias.source} has no anchor`);
        return target.clone() as Node;
      },
    });
    visit(doc, {
      Node(_, node) {
        if (isAlias(node) || !node.anchor) return;
        found = true;
        delete node.anchor;
      },
    });
  }
  if (!found) return text;
  for (const doc of docs) {
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && pair.key.value === '<<') pair.key.type = 'QUOTE_DOUBLE';
      },
    });
  }
  return docs.map((d) => d.toString({ indent: 4 })).join('');
}

/** The store over the yaml library's concrete syntax tree: every YAML form sops accepts. */
export function parseYamlSyntaxTree(source: string): StoreDocument {
  const text = withoutAliases(source);
  const tokens = [...new Parser().parse(text)];
  const docTokens = tokens.filter((t): t is CST.Document => t.type === 'document');
  const docs = [...new Composer({ keepSourceTokens: true, intAsBigInt: true, uniqueKeys: true }).compose(tokens)];
  const parsed: ParsedDoc[] = docs.map((doc, i) => ({ doc, token: docTokens[i] }));
  for (const { doc } of parsed) {
    const error = doc.errors[0];
    if (error) throw malformed(`the YAML does not parse: ${error.message.split('\n')[0]}`);
  }
  // Comments before the first document (or after the last) are stream tokens; they belong to the top level.
  const streamComments = (from: number, to: number): CommentLeaf[] =>
    commentLeaves(tokens.slice(from, to).filter((t): t is CST.SourceToken => t.type === 'comment'));
  const docIndexes = docTokens.map((t) => tokens.indexOf(t));
  const branches: MapNode[] = [];
  let metadata: RawMetadata | undefined;
  parsed.forEach((d, i) => {
    const contents = d.doc.contents;
    if (contents !== null && !isMap(contents)) {
      if (isScalar(contents) && contents.value === null) {
        branches.push({ kind: 'map', items: [] });
        return;
      }
      throw new SopsError('unsupported', 'SOPS supports YAML documents whose top level is a map');
    }
    if (contents && !contents.srcToken) throw malformed('the YAML top level has no source');
    const branch = contents ? mapOf(contents.items as Pair<Node, Node | null>[], contents.srcToken as CST.BlockMap | CST.FlowCollection, METADATA_KEY) : { kind: 'map' as const, items: [] };
    branch.items.unshift(...streamComments(i === 0 ? 0 : docIndexes[i - 1] + 1, docIndexes[i]), ...commentLeaves(d.token.start));
    branch.items.push(...commentLeaves(d.token.end));
    if (i === parsed.length - 1) branch.items.push(...streamComments(docIndexes[i] + 1, tokens.length));
    branches.push(branch);
    if (i === 0 && contents) {
      const meta = contents.get(METADATA_KEY, true);
      if (meta !== undefined) {
        if (!isMap(meta)) throw malformed('the sops metadata is not a map');
        metadata = plain(meta.toJS(d.doc)) as RawMetadata;
      }
    }
  });

  const removeMetadata = (): void => {
    for (const d of parsed) {
      const items = rootItems(d);
      const item = metadataItem(d);
      if (!items || !item) continue;
      // Comments written just before `sops:` are the top level's in sops (the key's head comment
      // stays in the branch when stores.ExtractMetadata takes the metadata item out): they stay.
      const keep = item.start.some((t) => t.type === 'comment') ? [{ start: item.start }] : [];
      items.splice(items.indexOf(item), 1, ...keep);
    }
  };
  let appended: string | undefined;
  return {
    branches,
    metadata,
    replaceMetadata(raw) {
      removeMetadata();
      appended = metadataText(raw);
    },
    removeMetadata() {
      removeMetadata();
      appended = undefined;
    },
    toString() {
      let out = '';
      for (const token of tokens) {
        let part = CST.stringify(token);
        if (token.type === 'document' && appended !== undefined) {
          if (part && !part.endsWith('\n')) part += '\n';
          part += appended;
        }
        out += part;
      }
      if (appended !== undefined && !docTokens.length) out += appended;
      return out;
    },
  };
}
