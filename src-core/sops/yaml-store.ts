/**
 * The YAML store (sops stores/yaml/store.go), editing the file's concrete syntax tree so that only
 * the scalars and comments SOPS changes are rewritten: everything else (indentation, quoting, blank
 * lines, key order) stays byte for byte. Comments belong to the map or list they are written in,
 * which gives their additional data as in SOPS (a comment's path is its collection's path).
 */
import { Composer, CST, Parser, isAlias, isMap, isScalar, isSeq, stringify, type Node, type Pair, type Scalar } from 'yaml';
import { SopsError } from './errors';
import { boolValue, floatValue, type SopsValue } from './values';
import type { CommentLeaf, ListNode, MapNode, ScalarLeaf, TreeNode } from './tree';
import type { RawMetadata, StoreDocument } from './store';

const METADATA_KEY = 'sops';
/** sops's YAML store indents by 4 (stores/yaml IndentDefault). */
const SOPS_INDENT = 4;

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

/** A YAML plain scalar that reads back as the same string; otherwise the style the yaml library would choose. */
/** Words the YAML core schema reads as booleans or nulls (numbers cannot match SAFE_PLAIN's first character). */
const RESERVED_PLAIN = /^(true|false|null|y|n|yes|no|on|off)$/i;
/** Plain scalars that can only be strings: a letter, `_` or `/` first, then no indicator or space. Most values; no schema run needed. */
const SAFE_PLAIN = /^[A-Za-z_/][\w./+=@%-]*$/;

function stringStyle(text: string): Scalar.Type {
  if (text.startsWith('ENC[AES256_GCM,') && !/[\s#]/.test(text)) return 'PLAIN';
  if (SAFE_PLAIN.test(text) && !RESERVED_PLAIN.test(text)) return 'PLAIN';
  const out = stringify(text, { lineWidth: 0 });
  if (out.startsWith('"')) return 'QUOTE_DOUBLE';
  if (out.startsWith("'")) return 'QUOTE_SINGLE';
  if (out.startsWith('|') || out.startsWith('>')) return 'BLOCK_LITERAL';
  return 'PLAIN';
}

function yamlSource(value: SopsValue): { source: string; type: Scalar.Type } {
  switch (value.type) {
    case 'int':
      return { source: value.text, type: 'PLAIN' };
    case 'float': {
      const special: Record<string, string> = { '+Inf': '.inf', '-Inf': '-.inf', NaN: '.nan' };
      const text = special[value.text] ?? (/^-?\d+$/.test(value.text) ? `${value.text}.0` : value.text);
      return { source: text, type: 'PLAIN' };
    }
    case 'bool':
      return { source: value.text === 'True' ? 'true' : 'false', type: 'PLAIN' };
    default:
      return { source: value.text, type: stringStyle(value.text) };
  }
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

function scalarLeaf(node: Node | null, afterKey: boolean): ScalarLeaf {
  if (!isScalar(node)) throw malformed('a YAML value is neither a scalar nor a collection');
  const token = node.srcToken;
  return {
    kind: 'scalar',
    value: scalarValue(node),
    set(value: SopsValue) {
      this.value = value;
      if (!token) throw malformed('a YAML value without source');
      const { source, type } = yamlSource(value);
      CST.setScalarValue(token, source, { type, afterKey });
    },
  };
}

function treeOf(node: Node | null, afterKey: boolean): TreeNode {
  if (isAlias(node) || (node && (node as { anchor?: string }).anchor)) throw new SopsError('unsupported', 'YAML anchors and aliases are not supported in SOPS files here');
  if (isMap(node)) return mapOf(node.items as Pair<Node, Node | null>[], node.srcToken as CST.BlockMap | CST.FlowCollection | undefined);
  if (isSeq(node)) return listOf(node.items as Array<Node | null>, node.srcToken as CST.BlockSequence | CST.FlowCollection | undefined);
  return scalarLeaf(node, afterKey);
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
    map.items.push({ kind: 'entry', key, value: treeOf(value, true) });
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
    list.items.push(treeOf(value, false));
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

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T/;

function metadataScalar(value: unknown, indent: number): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  if (text.includes('\n')) {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const pad = ' '.repeat(indent);
    return `${text.endsWith('\n') ? '|' : '|-'}\n${body.split('\n').map((l) => (l ? pad + l : '')).join('\n')}`;
  }
  if (TIMESTAMP.test(text) || text === '') return JSON.stringify(text);
  return stringStyle(text) === 'PLAIN' ? text : JSON.stringify(text);
}

/**
 * The metadata block as sops 3.13 writes it (go.yaml.in/yaml/v3 with indent 4): lists indented under
 * their key, block scalars indented 4 from the line that holds them, timestamps double-quoted.
 */
function metadataLines(map: RawMetadata, indent: number, listItem = false): string[] {
  const lines: string[] = [];
  // Block scalars sit 4 columns in from the line's collection: the dash for a map in a list.
  const blockIndent = (listItem ? indent - 2 : indent) + SOPS_INDENT;
  Object.entries(map).forEach(([key, value], i) => {
    const lead = listItem && i === 0 ? `${' '.repeat(indent - 2)}- ` : ' '.repeat(indent);
    if (Array.isArray(value)) {
      if (!value.length) lines.push(`${lead}${key}: []`);
      else lines.push(`${lead}${key}:`, ...value.flatMap((item) => metadataLines(item as RawMetadata, indent + SOPS_INDENT + 2, true)));
    } else if (value && typeof value === 'object') {
      lines.push(`${lead}${key}:`, ...metadataLines(value as RawMetadata, indent + SOPS_INDENT));
    } else {
      lines.push(`${lead}${key}: ${metadataScalar(value, blockIndent)}`);
    }
  });
  return lines;
}

function metadataText(raw: RawMetadata): string {
  return [`${METADATA_KEY}:`, ...metadataLines(raw, SOPS_INDENT), ''].join('\n');
}

export function parseYamlStore(text: string): StoreDocument {
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
      if (items && item) items.splice(items.indexOf(item), 1);
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
