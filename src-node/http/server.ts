/**
 * `kmsw serve`'s HTTP endpoint: AWS JSON 1.1 at `POST /`, SigV4-authenticated, answering through the
 * shared dispatcher. Every answer is JSON in AWS's error shape, whatever the client sent. In-memory
 * keyrings also take `POST /_reset` and `POST /moto-api/reset`, the route moto-based suites call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KmsError } from '../../src-core/kms-error';
import type { Logger } from '../../src-core/ports';
import { silentLogger } from '../../src-core/ports';
import type { LocalKms } from '../host';
import type { KnownCredential } from './credentials';
import { dispatchJson11, errorResponse, header, type WireResponse } from './json-protocol';
import { authenticate, authenticateHeaders } from './sigv4';

/** How long `close` waits for clients to finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5000;
/**
 * About 3x the largest valid KMS request: from the model's limits, a Decrypt or GenerateDataKey with a
 * 262,144-byte Recipient AttestationDocument is ~350 KB of base64, and a CreateKey with a 131,072-character
 * policy (the model's maximum; UTF-8 and escapes at most double it) and 50 tags ~330 KB.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Open connections at most: with the body limit, what idle or slow clients can pin is bounded (256 x 1 MiB). */
export const DEFAULT_MAX_CONNECTIONS = 256;
/** A request's headers must arrive within this, and the whole request within REQUEST_TIMEOUT_MS. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** SDK agents keep sockets for a while; outlive them so a reused socket is not closed under a request. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Host names that are this machine whatever address was bound. */
const LOOPBACK_HOST = /^(localhost|[^:]*\.localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/i;
const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const RESET_PATHS = new Set(['/_reset', '/moto-api/reset']);

export interface KmsServerOptions {
  kms: LocalKms;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  credentials?: Map<string, KnownCredential>;
  maxBodyBytes?: number;
  maxConnections?: number;
  /** Defaults: headers within 10 s, the whole request within 30 s, an idle keep-alive connection kept 65 s. */
  timeouts?: { headersMs?: number; requestMs?: number; keepAliveMs?: number };
  logger?: Logger;
}

export interface KmsServer {
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets requests in flight finish (up to a grace period) and closes keep-alive connections. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/** The client went away mid-request: nothing to answer, nothing wrong with the server. */
class ClientAborted extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume(); // drain without keeping it
        reject(new BodyTooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', (e) => reject(new ClientAborted(e.message)));
  });
}

/** A refused body still on its way is read and dropped (to at most this much) before the answer, so the
 * client sees the answer instead of a connection reset under its upload. */
const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;

function discardBody(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.complete) return resolve();
    let size = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DISCARDED_BYTES) resolve();
    });
    req.once('end', resolve);
    req.once('close', resolve);
    req.once('error', () => resolve());
    req.resume();
  });
}

function send(res: ServerResponse, wire: WireResponse): void {
  res.writeHead(wire.statusCode, { ...wire.headers, 'content-length': Buffer.byteLength(wire.body) });
  // A string body goes out with the headers in one write (a Buffer would be a second chunk of a writev).
  res.end(wire.body);
}

/** The answer to a request Node cannot parse; its length is computed so that editing the text cannot break the framing. */
const MALFORMED_BODY = '{"__type":"SerializationException","message":"Malformed HTTP request."}';

