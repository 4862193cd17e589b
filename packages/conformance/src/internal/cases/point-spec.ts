import type { PointName } from '../../types.ts';

/** What the shared case tables need to know about one of the six extensibility points. */
export interface PointSpec {
  readonly point: PointName;
  /** The user function's parameters before `cb`. */
  readonly params: readonly string[];
  /** The parameters a success echoes back (`cb(null, { a, b })`). */
  readonly echo: readonly string[];
  /** A body that passes validation. */
  readonly body: Record<string, unknown>;
  /** The envelope `data` when the hook succeeds with no value (`cb()`, `cb(null, null)`). */
  readonly noValue: unknown;
  /** Error classes in the script's scope besides `ExtensibilityUserError`. */
  readonly errorClasses: readonly { readonly name: string; readonly friendly: boolean }[];
  /** Whether auth0-ext-compilers crashes on a null body (it reads a property of it unguarded). */
  readonly referenceCrashesOnNullBody: boolean;
  /** The message for a body that is an object but has none of the fields (first check). */
  readonly firstFieldMessage: string;
}

/** `module.exports = function (<params>, cb) { <code> };` for the point. */
export function hook(spec: PointSpec, code: string): string {
  return `module.exports = function (${[...spec.params, 'cb'].join(', ')}) {\n  ${code}\n};\n`;
}

/** The data a success echo returns for `body`. */
export function echoed(spec: PointSpec, body: Record<string, unknown>): Record<string, unknown> {
  // Through JSON, as the envelope carries it: absent parameters drop out.
  return JSON.parse(JSON.stringify(Object.fromEntries(spec.echo.map((name) => [name, body[name]]))));
}

export const ALL_ERROR_CLASSES: readonly string[] = [
  'ExtensibilityUserError',
  'InvalidRequestError',
  'InvalidScopeError',
  'ServerError',
  'PreUserRegistrationError',
  'SendPhoneMessageError',
];
