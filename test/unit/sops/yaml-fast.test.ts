/**
 * The YAML store's fast path against the syntax-tree store, on generated files: the same tree, the
 * same metadata, and the same bytes after the same edits, whether the fast path writes them itself
 * or hands them to the syntax tree (multi-line values).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlStore, parseYamlSyntaxTree } from '../../../src-core/sops/yaml-store';
import { parseSimpleYaml } from '../../../src-core/sops/yaml-fast';
import { stringStyle } from '../../../src-core/sops/yaml-emit';
import { stringify } from 'yaml';
import { walkTree, type MapNode } from '../../../src-core/sops/tree';
import type { StoreDocument } from '../../../src-core/sops/store';
import type { SopsValue } from '../../../src-core/sops/values';

/** A small deterministic generator, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SOURCES = ['abc', 'yes', '1_000', '1e5', 'Zq+/9=', '3abc', '+x', '/path/to', '42', '-7', '+8', '007', 'true', 'False', '"quoted #1"', "'single'", 'ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]', 'a.b-c@d%e', '_x'];
const NEW_VALUES: SopsValue[] = [
  { type: 'str', text: 'plain' },
  { type: 'str', text: '3abc' },
  { type: 'str', text: '+x=' },
  { type: 'str', text: 'a b' },
  { type: 'str', text: 'x #y' },
  { type: 'str', text: 'ends:' },
  { type: 'str', text: '1.0' },
  { type: 'str', text: '0x1F' },
  { type: 'str', text: 'has: colon' },
  { type: 'str', text: 'yes' },
  { type: 'str', text: ' lead' },
  { type: 'str', text: '' },
  { type: 'str', text: 'ENC[AES256_GCM,data:YWJj,iv:aXY=,tag:dGFn,type:str]' },
  { type: 'int', text: '12' },
  { type: 'bool', text: 'True' },
  { type: 'float', text: '1.5' },
];
const MULTI_LINE: SopsValue = { type: 'str', text: 'line one\nline two\n' };

function generate(r: () => number, withMetadata: boolean): string {
  const lines: string[] = [];
  const emit = (depth: number, count: number): void => {
    for (let i = 0; i < count; i++) {
      const pad = ' '.repeat(depth * 4);
      const roll = r();
      if (r() < 0.1) lines.push('');
      if (roll < 0.15 && depth < 2) {
        lines.push(`${pad}map_${depth}_${i}:`);
        emit(depth + 1, 1 + Math.floor(r() * 3));
      } else if (roll < 0.2) lines.push(`${pad}empty_${i}:`);
      else lines.push(`${pad}key_${depth}_${i}: ${SOURCES[Math.floor(r() * SOURCES.length)]}`);
    }
  };
  emit(0, 2 + Math.floor(r() * 6));
  if (withMetadata) {
    if (r() < 0.5) lines.push('');
    lines.push('sops:', '    kms: []', '    lastmodified: "2026-01-01T00:00:00Z"', '    mac: ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]', '    version: 3.13.2');
  }
  return `${lines.join('\n')}\n`;
}

function shape(doc: StoreDocument): unknown {
  // The fast path's leaves also carry where they are in the text: not part of the tree.
  const internal = new Set(['start', 'end', 'source', 'assigned']);
  return JSON.parse(JSON.stringify({ branches: doc.branches, metadata: doc.metadata }, (k, v: unknown) => (internal.has(k) ? undefined : v)));
}

function scalars(branches: MapNode[]) {
  const out: Array<{ value: SopsValue | null; set(v: SopsValue): void }> = [];
  walkTree(branches, (leaf) => {
    if (leaf.kind === 'scalar') out.push(leaf);
  });
  return out;
}

test('the fast path reads generated files as the syntax tree does and writes the same bytes after the same edits', () => {
  let fastUsed = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const text = generate(r, seed % 3 !== 0);
    const fast = parseYamlStore(text);
    const slow = parseYamlSyntaxTree(text);
    if (parseSimpleYaml(text, parseYamlSyntaxTree)) fastUsed++;
    assert.deepEqual(shape(fast), shape(slow), `seed ${seed}`);
    const edits = r();
    const multiLine = r() < 0.2;
    [fast, slow].forEach((doc) => {
      const r2 = rng(seed * 7);
      scalars(doc.branches).forEach((leaf) => {
        if (leaf.value !== null && r2() < edits) leaf.set(multiLine && r2() < 0.3 ? MULTI_LINE : NEW_VALUES[Math.floor(r2() * NEW_VALUES.length)]);
      });
      if (seed % 2) doc.replaceMetadata({ lastmodified: '2026-02-02T00:00:00Z', mac: 'm', version: '3.13.2' });
      else doc.removeMetadata();
    });
    assert.equal(fast.toString(), slow.toString(), `seed ${seed}`);
  }
  // Most generated files are of the simple form (the others check the hand-over to the syntax tree).
  assert.ok(fastUsed > 100, `the fast path took ${fastUsed} of 300 files`);
});

test('forms outside the fast path are left to the syntax tree', () => {
  for (const text of ['a: 1\n# comment\n', 'a:\n    - x\n', 'a: &x 1\nb: *x\n', 'a: 1.5\n', 'a: null\n', '---\na: 1\n', 'a: 1\na: 2\n', 'a: 1', '"a": 1\n', 'a: x\n  b: y\n', 'sops:\n    version: 3\n']) {
    assert.equal(parseSimpleYaml(text, parseYamlSyntaxTree), undefined, text);
  }
});

test('anchors and aliases go to the syntax tree, which gives each alias a copy of its anchor\'s values', () => {
  const doc = parseYamlStore('a: &x one\nb: *x\nc: &m\n    k: v\nd:\n    <<: *m\n');
  const values: string[] = [];
  walkTree(doc.branches, (leaf, path) => {
    if (leaf.kind === 'scalar') values.push(`${path.join('.')}=${leaf.value?.text ?? ''}`);
  });
  assert.deepEqual(values, ['a=one', 'b=one', 'c.k=v', 'd.<<.k=v']);
  assert.equal(doc.toString(), 'a: one\nb: one\nc:\n    k: v\nd:\n    "<<":\n        k: v\n');
});

test('a value the writer calls plain without asking the yaml library is one the library writes plain', () => {
  const r = rng(99);
  const chars = 'aZ09+/=._-@%:#';
  for (let n = 0; n < 5000; n++) {
    const text = Array.from({ length: 1 + Math.floor(r() * 6) }, () => chars[Math.floor(r() * chars.length)]).join('');
    const library = stringify(text, { lineWidth: 0 });
    assert.equal(stringStyle(text) === 'PLAIN', !/^["'|>]/.test(library), text);
  }
});
