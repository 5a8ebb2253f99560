/**
 * A position-preserving value tree shared by the JSON and YAML readers, so every check and fix works
 * on offsets in the ORIGINAL text whatever the source format (plain JSON, CloudFormation JSON or YAML).
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';

interface Span {
  offset: number;
  length: number;
}

export interface PProp {
  key: string;
  keyOffset: number;
  keyLength: number;
  value: PNode;
}

export type PNode =
  | (Span & { kind: 'object'; props: PProp[] })
  | (Span & { kind: 'array'; items: PNode[] })
  | (Span & { kind: 'string'; value: string })
  | (Span & { kind: 'number'; value: number })
  | (Span & { kind: 'boolean'; value: boolean })
  | (Span & { kind: 'null' })
  /** A CloudFormation intrinsic (Ref, Fn::Sub, !If…): its value is only known at deploy time, so checks skip it. */
  | (Span & { kind: 'dynamic'; fn: string; template?: string; branches?: PNode[] });

export interface SyntaxProblem {
  message: string;
  offset: number;
  length: number;
}

/** Props of an object node, or [] for anything else. */
export function propsOf(node: PNode | undefined): PProp[] {
  return node?.kind === 'object' ? node.props : [];
}

/** The last property of that exact name (later duplicates win, as in most JSON readers). */
export function getProp(node: PNode | undefined, key: string): PProp | undefined {
  const props = propsOf(node);
  for (let i = props.length - 1; i >= 0; i--) if (props[i].key === key) return props[i];
  return undefined;
}

/** A string or an array of strings as a list of string nodes; other shapes contribute nothing. */
export function stringItems(node: PNode | undefined): (PNode & { kind: 'string' })[] {
  if (!node) return [];
  if (node.kind === 'string') return [node];
  if (node.kind === 'array') return node.items.filter((n): n is PNode & { kind: 'string' } => n.kind === 'string');
  return [];
}

/** Plain JS value of a node; dynamic parts become undefined. */
export function toValue(node: PNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const p of node.props) out[p.key] = toValue(p.value);
      return out;
    }
    case 'array':
      return node.items.map(toValue);
    case 'null':
      return null;
    case 'dynamic':
      return undefined;
    default:
      return node.value;
  }
}

/**
 * A canonical text of a node for comparing statements: its value as JSON, with every deploy-time value
 * (intrinsic, Terraform reference) as its source text, so `!GetAtt A.Arn` and `!GetAtt B.Arn` differ.
 */
export function comparableText(node: PNode, source: string): string {
  switch (node.kind) {
    case 'object':
      return `{${node.props.map((p) => `${JSON.stringify(p.key)}:${comparableText(p.value, source)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map((n) => comparableText(n, source)).join(',')}]`;
    case 'dynamic':
      return `<${source.slice(node.offset, node.offset + node.length).replace(/\s+/g, ' ')}>`;
    case 'null':
      return 'null';
    default:
      return JSON.stringify(node.value);
  }
}

function fromJson(node: JsonNode): PNode {
  const span = { offset: node.offset, length: node.length };
  switch (node.type) {
    case 'object': {
      const props: PProp[] = [];
      for (const p of node.children ?? []) {
        const [k, v] = p.children ?? [];
        if (!k) continue;
        // A property with a key but no value (mid-edit) still gets a null so checks can point at it.
        const value: PNode = v ? fromJson(v) : { kind: 'null', offset: k.offset + k.length, length: 0 };
        props.push({ key: String(k.value), keyOffset: k.offset, keyLength: k.length, value });
      }
      return { kind: 'object', props, ...span };
    }
    case 'array':
      return { kind: 'array', items: (node.children ?? []).map(fromJson), ...span };
    case 'string':
      return { kind: 'string', value: String(node.value), ...span };
    case 'number':
      return { kind: 'number', value: Number(node.value), ...span };
    case 'boolean':
      return { kind: 'boolean', value: Boolean(node.value), ...span };
    default:
      return { kind: 'null', ...span };
  }
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Invalid symbol',
  InvalidNumberFormat: 'Invalid number format',
  PropertyNameExpected: 'Property name expected',
  ValueExpected: 'Value expected',
  ColonExpected: 'Colon expected',
  CommaExpected: 'Comma expected',
  CloseBraceExpected: 'Closing brace expected',
  CloseBracketExpected: 'Closing bracket expected',
  EndOfFileExpected: 'End of file expected',
  InvalidCommentToken: 'Comments are not allowed in JSON',
  UnexpectedEndOfComment: 'Unexpected end of comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unexpected end of number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character in string',
};

/**
 * Deeper than any key policy or template nests (a key policy needs 6 levels, CloudFormation a few more);
 * the JSON reader and the checks recurse per level, so deeper input is refused before it could overflow the stack.
 */
export const MAX_NESTING = 128;

/**
 * Where the bracket nesting of JSON first goes deeper than MAX_NESTING, or undefined.
 * One pass, skipping quoted strings, so it costs far less than the parse it guards.
 */
export function tooDeep(text: string): SyntaxProblem | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_NESTING) return { message: `Nested more than ${MAX_NESTING} levels deep (a key policy needs 6), so the document is not checked`, offset: i, length: 1 };
    } else if (c === '}' || c === ']') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Strict JSON (no comments, no trailing commas: KMS rejects both) into a position tree. */
export function parseJson(text: string): { root?: PNode; problems: SyntaxProblem[] } {
  const deep = tooDeep(text);
  if (deep) return { problems: [deep] };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const problems = errors.map((e) => {
    const code = printParseErrorCode(e.error);
    // At least one character wide so editors show it, but never past the end of the text.
    return { message: SYNTAX_MESSAGES[code] ?? code, offset: e.offset, length: Math.min(Math.max(e.length, 1), text.length - e.offset) };
  });
  return { root: tree ? fromJson(tree) : undefined, problems };
}
