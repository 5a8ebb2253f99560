/**
 * The client↔server protocol is declared once, in protocol/messages.ts: both sides pass its message
 * objects to their connection, never a method string, and every message declared there is used on
 * both sides (a message only one side knows is a message nobody answers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as messages from '../../../protocol/messages';

const ROOT = resolve(import.meta.dirname, '../../..');
const SIDES = { client: 'client/language', server: 'server' } as const;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const files = Object.fromEntries(
  Object.entries(SIDES).map(([side, dir]) => [side, sources(join(ROOT, dir)).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }))]),
) as Record<keyof typeof SIDES, { path: string; text: string }[]>;

/** The module's values are its message types (its other exports are types). */
const declared = Object.entries(messages);

test('the protocol module declares the custom messages', () => {
  assert.deepEqual(declared.map(([name]) => name).sort(), ['KnownKeysNotification', 'KnownKeysWantedNotification']);
  for (const [name, type] of declared) assert.match(type.method, /^kmsWorkbench\//, name);
});

test('no connection call on either side names a message by a string or by .method', () => {
  const bare = /\.(send|on)(Notification|Request)\(\s*(['"`]|[\w.]+\.method\b)/g;
  const found: string[] = [];
  for (const { path, text } of [...files.client, ...files.server]) {
    for (const match of text.matchAll(bare)) found.push(`${path}: ${match[0]}`);
    for (const [, type] of declared) if (text.includes(`'${type.method}'`)) found.push(`${path}: '${type.method}'`);
  }
  assert.deepEqual(found, []);
});

test('every declared message is used by the client and by the server', () => {
  for (const [name] of declared) {
    for (const side of Object.keys(SIDES) as (keyof typeof SIDES)[]) {
      const uses = new RegExp(`\\b(send|on)(Notification|Request)\\(\\s*${name}\\b`);
      assert.ok(files[side].some(({ text }) => uses.test(text)), `${name} is not sent or handled in ${SIDES[side]}/`);
    }
  }
});
