/**
 * Commands and settings are written in package.json and again in code (the COMMANDS table, the tree's
 * item commands, the typed Settings, the server's settings and defaults). These tests fail on any
 * disagreement. The client modules import vscode, so their declarations are read from the source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { DELETION_WINDOW_DAYS } from '../../../src-core/kms/limits';
import { DEFAULT_SERVER_SETTINGS, SERVER_SETTINGS_SECTION } from '../../../protocol/settings';

const ROOT = resolve(import.meta.dirname, '../../..');
const PREFIX = 'kmsWorkbench.';

interface Property { type: string | string[]; default?: unknown; minimum?: number; maximum?: number }

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, { command?: string; submenu?: string }[]>;
    configuration: { properties: Record<string, Property> } | { properties: Record<string, Property> }[];
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const titles = new Map(manifest.contributes.commands.map((c) => [c.command, c.title]));
const properties = Object.assign({}, ...[manifest.contributes.configuration].flat().map((c) => c.properties)) as Record<string, Property>;

function sourceFile(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.ES2022, true);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

const nameOf = (name: ts.PropertyName) => (ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText());

/** A string property of an object literal, when it is a string literal. */
function stringProperty(object: ts.ObjectLiteralExpression, key: string): string | undefined {
  const property = object.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && nameOf(p.name) === key);
  return property && ts.isStringLiteralLike(property.initializer) ? property.initializer.text : undefined;
}

/** The COMMANDS table of client/commands/index.ts: command id → title. */
function commandTable(): Map<string, string> {
  const table = new Map<string, string>();
  walk(sourceFile('client/commands/index.ts'), (node) => {
    if (!ts.isVariableDeclaration(node) || node.name.getText() !== 'COMMANDS' || !node.initializer || !ts.isObjectLiteralExpression(node.initializer)) return;
    for (const entry of node.initializer.properties) {
      assert.ok(ts.isPropertyAssignment(entry) && ts.isObjectLiteralExpression(entry.initializer), `COMMANDS entry ${entry.getText()} is a literal`);
      table.set(`${PREFIX}${nameOf(entry.name)}`, stringProperty(entry.initializer, 'title') ?? '');
    }
  });
  return table;
}

/** Members of an interface or type literal: name → the source text of its type. */
function members(path: string, name: string): Map<string, string> {
  const found = new Map<string, string>();
  walk(sourceFile(path), (node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
    for (const member of node.members) if (ts.isPropertySignature(member) && member.type) found.set(nameOf(member.name), member.type.getText());
  });
  assert.ok(found.size > 0, `${name} is declared in ${path}`);
  return found;
}

/** The JSON-schema type package.json gives a TypeScript type. */
function schemaType(typeText: string): string {
  if (typeText === 'boolean' || typeText === 'string' || typeText === 'number') return typeText;
  if (typeText.endsWith('[]')) return 'array';
  if (/^'[^']*'( \| '[^']*')*$/.test(typeText)) return 'string';
  return typeText;
}

test('package.json and the COMMANDS table declare the same commands, with the same titles (menus add "…")', () => {
  const table = commandTable();
  assert.deepEqual([...table.keys()].sort(), [...titles.keys()].sort());
  const disagreements = [...table].filter(([id, title]) => titles.get(id)!.replace(/…$/, '') !== title).map(([id, title]) => `${id}: "${title}" / "${titles.get(id)}"`);
  assert.deepEqual(disagreements, []);
});

test('every menu names a declared command', () => {
  const named = Object.values(manifest.contributes.menus).flat().flatMap((item) => (item.command ? [item.command] : []));
  assert.ok(named.length > 10);
  assert.deepEqual(named.filter((id) => id.startsWith(PREFIX) && !titles.has(id)), []);
});

test("the tree's item commands use the commands' titles", () => {
  const used: string[] = [];
  const disagreements: string[] = [];
  for (const name of readdirSync(join(ROOT, 'client/tree'))) {
    walk(sourceFile(`client/tree/${name}`), (node) => {
      if (!ts.isObjectLiteralExpression(node)) return;
      const command = stringProperty(node, 'command');
      const title = stringProperty(node, 'title');
      if (!command?.startsWith(PREFIX) || title === undefined) return;
      used.push(command);
      if (titles.get(command) !== title) disagreements.push(`client/tree/${name}: ${command} "${title}" / "${titles.get(command)}"`);
    });
  }
  assert.ok(used.length >= 3, 'the tree item commands were found');
  assert.deepEqual(disagreements, []);
});

test('every setting of package.json is typed in client/config.ts or the server protocol, with the same type and default', () => {
  const typed = new Map<string, string>();
  for (const [key, type] of members('client/config.ts', 'Settings')) typed.set(`${PREFIX}${key}`, schemaType(type));
  for (const [key, type] of members('protocol/settings.ts', 'ServerSettings')) typed.set(`${SERVER_SETTINGS_SECTION}.${key}`, schemaType(type));
  // Read by the language client library itself (vscode-languageclient's trace setting), not by our code.
  typed.set(`${SERVER_SETTINGS_SECTION}.trace.server`, 'string');
  assert.deepEqual([...typed.keys()].sort(), Object.keys(properties).sort());
  for (const [key, type] of typed) assert.equal([properties[key].type].flat()[0], type, key);
  for (const [key, value] of Object.entries(DEFAULT_SERVER_SETTINGS)) {
    assert.deepEqual(properties[`${SERVER_SETTINGS_SECTION}.${key}`].default, value, `the default of ${SERVER_SETTINGS_SECTION}.${key}`);
  }
});

test("the deletion setting's range and default are the engine's waiting period", () => {
  const { minimum, maximum, default: value } = properties['kmsWorkbench.deletion.defaultWaitingPeriodDays'];
  assert.deepEqual({ min: minimum, max: maximum, default: value }, DELETION_WINDOW_DAYS);
});
