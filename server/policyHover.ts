/**
 * Hover documentation for what is under the cursor in a key policy: an action (or an action wildcard),
 * a condition key or a condition operator. Works on the position tree, so JSON and YAML alike.
 */
import type { Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { KMS_ACTIONS, KMS_ACTION_NAMES, canonicalAction, lookupConditionKey, parseOperator } from '../src-core/policy/data';
import { wildcardMatch } from '../src-core/policy/match';
import type { PNode } from '../src-core/policy/tree';
import { actionMarkdown, conditionKeyMarkdown, operatorMarkdown } from './policyDocs';
import type { PolicyRoot } from './policyDocuments';

interface Token {
  text: string;
  offset: number;
  length: number;
  isKey: boolean;
}

function contains(span: { offset: number; length: number }, offset: number): boolean {
  return span.offset <= offset && offset <= span.offset + span.length;
}

/** The property key or string value under `offset`, descending only into nodes that contain it. */
function tokenAt(node: PNode, offset: number): Token | undefined {
  if (!contains(node, offset)) return undefined;
  if (node.kind === 'string') return { text: node.value, offset: node.offset, length: node.length, isKey: false };
  if (node.kind === 'object') {
    for (const p of node.props) {
      if (contains({ offset: p.keyOffset, length: p.keyLength }, offset)) return { text: p.key, offset: p.keyOffset, length: p.keyLength, isKey: true };
      const inner = tokenAt(p.value, offset);
      if (inner) return inner;
    }
  }
  if (node.kind === 'array') for (const item of node.items) {
    const inner = tokenAt(item, offset);
    if (inner) return inner;
  }
  return undefined;
}

function actionDocs(text: string): string | undefined {
  if (!/^kms:/i.test(text)) return undefined;
  const name = text.slice(4);
  if (!name.includes('*') && !name.includes('?')) {
    const canonical = canonicalAction(name);
    return canonical ? actionMarkdown(KMS_ACTIONS[canonical]) : undefined;
  }
  const matched = KMS_ACTION_NAMES.filter((a) => wildcardMatch(name, a, true));
  return `**${text}** matches ${matched.length} action${matched.length === 1 ? '' : 's'}:\n\n${matched.map((a) => `- kms:${a} · ${KMS_ACTIONS[a].access}`).join('\n')}`;
}

function tokenDocs(token: Token): string | undefined {
  if (!token.isKey) return actionDocs(token.text);
  const key = lookupConditionKey(token.text);
  if (key) return conditionKeyMarkdown(key);
  const op = parseOperator(token.text);
  return op ? operatorMarkdown(token.text, op) : undefined;
}

export function policyHover(doc: TextDocument, offset: number, roots: readonly PolicyRoot[]): Hover | undefined {
  for (const root of roots) {
    const token = tokenAt(root.node, offset);
    const value = token && tokenDocs(token);
    if (token && value) {
      return { contents: { kind: 'markdown', value }, range: { start: doc.positionAt(token.offset), end: doc.positionAt(token.offset + token.length) } };
    }
  }
  return undefined;
}
