// Where `npm start` keeps its copy of sample-workspace/: in the user's cache, outside this repository, so VS Code
// finds no git repository above the folder it opens and asks nothing about it.
import { join } from 'node:path';

/**
 * @param {string} home
 * @param {Record<string, string | undefined>} env
 */
export function startWorkspace(home, env) {
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'kms-workbench', 'sample-workspace');
}
