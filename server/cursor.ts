/**
 * Where the cursor is in a JSON or YAML document, for completion: the path of property names and
 * indexes from the root, whether a property name is being typed, and the scalar the completion replaces.
 */
import { getLocation } from 'jsonc-parser';
import { parseYaml } from '../src-core/policy/cfn';
import type { PNode } from '../src-core/policy/tree';

export interface Cursor {
  format: 'json' | 'yaml';
  path: (string | number)[];
  asKey: boolean;
  /** Offsets of the text a completion replaces: the scalar being typed (with its quotes), or the cursor. */
  start: number;
  end: number;
  /** Quote character of the scalar being typed ('' for a plain YAML scalar or a fresh position). */
  quote: string;
  /** Nothing is being typed: a fresh position, e.g. between two statements. */
  fresh: boolean;
  /** A `:` already follows the key being typed, so only the key itself is inserted. */
  colonFollows: boolean;
}

function colonAfter(text: string, end: number): boolean {
  return /^[ \t]*:/.test(text.slice(end, end + 50));
}

export function jsonCursor(text: string, offset: number): Cursor {
  const location = getLocation(text, offset);
  const node = location.previousNode;
  const inString = node && (node.type === 'string' || node.type === 'property') && node.offset <= offset && offset <= node.offset + node.length;
  const start = inString ? node.offset : offset;
  const end = inString ? node.offset + node.length : offset;
  return { format: 'json', path: location.path, asKey: location.isAtPropertyKey, start, end, quote: '"', fresh: !node, colonFollows: colonAfter(text, end) };
}

interface Hit {
  path: (string | number)[];
  node?: PNode;
  key?: { offset: number; length: number };
}

function contains(offset: number, start: number, length: number): boolean {
  return start <= offset && offset <= start + length;
}

/** The scalar or property key under `offset`, with its path. */
function hitAt(node: PNode, offset: number, path: (string | number)[]): Hit | undefined {
  if (node.kind === 'object') {
    for (const p of node.props) {
      if (contains(offset, p.keyOffset, p.keyLength)) return { path: [...path, p.key], key: { offset: p.keyOffset, length: p.keyLength } };
      if (contains(offset, p.value.offset, p.value.length)) return hitAt(p.value, offset, [...path, p.key]);
    }
    return undefined;
  }
  if (node.kind === 'array') {
    for (let i = 0; i < node.items.length; i++) if (contains(offset, node.items[i].offset, node.items[i].length)) return hitAt(node.items[i], offset, [...path, i]);
    return undefined;
  }
  return node.kind === 'dynamic' ? undefined : { path, node };
}

/** Places where YAML holds a map, so a lone scalar there is a property name being typed (`- Eff`). */
function expectsKey(path: (string | number)[]): boolean {
  const names = path.slice(path.lastIndexOf('Statement')).filter((p) => typeof p === 'string');
  return names[0] === 'Statement' && (names.length === 1 || (names[1] === 'Condition' && names.length <= 3));
}

export function yamlCursor(text: string, offset: number): Cursor | undefined {
  const { root } = parseYaml(text);
  const hit = root && hitAt(root, offset, []);
  if (!hit) return undefined;
  const span = hit.key ?? hit.node!;
  const quoteChar = text[span.offset];
  const quote = quoteChar === '"' || quoteChar === "'" ? quoteChar : '';
  let end = span.offset + span.length;
  // A half-typed key followed by the next line's key reads as one multi-line key (`Eff\n  Action`): keep its first line.
  const newline = text.indexOf('\n', span.offset);
  const cut = hit.key !== undefined && newline >= 0 && newline < end;
  if (cut) end = newline;
  const base = { format: 'yaml' as const, start: span.offset, end, quote, colonFollows: !cut && colonAfter(text, end) };
  if (hit.key) return { ...base, path: cut ? [...hit.path.slice(0, -1), text.slice(span.offset, end).trim()] : hit.path, asKey: true, fresh: false };
  const typed = hit.node?.kind === 'string' && !quote && expectsKey(hit.path) ? hit.node.value : undefined;
  if (typed !== undefined) return { ...base, path: [...hit.path, typed], asKey: true, fresh: false };
  return { ...base, path: hit.path, asKey: false, fresh: hit.node?.kind === 'null' };
}
