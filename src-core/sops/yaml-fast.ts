/**
 * A fast path of the YAML store for the files most SOPS files are: block maps of one-line scalars,
 * no comments, no lists, the `sops` metadata last. One pass over the lines instead of the yaml
 * library's parser (five times slower on a 5,000-value file), giving the same tree as the
 * syntax-tree store and the same bytes. Whatever it does not recognise is left to that store: the
 * whole text up front, or, when an edit needs more than a one-line scalar (a multi-line value), at
 * `toString`, where the syntax-tree store replays every edit on its own tree.
 */
import { CST } from 'yaml';
import type { RawMetadata, StoreDocument } from './store';
import { walkTree, type MapEntry, type MapNode, type ScalarLeaf } from './tree';
import { boolValue, type SopsValue } from './values';
import { BOOL, INT, METADATA_KEY, PLAIN_SOURCE, RESERVED_PLAIN, metadataText, readsAsString, yamlSource } from './yaml-emit';

const KEY_LINE = /^( *)([A-Za-z_/][\w./+=@%-]*):(?: (.*))?$/;
const ENC_SOURCE = /^ENC\[AES256_GCM,[^\s#]*$/;
const DOUBLE_QUOTED = /^"[^"\\]*"$/;
const SINGLE_QUOTED = /^'[^']*'$/;
/** The value of a one-line scalar's source, or undefined when the yaml library must decide. */
function scalarOf(source: string): SopsValue | undefined {
  if (ENC_SOURCE.test(source)) return { type: 'str', text: source };
  if (DOUBLE_QUOTED.test(source) || SINGLE_QUOTED.test(source)) return { type: 'str', text: source.slice(1, -1) };
  if (!PLAIN_SOURCE.test(source)) return undefined;
  if (INT.test(source)) return { type: 'int', text: BigInt(source).toString() };
  if (BOOL.test(source)) return boolValue(source[0] === 't' || source[0] === 'T');
  return readsAsString(source) ? { type: 'str', text: source } : undefined;
}

interface FastLeaf extends ScalarLeaf {
  /** Where the scalar's source is in the text (end exclusive). */
  start: number;
  end: number;
  /** The value given through `set`, replayed on the syntax-tree store if it must take over. */
  assigned?: SopsValue;
  source?: string;
}

/** The source the yaml library writes for a value, if it fits on the scalar's line (as `CST.setScalarValue` makes it). */
function oneLineSource(value: SopsValue, indent: number): string | undefined {
  const { source, type } = yamlSource(value);
  // What stringStyle calls plain is written unchanged by the yaml library (the differential test checks it).
  if (type === 'PLAIN' && value.type === 'str' && !source.includes('\n')) return source;
  const token: CST.FlowScalar = { type: 'scalar', offset: 0, indent, source: '', end: [] };
  CST.setScalarValue(token, source, { type, afterKey: true });
  return (token.type as string) === 'block-scalar' || token.source.includes('\n') ? undefined : token.source;
}

/**
 * The store of `text`, or undefined when the text is not of the simple form. `fallback` is the
 * syntax-tree store, used to read the metadata block and to take over edits it cannot write.
 */
