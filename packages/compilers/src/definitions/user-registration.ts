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

// A plain spread clones fast; `{ ...context, webtask }` in one literal takes V8's slow path
// (several times slower on Node 20). Spread, unlike Object.assign, also copies an own `__proto__`
// key as data, which is what a JSON body can hold.
function copyWith(context: object, ctx: WebtaskContext): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...context };
  copy.webtask = ctx;
  return copy;
}
