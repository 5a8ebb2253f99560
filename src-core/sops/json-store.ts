/**
 * The JSON store (sops stores/json/store.go): values are edited where they stand in the text, so
 * layout and key order stay. Numbers are typed as SOPS 3.13 does (`normalizeJSONNumber`: an int when
 * the literal is an integer within int64, else a float).
 */
import { applyEdits, getNodeValue, modify, parseTree, type Edit, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { SopsError } from './sops-error';
import { formatGoFloat, type SopsValue } from './values';
import type { ListNode, MapNode, ScalarLeaf, TreeNode } from './tree';
import type { RawMetadata, StoreDocument } from './store';

const METADATA_KEY = 'sops';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function jsonValue(node: JsonNode, text: string): SopsValue | null {
  switch (node.type) {
    case 'string':
      return { type: 'str', text: node.value as string };
    case 'boolean':
      return { type: 'bool', text: node.value ? 'True' : 'False' };
    case 'null':
      return null;
    case 'number': {
      const literal = text.slice(node.offset, node.offset + node.length);
      if (/^-?\d+$/.test(literal)) {
        const n = BigInt(literal);
        if (n >= INT64_MIN && n <= INT64_MAX) return { type: 'int', text: n.toString() };
      }
      return { type: 'float', text: formatGoFloat(Number(literal)) };
    }
    default:
      throw new SopsError('malformed', `unexpected JSON ${node.type}`);
  }
}

function jsonLiteral(value: SopsValue): string {
  switch (value.type) {
    case 'int':
    case 'float':
      return value.text;
    case 'bool':
      return value.text === 'True' ? 'true' : 'false';
    default:
      return JSON.stringify(value.text);
  }
}

/** The indentation unit of the first member, to write new metadata in the file's own style (SOPS: a tab). */
function indentOf(text: string): string {
  return /\n([ \t]+)"/.exec(text)?.[1] ?? '\t';
}

function withoutMetadata(text: string): string {
  return applyEdits(text, modify(text, [METADATA_KEY], undefined, {}));
}

/** Appends `"sops": {…}` as the root object's last member, leaving everything before it as it was. */
function withMetadata(text: string, raw: RawMetadata): string {
  const close = text.lastIndexOf('}');
  let end = close;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  const unit = indentOf(text);
  const body = JSON.stringify(raw, null, unit).replaceAll('\n', `\n${unit}`);
  const empty = text[end - 1] === '{';
  return `${text.slice(0, end)}${empty ? '' : ','}\n${unit}"${METADATA_KEY}": ${body}\n${text.slice(close)}`;
}

export function parseJsonStore(text: string): StoreDocument {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length || !root) throw new SopsError('malformed', `the JSON does not parse (at offset ${errors[0]?.offset ?? 0})`);
  if (root.type !== 'object') throw new SopsError('unsupported', 'SOPS supports JSON files whose top level is an object');
  const edits: Edit[] = [];

  const leaf = (node: JsonNode): ScalarLeaf => ({
    kind: 'scalar',
    value: jsonValue(node, text),
    set(value) {
      this.value = value;
      edits.push({ offset: node.offset, length: node.length, content: jsonLiteral(value) });
    },
  });
  const tree = (node: JsonNode): TreeNode => {
    if (node.type === 'object') return map(node);
    if (node.type === 'array') return { kind: 'list', items: (node.children ?? []).map(tree) } satisfies ListNode;
    return leaf(node);
  };
  const map = (node: JsonNode, skip?: string): MapNode => {
    const items: MapNode['items'] = [];
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key.value === skip || !value) continue;
      items.push({ kind: 'entry', key: key.value as string, value: tree(value) });
    }
    return { kind: 'map', items };
  };

  const metaProperty = root.children?.find((p) => p.children?.[0].value === METADATA_KEY);
  const metaNode = metaProperty?.children?.[1];
  if (metaNode && metaNode.type !== 'object') throw new SopsError('malformed', 'the sops metadata is not an object');
  let metadataOp: ((current: string) => string) | undefined;
  return {
    branches: [map(root, METADATA_KEY)],
    metadata: metaNode ? (getNodeValue(metaNode) as RawMetadata) : undefined,
    replaceMetadata(raw) {
      metadataOp = (current) => withMetadata(withoutMetadata(current), raw);
    },
    removeMetadata() {
      metadataOp = withoutMetadata;
    },
    toString() {
      const edited = applyEdits(text, edits);
      return metadataOp ? metadataOp(edited) : edited;
    },
  };
}
