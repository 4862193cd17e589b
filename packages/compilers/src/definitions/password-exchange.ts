import type { ExtensibilityPointDefinition } from '@ext-compilers/core';
import { contextOrEmpty } from './context.ts';

/** `(user, client, scope, audience, context, cb)`: retired by Auth0, still served. */
export const passwordExchange: ExtensibilityPointDefinition = {
  name: 'password-exchange',
  validate: [
    { path: 'audience', is: 'string' },
    { path: 'scope', is: 'empty-or-array' },
    { path: 'user', is: 'object' },
    { path: 'client', is: 'object' },
    { path: 'context', is: 'not-null', optional: true },
  ],
  args: (body, ctx) => [body.user, body.client, body.scope, body.audience, contextOrEmpty(body, ctx)],
};
