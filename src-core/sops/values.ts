/**
 * SOPS's typed leaf values and their byte forms. SOPS encrypts, and hashes into the MAC, the same
 * bytes: `ToBytes` in sops.go and the type switch of `Cipher.Encrypt` in aes/cipher.go (ints in
 * decimal, floats as Go's `FormatFloat(f, 'f', -1, 64)`, booleans as `True`/`False`).
 */
import { SopsError } from './sops-error';

export type ValueType = 'str' | 'int' | 'float' | 'bool' | 'time' | 'bytes';

/** A leaf value: its SOPS type and its canonical text (what is encrypted and hashed). */
export interface SopsValue {
  type: ValueType;
  text: string;
}

export const str = (text: string): SopsValue => ({ type: 'str', text });

/** Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest round-tripping digits, never an exponent. */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const [mantissa, exp] = n.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = Number(exp) + 1;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

/** Go's strconv.ParseFloat for the forms that occur in files. */
function parseGoFloat(text: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * The value SOPS gets back from a decrypted plaintext of a given type (aes/cipher.go Decrypt: Atoi,
 * ParseFloat, ParseBool), in canonical form, so the MAC is computed over the same bytes as SOPS.
 */
export function canonicalValue(type: string, plaintext: string): SopsValue {
  switch (type) {
    case 'str':
    case 'bytes':
    case 'time':
      return { type, text: plaintext };
    case 'int':
      if (!/^[+-]?\d+$/.test(plaintext)) throw new SopsError('malformed', 'an encrypted value of type int is not an integer');
      return { type, text: BigInt(plaintext).toString() };
    case 'float': {
      const n = parseGoFloat(plaintext);
      if (n === undefined) throw new SopsError('malformed', 'an encrypted value of type float is not a number');
      return { type, text: formatGoFloat(n) };
    }
    case 'bool':
      if (TRUE.has(plaintext)) return { type, text: 'True' };
      if (FALSE.has(plaintext)) return { type, text: 'False' };
      throw new SopsError('malformed', 'an encrypted value of type bool is not a boolean');
    default:
      throw new SopsError('malformed', `unknown SOPS value type "${type}"`);
  }
}

export const floatValue = (n: number): SopsValue => ({ type: 'float', text: formatGoFloat(n) });
export const boolValue = (b: boolean): SopsValue => ({ type: 'bool', text: b ? 'True' : 'False' });
