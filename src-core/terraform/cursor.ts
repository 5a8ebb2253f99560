/**
 * Where the cursor is in a Terraform file, for completion. A half-typed file rarely parses, so this is a
 * forward scan of the text up to the cursor that only tracks nesting: each open block, object, tuple, call or
 * heredoc is a frame named by the attribute or block type that opened it (with the block's labels, and the
 * literal string attributes already written in it, e.g. a condition block's `variable`). Heredoc JSON is
 * scanned with the same rules, since JSON tokens are HCL tokens.
 */

export interface HclFrame {
  /** `{`, `[`, `(`, or `<<` for a heredoc. */
  open: string;
  /** A block (`statement {`), as opposed to an object value (`Condition = {`). */
  block: boolean;
  /** The attribute, object key or block type this frame is the value of ('' when none, e.g. a list element). */
  key: string;
  /** A block's labels: `resource "aws_kms_key" "main" {` → ['aws_kms_key', 'main']. */
  labels: string[];
  /** Literal string attributes seen so far in the frame: `variable = "kms:ViaService"`. */
  strings: Map<string, string>;
}

export interface HclCursor {
  /** Outermost first; the last frame holds the cursor. */
  frames: HclFrame[];
  /** The attribute or key whose value is being typed directly ('' in key position or in a list: see the frame). */
  key: string;
  /** The cursor is in a property-name position of an object (jsonencode or heredoc JSON). */
  asKey: boolean;
  /** Offsets of the string being typed, quotes included (the cursor's offset twice when none is). */
  start: number;
  end: number;
  /** A quoted string is being typed. */
  inString: boolean;
  /** `=` or `:` already follows the key being typed. */
  assignFollows: boolean;
  /** A bare word is being typed (`actions = [kms:Enc`, `test = Str`): start..end is that word, to be replaced by a string. */
  bareWord: boolean;
}

const IDENT = /[A-Za-z_][\w-]*/y;

/** Offset just past the string starting at `at` (a `"`), or -1 when it is still open at `limit`. */
function stringEnd(text: string, at: number, limit: number): number {
  let depth = 0;
  for (let i = at + 1; i < limit; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (depth === 0 && c === '"') return i + 1;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    }
    else if (depth > 0 && c === '}') depth--;
    else if (c === '\n' && depth === 0) return -1;
  }
  return -1;
}

/** A word that may start a policy value or key, typed without its quotes: no reference (`var.x`), no interpolation. */
const BARE_WORD = /(?<![\w.$"*:-])[A-Za-z_][\w:*-]*$/;
const WORD_REST = /^[\w:*-]*/;

/**
 * The cursor at `offset`. In a half-typed bare word the position is that of the word's start, the word being
 * what completion replaces; a word inside a string or comment is not one.
 */
export function hclCursor(text: string, offset: number): HclCursor {
  const word = BARE_WORD.exec(text.slice(Math.max(0, offset - 256), offset));
  if (word) {
    const wordStart = offset - word[0].length;
    const { cursor, stoppedAt } = scan(text, wordStart);
    if (!cursor.inString && stoppedAt === wordStart) {
      const end = offset + WORD_REST.exec(text.slice(offset))![0].length;
      return { ...cursor, start: wordStart, end, bareWord: true, ...followers(text, cursor.frames, end, cursor.key) };
    }
  }
  return scan(text, offset).cursor;
}

/** Whether `=`/`:` follows the word ending at `end`, and what that makes of the position (a key or a value). */
function followers(text: string, frames: HclFrame[], end: number, pendingKey: string): Pick<HclCursor, 'assignFollows' | 'asKey' | 'key'> {
  const assignFollows = /^[ \t]*[=:]/.test(text.slice(end, end + 50));
  const frame = frames[frames.length - 1];
  const asKey = assignFollows || (frame.open === '{' && !frame.block && !pendingKey);
  return { assignFollows, asKey, key: asKey ? '' : pendingKey };
}

function scan(text: string, offset: number): { cursor: HclCursor; stoppedAt: number } {
  const root: HclFrame = { open: '', block: true, key: '', labels: [], strings: new Map() };
  const frames: HclFrame[] = [root];
  const heredocs: string[] = [];
  /** Words and strings since the last separator: `resource "aws_kms_key" "main"` before a `{`. */
  let words: string[] = [];
  let pendingKey = '';
  let i = 0;
  const top = () => frames[frames.length - 1];
  const push = (open: string, block = false, labels: string[] = []) => {
    frames.push({ open, block, key: pendingKey, labels, strings: new Map() });
    pendingKey = '';
    words = [];
  };
  while (i < offset) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i, offset);
      if (end < 0) break; // the cursor is inside this string
      const value = text.slice(i + 1, end - 1);
      if (pendingKey && !words.length) top().strings.set(pendingKey, value);
      words.push(value);
      i = end;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? offset : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? offset : close + 2;
    } else if (c === '<' && text[i + 1] === '<') {
      const m = /<<-?([A-Za-z_]\w*)[^\n]*\n/y;
      m.lastIndex = i;
      const found = m.exec(text);
      if (!found) {
        i += 2;
        continue;
      }
      heredocs.push(found[1]);
      push('<<');
      i = m.lastIndex;
    } else if (c === '\n' || c === '\r') {
      i++;
      const marker = heredocs[heredocs.length - 1];
      if (marker) {
        const m = /[ \t]*([A-Za-z_]\w*)[ \t]*(?=\r?\n|$)/y;
        m.lastIndex = i;
        const found = m.exec(text);
        if (found?.[1] === marker && m.lastIndex <= offset) {
          // The heredoc ends: drop what its unbalanced JSON left open.
          while (frames.length > 1 && top().open !== '<<') frames.pop();
          if (frames.length > 1) frames.pop();
          heredocs.pop();
          i = m.lastIndex;
        }
      }
      if (top().open === '{' || top().open === '') {
        words = [];
        pendingKey = '';
      }
    } else if (c === '{' || c === '[' || c === '(') {
      // A block names itself by its type and labels; an object, tuple or call is the value of the pending key.
      if (!pendingKey && words.length && c === '{') {
        pendingKey = words[0];
        push(c, true, words.slice(1));
      } else push(c);
      i++;
    } else if (c === '}' || c === ']' || c === ')') {
      if (frames.length > 1 && top().open !== '<<') frames.pop();
      pendingKey = '';
      words = [];
      i++;
    } else if (c === '=' || c === ':') {
      if (text[i + 1] === '=' || (c === '=' && text[i - 1] === '!')) {
        i += 2;
        continue;
      }
      // `key = value` / `"key": value`; `a ? b : c` has words before the colon too, rarely in a policy.
      if (words.length) pendingKey = words[words.length - 1];
      words = [];
      i++;
    } else if (c === ',') {
      pendingKey = '';
      words = [];
      i++;
    } else {
      IDENT.lastIndex = i;
      const m = IDENT.exec(text);
      if (m && m.index === i) {
        words.push(m[0]);
        i = IDENT.lastIndex;
      } else i++;
    }
  }
  const inString = i < offset && text[i] === '"';
  const start = inString ? i : offset;
  let end = offset;
  if (inString) {
    const close = stringEnd(text, i, text.length);
    end = close >= 0 && close >= offset ? close : offset;
  }
  return { cursor: { frames, start, end, inString, bareWord: false, ...followers(text, frames, end, pendingKey) }, stoppedAt: i };
}
