import { isNativeError } from 'node:util/types';
import { plainError } from '../errors/plain-error.ts';
import { userStack } from '../errors/user-stack.ts';
import type { WebtaskResponse } from '../types.ts';

// The success payload keeps the `statusCode` and `headers` keys auth0-ext-compilers serialises into
// it (it builds the response object and stringifies it before adding the Content-Type header).
const SUCCESS_HEAD = '{"statusCode":200,"headers":{},"status":"success"';

/** Whether `value` is an Error, from this realm or another one (a vm context, a worker's copy). */
export function isError(value: unknown): value is Error {
  return value instanceof Error || isNativeError(value);
}

/**
 * The error as the envelope carries it: an Error is kept; anything else becomes an Error whose
 * message is its `message`, its string form, or `Unknown error`, as auth0-ext-compilers does.
 */
export function toError(value: unknown): Error {
  if (isError(value)) return value;
  const message = (value as { message?: unknown } | null | undefined)?.message;
  return plainError((message ? String(message) : String(value)) || 'Unknown error');
}

/**
 * The JSON text of `{status: 'error', data}` where `data` holds every own property of the error,
 * its `stack` without the frames of the server's install (`userStack`).
 */
export function errorPayload(value: unknown): string {
  const error = toError(value);
  try {
    const data: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(error)) {
      const field = (error as unknown as Record<string, unknown>)[key];
      data[key] = key === 'stack' && typeof field === 'string' ? userStack(field) : field;
    }
    return JSON.stringify({ status: 'error', data });
  } catch (cause) {
    return errorPayload(plainError(`Error serializing error: ${(cause as Error)?.message}`));
  }
}

/**
 * The JSON text of the success envelope for `data`. Throws what `JSON.stringify` throws (a cycle,
 * a BigInt); `sendSuccess` turns that into an error envelope.
 */
export function successPayload(data: unknown): string {
  const json = JSON.stringify(data);
  return json === undefined ? `${SUCCESS_HEAD}}` : `${SUCCESS_HEAD},"data":${json}}`;
}

/** Answer HTTP 200 with the error envelope. */
export function sendError(res: WebtaskResponse, error: unknown): void {
  send(res, errorPayload(error));
}

/** Answer HTTP 200 with the success envelope, or the error envelope when `data` cannot be serialised. */
export function sendSuccess(res: WebtaskResponse, data: unknown): void {
  let json: string;
  try {
    json = successPayload(data);
  } catch {
    return sendError(res, plainError('Error when JSON serializing the result of the extension point'));
  }
  send(res, json);
}

function send(res: WebtaskResponse, json: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(json);
}
