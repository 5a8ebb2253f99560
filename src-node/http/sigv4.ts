/**
 * SigV4 authentication of `kmsw serve` requests. The Authorization header names the access key and
 * the credential scope (the Region of the request). With known credentials the signature is
 * recomputed with @smithy/signature-v4 and the access key maps to its principal; without them any
 * well-formed signature is the account root, and a 12-digit access key ID selects that account.
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { KmsError, type KmsErrorName } from '../../src-core/errors';
import { ACCOUNT_ID_PATTERN } from '../../src-core/ids/identifiers';
import type { Caller } from '../../src-core/kms/context';
import { rootPrincipal } from '../host';
import { header, type WireHeaders } from './json-protocol';
import type { KnownCredential } from './credentials';

const ALGORITHM = 'AWS4-HMAC-SHA256';
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

export function parseAuthorization(value: string | undefined): Authorization {
  if (!value) throw authError('MissingAuthenticationToken', 'Missing Authentication Token');
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) throw authError('IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'. Sign requests with ${ALGORITHM}.`);
  const params = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((p) => !params.get(p));
  if (missing.length) throw authError('IncompleteSignature', missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' '));
  const scope = params.get('Credential')!.split('/');
  if (scope.length !== 5 || scope.some((s) => s === '') || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1])) {
    throw authError('IncompleteSignature', "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/aws4_request.");
  }
  const [accessKeyId, date, region, service] = scope;
  if (service !== 'kms') throw authError('InvalidSignatureException', `Credential should be scoped to correct service: 'kms'.`);
  if (!/^[a-z0-9-]+$/.test(region)) throw authError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'.`);
  const signature = params.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw authError('IncompleteSignature', 'The Signature parameter must be 64 lowercase hexadecimal characters.');
  return { accessKeyId, date, region, service, signedHeaders: params.get('SignedHeaders')!.split(';'), signature };
}

/** node:crypto behind the checksum interface SignatureV4 expects (the pure-JS SHA-256 is far slower). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined || typeof secret === 'string' ? secret : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function signingDate(headers: WireHeaders): Date {
  const value = header(headers, 'x-amz-date');
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw authError('IncompleteSignature', "Authorization header requires existence of a valid 'X-Amz-Date' header (yyyyMMdd'T'HHmmss'Z').");
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

async function verifySignature(request: SignedRequest, auth: Authorization, secretAccessKey: string): Promise<void> {
  const date = signingDate(request.headers);
  const mismatch = () => authError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  const declaredHash = header(request.headers, 'x-amz-content-sha256');
  if (declaredHash && declaredHash !== 'UNSIGNED-PAYLOAD') {
    const actual = request.body.length ? createHash('sha256').update(request.body).digest('hex') : EMPTY_SHA256;
    if (actual !== declaredHash) throw authError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const [path, search = ''] = request.url.split(/\?(.*)/s, 2);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prior = query[k];
    query[k] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v];
  }
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) throw mismatch();
    headers[name] = value;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey, sessionToken: headers['x-amz-security-token'] },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    applyChecksum: false,
    // The client escaped the path as it sent it; do not escape it twice.
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: headers.host ?? '', path, query, headers, body: request.body }),
    { signingDate: date, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = Buffer.from(/Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))![1]);
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw mismatch();
}

/** AWS refuses requests signed more than this far from its own (real) time: a captured request cannot be replayed later. */
const MAX_SKEW_MS = 15 * 60 * 1000;

function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * What can be checked before the body is read: the Authorization header's form, the date within
 * AWS's 15 minutes of real time (not the keyring's simulated clock: skew is about the signer's
 * clock), and, with known credentials, the access key. An unsigned or stale request is refused
 * without reading its body.
 */
export function checkRequestHeaders(headers: WireHeaders, options: AuthOptions, now = Date.now()): Authorization {
  const auth = parseAuthorization(header(headers, 'authorization'));
  const date = signingDate(headers).getTime();
  const skewed = (text: string) => new KmsError('InvalidSignatureException', text, { httpStatus: 400 });
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

/** Establishes who made a request, or throws the AWS authentication error. */
export async function authenticate(request: SignedRequest, options: AuthOptions): Promise<Caller> {
  const auth = checkRequestHeaders(request.headers, options);
  const context = { region: auth.region, accessKeyId: auth.accessKeyId };
  if (options.credentials) {
    const known = options.credentials.get(auth.accessKeyId)!;
    await verifySignature(request, auth, known.secretAccessKey);
    return { ...context, accountId: known.accountId, principal: known.principal };
  }
  const accountId = ACCOUNT_ID_PATTERN.test(auth.accessKeyId) ? auth.accessKeyId : options.defaultAccountId;
  return { ...context, accountId, principal: rootPrincipal(accountId) };
}
