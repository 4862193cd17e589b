import { authorize } from './authorize.ts';
import type { ErrorClassSpec } from './errors/error-class.ts';
import { compileScript } from './compile-script.ts';
import { errorScope } from './compile/error-scope.ts';
import { type BodyCheck, compileValidator } from './body/validate.ts';
import { type ResultCheck, withResultChecks } from './answers/check-result.ts';
import type { WebtaskCompiler, WebtaskContext } from './types.ts';
import { settleHook } from './settle-hook.ts';
import { type Reply, withBody } from './with-body.ts';

export type { BodyCheck, FieldKind } from './body/validate.ts';
export type { ResultCheck, ResultKind } from './answers/check-result.ts';

/**
 * A declarative description of an extensibility point. `Args` (the hook's arguments before its
 * callback) and `Result` (its success value) are for hook authors' types (`HookOf`); they default
 * to `unknown`.
 */
export interface ExtensibilityPointDefinition<Args extends unknown[] = unknown[], Result = unknown> {
  /** The point's name, e.g. `client-credentials-exchange`. */
  readonly name: string;
  /** Checks on the request body, run in order after authorization; the first failure answers. */
  readonly validate: readonly BodyCheck[];
  /** The prefix of validation messages: `Body.` (default) or the reference's `Body .`. */
  readonly messageLabel?: string;
  /**
   * The user function's arguments, before its callback, from the validated body and the webtask
   * context. This is where a point decides whether the hook's `context` is the body's own object
   * or a copy.
   */
  readonly args: (body: Record<string, unknown>, ctx: WebtaskContext) => Args;
  /** The names of the hook's arguments before its callback, for documentation: `['lead', 'context']`. */
  readonly parameters?: readonly string[];
  /** Error classes in the user's scope without imports (each extends `ExtensibilityUserError`). */
  readonly errors?: readonly ErrorClassSpec[];
  /**
   * What the hook's success value may contain: it must be an object, and each check runs in order
   * (after `complete`, before `result`); the first failure answers the error envelope with
   * `Result.<path> received from extensibility point is not …`.
   */
  readonly returns?: readonly ResultCheck[];
  /** Maps the hook's success value to the envelope's `data` (default: as is). */
  readonly result?: (data: Result) => unknown;
  /**
   * The export that is the hook, by name (`onExecuteCredentialsExchange`); default: the module's
   * export itself.
   */
  readonly exportName?: string;
  /**
   * Turns the hook's completion into the answer, knowing the arguments it was called with: how a
   * point whose hook records commands on an argument (an Actions `api`) reduces them to a result
   * or an error. Runs before `result`. Default: the completion as is.
   */
  readonly complete?: (outcome: { error?: unknown; value?: unknown }, args: readonly unknown[]) => { error?: unknown; value?: unknown };
}

/**
 * Build a webtask compiler for an extensibility point. Every request to the compiled function is
 * read (JSON body), authorized (Bearer secret), validated, passed to the user's function with a
 * callback, and answered with the envelope; the error classes are in the user's scope. A script that
 * does not compile still compiles to a function, which answers every authorized request with the
 * compile error.
 */
export function defineExtensibilityPoint<Args extends unknown[] = unknown[], Result = unknown>(
  definition: ExtensibilityPointDefinition<Args, Result>,
): WebtaskCompiler {
  const errors = definition.errors ?? [];
  errorScope(errors); // registers the classes and checks their names now, not at the first compile
  const validate = compileValidator(definition.validate, definition.messageLabel ?? 'Body.');
  const { args, exportName } = definition;
  const result = definition.result as ((data: unknown) => unknown) | undefined;
  const complete = withResultChecks(definition.complete, definition.returns);

  return function extensibilityPointCompiler(options, cb) {
    if (typeof options?.script !== 'string' || typeof options.nodejsCompiler !== 'function') {
      return cb(new TypeError('A compiler needs options.script (a string) and options.nodejsCompiler (a function)'));
    }
    const bodyOptions = { maxBodySize: options.maxBodySize };
    compileScript(options, { errors, exportName }, ({ fn, failure }) => {
      const run = fn
        ? (ctx: WebtaskContext, reply: Reply): void => {
            const invalid = authorize(ctx) ?? validate(ctx.body);
            if (invalid) return reply(invalid);
            const a = args(ctx.body as Record<string, unknown>, ctx);
            call(fn, a, complete ? completing(complete, a, reply) : reply);
          }
        : (ctx: WebtaskContext, reply: Reply): void => reply(authorize(ctx) ?? failure);
      cb(null, withBody(run, bodyOptions, result));
    });
  };
}

function completing(complete: NonNullable<ExtensibilityPointDefinition['complete']>, a: readonly unknown[], reply: Reply): Reply {
  return (error, value) => {
    let outcome: { error?: unknown; value?: unknown };
    try {
      outcome = complete(error ? { error } : { value }, a);
    } catch (thrown) {
      outcome = { error: thrown ?? new Error(String(thrown)) };
    }
    reply(outcome.error, outcome.value);
  };
}

// The hook's arguments and its callback, without growing the array on every request; what it
// returns may complete it too (an async hook).
function call(fn: (...args: unknown[]) => unknown, a: unknown[], reply: Reply): void {
  let returned: unknown;
  switch (a.length) {
    case 1:
      returned = fn(a[0], reply);
      break;
    case 2:
      returned = fn(a[0], a[1], reply);
      break;
    case 3:
      returned = fn(a[0], a[1], a[2], reply);
      break;
    case 4:
      returned = fn(a[0], a[1], a[2], a[3], reply);
      break;
    case 5:
      returned = fn(a[0], a[1], a[2], a[3], a[4], reply);
      break;
    default:
      returned = fn(...a, reply);
  }
  if (returned !== undefined) settleHook(returned, reply, fn.length > a.length);
}
