/**
 * Document symbols for key policies: one symbol per statement, named by its Sid, under the template's
 * logical ID when the policy is embedded in CloudFormation.
 */
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildModel, type StatementModel } from '../src-core/policy/model';
import type { PolicyRoot } from './policyDocuments';

function rangeOf(doc: TextDocument, offset: number, length: number): Range {
  return { start: doc.positionAt(offset), end: doc.positionAt(offset + length) };
}

function summary(s: StatementModel): string {
  const actions = s.actions.length === 1 ? s.actions[0].value : `${s.actions.length} actions`;
  return [s.effect ?? '?', s.notAction ? `not ${actions}` : actions].join(' ');
}

function statementSymbol(doc: TextDocument, s: StatementModel): DocumentSymbol {
  const range = rangeOf(doc, s.node.offset, s.node.length);
  return {
    name: s.sid?.value || `Statement ${s.index + 1}`,
    detail: summary(s),
    kind: SymbolKind.Object,
    range,
    selectionRange: s.sid ? rangeOf(doc, s.sid.node.offset, s.sid.node.length) : range,
  };
}

export function policySymbols(doc: TextDocument, roots: readonly PolicyRoot[]): DocumentSymbol[] {
  return roots.flatMap((root) => {
    const statements = buildModel(root.node).statements.map((s) => statementSymbol(doc, s));
    if (!root.logicalId) return statements;
    const range = rangeOf(doc, root.node.offset, root.node.length);
    return [{ name: root.logicalId, detail: 'KeyPolicy', kind: SymbolKind.Module, range, selectionRange: range, children: statements }];
  });
}