export async function startKmsServer(options: KmsServerOptions): Promise<KmsServer> {
  const { kms } = options;
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = options.logger ?? silentLogger;

  const auth = { defaultAccountId: kms.accountId, credentials: options.credentials };

  /**
   * DNS rebinding: a web page can point a name of its own at 127.0.0.1, but its requests then carry
   * that name as Host. A server bound to loopback answers only loopback names and the --host given.
   */
  function checkHost(req: IncomingMessage, boundAddress: string): void {
    const value = req.headers.host;
    if (value === undefined || !LOOPBACK_ADDRESS.test(boundAddress)) return;
    const name = value.replace(/:\d+$/, '');
    if (LOOPBACK_HOST.test(name) || name === host || name === `[${host}]`) return;
    throw new KmsError('AccessDeniedException', `Host '${value}' is not this server: kmsw serve on ${host} answers requests addressed to localhost, 127.0.0.1 or ${host} only.`, { httpStatus: 403 });
  }

  /**
   * Reset wipes the keyring, so a web page must not reach it: with --credentials it takes a valid
   * signature; without, a signed request or one that is not a browser's (browsers send Origin, or
   * Sec-Fetch-Site, on every cross-site POST; test suites' plain POSTs send neither).
   */
  async function checkReset(req: IncomingMessage): Promise<void> {
    if (options.credentials || req.headers.authorization !== undefined) {
      await authenticate({ method: 'POST', url: req.url ?? '/', headers: req.headers, body: await readBody(req, limit) }, auth);
      return;
    }
    const site = req.headers['sec-fetch-site'];
    if (req.headers.origin !== undefined || (site !== undefined && site !== 'none' && site !== 'same-origin')) {
      throw new KmsError('AccessDeniedException', 'Reset is refused from a web page: sign the request (SigV4) or send it from a test suite, not a browser.', { httpStatus: 403 });
    }
  }

  async function answer(req: IncomingMessage): Promise<WireResponse> {
    checkHost(req, req.socket.localAddress ?? host);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (req.method === 'POST' && RESET_PATHS.has(path)) {
      if (!kms.reset) throw new KmsError('UnsupportedOperationException', 'Reset clears in-memory keyrings only; this server keeps its keyring in a folder. Start it with --in-memory to reset between tests.');
      await checkReset(req);
      await kms.reset();
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    }
    if (req.method !== 'POST' || path !== '/') {
      throw new KmsError('UnknownOperationException', `No route for ${req.method} ${path}: KMS requests are POST / with an X-Amz-Target header.`, { httpStatus: 404 });
    }
    // Unsigned, stale or unknown-key requests, and forged ones whose payload hash is a signed header,
    // are refused before their body is read.
    const check = authenticateHeaders({ method: req.method, url, headers: req.headers }, auth);
    const body = await readBody(req, limit);
    const caller = check.withBody(body);
    caller.sourceIp = req.socket.remoteAddress;
    const agent = header(req.headers, 'user-agent');
    if (agent) caller.userAgent = agent;
    return dispatchJson11(kms.service, { headers: req.headers, body }, caller);
  }

  const headersTimeout = options.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeout = options.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS;
  // Node checks the two timeouts on this interval (30 s by default, longer than the timeouts themselves).
  const connectionsCheckingInterval = Math.max(10, Math.min(1000, Math.floor(Math.min(headersTimeout, requestTimeout) / 4)));
  const server = createServer({ connectionsCheckingInterval }, (req, res) => {
    answer(req).then(
      (wire) => send(res, wire),
      (e: unknown) => {
        if (e instanceof ClientAborted) {
          logger.debug(`kmsw serve: a client from ${req.socket.remoteAddress} went away mid-request (${e.message})`);
          res.destroy();
          return;
        }
        if (e instanceof BodyTooLarge) {
          const wire = errorResponse(new KmsError('ValidationException', `The request body exceeds ${limit} bytes.`, { httpStatus: 413 }));
          // The rest of the body may still be on its way: drop it, never read it as the next request.
          void discardBody(req).then(() => send(res, { ...wire, headers: { ...wire.headers, connection: 'close' } }));
          return;
        }
        if (!(e instanceof KmsError)) logger.error(`kmsw serve: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        const wire = errorResponse(e instanceof KmsError ? e : new KmsError('KMSInternalException', 'An internal error occurred.'));
        // Refused before its body was read: close rather than read (and discard) a body nobody wants.
        send(res, req.complete ? wire : { ...wire, headers: { ...wire.headers, connection: 'close' } });
      },
    );
  });
  server.keepAliveTimeout = options.timeouts?.keepAliveMs ?? KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: ${Buffer.byteLength(MALFORMED_BODY)}\r\nconnection: close\r\n\r\n${MALFORMED_BODY}`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4599, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // A client that keeps its keep-alive connection busy would otherwise hold the server open.
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close((err) => {
          clearTimeout(cut);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
