import type { ExtensibilityPointDefinition } from '@ext-compilers/core';
import { contextOrEmpty } from './context.ts';

/** `(client, scope, audience, context, cb)`; `context` is the body's own object, given `context.webtask`. */
export const clientCredentialsExchange: ExtensibilityPointDefinition = {
  name: 'client-credentials-exchange',
  messageLabel: 'Body .',
  validate: [
    { path: 'client', is: 'object' },
    { path: 'scope', is: 'empty-or-array' },
    { path: 'audience', is: 'string' },
    { path: 'context', is: 'not-null', optional: true },
  ],
  args: (body, ctx) => [body.client, body.scope, body.audience, contextOrEmpty(body, ctx)],
  errors: [{ name: 'InvalidRequestError' }, { name: 'InvalidScopeError' }, { name: 'ServerError' }],
};
