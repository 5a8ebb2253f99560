/**
 * The dotenv store (sops stores/dotenv/store.go): one `KEY=value` per line, everything after the
 * first `=` is the value (with `\n` escapes), `#` lines are comments, and the metadata is flattened
 * into `sops_…` keys at the end. Lines are edited in place; blank lines stay.
 */
import { SopsError } from './sops-error';
import { flattenMetadata, unflattenMetadata } from './metadata';
import { stringEntry, type MapNode } from './tree';
import { joinLines, REMOVED_LINE, type RawMetadata, type StoreDocument } from './store';

const PREFIX = 'sops_';

export function parseDotenvStore(text: string): StoreDocument {
  const lines = text.split('\n');
  const branch: MapNode = { kind: 'map', items: [] };
  const metaEntries: Array<[string, string]> = [];
  const metaLines: number[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      branch.items.push({
        kind: 'comment',
        text: line.slice(1),
        set(text) {
          this.text = text;
          lines[i] = `#${text}`;
        },
      });
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new SopsError('malformed', `line ${i + 1} of the dotenv file is not KEY=value`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).replaceAll('\\n', '\n');
    if (key.startsWith(PREFIX)) {
      metaEntries.push([key.slice(PREFIX.length), value]);
      metaLines.push(i);
      return;
    }
    branch.items.push(stringEntry(key, value, (text) => (lines[i] = `${key}=${text.replaceAll('\n', '\\n')}`)));
  });
  const remove = (): void => {
    for (const i of metaLines) lines[i] = REMOVED_LINE;
  };
  let appended: string[] = [];
  return {
    branches: [branch],
    metadata: metaEntries.length ? unflattenMetadata(metaEntries) : undefined,
    replaceMetadata(raw: RawMetadata) {
      remove();
      appended = flattenMetadata(raw).map(([k, v]) => `${PREFIX}${k}=${v.replaceAll('\n', '\\n')}`);
    },
    removeMetadata() {
      remove();
      appended = [];
    },
    toString() {
      return joinLines(lines, appended, false);
    },
  };
}
