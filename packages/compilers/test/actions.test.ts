// Point by point, a legacy hook and its Actions rewrite answer the same envelopes on the same
// bodies: success with claims or metadata, every denial, thrown errors, state kept across two
// calls (a module variable in the legacy hook, api.cache in the Actions one), and validation.
// The success answers are pinned too, so two hooks that fail the same way cannot pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileHook, type Envelope, fixtures, type HookPoint } from 'ext-compilers/testing';

type LegacyPoint = 'client-credentials-exchange' | 'pre-user-registration' | 'post-user-registration' | 'post-change-password' | 'send-phone-message';

interface Pair {
  point: LegacyPoint;
  legacy: string;
  actions: string;
  /** Bodies by case name; each is answered alike by both hooks. */
  bodies: Record<string, unknown>;
  /** The first answer to `bodies.success`. */
  success: unknown;
  /** Denials and errors: the expected `data` without `stack`, and the stack's first line. */
  errors: Record<string, { data: Record<string, unknown>; head: string }>;
  /** Bodies the point refuses, with the message. */
  invalid: Array<[unknown, string]>;
}

const SECRETS = { 'auth0-extension-secret': 'sh', 'auth0-extension-secret-previous': 'old', REGION: 'eu' };
const LEGACY_FILE = '/hooks/legacy.js';
const ACTIONS_FILE = '/hooks/actions.js';

const cce = fixtures.clientCredentialsExchange;
const pre = fixtures.preUserRegistration;
const post = fixtures.postUserRegistration;
const pcp = fixtures.postChangePassword;
const spm = fixtures.sendPhoneMessage;

