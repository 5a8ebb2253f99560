/**
 * JSON written as a Terraform template (a heredoc, a string of a .tf.json file, a .json.tpl file): parsed in
 * place with `${…}` interpolations and `%{…}` directives as unknowns. A JSON string holding an interpolation
 * becomes a dynamic node; an interpolation standing for a whole value (`"Principal": ${jsonencode(…)}`) is read
 * as a same-length `null` and becomes a dynamic node; a directive on its own is blanked.
 */
import { parseJson, type PNode, type SyntaxProblem } from '../policy/tree';

export interface TemplatePart {
  start: number;
  end: number;
}

/** The `${…}` and `%{…}` of a template text (`$${` and `%%{` are escapes), matched by brace depth outside quotes. */
export function templateParts(text: string): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (let i = 0; i < text.length - 1; i++) {
    if ((text[i] !== '$' && text[i] !== '%') || text[i + 1] !== '{') continue;
    if (i > 0 && text[i - 1] === text[i]) continue;
    let depth = 0;
    let quoted = false;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (quoted) {
        if (c === '\\') j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    out.push({ start: i, end: Math.min(j + 1, text.length) });
    i = j;
  }
  return out;
}

/** Parses `body` (offsets are its own) with `parts` as unknowns; problems before `from` are not reported. */
export function parseTemplateJson(body: string, parts: TemplatePart[], from = 0): { policy?: PNode; problems: SyntaxProblem[] } {
  let masked = body;
  const wholeValues: TemplatePart[] = [];
  for (const p of parts) {
    const before = masked.slice(0, p.start).trimEnd().slice(-1);
    const width = p.end - p.start;
    if (body[p.start] === '%') masked = masked.slice(0, p.start) + ' '.repeat(width) + masked.slice(p.end);
    else if (before === ':' || before === '[' || before === ',') {
      masked = masked.slice(0, p.start) + 'null'.padEnd(width, ' ') + masked.slice(p.end);
      wholeValues.push(p);
    }
  }
  const { root, problems } = parseJson(masked);
  const dynamic = (offset: number, length: number, template: string): PNode => ({ kind: 'dynamic', fn: 'terraform', template, offset, length });
  const mark = (node: PNode): PNode => {
    const whole = wholeValues.find((p) => p.start === node.offset);
    if (whole) return dynamic(whole.start, whole.end - whole.start, body.slice(whole.start, whole.end));
    if (node.kind === 'string' && parts.some((p) => p.start > node.offset && p.end < node.offset + node.length)) return dynamic(node.offset, node.length, node.value);
    if (node.kind === 'object') return { ...node, props: node.props.map((p) => ({ ...p, value: mark(p.value) })) };
    if (node.kind === 'array') return { ...node, items: node.items.map(mark) };
    return node;
  };
  return { policy: root ? mark(root) : undefined, problems: problems.filter((p) => p.offset >= from) };
}
