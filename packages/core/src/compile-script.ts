import { ExtCompilersError } from './errors/ext-compilers-error.ts';
import { stackHeader } from './errors/plain-error.ts';
import type { ErrorClassSpec } from './errors/error-class.ts';
import { errorScope } from './compile/error-scope.ts';
import { insertPrelude } from './compile/prelude.ts';
import type { CompilerOptions } from './types.ts';

const COMPILE_FAILED = 'Unable to compile the extensibility code as javascript';

/** The outcome of compiling user code: its function, or the error every request is answered with. */
export type Compiled =
  | { fn: (...args: unknown[]) => unknown; failure?: undefined; error?: undefined }
  /** `error` is what the compiler reported (absent when the export is not a function). */
  | { fn?: undefined; failure: Error; error: unknown };

/** How `compileScript` prepares the script. */
export interface CompileScriptSettings {
  /**
   * Error classes to put in the script's scope, each extending `ExtensibilityUserError`. They are
   * bound after the hashbang and directive prologue, on the same line, so user line numbers do not
   * move; only the classes the script mentions are bound.
   */
  errors?: readonly ErrorClassSpec[] | undefined;
  /**
   * The name of the export that is the hook (`exports.onExecuteCredentialsExchange = async …`);
   * default: the module's export itself. A missing or non-function export is the failure
   * `Supplied code must export a function named <name>.`
   */
  exportName?: string | undefined;
}

/**
 * Run `options.nodejsCompiler` on `options.script` (with the prelude, if any) and call back exactly once, whatever the compiler does
 * (throw, call back twice, call back synchronously). A compile error or a non-function export
 * becomes a failure in the reference's shape: message `Unable to compile the extensibility code as
 * javascript`, the original message in `error_description`. The failure is built once and never
 * mutated, so every request reports the same thing (the reference overwrites the message on the
 * first request and reports its own text on the second).
 */
export function compileScript(
  options: CompilerOptions,
  settings: CompileScriptSettings,
  cb: (compiled: Compiled) => void,
): void {
  const prelude = settings.errors ? errorScope(settings.errors)(options.script) : undefined;
  const name = settings.exportName;
  if (!prelude) return compileOnce(options, options.script, undefined, name, cb);
  compileOnce(options, insertPrelude(options.script, prelude.fast), prelude.fast, name, (compiled) => {
    // Only the fast prelude's own failure (no registry in the script's realm) is retried.
    const message = (compiled.error as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || !message.includes(prelude.missing)) return cb(compiled);
    compileOnce(options, insertPrelude(options.script, prelude.inline), prelude.inline, name, cb);
  });
}

function compileOnce(options: CompilerOptions, script: string, prelude: string | undefined, exportName: string | undefined, cb: (compiled: Compiled) => void): void {
  let called = false;
  const done = (error: unknown, exported?: unknown): void => {
    if (called) return;
    called = true;
    if (error) return cb({ failure: compileFailure(error, prelude), error });
    const hook = exportName === undefined ? exported : namedExport(exported, exportName);
    if (typeof hook !== 'function') cb({ failure: notAFunction(exportName), error: undefined });
    else cb({ fn: hook as (...args: unknown[]) => unknown });
  };
  try {
    options.nodejsCompiler(script, done);
  } catch (error) {
    done(error ?? new Error('The nodejsCompiler threw'));
  }
}

function compileFailure(error: unknown, prelude: string | undefined): Error {
  const original = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<string, unknown>;
  const failure = new Error(COMPILE_FAILED) as Error & Record<string, unknown>;
  failure.stack = withoutPrelude(stackHeader(original.stack, `Error: ${COMPILE_FAILED}`), prelude);
  for (const key of Object.getOwnPropertyNames(original)) {
    if (key !== 'stack' && key !== 'message') failure[key] = original[key];
  }
  failure.error_description = original.message;
  return failure;
}

// An own property only: a name such as `constructor` must not find Object's.
function namedExport(exported: unknown, name: string): unknown {
  if ((typeof exported !== 'object' && typeof exported !== 'function') || exported === null) return undefined;
  return Object.hasOwn(exported, name) ? (exported as Record<string, unknown>)[name] : undefined;
}

function notAFunction(exportName: string | undefined): Error {
  const failure = new ExtCompilersError('ERR_COMPILE_NOT_A_FUNCTION', COMPILE_FAILED) as ExtCompilersError & Record<string, unknown>;
  failure.stack = `Error: ${COMPILE_FAILED}`;
  failure.error_description = exportName === undefined ? 'Supplied code must return or export a function.' : `Supplied code must export a function named ${exportName}.`;
  return failure;
}

/**
 * A syntax error's stack header quotes the offending line; when that is the line the prelude was
 * put on, take the prelude out of the quote and move the caret back, so the user sees their line.
 */
function withoutPrelude(header: string, prelude: string | undefined): string {
  if (!prelude) return header;
  const inserted = `;${prelude};`;
  const lines = header.split('\n');
  const at = lines[1]?.indexOf(inserted) ?? -1;
  if (at === -1) return header;
  lines[1] = (lines[1] as string).replace(inserted, '');
  const caret = lines[2];
  if (caret !== undefined && /^ *\^+$/.test(caret) && caret.indexOf('^') >= at + inserted.length) {
    lines[2] = caret.slice(inserted.length);
  }
  return lines.join('\n');
}
