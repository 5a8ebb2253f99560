/**
 * What every SOPS store (stores/yaml, json, dotenv, ini in sops) gives the format-independent code:
 * the data as trees whose leaves write back into the original text, and the `sops` metadata. A
 * store changes only the text of what it is told to change, so comments, order and layout stay.
 */
import type { MapNode } from './tree';

export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

export type RawMetadata = Record<string, unknown>;

export interface StoreDocument {
  /** The data, without the metadata: one branch per YAML document, one otherwise. */
  branches: MapNode[];
  /** The `sops` metadata as found (unflattened), or undefined for a plaintext file. */
  metadata: RawMetadata | undefined;
  /** Writes the whole metadata block at the end of the data, as SOPS does, replacing any there was. */
  replaceMetadata(raw: RawMetadata): void;
  removeMetadata(): void;
  toString(): string;
}

/** Line-based stores (dotenv, INI): lines marked removed are dropped, and a rewritten metadata block goes last. */
export const REMOVED_LINE = '\u0000';

export function joinLines(lines: string[], appended: string[], blankBefore: boolean): string {
  const kept = lines.filter((l) => l !== REMOVED_LINE);
  if (!appended.length) return kept.join('\n');
  while (kept.length && kept[kept.length - 1] === '') kept.pop();
  return [...kept, ...(blankBefore ? [''] : []), ...appended, ''].join('\n');
}
