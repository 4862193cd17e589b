type ErrorBody = Record<string, unknown>;

/** The status for `cb(err)`: `err.statusCode` when it is an HTTP error status, else 400. */
export function errorStatus(error: unknown): number {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 400;
}

/**
 * webtask-runtime's error body: `{ code, error, details, name, message, stack }`. The stack is
 * the user's: frames of this runtime's own files are removed (see docs/compatibility.md).
 */
export function scriptErrorBody(code: number, description: string, error: unknown): ErrorBody {
  const source = error as { name?: unknown; message?: unknown; stack?: unknown } | null | undefined;
  const isObject = typeof error === 'object' && error !== null;
  return {
    code,
    error: description,
    details: describe(error),
    name: isObject ? text(source!.name) : undefined,
    message: isObject ? text(source!.message) : undefined,
    stack: isObject ? userStack(source!.stack) : undefined,
  };
}

/** The body for a result `JSON.stringify` cannot serialize; the stack would only show ours. */
export function serializationErrorBody(error: unknown): ErrorBody {
  const body = scriptErrorBody(400, 'Error when JSON serializing the result of the JavaScript code.', error);
  body.stack = undefined;
  return body;
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

// The directory of this runtime's code (src/ or dist/), found from this module's own stack frame.
const OWN_DIRECTORY = ((): string | undefined => {
  const frame = new Error().stack?.split('\n')[1] ?? '';
  const file = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(frame)?.[1];
  return file?.replace(/\/(src|dist)\/.*$/, '/$1/');
})();

function userStack(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  if (OWN_DIRECTORY === undefined) return stack;
  return stack
    .split('\n')
    .filter((line) => !line.includes(OWN_DIRECTORY))
    .join('\n');
}
