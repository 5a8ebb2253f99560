/**
 * A real `@aws-sdk/client-kms` KMSClient served in-process by a LocalKms: the SDK serializes,
 * this request handler answers through the same JSON 1.1 dispatcher as `kmsw serve`, and the SDK
 * parses the HttpResponse into outputs or typed exceptions. No port is opened and nothing is signed
 * that matters: the caller is fixed when the client is made.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { HttpResponse, type HttpRequest } from '@smithy/core/protocols';
import type { Caller } from '../src-core/kms/operation-context';
import type { LocalKms } from './host';
import { dispatchJson11 } from './http/json-protocol';

export interface LocalKmsClientOptions {
  /** Who the requests come from (default: the LocalKms account root in its Region). */
  caller?: Partial<Caller>;
}

function bodyOf(body: unknown): Uint8Array | string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('KMS requests have JSON bodies; got a stream');
}

export function createLocalKmsClient(kms: LocalKms, options: LocalKmsClientOptions = {}): KMSClient {
  const caller = kms.defaultCaller(options.caller);
  const encoder = new TextEncoder();
  const requestHandler = {
    async handle(request: HttpRequest) {
      const wire = await dispatchJson11(kms.service, { headers: request.headers, body: bodyOf(request.body) }, caller);
      return { response: new HttpResponse({ statusCode: wire.statusCode, headers: wire.headers, body: encoder.encode(wire.body) }) };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return new KMSClient({
    region: caller.region,
    // Never resolved to a network address: the handler above answers every request.
    endpoint: 'http://local-kms.invalid',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // A local fault is a bug to see, not a transient error to retry.
    maxAttempts: 1,
    requestHandler,
  });
}
