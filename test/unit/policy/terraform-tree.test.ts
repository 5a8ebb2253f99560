/**
 * An open document's kept syntax tree (HclParser.open): after each of a series of random edits, the tree it
 * hands out is, node for node, the tree a parse from scratch gives (types, ranges, errors, missing tokens).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HclNode } from '../../../src-core/terraform/syntax';
import { loadHclParsers } from '../../../src-node/terraform/hcl-parser';

const MAIN_TF = readFileSync(join(import.meta.dirname, 'fixtures', 'terraform', 'main.tf'), 'utf8');
const PIECES = ['"', '{', '}', '[', ']', '=', ',', '\n', ' ', '${', '%{', 'kms:', '*', 'x', 'é', '<<EOF\n', '#', '/*'];

type Shape = [string, number, number, boolean, boolean, string[], Shape[]];
const shape = (n: HclNode): Shape => [n.type, n.startIndex, n.endIndex, n.hasError, n.isMissing, n.namedChildren.map((c) => c.type), n.children.map(shape)];

test('the kept tree after each random edit is the tree parsed from scratch', async () => {
  const { parse, open } = await loadHclParsers();
  const document = open();
  let state = 7;
  const next = (below: number) => (state = (state * 1103515245 + 12345) % 2147483648) % below;
  // Four copies: edits far from each other, before and after reused blocks, shift what lies after them.
  let text = [1, 2, 3, 4].map((i) => MAIN_TF.replaceAll('"main"', `"main${i}"`)).join('\n');
  try {
    for (let i = 0; i < 150; i++) {
      const start = next(text.length + 1);
      const end = Math.min(text.length, start + next(12));
      text = text.slice(0, start) + Array.from({ length: next(3) }, () => PIECES[next(PIECES.length)]).join('') + text.slice(end);
      assert.deepEqual(document.parse(text, shape), parse(text, shape), `edit ${i} at ${start}-${end}`);
    }
  } finally {
    document.delete();
  }
});
