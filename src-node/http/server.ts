/**
 * `kmsw serve`'s HTTP endpoint: AWS JSON 1.1 at `POST /`, SigV4-authenticated, answering through the
 * shared dispatcher. Every answer is JSON in AWS's error shape, whatever the client sent. In-memory
 * keyrings also take `POST /_reset` and `POST /moto-api/reset`, the route moto-based suites call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KmsError } from '../../src-core/errors';
import type { Logger } from '../../src-core/ports';
import { silentLogger } from '../../src-core/ports';
import type { LocalKms } from '../host';
import type { KnownCredential } from './credentials';
import { dispatchJson11, errorResponse, type WireResponse } from './json-protocol';
import { authenticate } from './sigv4';

/** How long `close` waits for clients to finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5000;
/** Far above any KMS request (the largest, a 32 KB policy or wrapped key material, is well under 100 KB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const RESET_PATHS = new Set(['/_reset', '/moto-api/reset']);

export interface KmsServerOptions {
  kms: LocalKms;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  credentials?: Map<string, KnownCredential>;
  maxBodyBytes?: number;
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
    req.on('error', reject);
  });
}

function send(res: ServerResponse, wire: WireResponse): void {
  const body = Buffer.from(wire.body, 'utf8');
  res.writeHead(wire.statusCode, { ...wire.headers, 'content-length': body.length });
  res.end(body);
}

export async function startKmsServer(options: KmsServerOptions): Promise<KmsServer> {
  const { kms } = options;
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = options.logger ?? silentLogger;

  async function answer(req: IncomingMessage): Promise<WireResponse> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && RESET_PATHS.has(path)) {
      if (!kms.reset) throw new KmsError('UnsupportedOperationException', 'Reset clears in-memory keyrings only; this server keeps its keyring in a folder. Start it with --in-memory to reset between tests.');
      await kms.reset();
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    }
    if (req.method !== 'POST' || path !== '/') {
      throw new KmsError('UnknownOperationException', `No route for ${req.method} ${path}: KMS requests are POST / with an X-Amz-Target header.`, { httpStatus: 404 });
    }
    const body = await readBody(req, limit);
    const caller = await authenticate({ method: req.method, url: req.url ?? '/', headers: req.headers, body }, { defaultAccountId: kms.accountId, credentials: options.credentials });
    caller.sourceIp = req.socket.remoteAddress;
    const agent = req.headers['user-agent'];
    if (agent) caller.userAgent = agent;
    return dispatchJson11(kms.service, { headers: req.headers, body }, caller);
  }

  const server = createServer((req, res) => {
    answer(req).then(
      (wire) => send(res, wire),
      (e: unknown) => {
        if (e instanceof BodyTooLarge) {
          const wire = errorResponse(new KmsError('ValidationException', `The request body exceeds ${limit} bytes.`, { httpStatus: 413 }));
          // The rest of the body may still be on its way: do not read it as the next request.
          send(res, { ...wire, headers: { ...wire.headers, connection: 'close' } });
          return;
        }
        if (!(e instanceof KmsError)) logger.error(`kmsw serve: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        send(res, errorResponse(e instanceof KmsError ? e : new KmsError('KMSInternalException', 'An internal error occurred.')));
      },
    );
  });
  // SDK agents keep sockets for a while; outlive them so a reused socket is not closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 71\r\nconnection: close\r\n\r\n{"__type":"SerializationException","message":"Malformed HTTP request."}');
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
