/**
 * The small glob dialect of VS Code settings (`**`, `*`, `?`, `{a,b}`). A glob matches a path when it
 * matches a tail of it that starts at a folder boundary, so `*.json` and `policies/*.json` work the same
 * for workspace-relative and absolute paths.
 */

const cache = new Map<string, RegExp>();

function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything below.
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') out += '(?:';
    else if (ch === '}') out += ')';
    else if (ch === ',') out += '|';
    else out += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return out;
}

function compile(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const body = translate(glob.startsWith('/') ? glob.slice(1) : glob);
    re = new RegExp(`(?:^|/)${body}$`);
    cache.set(glob, re);
  }
  return re;
}

/** True when `path` (forward slashes) matches any of the globs. */
export function matchesAnyGlob(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => compile(g).test(path));
}
