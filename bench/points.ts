import { readFileSync } from 'node:fs';
import type { PointName } from '@ext-compilers/conformance';
import type { WebtaskContext } from '@ext-compilers/core';

/** The wt-compiler names of the seven points (from the conformance suite). */
export type { PointName };

/** One point as the benchmark drives it: a typical hook, the body Auth0 posts, and the hook's arguments. */
export interface BenchPoint {
  readonly name: PointName;
  /** The hook's source, from `bench/hooks/<name>.js`. */
  readonly hook: string;
  /** A new copy of the (already parsed) request body; truthy, so the reference takes its parsed-body path. */
  readonly body: () => Record<string, unknown>;
  /**
   * The hook's arguments before its callback, as the point's contract defines them: what the floor
   * passes when it calls the hook directly.
   */
  readonly args: (body: Record<string, unknown>, ctx: WebtaskContext) => unknown[];
}

const client = {
  client_id: 'kR2x9Qe4mYp7Lz1AsD3fGh5Jk8',
  name: 'billing-service',
  tenant: 'acme',
  metadata: { tier: 'enterprise', trusted: 'false' },
};

const user = {
  id: 'auth0|64f1c2a9e8b7d6c5b4a39281',
  username: 'ada',
  email: 'ada@example.com',
  email_verified: true,
  given_name: 'Ada',
  family_name: 'Lovelace',
  app_metadata: { roles: ['editor'], plan: 'pro' },
};

const connection = { id: 'con_1A2b3C4d5E6f7G8h', name: 'Username-Password-Authentication', strategy: 'auth0' };
const request = { ip: '203.0.113.7', language: 'en', user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' };

const tokenContext = (ctx: WebtaskContext, context: unknown): Record<string, unknown> => ({
  ...(typeof context === 'object' && context !== null ? context : {}),
  webtask: ctx,
});

const userRegistration = (name: PointName): Omit<BenchPoint, 'hook'> => ({
  name,
  body: () => ({ user: { ...user }, context: { connection: { ...connection }, request: { ...request }, requestLanguage: 'en' } }),
  args: (body, ctx) => [body.user, tokenContext(ctx, body.context)],
});

const definitions: readonly Omit<BenchPoint, 'hook'>[] = [
  {
    name: 'generic',
    body: () => ({ tenant: 'acme', flags: ['new-login', 'passkeys', 'legacy-mfa'] }),
    args: (_body, ctx) => [ctx],
  },
  {
    name: 'client-credentials-exchange',
    body: () => ({
      client: { ...client },
      scope: ['read:invoices', 'write:invoices'],
      audience: 'https://eu.api.example.com/',
      context: { ip: request.ip },
    }),
    args: (body, ctx) => [body.client, body.scope, body.audience, tokenContext(ctx, body.context)],
  },
  {
    name: 'password-exchange',
    body: () => ({
      user: { ...user },
      client: { ...client },
      scope: ['openid', 'profile', 'read:projects', 'write:projects', 'admin:all'],
      audience: 'https://api.example.com/',
      context: { ip: request.ip },
    }),
    args: (body, ctx) => [body.user, body.client, body.scope, body.audience, tokenContext(ctx, body.context)],
  },
  userRegistration('pre-user-registration'),
  userRegistration('post-user-registration'),
  userRegistration('post-change-password'),
  {
    name: 'send-phone-message',
    body: () => ({
      recipient: '+15555550123',
      text: 'Your verification code is: 123456',
      context: {
        message_type: 'sms',
        action: 'second-factor-authentication',
        language: 'en',
        code: '123456',
        ip: request.ip,
        user_agent: request.user_agent,
        client: { client_id: client.client_id, name: client.name, client_metadata: {} },
        user: { user_id: user.id, email: user.email },
      },
    }),
    args: (body, ctx) => [body.recipient, body.text, tokenContext(ctx, body.context)],
  },
];

/** The seven points, each with its hook read from `bench/hooks`. */
export const POINTS: readonly BenchPoint[] = definitions.map((definition) => ({
  ...definition,
  hook: readFileSync(new URL(`./hooks/${definition.name}.js`, import.meta.url), 'utf8'),
}));