export function parseSimpleYaml(text: string, fallback: (text: string) => StoreDocument): StoreDocument | undefined {
  const metaAt = metadataStart(text);
  if (!text.endsWith('\n') || /[\r\t#]/.test(metaAt < 0 ? text : text.slice(0, metaAt))) return undefined;
  const root: MapNode = { kind: 'map', items: [] };
  const leaves: FastLeaf[] = [];
  const stack: Array<{ indent: number; map: MapNode; keys: Set<string> }> = [{ indent: 0, map: root, keys: new Set() }];
  // `key:` with nothing after it: null, unless deeper lines follow, which make its map.
  let open: { entry: MapEntry; indent: number } | undefined;
  let dirty = false;
  let cut = -1;
  let blankRunStart = -1;
  let pos = 0;
  while (pos < text.length) {
    const eol = text.indexOf('\n', pos);
    const line = text.slice(pos, eol);
    if (line === '') {
      if (blankRunStart < 0) blankRunStart = pos;
      pos = eol + 1;
      continue;
    }
    const m = KEY_LINE.exec(line);
    if (!m || RESERVED_PLAIN.test(m[2])) return undefined;
    const indent = m[1].length;
    if (open && indent > open.indent) {
      const map: MapNode = { kind: 'map', items: [] };
      open.entry.value = map;
      leaves.pop();
      stack.push({ indent, map, keys: new Set() });
    }
    open = undefined;
    while (stack.length > 1 && stack[stack.length - 1].indent > indent) stack.pop();
    const level = stack[stack.length - 1];
    if (level.indent !== indent) return undefined;
    const key = m[2];
    if (indent === 0 && key === METADATA_KEY) {
      if (m[3] !== undefined || pos !== metaAt) return undefined;
      // Blank lines before `sops:` belong to its item in the yaml library, and go with it.
      cut = blankRunStart >= 0 ? blankRunStart : pos;
      break;
    }
    blankRunStart = -1;
    if (level.keys.has(key)) return undefined;
    level.keys.add(key);
    const source = m[3];
    const value = source === undefined ? null : scalarOf(source);
    if (value === undefined) return undefined;
    const leaf: FastLeaf = {
      kind: 'scalar',
      value,
      start: eol - (source?.length ?? 0),
      end: eol,
      set(v: SopsValue) {
        this.value = v;
        this.assigned = v;
        this.source = oneLineSource(v, indent);
        if (this.source === undefined) dirty = true;
      },
    };
    leaves.push(leaf);
    const entry: MapEntry = { kind: 'entry', key, value: leaf };
    level.map.items.push(entry);
    if (source === undefined) open = { entry, indent };
    pos = eol + 1;
  }

  let metadata: RawMetadata | undefined;
  if (cut >= 0) {
    const block = fallback(text.slice(metaAt));
    if (block.branches.length !== 1 || block.branches[0].items.length || !block.metadata) return undefined;
    metadata = block.metadata;
  }
  const data = cut >= 0 ? text.slice(0, cut) : text;
  // An empty data part gives no document in the yaml library: leave that case to it.
  if (!root.items.length) return undefined;

  let metadataChange: { raw?: RawMetadata } | undefined;
  const takeOver = (): string => {
    const full = fallback(text);
    const slowLeaves: ScalarLeaf[] = [];
    walkTree(full.branches, (leaf) => {
      if (leaf.kind === 'scalar') slowLeaves.push(leaf);
    });
    if (slowLeaves.length !== leaves.length) throw new Error('the YAML fast path and the syntax tree disagree on the values');
    leaves.forEach((leaf, i) => {
      if (leaf.assigned) slowLeaves[i].set(leaf.assigned);
    });
    if (metadataChange?.raw) full.replaceMetadata(metadataChange.raw);
    else if (metadataChange) full.removeMetadata();
    return full.toString();
  };
  return {
    branches: [root],
    metadata,
    replaceMetadata(raw) {
      metadataChange = { raw };
    },
    removeMetadata() {
      metadataChange = {};
    },
    toString() {
      if (dirty) return takeOver();
      const parts: string[] = [];
      let at = 0;
      for (const leaf of leaves) {
        if (leaf.source === undefined) continue;
        parts.push(text.slice(at, leaf.start), leaf.source);
        at = leaf.end;
      }
      parts.push(metadataChange ? data.slice(at) : text.slice(at));
      if (metadataChange?.raw) parts.push(metadataText(metadataChange.raw));
      return parts.join('');
    },
  };
}

function metadataStart(text: string): number {
  if (text.startsWith(`${METADATA_KEY}:`)) return 0;
  const i = text.indexOf(`\n${METADATA_KEY}:`);
  return i < 0 ? -1 : i + 1;
}
