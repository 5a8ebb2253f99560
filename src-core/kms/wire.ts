/**
 * The AWS JSON 1.1 wire codec, driven by the KMS model: requests are type-checked and validated
 * against the model's constraints (AWS's "1 validation error detected: …" texts), blobs become
 * bytes and timestamps Dates; responses go back to base64 and epoch seconds. Every host (HTTP
 * endpoint, in-process SDK handler) goes through here, so local and remote calls validate alike.
 */
import { KmsError } from '../kms-error';
import { operationShape, shape, type Shape } from './model/shapes';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function serializationError(path: string, expected: string): KmsError {
  return new KmsError('SerializationException', `Value at '${path}' must be ${expected}.`);
}

function decodeBase64(text: string, path: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw serializationError(path, 'valid base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

const patternCache = new Map<string, RegExp | null>();
function compiledPattern(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      // A Java-only construct: leave the constraint to the handlers rather than reject good input.
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return re;
}

function describeValue(value: unknown, s: Shape): string {
  if (s.sensitive || s.type === 'blob') return 'Value';
  if (Array.isArray(value)) return `Value '[${value.join(', ')}]'`;
  if (typeof value === 'object' && value !== null) return `Value '{${Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join(', ')}}'`;
  return `Value '${String(value)}'`;
}

/** A non-string map value as text; one nested too deeply to serialise is the client's error, not ours. */
function stringForm(value: unknown, path: string): string {
  try {
    return JSON.stringify(value);
  } catch {
    throw serializationError(path, 'a string');
  }
}

class Decoder {
  readonly violations: string[] = [];

  private violate(value: unknown, s: Shape, path: string, constraint: string): void {
    this.violations.push(`${describeValue(value, s)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private checkLength(value: unknown, length: number, s: Shape, path: string): void {
    if (s.min !== undefined && length < s.min) this.violate(value, s, path, `Member must have length greater than or equal to ${s.min}`);
    if (s.max !== undefined && length > s.max) this.violate(value, s, path, `Member must have length less than or equal to ${s.max}`);
  }

  decode(value: unknown, shapeName: string, path: string): unknown {
    const s = shape(shapeName);
    switch (s.type) {
      case 'structure':
        return this.structure(value, s, path);
      case 'list': {
        if (!Array.isArray(value)) throw serializationError(path, 'a list');
        const out = value.map((item, i) => this.decode(item, s.member!.shape, `${path}.${i + 1}.member`));
        this.checkLength(value, value.length, s, path);
        return out;
      }
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serializationError(path, 'a map');
        // No prototype: a user's key such as "__proto__" stays a key (on a plain object, assigning it
        // would set the prototype and drop the pair, leaving a ciphertext unbound to it).
        const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const [k, v] of Object.entries(value)) {
          this.decode(k, s.key!.shape, `${path}.key`);
          // Non-string context values are accepted as their string form, as KMS does.
          out[k] = this.decode(typeof v === 'string' ? v : stringForm(v, `${path}.${k}.value`), s.value!.shape, `${path}.${k}.value`);
        }
        this.checkLength(value, Object.keys(out).length, s, path);
        return out;
      }
      case 'string': {
        if (typeof value !== 'string') throw serializationError(path, 'a string');
        this.checkLength(value, value.length, s, path);
        if (s.enum && !s.enum.includes(value)) this.violate(value, s, path, `Member must satisfy enum value set: [${s.enum.join(', ')}]`);
        else if (s.pattern && value.length > 0 && !compiledPattern(s.pattern)?.test(value) && compiledPattern(s.pattern) !== null) {
          this.violate(value, s, path, `Member must satisfy regular expression pattern: ${s.pattern}`);
        }
        return value;
      }
      case 'blob': {
        if (typeof value !== 'string') throw serializationError(path, 'a base64 string');
        const bytes = decodeBase64(value, path);
        this.checkLength(value, bytes.length, s, path);
        return bytes;
      }
      case 'integer':
      case 'long': {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(path, 'an integer');
        if (s.min !== undefined && value < s.min) this.violate(value, s, path, `Member must have value greater than or equal to ${s.min}`);
        if (s.max !== undefined && value > s.max) this.violate(value, s, path, `Member must have value less than or equal to ${s.max}`);
        return value;
      }
      case 'double':
      case 'float':
        if (typeof value !== 'number') throw serializationError(path, 'a number');
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw serializationError(path, 'a boolean');
        return value;
      case 'timestamp': {
        const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
        if (!date || Number.isNaN(date.getTime())) throw serializationError(path, 'a timestamp');
        return date;
      }
    }
  }

  private structure(value: unknown, s: Shape, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serializationError(path || 'body', 'a JSON object');
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [member, ref] of Object.entries(s.members ?? {})) {
      const v = input[member];
      const memberPath = path ? `${path}.${lowerFirst(member)}` : lowerFirst(member);
      if (v === undefined || v === null) {
        if (s.required?.includes(member)) this.violations.push(`Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`);
        continue;
      }
      out[member] = this.decode(v, ref.shape, memberPath);
    }
    return out;
  }
}

/** Validates and decodes an operation's JSON input; throws ValidationException or SerializationException. */
export function decodeRequest(operation: string, body: unknown): Record<string, unknown> {
  const op = operationShape(operation);
  if (!op) throw new KmsError('UnknownOperationException', `Unknown operation ${operation}`);
  if (!op.input) return {};
  const decoder = new Decoder();
  const input = decoder.decode(body ?? {}, op.input, '') as Record<string, unknown>;
  const n = decoder.violations.length;
  if (n > 0) {
    throw new KmsError('ValidationException', `${n} validation error${n > 1 ? 's' : ''} detected: ${decoder.violations.join('; ')}`);
  }
  return input;
}

/** Turns handler output into wire JSON: bytes → base64, Dates → epoch seconds, undefined dropped. */
export function encodeResponse(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(encodeResponse);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeResponse(v);
    return out;
  }
  return value;
}

/**
 * The CloudTrail view of a request or response: member names in lowerCamelCase, and every blob and
 * every member the model marks sensitive left out, so no plaintext or key material is recorded.
 */
export function redactForAudit(operation: string, direction: 'input' | 'output', value: Record<string, unknown>): Record<string, unknown> | null {
  const op = operationShape(operation);
  const shapeName = direction === 'input' ? op?.input : op?.output;
  if (!shapeName) return null;
  const out = redact(value, shapeName) as Record<string, unknown> | undefined;
  return out && Object.keys(out).length > 0 ? out : null;
}

function redact(value: unknown, shapeName: string): unknown {
  const s = shape(shapeName);
  if (s.sensitive || s.type === 'blob') return undefined;
  if (value instanceof Date) return value.toISOString();
  switch (s.type) {
    case 'structure': {
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [member, ref] of Object.entries(s.members ?? {})) {
        if (input[member] === undefined) continue;
        const v = redact(input[member], ref.shape);
        if (v !== undefined) out[lowerFirst(member)] = v;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => redact(v, s.member!.shape));
    case 'map':
      // A plain object for the event; fromEntries defines each key, so a "__proto__" key is recorded too.
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v, s.value!.shape)]));
    default:
      return value;
  }
}
