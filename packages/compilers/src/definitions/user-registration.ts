import type { ExtensibilityPointDefinition } from '@ext-compilers/core';

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
    args: (body, ctx) => [body.user, { ...(body.context as object), webtask: ctx }],
    errors: [{ name: 'PreUserRegistrationError', friendlyMessage: true }],
    result: (data) => data || {},
  };
}
