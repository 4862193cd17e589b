import type { ExtensibilityPointDefinition } from '@ext-compilers/core';

/** `(recipient, text, context, cb)`; `context` is the body's own object, given `context.webtask`. */
export const sendPhoneMessage: ExtensibilityPointDefinition = {
  name: 'send-phone-message',
  validate: [
    { path: 'recipient', is: 'string' },
    { path: 'text', is: 'string' },
    { path: 'context', is: 'object' },
    { path: 'context.message_type', oneOf: ['sms', 'voice'] },
    { path: 'context.action', oneOf: ['enrollment', 'second-factor-authentication'] },
    { path: 'context.language', is: 'string' },
    { path: 'context.code', is: 'string' },
    { path: 'context.ip', is: 'string' },
    { path: 'context.user_agent', is: 'string' },
    { path: 'context.client', is: 'object', optional: true },
    { path: 'context.client.client_id', is: 'string' },
    { path: 'context.client.name', is: 'string' },
    { path: 'context.client.client_metadata', is: 'object-or-null', optional: true },
    { path: 'context.user', is: 'object-or-null' },
  ],
  args: (body, ctx) => {
    const context = body.context as Record<string, unknown>;
    context.webtask = ctx;
    return [body.recipient, body.text, context];
  },
  errors: [{ name: 'SendPhoneMessageError', friendlyMessage: true }],
};
