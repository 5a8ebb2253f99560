/**
 * The language server keeps each open .tf document's syntax tree and re-parses only what an edit changed: after
 * every one of a series of random edits (sent as incremental changes, as VS Code sends them), the findings are
 * those of the same text opened fresh, which is parsed from scratch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient } from './client';

const MAIN_TF = readFileSync(join(import.meta.dirname, '..', 'unit', 'policy', 'fixtures', 'terraform', 'main.tf'), 'utf8');

/** What is typed into HCL: plain text, and structure that opens and closes blocks, strings and interpolations. */
const TEXT = [' ', 'kms:', '*', 'Decrypt', 'é', 'x'];
const STRUCTURE = ['"', '{', '}', '[', ']', '(', ')', '=', ',', '\n', '${', '<<EOF\n', '#'];
const PIECES = [...TEXT, ...STRUCTURE];

/** A fixed seed: the same edits on every run, so a failure can be replayed. */
function random(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % below;
  };
}

const shown = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`);

describe('language server re-checks an edited .tf file from its kept tree', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client.stop());

  it('gives, after each random edit, the findings of the same text checked from scratch', async () => {
    const uri = 'file:///work/module/edited.tf';
    const first = await client.open(uri, 'terraform', MAIN_TF);
    // The first check starts loading the parser; its findings come with the check that follows.
    if (!first.length) await client.nextDiagnostics(uri);
    let doc = TextDocument.create(uri, 'terraform', 1, MAIN_TF);
    const next = random(10);
    let checked = 0;
    let compared = 0;
    /** Applies one edit (an incremental change) and compares the findings with those of the same text opened fresh. */
    const edit = async (start: number, end: number, inserted: string) => {
      const range = { start: doc.positionAt(start), end: doc.positionAt(end) };
      doc = TextDocument.update(doc, [{ range, text: inserted }], doc.version + 1);
      const edited = await client.change(uri, [{ range, text: inserted }]);
      const fresh = `file:///work/module/fresh-${compared++}.tf`;
      const scratch = await client.open(fresh, 'terraform', doc.getText());
      assert.deepEqual(shown(edited.diagnostics), shown(scratch), `edit ${compared}: ${JSON.stringify(inserted)} at ${start}-${end}`);
      await client.close(fresh);
      if (scratch.some((d) => d.code !== 'hcl-syntax' && d.code !== 'json-syntax')) checked++;
    };
    for (let i = 0; i < 40; i++) {
      const text = doc.getText();
      const start = next(text.length + 1);
      const end = Math.min(text.length, start + next(3) * next(6));
      const pieces = Array.from({ length: 1 + next(3) }, () => PIECES[next(PIECES.length)]);
      const inserted = pieces.join('');
      await edit(start, end, inserted);
      // Text typed in place stays; anything else is undone (as a user would), so the module keeps its policies.
      if (end > start || pieces.some((p) => STRUCTURE.includes(p))) await edit(start, start + inserted.length, text.slice(start, end));
    }
    // Most texts still had key policies to check: the series is not a comparison of syntax errors only.
    assert.ok(checked > compared / 2, `${checked} of ${compared} texts had policy findings`);
  });
});
