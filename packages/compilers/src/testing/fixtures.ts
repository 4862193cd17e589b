import type {
  ClientCredentialsExchangeBody,
  PasswordExchangeBody,
  PostChangePasswordBody,
  PostUserRegistrationBody,
  PreUserRegistrationBody,
  SendPhoneMessageBody,
} from '../types/bodies.ts';

/** Overrides of a body: objects merge key by key, anything else (arrays included) replaces. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A builder of a realistic body: a fresh copy of the sample, with `overrides` merged in. */
export type FixtureBuilder<T> = (overrides?: DeepPartial<T>) => T;

const USER_REGISTRATION_CONTEXT = {
  requestLanguage: 'es-ES',
  connection: { id: 'con_m3RK4vxqnsbVuT2A', name: 'Username-Password-Authentication', tenant: 'acme' },
};

const PRE_USER = {
  tenant: 'acme',
  username: 'mlopez',
  password: 'correct horse battery staple',
  email: 'maria.lopez@globex.example',
  emailVerified: false,
  phoneNumber: '+14155550123',
  phoneNumberVerified: false,
  user_metadata: {},
  app_metadata: {},
};

// The user of the pre-user-registration sample once created: the same fields without the password.
const { password: _password, ...REGISTERED } = PRE_USER;

// The bodies of examples/<point>/request.json: what Auth0 sends, for one tenant (`acme`).
const SAMPLES = {
  clientCredentialsExchange: {
    audience: 'https://api.example.com',
    client: { id: 'vXBWmNxYHb6dE2RyZDn5sO3ZkK4rjQ8u', name: 'Billing worker', tenant: 'acme', metadata: { tier: 'gold' } },
    scope: ['read:invoices', 'write:invoices'],
  } satisfies ClientCredentialsExchangeBody,
  passwordExchange: {
    audience: 'https://api.example.com',
    scope: ['openid', 'read:orders'],
    user: {
      tenant: 'acme',
      id: 'auth0|5f7c8ec7c33c6c004bbafe82',
      displayName: 'Maria Lopez',
      user_metadata: { theme: 'dark' },
      app_metadata: { roles: ['buyer'] },
    },
    client: { tenant: 'acme', id: 'vXBWmNxYHb6dE2RyZDn5sO3ZkK4rjQ8u', name: 'Storefront', metadata: {} },
  } satisfies PasswordExchangeBody,
  preUserRegistration: {
    user: PRE_USER,
    context: USER_REGISTRATION_CONTEXT,
  } satisfies PreUserRegistrationBody,
  postUserRegistration: {
    user: { id: '5f7c8ec7c33c6c004bbafe82', ...REGISTERED },
    context: USER_REGISTRATION_CONTEXT,
  } satisfies PostUserRegistrationBody,
  postChangePassword: {
    user: {
      id: 'auth0|5f7c8ec7c33c6c004bbafe82',
      username: 'mlopez',
      email: 'maria.lopez@globex.example',
      last_password_reset: '2024-05-14T09:21:03.117Z',
    },
    context: { connection: USER_REGISTRATION_CONTEXT.connection },
  } satisfies PostChangePasswordBody,
  sendPhoneMessage: {
    recipient: '+14155550123',
    text: 'Your verification code is 123456',
    context: {
      factor_type: 'first',
      message_type: 'sms',
      action: 'second-factor-authentication',
      language: 'es',
      code: '123456',
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36',
      client: { client_id: 'vXBWmNxYHb6dE2RyZDn5sO3ZkK4rjQ8u', name: 'Storefront', client_metadata: {} },
      user: {
        user_id: 'auth0|5f7c8ec7c33c6c004bbafe82',
        email: 'maria.lopez@globex.example',
        name: 'Maria Lopez',
        user_metadata: {},
        app_metadata: {},
      },
    },
  } satisfies SendPhoneMessageBody,
};

/** Sample request bodies, one builder per point: `fixtures.clientCredentialsExchange({ scope: ['read:users'] })`. */
export const fixtures: {
  readonly clientCredentialsExchange: FixtureBuilder<ClientCredentialsExchangeBody>;
  readonly passwordExchange: FixtureBuilder<PasswordExchangeBody>;
  readonly preUserRegistration: FixtureBuilder<PreUserRegistrationBody>;
  readonly postUserRegistration: FixtureBuilder<PostUserRegistrationBody>;
  readonly postChangePassword: FixtureBuilder<PostChangePasswordBody>;
  readonly sendPhoneMessage: FixtureBuilder<SendPhoneMessageBody>;
} = Object.freeze({
  clientCredentialsExchange: builder<ClientCredentialsExchangeBody>(SAMPLES.clientCredentialsExchange),
  passwordExchange: builder<PasswordExchangeBody>(SAMPLES.passwordExchange),
  preUserRegistration: builder<PreUserRegistrationBody>(SAMPLES.preUserRegistration),
  postUserRegistration: builder<PostUserRegistrationBody>(SAMPLES.postUserRegistration),
  postChangePassword: builder<PostChangePasswordBody>(SAMPLES.postChangePassword),
  sendPhoneMessage: builder<SendPhoneMessageBody>(SAMPLES.sendPhoneMessage),
});

function builder<T>(sample: T): FixtureBuilder<T> {
  return (overrides) => merged(structuredClone(sample), overrides) as T;
}

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function merged(target: unknown, overrides: unknown): unknown {
  if (!isPlain(target) || !isPlain(overrides)) return overrides === undefined ? target : structuredClone(overrides);
  for (const [key, value] of Object.entries(overrides)) {
    // defineProperty, not assignment: an override key `__proto__` is data, never a prototype.
    Object.defineProperty(target, key, { value: merged(target[key], value), enumerable: true, writable: true, configurable: true });
  }
  return target;
}
