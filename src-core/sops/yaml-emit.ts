/**
 * How the YAML store writes: the style of a scalar the way the yaml library would choose it, and the
 * `sops` metadata block as sops writes it. Shared by the syntax-tree store and its fast path.
 */
import { stringify, type Scalar } from 'yaml';
import type { SopsValue } from './values';
import type { RawMetadata } from './store';

export const METADATA_KEY = 'sops';
/** sops's YAML store indents by 4 (stores/yaml IndentDefault). */
const SOPS_INDENT = 4;

/** A one-word plain scalar: no space, indicator or `.` first (`...` ends a document). */
export const PLAIN_SOURCE = /^[A-Za-z0-9_/+=][\w./+=@%-]*$/;
/** The core schema's int (yaml's schema/core/int.js). */
export const INT = /^[-+]?[0-9]+$/;
export const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Everything else the core schema reads as not a string (null, octal, hex, floats, inf, nan): left to the yaml library. */
const OTHER_CORE = [/^(?:~|[Nn]ull|NULL)?$/, /^0o[0-7]+$/, /^0x[0-9a-fA-F]+$/, /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/];

/** Whether the core schema reads a plain scalar as a string (neither int, bool, null, float, inf nor nan). */
export function readsAsString(source: string): boolean {
  return !INT.test(source) && !BOOL.test(source) && !OTHER_CORE.some((r) => r.test(source));
}

/** A YAML plain scalar that reads back as the same string; otherwise the style the yaml library would choose. */
/** Words the YAML core schema reads as booleans or nulls (numbers cannot match SAFE_PLAIN's first character). */
export const RESERVED_PLAIN = /^(true|false|null|y|n|yes|no|on|off)$/i;
/** Plain scalars that can only be strings: a letter, `_` or `/` first, then no indicator or space. Most values; no schema run needed. */
export const SAFE_PLAIN = /^[A-Za-z_/][\w./+=@%-]*$/;

export function stringStyle(text: string): Scalar.Type {
  if (text.startsWith('ENC[AES256_GCM,') && !/[\s#]/.test(text)) return 'PLAIN';
  if (SAFE_PLAIN.test(text) && !RESERVED_PLAIN.test(text)) return 'PLAIN';
  // A digit, `+` or `.` first, but read back as a string: plain too (the yaml library agrees, see yaml-fast.test.ts).
  if (PLAIN_SOURCE.test(text) && !RESERVED_PLAIN.test(text) && readsAsString(text)) return 'PLAIN';
  const out = stringify(text, { lineWidth: 0 });
  if (out.startsWith('"')) return 'QUOTE_DOUBLE';
  if (out.startsWith("'")) return 'QUOTE_SINGLE';
  if (out.startsWith('|') || out.startsWith('>')) return 'BLOCK_LITERAL';
  return 'PLAIN';
}

export function yamlSource(value: SopsValue): { source: string; type: Scalar.Type } {
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

export function metadataText(raw: RawMetadata): string {
  return [`${METADATA_KEY}:`, ...metadataLines(raw, SOPS_INDENT), ''].join('\n');
}

