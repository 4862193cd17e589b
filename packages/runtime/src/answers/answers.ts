// Every error answer of the runtime — its status and its body — is made here, as h3's
// `createError` makes every error response: the pipeline, the executors and their hosts only
// write what these functions give them. Bodies keep webtask-runtime's shape `{ code, error,
// details?, name?, message, stack? }` (see docs/compatibility.md for where ours differs).

import { userStack } from '@ext-compilers/core';

/** A JSON error body. */
type ErrorBody = Record<string, unknown>;

/** An answer: the status and the body (an object, written as JSON). */
export interface ErrorAnswer {
  statusCode: number;
  body: unknown;
}

/** Why an executor gave up on a job: every one ends (or ended) the worker or child that ran it. */
export type Fault =
  | { kind: 'timeout'; timeout: number }
  | { kind: 'memory'; limit: number }
  | { kind: 'exit'; code: number | null }
  | { kind: 'crash'; message: string }
  | { kind: 'async'; message: string }
  | { kind: 'protocol'; message: string }
  | { kind: 'too-large'; limit: number }
  | { kind: 'busy'; queue: number }
  | { kind: 'closed' };

type Meta = Readonly<Record<string, string | undefined>>;

/** The status for `cb(err)`: `err.statusCode` when it is an HTTP error status, else 400. */
function callbackErrorStatus(error: unknown): number {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 400;
}

/**
 * webtask-runtime's error body: `{ code, error, details, name, message, stack }`. The stack is
 * the user's: frames of the server's install are removed (core's `userStack`, see docs/compatibility.md).
 */
function scriptErrorBody(code: number, description: string, error: unknown): ErrorBody {
  const source = error as { name?: unknown; message?: unknown; stack?: unknown } | null | undefined;
  const isObject = typeof error === 'object' && error !== null;
  return {
    code,
    error: description,
    details: describe(error),
    name: isObject ? text(source!.name) : undefined,
    message: isObject ? text(source!.message) : undefined,
    stack: isObject && typeof source!.stack === 'string' ? userStack(source!.stack) : undefined,
  };
}

/** The answer to `cb(err)`. */
export function callbackErrorAnswer(error: unknown): ErrorAnswer {
  const statusCode = callbackErrorStatus(error);
  return { statusCode, body: scriptErrorBody(statusCode, 'Script returned an error.', error) };
}

/** The answer to a synchronous throw of the webtask (webtask-runtime answers it, then dies; we keep serving). */
export function thrownAnswer(error: unknown): ErrorAnswer {
  return { statusCode: 500, body: scriptErrorBody(500, 'Script generated an unhandled synchronous exception.', error) };
}

/** The answer for a result `JSON.stringify` cannot serialize; the stack would only show ours. */
export function serializationAnswer(error: unknown): ErrorAnswer {
  const body = scriptErrorBody(400, 'Error when JSON serializing the result of the JavaScript code.', error);
  body.stack = undefined;
  return { statusCode: 400, body };
}

/** webtask-runtime's 413, for a body over `limit` bytes. */
export function tooLargeAnswer(limit: number): ErrorAnswer {
  return { statusCode: 413, body: { code: 413, error: 'Request body too large.', message: `Request body exceeds the limit of ${limit} bytes.` } };
}

/** A request body that could not be read (the stream failed). */
export function unreadableBodyAnswer(reason: string): ErrorAnswer {
  return { statusCode: 400, body: { code: 400, error: 'Failed to read the request body.', message: reason } };
}

/** The pipeline's own time limit: the webtask did not answer in time (it still runs, its answer is dropped). */
export function timeoutAnswer(meta: Meta, timeout: number): ErrorAnswer {
  return runtimeErrorAnswer(meta, { code: 504, error: 'Script exceeded the execution time limit.', message: `The webtask did not respond within ${timeout} ms.` });
}

/**
 * Code that did not compile. compile() fails as webtask-runtime does, with the HTTP status in a
 * numeric `code` and the body its enumerable properties; anything else is webtask-runtime's
 * handler's `Server error`.
 */
export function compileErrorAnswer(error: unknown): ErrorAnswer {
  const code = (error as { code?: unknown } | null)?.code;
  const coded = typeof code === 'number' && code >= 400 && code <= 599;
  return { statusCode: coded ? code : 500, body: coded ? error : { code: 500, error: 'Server error', details: String(error) } };
}

/** The answer to the request a fault ended: HTTP 5xx `{ code, error, message }`, or a point's error envelope. */
export function faultAnswer(meta: Meta, fault: Fault, sandbox: string): ErrorAnswer {
  return runtimeErrorAnswer(meta, faultBody(fault, sandbox));
}

function faultBody(fault: Fault, sandbox: string): { code: number; error: string; message: string } {
  switch (fault.kind) {
    case 'timeout':
      return { code: 504, error: 'Script exceeded the execution time limit.', message: `Script exceeded the allowed execution time of ${fault.timeout} ms.` };
    case 'memory':
      return { code: 500, error: 'Script exhausted its memory limit.', message: `The ${sandbox} running the script exceeded its heap limit of ${fault.limit} MB and was stopped.` };
    case 'exit':
      return { code: 500, error: 'Script ended its sandbox.', message: `The ${sandbox} running the script exited (code ${fault.code ?? 'none'}) before the script answered.` };
    case 'crash':
      return { code: 500, error: 'The sandbox crashed.', message: `The ${sandbox} running the script stopped: ${fault.message}` };
    case 'async':
      return { code: 500, error: 'Script generated an unhandled asynchronous exception.', message: fault.message };
    case 'protocol':
      return { code: 502, error: 'The sandbox sent a malformed answer.', message: `The ${sandbox} running the script was stopped: ${fault.message}` };
    case 'too-large':
      return { code: 502, error: 'Script answered too large a response.', message: `The response exceeds the limit of ${fault.limit} bytes.` };
    case 'busy':
      return { code: 429, error: 'Too many requests for this container.', message: `${fault.queue} requests of this container already wait for a sandbox; retry later.` };
    case 'closed':
      return { code: 503, error: 'The executor is closed.', message: 'The server is shutting down.' };
  }
}

/** The host sent a guest a webtask by id that the guest no longer holds: a broken invariant, answered, never guessed at. */
export function protocolErrorAnswer(): ErrorAnswer {
  return { statusCode: 500, body: { code: 500, error: 'Executor protocol error.', message: 'The guest does not hold the webtask it was asked to run.' } };
}

// A point's compiler answers errors in its envelope, with HTTP 200; the platform's callers read
// `status`, so a runtime's own error answer for such a webtask (a timeout, a fault of its sandbox)
// takes the same shape (auth0-ext-compilers').
const POINT_COMPILER = /^(?:auth0-)?ext-compilers\/(?:actions\/)?[^/]+$/;

/** The runtime's error `{ code, error, message }` as the status and body a webtask of `meta` answers. */
function runtimeErrorAnswer(meta: Meta, body: { code: number; error: string; message: string }): ErrorAnswer {
  const { code, error, message } = body;
  return POINT_COMPILER.test(meta['wt-compiler'] ?? '') ? { statusCode: 200, body: { status: 'error', data: { message, error, code } } } : { statusCode: code, body };
}

function describe(error: unknown): string {
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

function text(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}
