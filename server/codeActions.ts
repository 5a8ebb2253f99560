/**
 * Quick fixes: each of our diagnostics that carries a fix becomes one code action. The fix travels in the
 * diagnostic's `data` with the document version it was computed for, so a code action needs no second
 * check run and never applies offsets to a newer text.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../src-core/policy/findings';
import { DIAGNOSTIC_SOURCE } from '../protocol/diagnostics';

export interface FixData {
  version: number;
  fix: NonNullable<Finding['fix']>;
}

export function isFixData(data: unknown): data is FixData {
  const d = data as FixData | undefined;
  return typeof d?.version === 'number' && typeof d.fix?.title === 'string' && Array.isArray(d.fix.edits);
}

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
