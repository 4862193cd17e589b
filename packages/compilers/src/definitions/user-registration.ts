import type { ExtensibilityPointDefinition, WebtaskContext } from '@ext-compilers/core';

/**
 * The user-registration family: pre-user-registration, post-user-registration and
 * post-change-password share `(user, context, cb)`, where `context` is a copy of the body's context
 * with `webtask` added, and a success without a value answers `{}`.
 */
export function userRegistration(name: string): ExtensibilityPointDefinition {
  return {
    name,
    validate: [
      { path: 'user', is: 'object' },
      { path: 'context', is: 'object' },
      { path: 'context.connection', is: 'object' },
    ],
    args: (body, ctx) => [body.user, copyWith(body.context as object, ctx)],
    errors: [{ name: 'PreUserRegistrationError', friendlyMessage: true }],
    result: (data) => data || {},
  };
}

// `Object.assign({}, context)` is what the reference does and is ~15x faster than an object spread
// on Node 20. A JSON body can carry an own `__proto__` key, which Object.assign would turn into the
// copy's prototype; such a context is copied with a spread, which keeps it as data.
function copyWith(context: object, ctx: WebtaskContext): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.hasOwn(context, '__proto__') ? { ...context } : Object.assign({}, context as Record<string, unknown>);
  copy.webtask = ctx;
  return copy;
}
