// The Actions compilers' own contract: each trigger's whole event, api.cache (lifetimes, bounds,
// results), misuse of api commands, plain (non-async) hooks, and the Bearer check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidScopeError } from '@ext-compilers/core';
import * as actions from 'ext-compilers/actions';
import { compileHook, type Envelope, type ErrorEnvelope, fixtures, runHook } from 'ext-compilers/testing';

const SECRETS = { 'auth0-extension-secret': 'sh', 'auth0-extension-secret-previous': 'old', API_KEY: 'k-1' };
const dataOf = (envelope: Envelope): unknown => (envelope.status === 'success' ? envelope.data : assert.unreachable(JSON.stringify(envelope)));
function errorOf(envelope: Envelope): ErrorEnvelope['data'] {
  if (envelope.status !== 'error') return assert.unreachable(`not an error: ${JSON.stringify(envelope)}`) as never;
  return envelope.data;
}

test('credentials-exchange: the event', async () => {
  const hook = "exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim('https://x/event', event); };";
  const data = dataOf(await runHook('actions/client-credentials-exchange', hook, fixtures.clientCredentialsExchange(), { secrets: SECRETS }));
  assert.equal((data as Record<string, unknown>)['https://x/event'], {
    accessToken: { customClaims: {}, scope: ['read:invoices', 'write:invoices'] },
    client: { client_id: 'vXBWmNxYHb6dE2RyZDn5sO3ZkK4rjQ8u', name: 'Billing worker', metadata: { tier: 'gold' } },
    request: {},
    resource_server: { identifier: 'https://api.example.com' },
    tenant: { id: 'acme' },
    transaction: { requested_scopes: ['read:invoices', 'write:invoices'] },
    // The point's own Bearer secrets are not the hook's.
    secrets: { API_KEY: 'k-1' },
  });
});

// The sample user as the registration events carry it: Actions' names, no password.
const EVENT_USER = {
  email: 'maria.lopez@globex.example',
  email_verified: false,
  username: 'mlopez',
  phone_number: '+14155550123',
  phone_verified: false,
  user_metadata: {},
  app_metadata: {},
};

test('pre-user-registration: the event (no password)', async () => {
  const hook = "exports.onExecutePreUserRegistration = async (event, api) => { api.user.setAppMetadata('event', event); };";
  const data = dataOf(await runHook('actions/pre-user-registration', hook, fixtures.preUserRegistration(), { secrets: SECRETS }));
  assert.equal(data, {
    user: {
      app_metadata: {
        event: {
          user: EVENT_USER,
          connection: { id: 'con_m3RK4vxqnsbVuT2A', name: 'Username-Password-Authentication' },
          request: { language: 'es-ES' },
          tenant: { id: 'acme' },
          secrets: { API_KEY: 'k-1' },
        },
      },
    },
  });
});

test('post-user-registration and post-change-password: the event', async () => {
  const post = await runHook('actions/post-user-registration', 'exports.onExecutePostUserRegistration = async (event) => event;', fixtures.postUserRegistration());
  assert.equal((dataOf(post) as { user: unknown }).user, { user_id: '5f7c8ec7c33c6c004bbafe82', ...EVENT_USER });
  const change = await runHook('actions/post-change-password', 'exports.onExecutePostChangePassword = async (event) => event;', fixtures.postChangePassword());
  assert.equal(dataOf(change), {
    user: { user_id: 'auth0|5f7c8ec7c33c6c004bbafe82', email: 'maria.lopez@globex.example', username: 'mlopez', last_password_reset: '2024-05-14T09:21:03.117Z' },
    connection: { id: 'con_m3RK4vxqnsbVuT2A', name: 'Username-Password-Authentication' },
    request: {},
    tenant: { id: 'acme' },
    secrets: {},
  });
});

