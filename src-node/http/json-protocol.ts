/**
 * The AWS JSON 1.1 protocol of KMS, independent of any transport: a POST body and its headers in,
 * status, headers and body out. `kmsw serve` and the in-process SDK handler both answer through
 * here, so a request behaves the same whether it crossed a socket or not.
 */
import { randomUUID } from 'node:crypto';
import { KmsError } from '../../src-core/kms-error';
import type { Caller } from '../../src-core/kms/operation-context';
import type { KmsCallError, KmsService } from '../../src-core/kms/service';

export const JSON_11 = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'TrentService.';

/** Header names in lower case, as Node's http module and the SDK's HttpRequest both deliver them. */
export type WireHeaders = Record<string, string | string[] | undefined>;

export interface WireRequest {
  headers: WireHeaders;
  body: Uint8Array | string;
}

export interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function header(headers: WireHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    // Mixed-case names from other transports; a loop, not entries(): absent headers are looked up on every request.
    for (const k in headers) if (k.toLowerCase() === name) value = headers[k];
  }
  return Array.isArray(value) ? value.join(',') : value;
}

function responseHeaders(requestId: string): Record<string, string> {
  return { 'content-type': JSON_11, 'x-amzn-requestid': requestId };
}

/** AWS's error shape: `__type` in the body and the same name in `x-amzn-errortype` (the JS SDK reads the header first). */
export function errorResponse(error: KmsError, requestId: string = (error as KmsCallError).requestId ?? randomUUID()): WireResponse {
  return {
    statusCode: error.httpStatus,
    headers: { ...responseHeaders(requestId), 'x-amzn-errortype': error.name },
    body: JSON.stringify({ __type: error.name, message: error.message }),
  };
}

function operationOf(request: WireRequest): string {
  const target = header(request.headers, 'x-amz-target');
  if (!target) throw new KmsError('UnknownOperationException', 'Missing X-Amz-Target header: KMS requests name their operation as TrentService.<Operation>.');
  if (!target.startsWith(TARGET_PREFIX)) throw new KmsError('UnknownOperationException', `Unknown target ${target}: KMS operations are TrentService.<Operation>.`);
  return target.slice(TARGET_PREFIX.length);
}

function bodyOf(request: WireRequest): Record<string, unknown> {
  const text = typeof request.body === 'string' ? request.body : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8');
  // Clients send `{}` for empty input; an absent body means the same. Only a text that starts with
  // white space can be blank, so a request's body is not copied by trim() on every call.
  if (text === '' || (/^\s/.test(text) && text.trim() === '')) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KmsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new KmsError('SerializationException', 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

/** Answers one KMS request made by `caller` (already authenticated by the transport). */
export async function dispatchJson11(service: KmsService, request: WireRequest, caller: Caller): Promise<WireResponse> {
  try {
    const operation = operationOf(request);
    const { requestId, output } = await service.call(operation, bodyOf(request), caller);
    return { statusCode: 200, headers: responseHeaders(requestId), body: JSON.stringify(output) };
  } catch (e) {
    // The service turns every failure into a KmsError; anything else here is a bug in this module.
    return errorResponse(e instanceof KmsError ? e : new KmsError('KMSInternalException', 'An internal error occurred.', { cause: e }));
  }
}