const pairs: Pair[] = [
  {
    point: 'client-credentials-exchange',
    legacy: `let calls = 0;
module.exports = function (client, scope, audience, context, cb) {
  const mode = client.metadata.mode;
  if (mode === 'invalid_scope') return cb(new InvalidScopeError('no ' + scope.join(' ')));
  if (mode === 'invalid_request') return cb(new InvalidRequestError('bad request from ' + client.name));
  if (mode === 'server_error') return cb(new ServerError('down'));
  if (mode === 'throw') throw new Error('boom ' + audience);
  calls += 1;
  cb(null, { scope, 'https://example.com/tier': client.metadata.tier, 'https://example.com/calls': calls, 'https://example.com/region': context.webtask.secrets.REGION });
};`,
    actions: `exports.onExecuteCredentialsExchange = async (event, api) => {
  const mode = event.client.metadata.mode;
  if (mode === 'invalid_scope') return api.access.deny('invalid_scope', 'no ' + event.transaction.requested_scopes.join(' '));
  if (mode === 'invalid_request') return api.access.deny('invalid_request', 'bad request from ' + event.client.name);
  if (mode === 'server_error') return api.access.deny('server_error', 'down');
  if (mode === 'throw') throw new Error('boom ' + event.resource_server.identifier);
  const calls = Number(api.cache.get('calls')?.value ?? 0) + 1;
  api.cache.set('calls', String(calls));
  api.accessToken.setCustomClaim('https://example.com/tier', event.client.metadata.tier).accessToken.setCustomClaim('https://example.com/calls', calls);
  api.accessToken.setCustomClaim('https://example.com/region', event.secrets.REGION);
};`,
    bodies: {
      success: cce(),
      'no scope': { ...cce(), scope: undefined },
      invalid_scope: cce({ client: { metadata: { mode: 'invalid_scope' } } }),
      invalid_request: cce({ client: { metadata: { mode: 'invalid_request' } } }),
      server_error: cce({ client: { metadata: { mode: 'server_error' } } }),
      throw: cce({ client: { metadata: { mode: 'throw' } } }),
    },
    success: {
      scope: ['read:invoices', 'write:invoices'],
      'https://example.com/tier': 'gold',
      'https://example.com/calls': 1,
      'https://example.com/region': 'eu',
    },
    errors: {
      invalid_scope: { head: 'InvalidScopeError: no read:invoices write:invoices', data: { message: 'no read:invoices write:invoices', name: 'InvalidScopeError' } },
      invalid_request: { head: 'InvalidRequestError: bad request from Billing worker', data: { message: 'bad request from Billing worker', name: 'InvalidRequestError' } },
      server_error: { head: 'ServerError: down', data: { message: 'down', name: 'ServerError' } },
      throw: { head: 'Error: boom https://api.example.com', data: { message: 'boom https://api.example.com' } },
    },
    invalid: [
      [null, 'Body received by extensibility point is not an object'],
      [{ audience: 'https://api.example.com', scope: 'read:invoices' }, 'Body .client received by extensibility point is not an object'],
      [{ ...cce(), scope: 'read:invoices' }, 'Body .scope received by extensibility point is neither empty nor an array'],
      [{ ...cce(), audience: 42 }, 'Body .audience received by extensibility point is not a string'],
      [{ ...cce(), context: null }, 'Body .context received by extensibility point is not an object'],
    ],
  },
  {
    point: 'pre-user-registration',
    legacy: `let calls = 0;
module.exports = function (user, context, cb) {
  const mode = user.user_metadata.mode;
  if (mode === 'deny') return cb(new PreUserRegistrationError('refused ' + user.email, 'Not you, sorry.'));
  if (mode === 'deny-plain') return cb(new PreUserRegistrationError('refused ' + user.username));
  if (mode === 'throw') throw new TypeError('boom');
  if (mode === 'nothing') return cb();
  if (mode === 'app-only') return cb(null, { user: { app_metadata: { plan: 'trial' } } });
  calls += 1;
  cb(null, { user: { user_metadata: { lang: context.requestLanguage, calls }, app_metadata: { connection: context.connection.name } } });
};`,
    actions: `exports.onExecutePreUserRegistration = async (event, api) => {
  const mode = event.user.user_metadata.mode;
  if (mode === 'deny') return api.access.deny('refused ' + event.user.email, 'Not you, sorry.');
  if (mode === 'deny-plain') return api.access.deny('refused ' + event.user.username);
  if (mode === 'throw') throw new TypeError('boom');
  if (mode === 'nothing') return;
  if (mode === 'app-only') return api.user.setAppMetadata('plan', 'trial');
  const calls = Number(api.cache.get('calls')?.value ?? 0) + 1;
  api.cache.set('calls', String(calls), { ttl: 60000 });
  api.user.setAppMetadata('connection', event.connection.name);
  api.user.setUserMetadata('lang', 'xx').user.setUserMetadata('calls', calls).user.setUserMetadata('lang', event.request.language);
};`,
    bodies: {
      success: pre(),
      nothing: pre({ user: { user_metadata: { mode: 'nothing' } } }),
      'app-only': pre({ user: { user_metadata: { mode: 'app-only' } } }),
      deny: pre({ user: { user_metadata: { mode: 'deny' } } }),
      'deny-plain': pre({ user: { user_metadata: { mode: 'deny-plain' } } }),
      throw: pre({ user: { user_metadata: { mode: 'throw' } } }),
    },
    success: { user: { user_metadata: { lang: 'es-ES', calls: 1 }, app_metadata: { connection: 'Username-Password-Authentication' } } },
    errors: {
      deny: {
        head: 'PreUserRegistrationError: refused maria.lopez@globex.example',
        data: { message: 'refused maria.lopez@globex.example', name: 'PreUserRegistrationError', friendlyMessage: 'Not you, sorry.' },
      },
      'deny-plain': { head: 'PreUserRegistrationError: refused mlopez', data: { message: 'refused mlopez', name: 'PreUserRegistrationError', friendlyMessage: 'refused mlopez' } },
      throw: { head: 'TypeError: boom', data: { message: 'boom' } },
    },
    invalid: [
      [{ context: { connection: {} } }, 'Body.user received by extensibility point is not an object'],
      [{ user: {}, context: null }, 'Body.context received by extensibility point is not an object'],
      [{ user: { email: 'a@example.com' }, context: {} }, 'Body.context.connection received by extensibility point is not an object'],
    ],
  },
  {
    point: 'post-user-registration',
    legacy: `let calls = 0;
module.exports = async function (user, context) {
  if (user.user_metadata.mode === 'throw') throw new PreUserRegistrationError('no CRM', 'later');
  if (user.user_metadata.mode === 'nothing') return;
  calls += 1;
  return { user_id: user.id, verified: user.emailVerified, connection: context.connection.name, calls };
};`,
    actions: `exports.onExecutePostUserRegistration = async (event, api) => {
  if (event.user.user_metadata.mode === 'throw') throw new PreUserRegistrationError('no CRM', 'later');
  if (event.user.user_metadata.mode === 'nothing') return;
  const calls = Number(api.cache.get('calls')?.value ?? 0) + 1;
  api.cache.set('calls', String(calls));
  return { user_id: event.user.user_id, verified: event.user.email_verified, connection: event.connection.name, calls };
};`,
    bodies: {
      success: post(),
      nothing: post({ user: { user_metadata: { mode: 'nothing' } } }),
      throw: post({ user: { user_metadata: { mode: 'throw' } } }),
    },
    success: { user_id: '5f7c8ec7c33c6c004bbafe82', verified: false, connection: 'Username-Password-Authentication', calls: 1 },
    errors: { throw: { head: 'PreUserRegistrationError: no CRM', data: { message: 'no CRM', name: 'PreUserRegistrationError', friendlyMessage: 'later' } } },
    invalid: [[{ context: { connection: {} } }, 'Body.user received by extensibility point is not an object']],
  },
  {
    point: 'post-change-password',
    legacy: `let calls = 0;
module.exports = function (user, context, cb) {
  if (user.username === 'throw') return cb(new Error('Unexpected connection ' + context.connection.name));
  if (user.username === 'nothing') return cb();
  calls += 1;
  cb(null, { notified: user.email, at: user.last_password_reset, calls });
};`,
    actions: `exports.onExecutePostChangePassword = (event, api) => {
  if (event.user.username === 'throw') throw new Error('Unexpected connection ' + event.connection.name);
  if (event.user.username === 'nothing') return;
  const calls = Number(api.cache.get('calls')?.value ?? 0) + 1;
  api.cache.set('calls', String(calls));
  return { notified: event.user.email, at: event.user.last_password_reset, calls };
};`,
    bodies: {
      success: pcp(),
      nothing: pcp({ user: { username: 'nothing' } }),
      throw: pcp({ user: { username: 'throw' } }),
    },
    success: { notified: 'maria.lopez@globex.example', at: '2024-05-14T09:21:03.117Z', calls: 1 },
    errors: { throw: { head: 'Error: Unexpected connection Username-Password-Authentication', data: { message: 'Unexpected connection Username-Password-Authentication' } } },
    invalid: [[{ user: {}, context: null }, 'Body.context received by extensibility point is not an object']],
  },
  {
    point: 'send-phone-message',
    legacy: `let calls = 0;
module.exports = function (recipient, text, context, cb) {
  if (recipient.startsWith('+882')) return cb(new SendPhoneMessageError('Refused ' + recipient, 'We cannot send codes to this phone number.'));
  if (context.language === 'nothing') return cb();
  calls += 1;
  cb(null, { MessageID: 'm-' + calls, to: recipient, body: text, channel: context.message_type, client: context.client.name, user: context.user.user_id, ip: context.ip });
};`,
    actions: `exports.onExecuteSendPhoneMessage = async (event, api) => {
  const { recipient, text, language, message_type } = event.message_options;
  if (recipient.startsWith('+882')) throw new SendPhoneMessageError('Refused ' + recipient, 'We cannot send codes to this phone number.');
  if (language === 'nothing') return;
  const calls = Number(api.cache.get('calls')?.value ?? 0) + 1;
  api.cache.set('calls', String(calls));
  return { MessageID: 'm-' + calls, to: recipient, body: text, channel: message_type, client: event.client.name, user: event.user.user_id, ip: event.request.ip };
};`,
    bodies: {
      success: spm(),
      nothing: spm({ context: { language: 'nothing' } }),
      refused: spm({ recipient: '+88216123456' }),
    },
    success: {
      MessageID: 'm-1',
      to: '+14155550123',
      body: 'Your verification code is 123456',
      channel: 'sms',
      client: 'Storefront',
      user: 'auth0|5f7c8ec7c33c6c004bbafe82',
      ip: '203.0.113.7',
    },
    errors: {
      refused: {
        head: 'SendPhoneMessageError: Refused +88216123456',
        data: { message: 'Refused +88216123456', name: 'SendPhoneMessageError', friendlyMessage: 'We cannot send codes to this phone number.' },
      },
    },
    invalid: [
      [spm({ context: { message_type: 'email' as 'sms' } }), 'Body.context.message_type received by extensibility point is not `sms` or `voice`'],
      [spm({ context: { client: { name: 7 as unknown as string } } }), 'Body.context.client.name received by extensibility point is not a string'],
    ],
  },
];

