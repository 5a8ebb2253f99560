/**
 * The text-inserting quick fixes in a .tf file, written in the syntax of the form the policy has there:
 * `jsonencode({...})` takes HCL object syntax (`Effect = "Allow"`, `Principal = { AWS = "…" }`), and a
 * `data "aws_iam_policy_document"` takes its blocks and attributes (`statement { … }`, `resources = ["*"]`,
 * `condition { test = … variable = … values = [...] }`). A heredoc holds JSON and uses the JSON writer.
 * Inserted text takes the indentation of its neighbours; the user's own text is never reformatted.
 */
import type { EditWriter, PolicyEdit, PolicyValue } from '../policy/edits';
import type { TextEdit } from '../policy/findings';
import type { PNode, PProp } from '../policy/tree';

type Members = { [name: string]: PolicyValue };

/** An HCL quoted string; `${` and `%{` would start a template, so they are escaped. */
function hclString(value: string): string {
  return JSON.stringify(value).replace(/([$%])\{/g, (_, mark: string) => `${mark}${mark}{`);
}

function hclList(value: PolicyValue): string {
  const items = Array.isArray(value) ? value : [value];
  return `[${items.map((v) => (typeof v === 'string' ? hclString(v) : '')).join(', ')}]`;
}

/** Names of policy elements as attributes of a policy document's statement block. */
const DOCUMENT_ATTRIBUTES: Record<string, string> = {
  Version: 'version', Sid: 'sid', Effect: 'effect', Action: 'actions', NotAction: 'not_actions', Resource: 'resources', NotResource: 'not_resources',
};
const LIST_ATTRIBUTES = new Set(['actions', 'not_actions', 'resources', 'not_resources']);

const isMembers = (v: PolicyValue): v is Members => typeof v === 'object' && !Array.isArray(v);

/**
 * The lines of policy elements as a policy document writes them (relative indentation with `unit`);
 * undefined for an element it has no way to write.
 */
function documentLines(members: [string, PolicyValue][], unit: string): string[] | undefined {
  const lines: string[] = [];
  const block = (name: string, body: string[]) => lines.push(`${name} {`, ...body.map((l) => unit + l), '}');
  for (const [name, value] of members) {
    const attribute = DOCUMENT_ATTRIBUTES[name];
    if (attribute && (typeof value === 'string' || Array.isArray(value))) {
      lines.push(`${attribute} = ${LIST_ATTRIBUTES.has(attribute) ? hclList(value) : typeof value === 'string' ? hclString(value) : hclList(value)}`);
    } else if (name === 'Principal' || name === 'NotPrincipal') {
      const blockName = name === 'Principal' ? 'principals' : 'not_principals';
      const types: [string, PolicyValue][] = value === '*' ? [['*', '*']] : isMembers(value) ? Object.entries(value) : [];
      if (!types.length) return undefined;
      for (const [type, ids] of types) block(blockName, [`type = ${hclString(type)}`, `identifiers = ${hclList(ids)}`]);
    } else if (name === 'Condition' && isMembers(value)) {
      for (const [test, keys] of Object.entries(value)) {
        if (!isMembers(keys)) return undefined;
        for (const [variable, values] of Object.entries(keys)) block('condition', [`test = ${hclString(test)}`, `variable = ${hclString(variable)}`, `values = ${hclList(values)}`]);
      }
    } else if (name === 'Statement' && isMembers(value)) {
      const body = documentLines(Object.entries(value), unit);
      if (!body) return undefined;
      block('statement', body);
    } else return undefined;
  }
  return lines;
}

/** Edits of the Terraform forms written in HCL: jsonencode() objects and aws_iam_policy_document blocks. */
export function hclEditWriter(text: string): EditWriter {
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const indentOf = (offset: number) => /^[ \t]*/.exec(text.slice(lineStart(offset), offset))![0];
  const startsLine = (offset: number) => /^[ \t]*$/.test(text.slice(lineStart(offset), offset));
  /** The file's indentation step: the first indented line's indentation, else two spaces. */
  const unit = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  // A block's span starts with its type name; an expression's with its bracket.
  const isBlock = (node: PNode) => /[A-Za-z_]/.test(text[node.offset] ?? '');

  /** An HCL expression: objects of more than one member take a line per member, indented one step. */
  const expression = (value: PolicyValue, indent: string, quoteKeys: boolean): string => {
    if (typeof value === 'string') return hclString(value);
    if (Array.isArray(value)) return `[${value.map((v) => expression(v, indent, quoteKeys)).join(', ')}]`;
    const members = Object.entries(value).map(([k, v]) => `${keyText(k, quoteKeys)} = ${expression(v, indent + unit, quoteKeys)}`);
    return members.length <= 1 ? `{ ${members.join('')} }` : `{\n${members.map((m) => indent + unit + m).join('\n')}\n${indent}}`;
  };
  const keyText = (name: string, quote: boolean) => (!quote && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : hclString(name));
  /** Keys are written quoted when the neighbour's key is. */
  const quoted = (prop: PProp | undefined) => text[prop?.keyOffset ?? -1] === '"';

  /** Where lines go at the top of a block's body, and their indentation; undefined for a one-line block. */
  const blockBody = (block: PNode): { offset: number; indent: string } | undefined => {
    const head = /^[A-Za-z_][\w-]*(?:\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*\s*\{[ \t]*(?:#[^\n]*|\/\/[^\n]*)?\r?\n/.exec(text.slice(block.offset, block.offset + block.length));
    if (!head) return undefined;
    const offset = block.offset + head[0].length;
    const outer = indentOf(block.offset);
    const next = /^(?:[ \t]*\r?\n)*([ \t]*)\S/.exec(text.slice(offset))?.[1];
    return { offset, indent: next !== undefined && next.length > outer.length && next.startsWith(outer) ? next : outer + unit };
  };
  const linesAt = (offset: number, indent: string, lines: string[] | undefined): TextEdit[] | undefined =>
    lines && [{ offset, length: 0, newText: lines.map((l) => indent + l + '\n').join('') }];

  /** The offset of the quote closing the string that opens at `i`. */
  const stringEnd = (i: number, end: number): number => {
    for (i++; i < end && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    return i;
  };
  /** Whether a span holds nothing but `name { … }` blocks (and comments): safe to replace as a whole. */
  const onlyBlocks = (offset: number, end: number, name: string): boolean => {
    let rest = '';
    let i = offset;
    const opener = new RegExp(`^${name}\\s*\\{`);
    while (i < end) {
      const m = opener.exec(text.slice(i, end));
      if (!m) {
        rest += text[i++];
        continue;
      }
      let depth = 0;
      for (i += m[0].length - 1; i < end; i++) {
        if (text[i] === '"') i = stringEnd(i, end);
        else if (text[i] === '{') depth++;
        else if (text[i] === '}' && --depth === 0) break;
      }
      i++;
    }
    return /^(?:\s|#[^\n]*|\/\/[^\n]*)*$/.test(rest);
  };

  const inExpression = (edit: PolicyEdit): TextEdit[] | undefined => {
    switch (edit.kind) {
      case 'add-member': {
        if (edit.object.kind !== 'object') return undefined;
        const first = edit.object.props[0];
        if (!first) return [{ offset: edit.object.offset + 1, length: 0, newText: ` ${keyText(edit.name, false)} = ${expression(edit.value, indentOf(edit.object.offset), false)} ` }];
        const indent = indentOf(first.keyOffset);
        const member = `${keyText(edit.name, quoted(first))} = ${expression(edit.value, indent, quoted(first))}`;
        return [{ offset: first.keyOffset, length: 0, newText: startsLine(first.keyOffset) ? `${member}\n${indent}` : `${member}, ` }];
      }
      case 'add-item': {
        if (edit.array.kind !== 'array') return undefined;
        const first = edit.array.items[0];
        const quote = quoted(first?.kind === 'object' ? first.props[0] : undefined);
        if (!first) return [{ offset: edit.array.offset + 1, length: 0, newText: expression(edit.value, indentOf(edit.array.offset), quote) }];
        const indent = indentOf(first.offset);
        const item = expression(edit.value, indent, quote);
        return [{ offset: first.offset, length: 0, newText: startsLine(first.offset) ? `${item},\n${indent}` : `${item}, ` }];
      }
      case 'replace-value':
        return [{ offset: edit.node.offset, length: edit.node.length, newText: expression(edit.value, indentOf(edit.node.offset), false) }];
      case 'replace-member': {
        const { prop } = edit;
        const indent = indentOf(prop.keyOffset);
        const members = edit.members.map(([k, v]) => `${keyText(k, quoted(prop))} = ${expression(v, indent, quoted(prop))}`);
        return [{ offset: prop.keyOffset, length: prop.value.offset + prop.value.length - prop.keyOffset, newText: members.join(startsLine(prop.keyOffset) ? `\n${indent}` : ', ') }];
      }
    }
  };

  const inDocument = (edit: PolicyEdit): TextEdit[] | undefined => {
    switch (edit.kind) {
      case 'add-member': {
        const { object } = edit;
        // A Condition of a policy document is its run of condition blocks: another one goes after the last.
        if (/^condition\b/.test(text.slice(object.offset, object.offset + 9))) {
          const indent = indentOf(object.offset);
          const lines = documentLines([['Condition', { [edit.name]: edit.value }]], unit);
          return lines && [{ offset: object.offset + object.length, length: 0, newText: lines.map((l) => `\n${indent}${l}`).join('') }];
        }
        const body = blockBody(object);
        return body && linesAt(body.offset, body.indent, documentLines([[edit.name, edit.value]], unit));
      }
      case 'add-item': {
        // The Statement of a policy document is the document block: a statement goes at the top of its body.
        const body = blockBody(edit.array);
        return body && linesAt(body.offset, body.indent, documentLines([['Statement', edit.value]], unit));
      }
      case 'replace-value':
        return undefined;
      case 'replace-member': {
        const { prop } = edit;
        const end = prop.value.offset + prop.value.length;
        if (prop.key === 'NotPrincipal' && !onlyBlocks(prop.keyOffset, end, 'not_principals')) return undefined;
        const lines = documentLines(edit.members, unit);
        const indent = indentOf(prop.keyOffset);
        return lines && [{ offset: prop.keyOffset, length: end - prop.keyOffset, newText: lines.join(`\n${indent}`) }];
      }
    }
  };

  return (edit) => {
    const node = edit.kind === 'add-member' ? edit.object : edit.kind === 'add-item' ? edit.array : edit.kind === 'replace-value' ? edit.node : edit.prop.value;
    const block = edit.kind === 'replace-member' ? /^(?:not_principals|principals|not_resources|resources)\b/.test(text.slice(edit.prop.keyOffset, edit.prop.keyOffset + 14)) : isBlock(node);
    return block ? inDocument(edit) : inExpression(edit);
  };
}
