/**
 * The INI store (sops stores/ini/store.go, on go-ini's parser.go and file.go): sections of
 * `key = value`; the comment lines before a key, with the key's inline comment, are one comment that
 * follows the key in the tree (`treeItemFromSection`), and those before a section header, with the
 * header's inline comment, one comment that opens the section; values are cut at an inline `;`/`#`
 * unless quoted, `"""` or backquotes span lines, a trailing `\` continues a value on the next line;
 * the metadata is flattened into a `[sops]` section with `\n` escapes. Lines are edited in place.
 */
import { SopsError } from './sops-error';
import { flattenMetadata, unflattenMetadata } from './metadata';
import { stringEntry, type CommentLeaf, type MapNode } from './tree';
import { joinLines, REMOVED_LINE, type RawMetadata, type StoreDocument } from './store';

const METADATA_SECTION = 'sops';
const DEFAULT_SECTION = 'DEFAULT';

/** go-ini's quoting on write (file.go writeToBuffer). */
function iniValue(value: string): string {
  if (/[\n`]/.test(value)) return `"""${value}"""`;
  if (/[#;]/.test(value)) return `\`${value}\``;
  if (value.trim() !== value) return `"${value}"`;
  return value;
}

/** sops's stripCommentChar, on the whole (possibly multi-line) comment. */
function stripCommentChar(comment: string): string {
  if (comment.startsWith(';')) return comment.replace(/^[; ]+/, '');
  if (comment.startsWith('#')) return comment.replace(/^[# ]+/, '');
  return comment;
}

/** go-ini's comment lines on write: a line not starting with `;`/`#` gets `; ` (key comments are also trimmed). */
function commentLines(text: string, trim: boolean): string {
  return text
    .split('\n')
    .map((line) => (line[0] === '#' || line[0] === ';' ? `${line[0]} ${line.slice(1).trim()}` : `; ${trim ? line.trim() : line}`))
    .join('\n');
}

/** go-ini hasSurroundedQuote. */
function surrounded(value: string, quote: string): boolean {
  return value.length >= 2 && value[0] === quote && value[value.length - 1] === quote && value.indexOf(quote, 1) === value.length - 1;
}

/** Where a comment sits on a key or header line, to be moved above it when the comment is rewritten. */
interface Inline {
  line: number;
  at: number;
  source: string;
}

interface Section {
  name: string;
  node: MapNode;
  /** Line index of the header, or -1 for the implicit DEFAULT section. */
  header: number;
  end: number;
}

export function parseIniStore(text: string): StoreDocument {
  const lines = text.split('\n');
  /** Comments written above a line that had only an inline one. */
  const above = new Map<number, string>();
  const sections: Section[] = [{ name: DEFAULT_SECTION, node: { kind: 'map', items: [] }, header: -1, end: 0 }];
  let pending: number[] = [];
  /** Inline comments that were moved out of their line, by line. */
  const moved = new Set<number>();
  /** Key lines whose value was set: written when the text is, with their inline comment if it was not moved. */
  const rewritten = new Map<number, () => string>();

  /** One comment leaf for the pending comment lines and an inline comment (go-ini joins them into one Comment). */
  const commentOf = (inline: Inline | undefined, trim: boolean): CommentLeaf | undefined => {
    const own = pending;
    pending = [];
    const raw = (own.map((i) => `${lines[i].trimStart()}\n`).join('') + (inline?.source ?? '')).trim();
    if (!raw) return undefined;
    return {
      kind: 'comment',
      text: stripCommentChar(raw),
      set(value) {
        this.text = value;
        const rendered = commentLines(value, trim);
        if (own.length) {
          lines[own[0]] = rendered;
          for (const i of own.slice(1)) lines[i] = REMOVED_LINE;
        } else above.set(inline!.line, rendered);
        if (inline && !moved.has(inline.line)) {
          moved.add(inline.line);
          if (!rewritten.has(inline.line) && lines[inline.line] !== REMOVED_LINE) lines[inline.line] = lines[inline.line].slice(0, inline.at).trimEnd();
        }
      },
    };
  };

  const metaEntries: Array<[string, string]> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trimStart();
    const current = sections[sections.length - 1];
    if (trimmed.trim() === '') continue;
    if (trimmed.startsWith(';') || trimmed.startsWith('#')) {
      pending.push(i);
      continue;
    }
    if (trimmed.startsWith('[')) {
      const close = trimmed.lastIndexOf(']');
      if (close < 0) throw new SopsError('malformed', `line ${i + 1} of the INI file opens a section it does not close`);
      const lead = line.length - trimmed.length;
      const after = trimmed.slice(close + 1).search(/[#;]/);
      const inline = after >= 0 ? { line: i, at: lead + close + 1 + after, source: trimmed.slice(close + 1 + after) } : undefined;
      current.end = i;
      const name = trimmed.slice(1, close);
      const comment = commentOf(inline, name !== METADATA_SECTION);
      // The [sops] section's comment (sops drops it with the metadata) stays with the data before it.
      if (comment && name === METADATA_SECTION) [...sections].reverse().find((s) => s.name !== METADATA_SECTION)!.node.items.push(comment);
      sections.push({ name, node: { kind: 'map', items: comment && name !== METADATA_SECTION ? [comment] : [] }, header: i, end: lines.length });
      continue;
    }
    const quoted = /^(`|"""|")(.*?)\1\s*[=:]\s*/.exec(trimmed);
    const m = quoted ?? /^([^=:]*?)\s*[=:]\s*/.exec(trimmed);
    if (!m || (!quoted && !m[1])) throw new SopsError('malformed', `line ${i + 1} of the INI file is neither a section, a key nor a comment`);
    const key = quoted ? m[2] : m[1];
    const prefix = line.slice(0, line.length - trimmed.length) + m[0];
    const rest = line.slice(prefix.length);
    let value: string;
    let inline: Inline | undefined;
    let last = i;
    const valQuote = rest.length > 3 && rest.startsWith('"""') ? '"""' : rest.startsWith('`') ? '`' : '';
    if (valQuote) {
      const first = rest.slice(valQuote.length);
      const pos = first.lastIndexOf(valQuote);
      if (pos >= 0) value = first.slice(0, pos);
      else {
        // parser.go readMultilines: up to the last quote of the first line that has one; a comment after it is the key's.
        const body = [first];
        for (;;) {
          if (++last >= lines.length) throw new SopsError('malformed', `the multi-line value of ${key} (line ${i + 1}) has no closing ${valQuote}`);
          const next = lines[last];
          const close = next.lastIndexOf(valQuote);
          if (close < 0) {
            body.push(next);
            continue;
          }
          body.push(next.slice(0, close));
          const tail = next.slice(close).search(/[#;]/);
          if (tail >= 0) inline = { line: last, at: close + tail, source: next.slice(close + tail).trim() };
          break;
        }
        value = body.join('\n');
      }
    } else if (rest.trimEnd().endsWith('\\')) {
      // parser.go readContinuationLines: the next lines, trimmed, until one that does not end in `\` (or is empty).
      value = rest.trim().slice(0, -1);
      while (++last < lines.length) {
        const next = lines[last].trim();
        if (!next) break;
        value += next;
        if (!value.endsWith('\\')) break;
        value = value.slice(0, -1);
      }
      if (last >= lines.length) last = lines.length - 1;
    } else {
      value = rest.trim();
      const at = value.search(/[#;]/);
      if (at >= 0) {
        inline = { line: i, at: prefix.length + rest.indexOf(value) + at, source: value.slice(at) };
        value = value.slice(0, at).trim();
      }
      if (surrounded(value, "'") || surrounded(value, '"')) value = value.slice(1, -1);
    }
    const start = i;
    const end = last;
    i = last;
    if (current.name === METADATA_SECTION) {
      pending = [];
      metaEntries.push([key, value.replaceAll('\\n', '\n')]);
      continue;
    }
    const own = inline;
    current.node.items.push(
      stringEntry(key, value, (text) => {
        const written = prefix + iniValue(text);
        for (let j = start; j <= end; j++) rewritten.set(j, () => '');
        rewritten.set(start, () => (own && !moved.has(own.line) ? `${written} ${own.source}` : written));
        for (let j = start + 1; j <= end; j++) lines[j] = REMOVED_LINE;
      }),
    );
    const comment = commentOf(inline, true);
    if (comment) current.node.items.push(comment);
  }
  // go-ini drops comments after the last key; they are kept here (encrypted) as the last section's last comment.
  const trailing = commentOf(undefined, true);
  const lastData = [...sections].reverse().find((s) => s.name !== METADATA_SECTION);
  if (trailing) lastData!.node.items.push(trailing);

  const metaSection = sections.find((s) => s.name === METADATA_SECTION);
  const dataSections = sections.filter((s) => s.name !== METADATA_SECTION && (s.header >= 0 || s.node.items.length));
  const removeSection = (): void => {
    if (!metaSection) return;
    for (let j = metaSection.header; j < metaSection.end; j++) lines[j] = REMOVED_LINE;
  };
  let appended: string[] = [];
  return {
    branches: [{ kind: 'map', items: dataSections.map((s) => ({ kind: 'entry' as const, key: s.name, value: s.node })) }],
    metadata: metaSection ? unflattenMetadata(metaEntries) : undefined,
    replaceMetadata(raw: RawMetadata) {
      removeSection();
      const entries = flattenMetadata(raw).map(([k, v]) => [k, v.replaceAll('\n', '\\n')]);
      const width = Math.max(...entries.map(([k]) => k.length));
      appended = [`[${METADATA_SECTION}]`, ...entries.map(([k, v]) => `${k.padEnd(width)} = ${v}`)];
    },
    removeMetadata() {
      removeSection();
      appended = [];
    },
    toString() {
      const out = lines.map((l, i) => {
        const line = l === REMOVED_LINE ? l : (rewritten.get(i)?.() ?? l);
        return above.has(i) && line !== REMOVED_LINE ? `${above.get(i)}\n${line}` : line;
      });
      return joinLines(out, appended, true);
    },
  };
}
