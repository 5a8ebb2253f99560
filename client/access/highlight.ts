/** Reveals and highlights one statement of a key policy in its editor (the deciding one of a decision). */
import * as vscode from 'vscode';
import { policyModel } from '../../src-core/policy/evaluate';

const decoration = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.findMatchForeground'),
  overviewRulerLane: vscode.OverviewRulerLane.Center,
});

/** True when the statement was found and highlighted; other highlights of this kind are cleared. */
export function highlightStatement(editor: vscode.TextEditor, index: number | undefined): boolean {
  const st = index === undefined ? undefined : policyModel(editor.document.getText())?.statements[index];
  if (!st) {
    editor.setDecorations(decoration, []);
    return false;
  }
  const range = new vscode.Range(editor.document.positionAt(st.node.offset), editor.document.positionAt(st.node.offset + st.node.length));
  editor.setDecorations(decoration, [range]);
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}