test('send-phone-message: the event, with and without client and user', async () => {
  const hook = 'exports.onExecuteSendPhoneMessage = async (event) => event;';
  assert.equal(dataOf(await runHook('actions/send-phone-message', hook, fixtures.sendPhoneMessage())), {
    message_options: {
      action: 'second-factor-authentication',
      code: '123456',
      language: 'es',
      message_type: 'sms',
      recipient: '+14155550123',
      text: 'Your verification code is 123456',
    },
    client: { client_id: 'vXBWmNxYHb6dE2RyZDn5sO3ZkK4rjQ8u', name: 'Storefront', metadata: {} },
    request: { ip: '203.0.113.7', user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36' },
    tenant: {},
    user: { user_id: 'auth0|5f7c8ec7c33c6c004bbafe82', email: 'maria.lopez@globex.example', name: 'Maria Lopez', user_metadata: {}, app_metadata: {} },
    secrets: {},
  });
  const bare = fixtures.sendPhoneMessage({ context: { user: null } });
  delete bare.context.client;
  const event = dataOf(await runHook('actions/send-phone-message', hook, bare)) as Record<string, unknown>;
  assert.equal(Object.keys(event), ['message_options', 'request', 'tenant', 'secrets']);
});

// One script drives the cache: the body's `ops` are [method, ...args], the answer their results.
const CACHE_HOOK = 'exports.onExecutePostUserRegistration = async (event, api) => event.user.user_metadata.ops.map(([m, ...a]) => api.cache[m](...a) ?? null);';
const cacheCall = async () => {
  const call = await compileHook('actions/post-user-registration', CACHE_HOOK);
  return async (...ops: unknown[][]) => dataOf(await call(fixtures.postUserRegistration({ user: { user_metadata: { ops } } }))) as any[];
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('api.cache: set, get and delete across calls; results in Auth0 shape', async () => {
  const ops = await cacheCall();
  const before = Date.now();
  const [set] = await ops(['set', 'k', 'v']);
  assert.is(set.type, 'success');
  assert.is(set.record.value, 'v');
  // Default lifetime: 15 minutes.
  assert.ok(set.record.expires_at >= before + 15 * 60_000 && set.record.expires_at <= Date.now() + 15 * 60_000);
  const [got] = await ops(['get', 'k']);
  assert.equal(got, set.record);
  assert.equal(await ops(['delete', 'k'], ['get', 'k'], ['delete', 'k']), [{ type: 'success' }, null, { type: 'success' }]);
  // A second compilation is another webtask: its own cache.
  const other = await cacheCall();
  await ops(['set', 'mine', '1']);
  assert.equal(await other(['get', 'mine']), [null]);
});

test('api.cache: ttl and expires_at, the earlier wins; 24 h at most', async () => {
  const ops = await cacheCall();
  const now = Date.now();
  const [short, capped, both] = await ops(['set', 'a', '1', { ttl: 15 }], ['set', 'b', '2', { ttl: 1e12 }], ['set', 'c', '3', { ttl: 60_000, expires_at: now + 1000 }]);
  assert.ok(capped.record.expires_at <= Date.now() + 24 * 3600_000 && capped.record.expires_at > now + 23 * 3600_000);
  assert.ok(both.record.expires_at === now + 1000);
  assert.ok(short.record.expires_at <= Date.now() + 15);
  await sleep(30);
  assert.equal(await ops(['get', 'a'], ['get', 'c']), [null, { value: '3', expires_at: now + 1000 }]);
});

test('api.cache: refusals', async () => {
  const ops = await cacheCall();
  const results = await ops(
    ['set', '', 'v'],
    ['set', 'k'.repeat(65), 'v'],
    ['set', 'é'.repeat(33), 'v'],
    ['set', 'k', 42],
    ['set', 'k', 'v'.repeat(4097)],
    ['set', 'k', 'v', { ttl: 0 }],
    ['set', 'k', 'v', { expires_at: 1 }],
    ['set', 'k', 'v', { ttl: '5' }],
    ['delete', 7],
  );
  assert.equal(
    results.map((r) => r.code),
    ['INVALID_KEY', 'KEY_TOO_LARGE', 'KEY_TOO_LARGE', 'INVALID_VALUE', 'VALUE_TOO_LARGE', 'INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_KEY'],
  );
  assert.ok(results.every((r) => r.type === 'error'));
  assert.equal(await ops(['set', 'k'.repeat(64), 'v'.repeat(4096)]).then(([r]) => r.type), 'success');
});

test('api.cache: at most 20 entries and 8 KiB; the oldest written goes first', async () => {
  const ops = await cacheCall();
  const sets = Array.from({ length: 21 }, (_, i) => ['set', `k${i}`, 'v']);
  await ops(...sets);
  const gets = await ops(...Array.from({ length: 21 }, (_, i) => ['get', `k${i}`]));
  assert.equal(gets.map((g) => g?.value ?? null), [null, ...Array(20).fill('v')]);
  // Rewriting k1 makes it the newest; two 4 KiB values then fill the byte budget.
  await ops(['set', 'k1', 'again'], ['set', 'big1', 'x'.repeat(4000)], ['set', 'big2', 'y'.repeat(4000)]);
  const after = await ops(...['k1', 'k20', 'big1', 'big2'].map((k) => ['get', k]));
  assert.equal(after.map((g) => g?.value.length ?? null), [5, 1, 4000, 4000]);
  const rest = await ops(...Array.from({ length: 19 }, (_, i) => ['get', `k${i + 2}`]));
  assert.ok(rest.filter((g) => g !== null).length < 19, 'some older entries made room');
});

test('api misuse is a TypeError in the hook', async () => {
  const deny = "exports.onExecuteCredentialsExchange = async (event, api) => { api.access.deny('access_denied', 'no'); };";
  const answer = await runHook('actions/client-credentials-exchange', deny, fixtures.clientCredentialsExchange());
  assert.is(errorOf(answer).message, 'api.access.deny: code must be invalid_scope, invalid_request or server_error');
  const claim = "exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim('scope', ['admin']); };";
  assert.is(errorOf(await runHook('actions/client-credentials-exchange', claim, fixtures.clientCredentialsExchange())).message, 'api.accessToken.setCustomClaim: scope is not a custom claim');
  const meta = 'exports.onExecutePreUserRegistration = async (event, api) => { api.user.setUserMetadata(1, 2); };';
  assert.is(errorOf(await runHook('actions/pre-user-registration', meta, fixtures.preUserRegistration())).message, 'api.user.setUserMetadata: name must be a string');
});

test('the first denial stands; commands after it change nothing', async () => {
  const hook = `exports.onExecutePreUserRegistration = async (event, api) => {
  api.user.setUserMetadata('a', 1);
  api.access.deny('first', 'First');
  api.access.deny('second', 'Second');
};`;
  const answer = await runHook('actions/pre-user-registration', hook, fixtures.preUserRegistration());
  assert.equal({ ...errorOf(answer), stack: undefined }, { stack: undefined, message: 'first', name: 'PreUserRegistrationError', friendlyMessage: 'First' });
});

test('a plain function hook, a function passed directly, and the error classes', async () => {
  const plain = 'exports.onExecutePostChangePassword = function (event, api, extra) { if (extra !== undefined) throw new Error("extra"); };';
  assert.equal(await runHook('actions/post-change-password', plain, fixtures.postChangePassword()), { statusCode: 200, headers: {}, status: 'success', data: {} });
  const direct = await runHook('actions/client-credentials-exchange', async (event) => {
    if (event.client.name === 'Billing worker') throw new InvalidScopeError('nope');
  }, fixtures.clientCredentialsExchange());
  assert.is(errorOf(direct).name, 'InvalidScopeError');
});

test('the Bearer check comes first, as for the legacy points', async () => {
  const secrets = { 'auth0-extension-secret': 's' };
  const fn = await new Promise<(ctx: object, req: object, res: object) => void>((resolve, reject) =>
    actions['client-credentials-exchange']({ script: 'exports.onExecuteCredentialsExchange = async () => {};', nodejsCompiler: (_s, cb) => cb(null, { onExecuteCredentialsExchange: async () => {} }), secrets }, (e, f) =>
      e || !f ? reject(e) : resolve(f as never),
    ),
  );
  const answer = await new Promise<string>((resolve) =>
    fn({ headers: { authorization: 'Bearer nope' }, secrets, body: fixtures.clientCredentialsExchange() }, { method: 'POST', headers: {} }, { writeHead() {}, end: resolve }),
  );
  assert.is(answer, '{"status":"error","data":{"stack":"Error: Unauthorized extensibility point","message":"Unauthorized extensibility point","statusCode":500}}');
});

test.run();
