import { plainError } from '../errors/plain-error.ts';

/** What a field of a hook's result must be. Numbers must be finite: JSON would turn `NaN` into `null`. */
export type ResultKind = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';

/** One constraint on a hook's success value: the dotted path of a field and what it must be. */
export type ResultCheck =
  | { readonly path: string; readonly is: ResultKind; readonly optional?: boolean }
  | { readonly path: string; readonly oneOf: readonly (string | number | boolean)[]; readonly optional?: boolean };

/** How a point turns a hook's completion into its answer (the definition's `complete`). */
export type Completion = (outcome: { error?: unknown; value?: unknown }, args: readonly unknown[]) => { error?: unknown; value?: unknown };

const KINDS: Record<ResultKind, { phrase: string; test: (value: unknown) => boolean }> = {
  object: { phrase: 'is not an object', test: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) },
  array: { phrase: 'is not an array', test: Array.isArray },
  string: { phrase: 'is not a string', test: (v) => typeof v === 'string' },
  number: { phrase: 'is not a number', test: Number.isFinite },
  integer: { phrase: 'is not an integer', test: Number.isSafeInteger },
  boolean: { phrase: 'is not a boolean', test: (v) => typeof v === 'boolean' },
};

/** The message when a point with result checks gets a success value that is not an object. */
export const RESULT_ROOT_MESSAGE = 'Result received from extensibility point is not an object';

/** A result check ready to run, with the error it answers (built once, never mutated). */
export interface ResultRule {
  readonly keys: readonly string[];
  readonly optional: boolean;
  readonly test: (value: unknown) => boolean;
  readonly error: Error;
}

/**
 * The checks with their messages, `Result.<path> received from extensibility point <phrase>`: the
 * wording of the body's, so that a platform's callers see one style for what went in and what
 * came out.
 */
export function resultRules(checks: readonly ResultCheck[]): ResultRule[] {
  return checks.map((check) => {
    const allowed = 'oneOf' in check ? check.oneOf : undefined;
    const kind = allowed ? undefined : KINDS[(check as { is: ResultKind }).is];
    if (!allowed && !kind) throw new TypeError(`Invalid result check for ${JSON.stringify(check.path)}: ${JSON.stringify(check)}`);
    const phrase = allowed ? `is not ${allowed.map((v) => `\`${String(v)}\``).join(' or ')}` : (kind as { phrase: string }).phrase;
    return {
      keys: check.path.split('.'),
      optional: check.optional === true,
      test: allowed ? (v: unknown) => allowed.includes(v as string) : (kind as { test: (v: unknown) => boolean }).test,
      error: plainError(`Result.${check.path} received from extensibility point ${phrase}`),
    };
  });
}

/**
 * The error of the first rule a success value breaks, in order, or undefined. The value must be
 * an object; a rule whose parent field is absent is skipped (that parent was optional).
 */
export function checkResult(root: Error, rules: readonly ResultRule[], value: unknown): Error | undefined {
  if (!KINDS.object.test(value)) return root;
  for (const rule of rules) {
    const field = fieldAt(value, rule.keys);
    if (field === ABSENT || (field === undefined && rule.optional)) continue;
    if (!rule.test(field)) return rule.error;
  }
  return undefined;
}

const ABSENT = Symbol('absent');

function fieldAt(value: unknown, keys: readonly string[]): unknown {
  let field = value;
  for (const key of keys) {
    if (field === undefined || field === null) return ABSENT;
    // Own properties only: a path must not find `constructor` on every object.
    field = typeof field === 'object' && Object.hasOwn(field, key) ? (field as Record<string, unknown>)[key] : undefined;
  }
  return field;
}

/**
 * The definition's completion with the result checks after it: a success value that breaks one is
 * answered as that check's error. Without checks, `complete` as given.
 */
export function withResultChecks(complete: Completion | undefined, checks: readonly ResultCheck[] | undefined): Completion | undefined {
  if (!checks) return complete;
  const root = plainError(RESULT_ROOT_MESSAGE);
  const rules = resultRules(checks);
  return (outcome, args) => {
    const completed = complete ? complete(outcome, args) : outcome;
    if (completed.error) return completed;
    const error = checkResult(root, rules, completed.value);
    return error ? { error } : completed;
  };
}
