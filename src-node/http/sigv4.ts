/**
 * SigV4 authentication of `kmsw serve` requests. The Authorization header names the access key and
 * the credential scope (the Region of the request). With known credentials the signature is
 * recomputed (AWS's canonical request, with the day's signing key cached) and the access key maps to its principal; without them any
 * well-formed signature is the account root, and a 12-digit access key ID selects that account.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { KmsError, type KmsErrorName } from '../../src-core/kms-error';
import { ACCOUNT_ID_PATTERN } from '../../src-core/ids/identifiers';
import type { Caller } from '../../src-core/kms/operation-context';
import { rootPrincipal } from '../host';
import { header, type WireHeaders } from './json-protocol';
import type { KnownCredential } from './credentials';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Authorization {
  accessKeyId: string;
  /** yyyymmdd of the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query as received, e.g. `/` or `/?a=b`. */
  url: string;
  headers: WireHeaders;
  body: Uint8Array;
}

export interface AuthOptions {
  defaultAccountId: string;
  /** Known access keys; when given, signatures are verified and unknown keys refused. */
  credentials?: Map<string, KnownCredential>;
}

function authError(name: KmsErrorName, message: string): KmsError {
  return new KmsError(name, message, { httpStatus: 403 });
}

const AUTH_PARAMETERS = ['Credential', 'SignedHeaders', 'Signature'] as const;
type AuthParameter = (typeof AUTH_PARAMETERS)[number];

export function parseAuthorization(value: string | undefined): Authorization {
  if (!value) throw authError('MissingAuthenticationToken', 'Missing Authentication Token');
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) throw authError('IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'. Sign requests with ${ALGORITHM}.`);
  // The three parameters by name, the last one given winning; read without building a map, as every request does this.
  const params: Record<AuthParameter, string> = { Credential: '', SignedHeaders: '', Signature: '' };
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === 'Credential' || name === 'SignedHeaders' || name === 'Signature') params[name] = part.slice(eq + 1).trim();
  }
  if (!params.Credential || !params.SignedHeaders || !params.Signature) {
    const missing = AUTH_PARAMETERS.filter((p) => !params[p]);
    throw authError('IncompleteSignature', missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' '));
  }
  const scope = params.Credential.split('/');
  if (scope.length !== 5 || scope.some((s) => s === '') || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1])) {
    throw authError('IncompleteSignature', "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/aws4_request.");
  }
  const [accessKeyId, date, region, service] = scope;
  if (service !== 'kms') throw authError('InvalidSignatureException', `Credential should be scoped to correct service: 'kms'.`);
  if (!/^[a-z0-9-]+$/.test(region)) throw authError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'.`);
  const signature = params.Signature;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw authError('IncompleteSignature', 'The Signature parameter must be 64 lowercase hexadecimal characters.');
  return { accessKeyId, date, region, service, signedHeaders: params.SignedHeaders.split(';'), signature };
}

