/**
 * Quick fixes that insert text are described as edits of the policy's structure (add a member, add an item,
 * replace a value or a member), and a writer per syntax turns them into text: JSON here, Terraform's forms in
 * src-core/terraform/edits.ts. A syntax without a writer (YAML) gets no such fix.
 */
import type { TextEdit } from './findings';
import type { PNode, PProp } from './tree';

/** A value a fix writes: strings, lists and objects (members in the order given). */
export type PolicyValue = string | PolicyValue[] | { [name: string]: PolicyValue };

export type PolicyEdit =
  /** Add `name: value` to an object (a policy, a statement, a Condition block). */
  | { kind: 'add-member'; object: PNode; name: string; value: PolicyValue }
  /** Add an item in front of an array's items (a statement to Statement). */
  | { kind: 'add-item'; array: PNode; value: PolicyValue }
  /** Replace a value by another (a principal string by a principal map). */
  | { kind: 'replace-value'; node: PNode; value: PolicyValue }
  /** Replace a member, name and value, by members (NotResource by Resource). */
  | { kind: 'replace-member'; prop: PProp; members: [string, PolicyValue][] };

/** Text edits for a policy edit in one syntax; undefined when it cannot be written there. */
export type EditWriter = (edit: PolicyEdit) => TextEdit[] | undefined;

/** JSON text with a space after each colon and comma, on one line. */
export function jsonText(value: PolicyValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${jsonText(v)}`).join(', ')}}`;
}

/** Edits of a JSON document (a bare policy, a CloudFormation template, a heredoc of a .tf file). */
export function jsonEditWriter(text: string): EditWriter {
  return (edit) => {
    switch (edit.kind) {
      case 'add-member': {
        if (edit.object.kind !== 'object') return undefined;
        const member = `${JSON.stringify(edit.name)}: ${jsonText(edit.value)}`;
        const first = edit.object.props[0];
        if (!first) return [{ offset: edit.object.offset + 1, length: 0, newText: member }];
        // In front of the first member, with its indentation when it starts a line.
        const lineStart = text.lastIndexOf('\n', first.keyOffset - 1) + 1;
        const indent = text.slice(lineStart, first.keyOffset);
        const separator = /^\s*$/.test(indent) ? `,\n${indent}` : ', ';
        return [{ offset: first.keyOffset, length: 0, newText: `${member}${separator}` }];
      }
      case 'add-item': {
        if (edit.array.kind !== 'array') return undefined;
        const item = jsonText(edit.value);
        return [{ offset: edit.array.offset + 1, length: 0, newText: edit.array.items.length ? `${item},` : item }];
      }
      case 'replace-value':
        return [{ offset: edit.node.offset, length: edit.node.length, newText: jsonText(edit.value) }];
      case 'replace-member': {
        const { prop } = edit;
        return [{ offset: prop.keyOffset, length: prop.value.offset + prop.value.length - prop.keyOffset, newText: edit.members.map(([k, v]) => `${JSON.stringify(k)}: ${jsonText(v)}`).join(', ') }];
      }
    }
  };
}
