import { ExtCompilersError, type ExtCompilersErrorCode } from '@ext-compilers/core';

/**
 * A compile failure as webtask-runtime@2.0.0 reports it. Runtimes write `code` as the HTTP status
 * and serialise the object with `JSON.stringify`, so the own properties and which of them are
 * enumerable are the reference's exactly. `code` being the HTTP status, our classification
 * (`ERR_COMPILE_*`) is the `cause`: an `ExtCompilersError` whose own `cause` is what was thrown.
 * `cause` is non-enumerable, so it never reaches the wire.
 */
export type CompileFailure = Error & { code: 400; details: string; error?: string; cause: ExtCompilersError };

const PREFIX = 'Unable to compile submitted JavaScript';
export const NOT_A_FUNCTION = 'Supplied code must return or export a function.';
export const BAD_SIGNATURE =
  'The JavaScript function must have one of the following signatures: ([ctx], callback) or (ctx, req, res).';

/**
 * The module did not load (a syntax error, a throw at load time). Enumerable: `code`, `error`
 * (`Unable to compile submitted JavaScript: <e>`), `details` (`<e>`), `name` and `message` (the
 * original's); `stack` is the original's, non-enumerable.
 */
export function compileFailed(thrown: unknown): CompileFailure {
  const original = thrown instanceof Error ? thrown : undefined;
  const text = original ? original.toString() : String(thrown);
  const failure = new Error() as CompileFailure;
  Object.defineProperty(failure, 'cause', { value: classify('ERR_COMPILE_FAILED', `${PREFIX}: ${text}`, thrown), writable: true, configurable: true });
  failure.code = 400;
  failure.error = `${PREFIX}: ${text}`;
  failure.details = text;
  failure.name = original?.name ?? 'Error';
  failure.message = original?.message ?? text;
  failure.stack = original?.stack ?? `${failure.name}: ${failure.message}`;
  return failure;
}

/** The export is not a function (`ERR_COMPILE_NOT_A_FUNCTION`) or has an arity other than 1–3 (`ERR_COMPILE_SIGNATURE`). */
export function invalidExport(code: 'ERR_COMPILE_NOT_A_FUNCTION' | 'ERR_COMPILE_SIGNATURE'): CompileFailure {
  const reason = code === 'ERR_COMPILE_SIGNATURE' ? BAD_SIGNATURE : NOT_A_FUNCTION;
  // The reference formats the message from `error.toString()`, hence the inner `Error: `.
  const message = `${PREFIX}. Error: ${reason}`;
  const failure = new Error(message, { cause: classify(code, reason, undefined) }) as CompileFailure;
  failure.code = 400;
  failure.details = message;
  return failure;
}

function classify(code: ExtCompilersErrorCode, message: string, cause: unknown): ExtCompilersError {
  return new ExtCompilersError(code, message, cause === undefined ? undefined : { cause });
}

/** A `wt-compiler` that did not call back in time: a compile failure whose cause is `ERR_COMPILE_TIMEOUT`. */
export function compileTimedOut(timeout: number): CompileFailure {
  const reason = new Error(`The wt-compiler did not call back within ${timeout} ms`);
  const failure = compileFailed(reason);
  failure.cause = classify('ERR_COMPILE_TIMEOUT', failure.error ?? reason.message, reason);
  return failure;
}
