/**
 * The INI store (sops stores/ini/store.go, on go-ini): sections of `key = value`, `;`/`#` comments
 * that belong to the section they are written in (or that they introduce), values cut at an inline
 * `;`/`#` unless quoted, `"""` for multi-line values, and the metadata flattened into a `[sops]`
 * section with `\n` escapes. Values are edited in place on their own lines.
 */
import { SopsError } from './errors';
import { flattenMetadata, unflattenMetadata } from './metadata';
import type { CommentLeaf, MapNode } from './tree';
import { joinLines, REMOVED_LINE, type RawMetadata, type StoreDocument } from './store';

const METADATA_SECTION = 'sops';
const DEFAULT_SECTION = 'DEFAULT';

/** go-ini's quoting on write: multi-line values in `"""`, values with comment characters or edge spaces in backquotes. */
function iniValue(value: string): string {
  if (value.includes('\n')) return `"""${value}"""`;
  if (/[#;]/.test(value) || value !== value.trim() || /^["`]/.test(value)) return value.includes('`') ? `"""${value}"""` : `\`${value}\``;
  return value;
}

/** sops's stripCommentChar. */
function commentText(line: string): string {
  return line.replace(/^;[; ]*/, '').replace(/^#[# ]*/, '');
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
  const sections: Section[] = [{ name: DEFAULT_SECTION, node: { kind: 'map', items: [] }, header: -1, end: 0 }];
  let pending: CommentLeaf[] = [];
  const comment = (i: number, source: string, prefixOf: (text: string) => string): CommentLeaf => ({
    kind: 'comment',
    text: commentText(source),
    set(text) {
      this.text = text;
      lines[i] = prefixOf(text);
    },
  });
  const metaEntries: Array<[string, string]> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    const current = sections[sections.length - 1];
    if (trimmed === '') continue;
    if (trimmed.startsWith(';') || trimmed.startsWith('#')) {
      const lead = line.slice(0, line.length - line.trimStart().length) + trimmed[0] + (trimmed[1] === ' ' ? ' ' : '');
      pending.push(comment(i, trimmed, (t) => lead + t));
      continue;
    }
    const header = /^\[(.*)\]$/.exec(trimmed);
    if (header) {
      current.end = i;
      sections.push({ name: header[1].trim(), node: { kind: 'map', items: pending }, header: i, end: lines.length });
      pending = [];
      continue;
    }
    const m = /^([^=:]*?)\s*[=:]\s*/.exec(line.trimStart());
    if (!m) throw new SopsError('malformed', `line ${i + 1} of the INI file is neither a section, a key nor a comment`);
    const key = m[1];
    const prefix = line.slice(0, line.length - line.trimStart().length) + m[0];
    let rest = line.slice(prefix.length);
    let value: string;
    let inline: CommentLeaf | undefined;
    let last = i;
    if (rest.startsWith('"""')) {
      const body: string[] = [rest.slice(3)];
      while (!body[body.length - 1].includes('"""')) {
        if (++last >= lines.length) throw new SopsError('malformed', `the multi-line value of ${key} (line ${i + 1}) has no closing """`);
        body.push(lines[last]);
      }
      const joined = body.join('\n');
      value = joined.slice(0, joined.indexOf('"""'));
    } else if (/^(["`]).*\1\s*$/.test(rest.trimEnd()) && rest.trim().length >= 2) {
      value = rest.trim().slice(1, -1);
    } else {
      const at = rest.search(/[#;]/);
      if (at >= 0) {
        const source = rest.slice(at);
        const before = rest.slice(0, at);
        inline = comment(i, source, (t) => `${prefix}${before}${source[0]} ${t}`);
        rest = before;
      }
      value = rest.trim();
    }
    const start = i;
    const end = last;
    i = last;
    if (current.name === METADATA_SECTION) {
      metaEntries.push([key, value.replaceAll('\\n', '\n')]);
      continue;
    }
    current.node.items.push(...pending);
    pending = [];
    current.node.items.push({
      kind: 'entry',
      key,
      value: {
        kind: 'scalar',
        value: { type: 'str', text: value },
        set(v) {
          this.value = v;
          lines[start] = prefix + iniValue(v.text);
          for (let j = start + 1; j <= end; j++) lines[j] = REMOVED_LINE;
        },
      },
    });
    if (inline) current.node.items.push(inline);
  }
  sections[sections.length - 1].node.items.push(...pending);

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
      return joinLines(lines, appended, true);
    },
  };
}
