/**
 * What a check reports, and the collector checks report through. Offsets are 0-based UTF-16 offsets
 * into the text that was linted (a bare policy or the template around it), which is what LSP ranges use.
 */
import type { CheckCode } from './catalogue';
import type { PNode } from './tree';

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  offset: number;
  length: number;
  fix?: { title: string; edits: TextEdit[] };
}

export interface Span {
  offset: number;
  length: number;
}

/** Collects findings; `at` turns a node or key span into a finding position. */
export class FindingList {
  readonly items: Finding[] = [];

  add(code: CheckCode, severity: Severity, message: string, span: Span, fix?: Finding['fix']): void {
    this.items.push({ code, severity, message, offset: span.offset, length: span.length, ...(fix ? { fix } : {}) });
  }
}

export function spanOf(node: PNode): Span {
  return { offset: node.offset, length: node.length };
}

export function keySpan(prop: { keyOffset: number; keyLength: number }): Span {
  return { offset: prop.keyOffset, length: prop.keyLength };
}

/** A fix that replaces one node's text. */
export function replaceFix(title: string, span: Span, newText: string): Finding['fix'] {
  return { title, edits: [{ offset: span.offset, length: span.length, newText }] };
}

/** Edit distance, for "did you mean" suggestions on misspelt names. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The closest candidate (case-insensitive) within a third of the name's length, if any. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  // No name of the language is this long: a misspelling is not what such a value is, and the distance is quadratic.
  if (name.length > 128) return undefined;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