function signingDate(headers: WireHeaders): Date {
  const value = header(headers, 'x-amz-date');
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw authError('IncompleteSignature', "Authorization header requires existence of a valid 'X-Amz-Date' header (yyyyMMdd'T'HHmmss'Z').");
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

function mismatch(): KmsError {
  return authError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
}

/** RFC 3986 escaping as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(search: string): string {
  if (search === '') return '';
  const pairs: string[] = [];
  for (const [k, v] of new URLSearchParams(search)) pairs.push(`${escapeUri(k)}=${escapeUri(v)}`);
  return pairs.sort().join('&');
}

/**
 * Signing keys by secret, day, Region and service: four HMACs that every request of the day repeats.
 * Bounded: a new day or a long list of access keys starts it afresh.
 */
const signingKeys = new Map<string, Buffer>();
const SIGNING_KEYS_KEPT = 64;

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}/${region}/${service}/${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    if (signingKeys.size >= SIGNING_KEYS_KEPT) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** The payload hash the signature covers when the client signed it as a header: then the signature is checked before the body is read. */
function signedPayloadHash(request: Omit<SignedRequest, 'body'>, auth: Authorization): string | undefined {
  if (!auth.signedHeaders.includes('x-amz-content-sha256')) return undefined;
  return header(request.headers, 'x-amz-content-sha256');
}

/** Recomputes the SigV4 signature of a request over `payloadHash` and compares it in constant time. */
function verifySignature(request: Omit<SignedRequest, 'body'>, auth: Authorization, secretAccessKey: string, payloadHash: string): void {
  const amzDate = header(request.headers, 'x-amz-date')!;
  const q = request.url.indexOf('?');
  const path = q < 0 ? request.url : request.url.slice(0, q);
  const search = q < 0 ? '' : request.url.slice(q + 1);
  let canonicalHeaders = '';
  for (const name of auth.signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) throw mismatch();
    canonicalHeaders += `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  }
  // The client escaped the path as it sent it; it is not escaped twice.
  const canonicalRequest = `${request.method}\n${path || '/'}\n${canonicalQuery(search)}\n${canonicalHeaders}\n${auth.signedHeaders.join(';')}\n${payloadHash}`;
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const expected = createHmac('sha256', signingKey(secretAccessKey, auth.date, auth.region, auth.service)).update(stringToSign).digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw mismatch();
}

function bodyHash(body: Uint8Array): string {
  return body.length ? createHash('sha256').update(body).digest('hex') : EMPTY_SHA256;
}

/** AWS refuses requests signed more than this far from its own (real) time: a captured request cannot be replayed later. */
const MAX_SKEW_MS = 15 * 60 * 1000;

function skewed(text: string): KmsError {
  return new KmsError('InvalidSignatureException', text, { httpStatus: 400 });
}

function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * What can be checked before the body is read: the Authorization header's form, the date within
 * AWS's 15 minutes of real time (not the keyring's simulated clock: skew is about the signer's
 * clock), and, with known credentials, the access key. An unsigned or stale request is refused
 * without reading its body.
 */
function checkRequestHeaders(headers: WireHeaders, options: AuthOptions, now = Date.now()): Authorization {
  const auth = parseAuthorization(header(headers, 'authorization'));
  const date = signingDate(headers).getTime();
  if (date < now - MAX_SKEW_MS) {
    throw skewed(`Signature expired: ${amzDate(new Date(date))} is now earlier than ${amzDate(new Date(now - MAX_SKEW_MS))} (${amzDate(new Date(now))} - 15 min.)`);
  }
  if (date > now + MAX_SKEW_MS) {
    throw skewed(`Signature not yet current: ${amzDate(new Date(date))} is still later than ${amzDate(new Date(now + MAX_SKEW_MS))} (${amzDate(new Date(now))} + 15 min.)`);
  }
  if (options.credentials && !options.credentials.has(auth.accessKeyId)) {
    throw new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.', { httpStatus: 403 });
  }
  return auth;
}

/**
 * What can be decided before the body is read, and what is left for the body: with known credentials
 * and a signed `x-amz-content-sha256`, the signature itself is verified here (a forged request is
 * refused before its body is buffered) and only the body's hash is left; otherwise the body is part
 * of the signature.
 */
export interface HeaderCheck {
  auth: Authorization;
  /** Called with the body once read; throws the AWS authentication error, or returns the caller. */
  withBody(body: Uint8Array): Caller;
}

export function authenticateHeaders(request: Omit<SignedRequest, 'body'>, options: AuthOptions, now = Date.now()): HeaderCheck {
  const auth = checkRequestHeaders(request.headers, options, now);
  const context = { region: auth.region, accessKeyId: auth.accessKeyId };
  if (options.credentials) {
    const known = options.credentials.get(auth.accessKeyId)!;
    const caller: Caller = { ...context, accountId: known.accountId, principal: known.principal };
    const declared = signedPayloadHash(request, auth);
    if (declared) {
      verifySignature(request, auth, known.secretAccessKey, declared);
      return {
        auth,
        withBody(body) {
          // UNSIGNED-PAYLOAD (S3's) leaves the body out of the signature, as the SDK signer allows.
          if (declared !== UNSIGNED_PAYLOAD && bodyHash(body) !== declared) throw authError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
          return { ...caller };
        },
      };
    }
    return {
      auth,
      withBody(body) {
        // The hash of the body itself is signed.
        verifySignature(request, auth, known.secretAccessKey, bodyHash(body));
        return { ...caller };
      },
    };
  }
  const accountId = ACCOUNT_ID_PATTERN.test(auth.accessKeyId) ? auth.accessKeyId : options.defaultAccountId;
  return { auth, withBody: () => ({ ...context, accountId, principal: rootPrincipal(accountId) }) };
}

/** Establishes who made a request, or throws the AWS authentication error. */
export async function authenticate(request: SignedRequest, options: AuthOptions): Promise<Caller> {
  return authenticateHeaders(request, options).withBody(request.body);
}
