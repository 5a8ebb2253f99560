/**
 * The format-independent tree every store produces, and SOPS's walk over it (sops.go `walkBranch`,
 * `walkSlice`, `shouldBeEncrypted`, `Tree.Encrypt`, `Tree.Decrypt`). Leaves carry setters, so the
 * stores write results back into the original text and keep its layout.
 */
import { createHash } from 'node:crypto';
import { SopsError } from './sops-error';
import { isEncryptedText, type ValueCipher } from './cipher';
import { str, type SopsValue } from './values';

export interface ScalarLeaf {
  kind: 'scalar';
  /** null: a YAML/JSON null, which SOPS neither encrypts nor hashes. */
  value: SopsValue | null;
  set(value: SopsValue): void;
}

export interface CommentLeaf {
  kind: 'comment';
  /** The comment without its leading `#` (or `;`). */
  text: string;
  set(text: string): void;
}

export interface MapEntry {
  kind: 'entry';
  key: string;
  value: TreeNode;
}

/** A key whose value is a string written back by `write` (the line-based stores: dotenv, INI). */
export function stringEntry(key: string, text: string, write: (text: string) => void): MapEntry {
  return {
    kind: 'entry',
    key,
    value: {
      kind: 'scalar',
      value: { type: 'str', text },
      set(v) {
        this.value = v;
        write(v.text);
      },
    },
  };
}

export interface MapNode {
  kind: 'map';
  items: Array<MapEntry | CommentLeaf>;
}

export interface ListNode {
  kind: 'list';
  items: Array<TreeNode | CommentLeaf>;
}

export type TreeNode = MapNode | ListNode | ScalarLeaf;

/** The options of the metadata that decide which leaves are encrypted (sops.go `Metadata`). */
export interface EncryptionRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  unencryptedCommentRegex?: string;
  encryptedCommentRegex?: string;
  macOnlyEncrypted?: boolean;
}

type Visit = (leaf: ScalarLeaf | CommentLeaf, path: string[], comments: string[][]) => void;

/** sops.go walkBranch/walkSlice: path = the map keys (list positions add nothing), plus the stack of comments seen at each level. */
function walkNode(node: TreeNode | CommentLeaf, path: string[], stack: string[][], visit: Visit): void {
  if (node.kind === 'scalar' || node.kind === 'comment') {
    visit(node, path, stack);
    return;
  }
  const levels = [...stack, []];
  for (const item of node.items) {
    if (item.kind === 'comment') {
      levels[levels.length - 1] = [...levels[levels.length - 1], item.text];
      visit(item, path, levels);
      continue;
    }
    if (item.kind === 'entry') walkNode(item.value, [...path, item.key], levels, visit);
    else walkNode(item, path, levels, visit);
    levels[levels.length - 1] = [];
  }
}

export function walkTree(branches: MapNode[], visit: Visit): void {
  for (const branch of branches) walkNode(branch, [], [], visit);
}

/** Go regexp → JS: RE2's leading inline flags become JS flags; the match is a search, as regexp.Match. */
function goRegex(pattern: string): RegExp {
  const m = /^\(\?([imsU]+)\)/.exec(pattern);
  const flags = m ? [...new Set(m[1].replace('U', ''))].join('') : '';
  try {
    return new RegExp(m ? pattern.slice(m[0].length) : pattern, flags);
  } catch (e) {
    throw new SopsError('config', `the regular expression "${pattern}" cannot be used: ${(e as Error).message}`, { cause: e });
  }
}

