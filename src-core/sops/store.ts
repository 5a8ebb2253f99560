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
