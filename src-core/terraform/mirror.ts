/**
 * A tree-sitter tree copied into plain objects (HclNode), kept per open document so that a re-parse after an
 * edit copies only what changed. Reading a node through the WebAssembly boundary costs about a microsecond per
 * property, so a 30 KB policy (14,000 nodes) took 7-10 ms to walk; after a one-character edit only the nodes
 * on the path to the edit are read again, and the copies of everything else are moved to their new offsets.
 *
 * A node is taken over from the previous copy when it lies outside what changed (the edit, and the ranges
 * tree-sitter reports as changed in structure) and the previous copy has, under the counterpart of its
 * parent, a node of the same type, at the same place (before the edit, or after it shifted by its length
 * change) and of the same length. Anything else is read again.
 */
import type { Tree, TreeCursor } from 'web-tree-sitter';
import type { HclNode } from './syntax';

/** A range of the new text; its ends count as inside (a node touching an edit may have changed). */
export interface Span {
  start: number;
  end: number;
}

/** How the text changed since the previous update: one edit, plus tree-sitter's changed ranges. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
  changed: Span[];
}

/** A class, not object literals, so every node has one shape and the readers' property loads stay fast. */
class Copy implements HclNode {
  readonly namedChildren: Copy[];
  readonly hasError: boolean;
  constructor(
    readonly type: string,
    public startIndex: number,
    public endIndex: number,
    readonly isMissing: boolean,
    readonly isNamed: boolean,
    readonly children: Copy[],
    /** The update that last took this node over (each node of the previous copy is taken at most once). */
    public taken = 0,
  ) {
    this.namedChildren = children.filter((c) => c.isNamed);
    this.hasError = type === 'ERROR' || isMissing || children.some((c) => c.hasError);
  }
}

export class TreeMirror {
  #root?: Copy;
  #change?: TextChange;
  #update = 0;
  #types: string[] = [];

  /** The copy of `tree`; `change` says how its text differs from the previous update's (none: copy it all). */
  update(tree: Tree, change?: TextChange): HclNode {
    this.#change = change;
    this.#update++;
    const cursor = tree.walk();
    try {
      this.#root = this.#copy(cursor, change && this.#root ? [this.#root] : []);
      return this.#root;
    } finally {
      cursor.delete();
    }
  }

  clear(): void {
    this.#root = undefined;
  }

  #type(cursor: TreeCursor): string {
    const id = cursor.nodeTypeId;
    return (this.#types[id] ??= cursor.nodeType);
  }

  /** The node at the cursor; `previous` are the nodes among which its counterpart in the previous copy may be. */
  #copy(cursor: TreeCursor, previous: Copy[]): Copy {
    const startIndex = cursor.startIndex;
    const endIndex = cursor.endIndex;
    const type = this.#type(cursor);
    const counterpart = this.#counterpart(previous, startIndex, type);
    // Not a subtree with errors: tree-sitter's changed ranges do not follow how error recovery regroups tokens.
    if (counterpart && !counterpart.hasError && counterpart.endIndex - counterpart.startIndex === endIndex - startIndex && !this.#change!.changed.some((c) => c.start <= endIndex && startIndex <= c.end)) {
      take(counterpart, startIndex - counterpart.startIndex, this.#update);
      return counterpart;
    }
    const children: Copy[] = [];
    if (cursor.gotoFirstChild()) {
      if (counterpart) counterpart.taken = this.#update;
      const inside = counterpart?.children ?? [];
      do children.push(this.#copy(cursor, inside)); while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
    return new Copy(type, startIndex, endIndex, cursor.nodeIsMissing, cursor.nodeIsNamed, children);
  }

  /** The node of the previous copy that was where this one is now (none for a node that starts inside the edit). */
  #counterpart(previous: Copy[], startIndex: number, type: string): Copy | undefined {
    const change = this.#change;
    if (!change || !previous.length) return undefined;
    const before = startIndex <= change.start ? startIndex : startIndex >= change.newEnd ? startIndex - change.newEnd + change.oldEnd : undefined;
    return before === undefined ? undefined : previous.find((p) => p.startIndex === before && p.type === type && p.taken !== this.#update);
  }
}

/** Moves a subtree of the previous copy to its new offsets, and marks all of it as taken. */
function take(node: Copy, by: number, update: number): void {
  node.startIndex += by;
  node.endIndex += by;
  node.taken = update;
  for (const c of node.children) take(c, by, update);
}
