/** Reveals and highlights one statement of a key policy in its editor (the deciding one of a decision). */
import * as vscode from 'vscode';
import { policyModel } from '../../src-core/policy/evaluate';

const decoration = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.findMatchForeground'),
  overviewRulerLane: vscode.OverviewRulerLane.Center,
});

/** Clears the highlight on the first edit of its document: it marks the text the decision was made on. */
let clearOnEdit: vscode.Disposable | undefined;

/** True when the statement was found and highlighted; other highlights of this kind are cleared. */
export function highlightStatement(editor: vscode.TextEditor, index: number | undefined): boolean {
  const st = index === undefined ? undefined : policyModel(editor.document.getText())?.statements[index];
  clearOnEdit?.dispose();
  clearOnEdit = undefined;
  if (!st) {
    editor.setDecorations(decoration, []);
    return false;
  }
  const range = new vscode.Range(editor.document.positionAt(st.node.offset), editor.document.positionAt(st.node.offset + st.node.length));
  editor.setDecorations(decoration, [range]);
  const document = editor.document;
  clearOnEdit = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== document || e.contentChanges.length === 0) return;
    for (const shown of vscode.window.visibleTextEditors) if (shown.document === document) shown.setDecorations(decoration, []);
    clearOnEdit?.dispose();
    clearOnEdit = undefined;
  });
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}
