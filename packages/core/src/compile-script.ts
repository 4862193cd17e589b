import { ExtCompilersError } from './ext-compilers-error.ts';
import { stackHeader } from './internal/plain-error.ts';
import type { CompilerOptions } from './types.ts';

const COMPILE_FAILED = 'Unable to compile the extensibility code as javascript';

/** The outcome of compiling user code: its function, or the error every request is answered with. */
export type Compiled =
  | { fn: (...args: unknown[]) => unknown; failure?: undefined; error?: undefined }
  /** `error` is what the compiler reported (absent when the export is not a function). */
  | { fn?: undefined; failure: Error; error: unknown };

/**
 * Run `options.nodejsCompiler` on `script` and call back exactly once, whatever the compiler does
 * (throw, call back twice, call back synchronously). A compile error or a non-function export
 * becomes a failure in the reference's shape: message `Unable to compile the extensibility code as
 * javascript`, the original message in `error_description`. The failure is built once and never
 * mutated, so every request reports the same thing (the reference overwrites the message on the
 * first request and reports its own text on the second).
 */
export function compileScript(options: CompilerOptions, script: string, cb: (compiled: Compiled) => void): void {
  let called = false;
  const done = (error: unknown, exported?: unknown): void => {
    if (called) return;
    called = true;
    if (error) cb({ failure: compileFailure(error), error });
    else if (typeof exported !== 'function') cb({ failure: notAFunction(), error: undefined });
    else cb({ fn: exported as (...args: unknown[]) => unknown });
  };
  try {
    options.nodejsCompiler(script, done);
  } catch (error) {
    done(error ?? new Error('The nodejsCompiler threw'));
  }
}

function compileFailure(error: unknown): Error {
  const original = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<string, unknown>;
  const failure = new Error(COMPILE_FAILED) as Error & Record<string, unknown>;
  failure.stack = stackHeader(original.stack, `Error: ${COMPILE_FAILED}`);
  for (const key of Object.getOwnPropertyNames(original)) {
    if (key !== 'stack' && key !== 'message') failure[key] = original[key];
  }
  failure.error_description = original.message;
  return failure;
}

function notAFunction(): Error {
  const failure = new ExtCompilersError('ERR_COMPILE_NOT_A_FUNCTION', COMPILE_FAILED) as ExtCompilersError & Record<string, unknown>;
  failure.stack = `Error: ${COMPILE_FAILED}`;
  failure.error_description = 'Supplied code must return or export a function.';
  return failure;
}
