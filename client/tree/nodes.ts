/** The tree's node shapes: plain data with a parent link, so `getParent` (and `reveal`) work. */
import type { KmsConnection } from '../connections/connection';
import type { KeyFamily } from './keyKind';
import type { KeyEntry } from './keyList';

export type KeyFolder = 'aliases' | 'grants' | 'rotations' | 'tags' | 'replicas' | 'access';

export type Node =
  | { kind: 'connection'; connection: KmsConnection }
  | { kind: 'managerGroup'; connection: KmsConnection; manager: 'CUSTOMER' | 'AWS'; parent: Node }
  | { kind: 'familyGroup'; connection: KmsConnection; family: KeyFamily; parent: Node }
  | { kind: 'loadMore'; connection: KmsConnection; parent: Node }
  | { kind: 'error'; connection: KmsConnection; message: string; parent: Node }
  /** A row that runs a command, e.g. the welcome of an empty keyring ("Create a key…"). */
  | { kind: 'action'; connection: KmsConnection; id: string; label: string; icon: string; command: string; args?: unknown[]; parent: Node }
  | { kind: 'key'; connection: KmsConnection; entry: KeyEntry; parent: Node }
  | { kind: 'folder'; connection: KmsConnection; key: KeyNode; folder: KeyFolder; parent: Node }
  | { kind: 'policy'; connection: KmsConnection; key: KeyNode; parent: Node }
  | { kind: 'detail'; connection: KmsConnection; key: KeyNode; folder: KeyFolder; id: string; label: string; description?: string; tooltip?: string; parent: Node };

export type KeyNode = Extract<Node, { kind: 'key' }>;
export type ConnectionNode = Extract<Node, { kind: 'connection' }>;
export type DetailNode = Extract<Node, { kind: 'detail' }>;

export function keyIdOf(node: KeyNode): string {
  return node.entry.metadata.KeyId ?? '';
}