/** Both hooks of a pair, compiled once each: `call(body)` answers `[legacy, actions]`. */
async function compilePair(pair: Pair) {
  const legacy = await compileHook(pair.point, pair.legacy, { secrets: SECRETS, filename: LEGACY_FILE });
  const actions = await compileHook(`actions/${pair.point}` as HookPoint, pair.actions, { secrets: SECRETS, filename: ACTIONS_FILE });
  return async (body: unknown): Promise<[Envelope, Envelope]> => [await legacy(body as never), await actions(body as never)];
}

/** The envelope with only the first line of an error's stack (its frames name each hook's own file). */
function comparable(envelope: Envelope): string {
  if (envelope.status !== 'error' || typeof envelope.data.stack !== 'string') return JSON.stringify(envelope);
  return JSON.stringify({ ...envelope, data: { ...envelope.data, stack: envelope.data.stack.split('\n')[0] } });
}

function assertSame([legacy, actions]: [Envelope, Envelope], label: string): void {
  assert.is(comparable(actions), comparable(legacy), label);
}

for (const pair of pairs) {
  test(`${pair.point}: every case answers alike, and as pinned`, async () => {
    for (const [name, body] of Object.entries(pair.bodies)) {
      const answers = await (await compilePair(pair))(body);
      assertSame(answers, `${pair.point} ${name}`);
      const [, actions] = answers;
      if (name === 'success') assert.equal(actions, { statusCode: 200, headers: {}, status: 'success', data: pair.success }, name);
      const error = pair.errors[name];
      if (!error) continue;
      assert.is(actions.status, 'error', name);
      const { stack, ...data } = actions.data as Record<string, unknown>;
      assert.equal(data, error.data, name);
      const [head, frame] = String(stack).split('\n');
      assert.is(head, error.head, name);
      // A denial's or a throw's first frame is the Actions hook's own line, as a legacy error's is.
      assert.ok(frame?.includes(`${ACTIONS_FILE}:`), `${name}: ${frame}`);
    }
  });

  test(`${pair.point}: state kept across two calls answers alike`, async () => {
    const call = await compilePair(pair);
    const first = await call(pair.bodies.success);
    const second = await call(pair.bodies.success);
    assertSame(first, 'first call');
    assertSame(second, 'second call');
    assert.is.not(comparable(second[1]), comparable(first[1]), 'the second call sees the first one’s state');
  });

  test(`${pair.point}: validation failures answer alike`, async () => {
    const call = await compilePair(pair);
    for (const [body, message] of pair.invalid) {
      const [legacy, actions] = await call(body);
      assert.equal(actions, { status: 'error', data: { stack: `Error: ${message}`, message } });
      assert.is(JSON.stringify(actions), JSON.stringify(legacy));
    }
  });

  test(`${pair.point}: a script without the onExecute export answers the compile failure`, async () => {
    const call = await compileHook(`actions/${pair.point}` as HookPoint, 'module.exports = async (event, api) => {};');
    const answer = await call(pair.bodies.success as never);
    const exportName = /exports\.(onExecute\w+)/.exec(pair.actions)?.[1];
    assert.equal(answer, {
      status: 'error',
      data: {
        stack: 'Error: Unable to compile the extensibility code as javascript',
        message: 'Unable to compile the extensibility code as javascript',
        code: 'ERR_COMPILE_NOT_A_FUNCTION',
        error_description: `Supplied code must export a function named ${exportName}.`,
      },
    });
  });
}

test.run();