/** sops.go `shouldBeEncrypted`, rule for rule. */
export function encryptionDecider(rules: EncryptionRules): (path: string[], comments: string[][], isComment: boolean) => boolean {
  const unencryptedRegex = rules.unencryptedRegex ? goRegex(rules.unencryptedRegex) : undefined;
  const encryptedRegex = rules.encryptedRegex ? goRegex(rules.encryptedRegex) : undefined;
  const unencryptedComment = rules.unencryptedCommentRegex ? goRegex(rules.unencryptedCommentRegex) : undefined;
  const encryptedComment = rules.encryptedCommentRegex ? goRegex(rules.encryptedCommentRegex) : undefined;
  return (path, comments, isComment) => {
    let encrypted = true;
    if (rules.unencryptedSuffix && path.some((p) => p.endsWith(rules.unencryptedSuffix!))) encrypted = false;
    if (rules.encryptedSuffix) encrypted = path.some((p) => p.endsWith(rules.encryptedSuffix!));
    if (unencryptedRegex && path.some((p) => unencryptedRegex.test(p))) encrypted = false;
    if (encryptedRegex) encrypted = path.some((p) => encryptedRegex.test(p));
    if (unencryptedComment && comments.some((level) => level.some((c) => unencryptedComment.test(c)))) encrypted = false;
    if (encryptedComment) {
      const lastLevel = comments.length - 1;
      const lastComment = comments[lastLevel].length - 1;
      // The comment that matches is itself left in the clear; only what follows it is encrypted.
      encrypted = comments.some((level, i) => level.some((c, j) => !(isComment && i === lastLevel && j === lastComment) && encryptedComment.test(c)));
    }
    return encrypted;
  };
}

/** sops.go MACOnlyEncryptedInitialization: sha256("sops"), so the two kinds of MAC never coincide. */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

function macHash(rules: EncryptionRules) {
  const hash = createHash('sha512');
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  return hash;
}

/** Every leaf with whether SOPS encrypts it and its additional data: the path of keys joined by ':', plus ':'. */
function walkLeaves(branches: MapNode[], rules: EncryptionRules, visit: (leaf: ScalarLeaf | CommentLeaf, path: string[], encrypted: boolean, ad: string) => void): void {
  const shouldEncrypt = encryptionDecider(rules);
  walkTree(branches, (leaf, path, comments) => visit(leaf, path, shouldEncrypt(path, comments, leaf.kind === 'comment'), `${path.join(':')}:`));
}

/** Where a leaf is, for messages (never its value). */
function where(path: string[], isComment: boolean): string {
  const at = path.length ? `"${path.join('.')}"` : 'the top level';
  return isComment ? `a comment at ${at}` : `the value at ${at}`;
}

/**
 * sops.go `Tree.Decrypt`: decrypts every leaf in place (through its setter) and returns the MAC of the
 * plaintext values, in SOPS's upper-case hex. A comment that is not in ENC form is taken as written in
 * the clear, as SOPS does for files of older versions; an ENC comment that does not authenticate is refused.
 */
export function decryptTree(branches: MapNode[], rules: EncryptionRules, cipher: ValueCipher): string {
  const hash = macHash(rules);
  walkLeaves(branches, rules, (leaf, path, encrypted, ad) => {
    if (leaf.kind === 'comment') {
      if (encrypted && isEncryptedText(leaf.text)) leaf.set(cipher.decrypt(leaf.text, ad, () => where(path, true)).text);
      return;
    }
    if (leaf.value === null) return;
    let value = leaf.value;
    if (encrypted) {
      if (value.type !== 'str') throw new SopsError('tampered', `${where(path, false)} should be encrypted but is a plain ${value.type}`);
      value = cipher.decrypt(value.text, ad, () => where(path, false));
      leaf.set(value);
    }
    if (!rules.macOnlyEncrypted || encrypted) hash.update(value.text, 'utf8');
  });
  return hash.digest('hex').toUpperCase();
}

/** sops.go `Tree.Encrypt`: encrypts every leaf in place and returns the MAC of the plaintext values. */
export function encryptTree(branches: MapNode[], rules: EncryptionRules, cipher: ValueCipher): string {
  const unencryptedComment = rules.unencryptedCommentRegex ? goRegex(rules.unencryptedCommentRegex) : undefined;
  const hash = macHash(rules);
  walkLeaves(branches, rules, (leaf, _path, encrypted, ad) => {
    if (leaf.kind === 'comment') {
      if (!encrypted) return;
      const enc = cipher.encrypt(str(leaf.text), ad, true);
      if (unencryptedComment?.test(enc)) throw new SopsError('config', `an encrypted comment matches unencrypted_comment_regex; choose a regex that cannot match ENC[...]`);
      leaf.set(enc);
      return;
    }
    if (leaf.value === null) return;
    if (!rules.macOnlyEncrypted || encrypted) hash.update(leaf.value.text, 'utf8');
    if (encrypted) leaf.set(str(cipher.encrypt(leaf.value, ad)));
  });
  return hash.digest('hex').toUpperCase();
}
