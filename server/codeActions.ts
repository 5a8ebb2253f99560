/** Quick fixes: each of our diagnostics that carries a fix becomes one code action. */
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE } from '../src-core/protocol';
import { isFixData } from './policyDiagnostics';

export function quickFixes(doc: TextDocument, params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || !isFixData(diagnostic.data)) continue;
    // Offsets belong to the text the fix was computed on; after an edit the next diagnostics bring a fresh fix.
    if (diagnostic.data.version !== doc.version) continue;
    const edits: TextEdit[] = diagnostic.data.fix.edits.map((e) => ({
      range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) },
      newText: e.newText,
    }));
    actions.push({
      title: diagnostic.data.fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { changes: { [doc.uri]: edits } },
    });
  }
  return actions;
}
