/**
 * The import graph of the product code: no cycles, and each layer imports only what
 * docs/engineering.md allows it. Type-only imports count: a cycle of types is still a cycle of design.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');
const LAYERS = ['src-core', 'protocol', 'src-node', 'server', 'client'] as const;
type Layer = (typeof LAYERS)[number];

/** Node built-ins that do I/O or scheduling; the core gets all of that through src-core/ports.ts. */
const NODE_IO = /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|os|path|dgram|dns|tls|worker_threads|cluster|readline|timers|timers\/promises|process)$/;

/** What each layer must not import (docs/engineering.md, "Layout"). */
const FORBIDDEN: Record<Layer, { layers: Layer[]; packages: RegExp[] }> = {
  'src-core': { layers: ['protocol', 'src-node', 'server', 'client'], packages: [/^vscode$/, /^vscode-language(server|client)/, NODE_IO] },
  protocol: { layers: ['src-node', 'server', 'client'], packages: [/^vscode$/, /^vscode-languageclient/, /^vscode-languageserver($|\/)/, NODE_IO] },
  'src-node': { layers: ['protocol', 'server', 'client'], packages: [/^vscode$/, /^vscode-language(server|client)/] },
  server: { layers: ['client', 'src-node'], packages: [/^vscode$/, /^vscode-languageclient/] },
  client: { layers: ['server'], packages: [/^vscode-languageserver($|\/)/] },
};

/**
 * Violations that exist today and are being removed on another branch; each names why it is here.
 * The merge that removes the violation removes its line, and the test then holds the line.
 */
const KNOWN_VIOLATIONS = new Set<string>([]);

/** Cycles that exist today, each with why it is still here (none: keep it that way). */
const KNOWN_CYCLES: string[][] = [];

function productFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return productFiles(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

interface Graph {
  files: string[];
  /** Relative imports, resolved to files of the product. */
  edges: Map<string, string[]>;
  /** Package and built-in imports, by file. */
  packages: Map<string, string[]>;
}

function buildGraph(): Graph {
  const files = LAYERS.flatMap((layer) => productFiles(join(ROOT, layer)));
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const local: string[] = [];
    const external: string[] = [];
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.')) {
        const target = resolveRelative(file, fileName);
        if (target?.endsWith('.ts')) local.push(target);
      } else external.push(fileName);
    }
    edges.set(file, local);
    packages.set(file, external);
  }
  return { files, edges, packages };
}

const rel = (file: string) => relative(ROOT, file).split('\\').join('/');
const layerOf = (file: string) => rel(file).split('/')[0] as Layer;

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(rel(member));
    } while (member !== file);
    if (component.length > 1 || graph.edges.get(file)!.includes(file)) found.push(component.sort());
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return found;
}

const graph = buildGraph();

test('the import graph of client/, server/, protocol/, src-core/ and src-node/ has no cycle', () => {
  assert.ok(graph.files.length > 100, 'the product files were found');
  assert.deepEqual(cycles(graph), KNOWN_CYCLES);
});

test('each layer imports only the layers and packages docs/engineering.md allows it', () => {
  const violations: string[] = [];
  for (const file of graph.files) {
    const rule = FORBIDDEN[layerOf(file)];
    for (const target of graph.edges.get(file)!) {
      const edge = `${rel(file)} -> ${rel(target)}`;
      if (rule.layers.includes(layerOf(target)) && !KNOWN_VIOLATIONS.has(edge)) violations.push(edge);
    }
    for (const name of graph.packages.get(file)!) {
      if (rule.packages.some((pattern) => pattern.test(name))) violations.push(`${rel(file)} -> ${name}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('every known violation still exists, so the list shrinks as they are fixed', () => {
  const edges = new Set(graph.files.flatMap((file) => graph.edges.get(file)!.map((target) => `${rel(file)} -> ${rel(target)}`)));
  assert.deepEqual([...KNOWN_VIOLATIONS].filter((edge) => !edges.has(edge)), []);
});
