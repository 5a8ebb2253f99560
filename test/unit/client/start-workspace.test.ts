/** `npm start` opens its sample workspace outside the repository, so VS Code asks nothing about a parent git repository. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { startWorkspace } from '../../../scripts/start-workspace.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

test('the sample workspace of npm start lies outside the repository', () => {
  for (const env of [{}, { XDG_CACHE_HOME: '/var/cache/me' }]) {
    const workspace = startWorkspace(homedir(), env);
    const inside = relative(ROOT, workspace);
    assert.ok(inside.startsWith('..') || isAbsolute(inside), `${workspace} is inside ${ROOT}`);
  }
});
