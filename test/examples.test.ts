// Every hook under examples/ compiled with its point's compiler and called the way a runtime calls
// it, asserting the whole envelope each documented request gets. docs/points/*.md quote these
// hooks, bodies and answers, so a change that breaks the docs breaks this file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as compilers from 'ext-compilers';
import { createNodejsCompiler } from '@ext-compilers/conformance';

type Point = keyof typeof compilers;
type Json = Record<string, unknown>;

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const SECRET = 'wt-3xt-s3cret';
const SECRETS = { 'auth0-extension-secret': SECRET };

const hookPath = (point: Point): string => `${examples}${point}/hook.js`;
const hook = (point: Point): string => readFileSync(hookPath(point), 'utf8');
const request = (point: Point): Json => JSON.parse(readFileSync(`${examples}${point}/request.json`, 'utf8'));

interface Answer {
  status: number;
  headers: unknown;
  body: string;
  ends: number;
}

/** Compile the example with its point's compiler, then run one request through the 3-ary result. */
function call(point: Point, body: unknown, options: { authorization?: string; secrets?: Record<string, string> } = {}): Promise<Answer> {
  const secrets = options.secrets ?? SECRETS;
  const headers = options.authorization === undefined ? {} : { authorization: options.authorization };
  // The file name is the example's own path, so the first stack frame of a hook's error names it.
  const nodejsCompiler = createNodejsCompiler({ filename: hookPath(point) });
  return new Promise((resolve, reject) => {
    compilers[point]({ script: hook(point), nodejsCompiler, secrets }, (error, fn) => {
      if (error || !fn) return reject(error ?? new Error('no function'));
      assert.is(fn.length, 3);
      const answer: Answer = { status: 0, headers: undefined, body: '', ends: 0 };
      const res = {
        writeHead(status: number, head: unknown) {
          answer.status = status;
          answer.headers = head;
        },
        end(chunk: string) {
          answer.body = chunk;
          answer.ends++;
          resolve(answer);
        },
      };
      fn({ headers, secrets, body: structuredClone(body) }, { method: 'POST', headers: {} } as never, res);
    });
  });
}

/** `line:column` (1-based) of `needle` in the example, where V8 places the frame of `new Error(...)`. */
function locate(point: Point, needle: string): string {
  const source = hook(point);
  const index = source.indexOf(needle);
  assert.ok(index >= 0, `${needle} not in ${point}/hook.js`);
  const before = source.slice(0, index).split('\n');
  return `${before.length}:${(before.at(-1) as string).length + 1}`;
}

/**
 * Assert the answer is exactly `expected` (key order included). A hook's own error carries its real
 * stack: its first line and first frame (in the example's file) are pinned, the frames below them
 * are the runtime's and are not.
 */
function assertEnvelope(answer: Answer, expected: Json, thrown?: { fn: string; point: Point; at: string }): void {
  assert.is(answer.status, 200);
  assert.equal(answer.headers, { 'Content-Type': 'application/json' });
  assert.is(answer.ends, 1);
  const parsed = JSON.parse(answer.body) as { data: Json };
  if (thrown) {
    const data = expected.data as Json;
    const [head, frame] = String(parsed.data.stack).split('\n');
    assert.is(head, data.stack);
    assert.is(frame, `    at ${thrown.fn} (${hookPath(thrown.point)}:${thrown.at})`);
    parsed.data.stack = data.stack;
    assert.is(JSON.stringify(parsed), JSON.stringify(expected));
  } else {
    assert.is(answer.body, JSON.stringify(expected));
  }
}

const success = (data: unknown): Json => ({ statusCode: 200, headers: {}, status: 'success', data });
const unauthorized: Json = {
  status: 'error',
  data: { stack: 'Error: Unauthorized extensibility point', message: 'Unauthorized extensibility point', statusCode: 500 },
};
const invalid = (message: string): Json => ({ status: 'error', data: { stack: `Error: ${message}`, message } });
const bearer = `Bearer ${SECRET}`;

interface Case {
  point: Point;
  name: string;
  body: unknown;
  authorization?: string;
  secrets?: Record<string, string>;
  expected: Json;
  /** For a hook's own error: the function name in the first frame and the text that built it. */
  thrown?: { fn: string; needle: string };
}

const cases: Case[] = [
  // generic: on-new-lead
  {
    point: 'generic',
    name: 'scores and routes a lead',
    body: request('generic'),
    authorization: bearer,
    expected: success({ score: 100, team: 'enterprise', tags: ['globex.example', 'demo-request'] }),
  },
  {
    point: 'generic',
    name: 'refuses a lead without an e-mail address',
    body: { lead: { company: 'Initech' } },
    authorization: bearer,
    expected: { status: 'error', data: { stack: 'Error: A lead needs an email address', message: 'A lead needs an email address' } },
    thrown: { fn: 'onNewLead', needle: "new Error('A lead" },
  },
  { point: 'generic', name: 'wrong secret', body: request('generic'), authorization: 'Bearer nope', expected: unauthorized },

  // client-credentials-exchange
  {
    point: 'client-credentials-exchange',
    name: 'adds namespaced claims',
    body: request('client-credentials-exchange'),
    authorization: bearer,
    expected: success({
      scope: ['read:invoices', 'write:invoices'],
      'https://api.example.com/tier': 'gold',
      'https://api.example.com/audience_checked': 'https://api.example.com',
    }),
  },
  {
    point: 'client-credentials-exchange',
    name: 'denies delete:users with InvalidScopeError',
    body: {
      audience: 'https://api.example.com',
      client: { id: 'Zq0pQm1RkT7x', name: 'Reporting job', tenant: 'acme', metadata: {} },
      scope: ['read:users', 'delete:users'],
    },
    authorization: bearer,
    expected: {
      status: 'error',
      data: {
        stack: 'InvalidScopeError: Client Reporting job may not request delete:users',
        message: 'Client Reporting job may not request delete:users',
        name: 'InvalidScopeError',
      },
    },
    thrown: { fn: 'module.exports', needle: 'new InvalidScopeError(' },
  },
  {
    point: 'client-credentials-exchange',
    name: 'invalid body',
    body: { audience: 'https://api.example.com', scope: 'read:invoices' },
    authorization: bearer,
    expected: invalid('Body .client received by extensibility point is not an object'),
  },
  { point: 'client-credentials-exchange', name: 'wrong secret', body: request('client-credentials-exchange'), authorization: 'Bearer nope', expected: unauthorized },

  // password-exchange
  {
    point: 'password-exchange',
    name: 'adds roles and display name',
    body: request('password-exchange'),
    authorization: bearer,
    expected: success({
      accessToken: { scope: ['openid', 'read:orders'], 'https://api.example.com/roles': ['buyer'] },
      idToken: { 'https://api.example.com/display_name': 'Maria Lopez', 'https://api.example.com/client': 'Storefront' },
    }),
  },
  {
    point: 'password-exchange',
    name: 'refuses a suspended user',
    body: { ...request('password-exchange'), user: { ...(request('password-exchange').user as Json), app_metadata: { suspended: true } } },
    authorization: bearer,
    expected: {
      status: 'error',
      data: { stack: 'Error: User auth0|5f7c8ec7c33c6c004bbafe82 is suspended', message: 'User auth0|5f7c8ec7c33c6c004bbafe82 is suspended' },
    },
    thrown: { fn: 'module.exports', needle: 'new Error(`User' },
  },
  {
    point: 'password-exchange',
    name: 'invalid body',
    body: { audience: 'https://api.example.com', user: {} },
    authorization: bearer,
    expected: invalid('Body.client received by extensibility point is not an object'),
  },
  { point: 'password-exchange', name: 'wrong secret', body: request('password-exchange'), authorization: 'Bearer nope', expected: unauthorized },

  // pre-user-registration
  {
    point: 'pre-user-registration',
    name: 'sets user_metadata and app_metadata',
    body: request('pre-user-registration'),
    authorization: bearer,
    expected: success({
      user: {
        user_metadata: { signup_language: 'es-ES' },
        app_metadata: { signup_connection: 'Username-Password-Authentication', plan: 'trial' },
      },
    }),
  },
  {
    point: 'pre-user-registration',
    name: 'refuses a disposable domain with PreUserRegistrationError',
    body: { ...request('pre-user-registration'), user: { ...(request('pre-user-registration').user as Json), email: 'throwaway@mailinator.com' } },
    authorization: bearer,
    expected: {
      status: 'error',
      data: {
        stack: 'PreUserRegistrationError: Sign-up refused: disposable domain mailinator.com',
        message: 'Sign-up refused: disposable domain mailinator.com',
        name: 'PreUserRegistrationError',
        friendlyMessage: 'Please sign up with a permanent e-mail address.',
      },
    },
    thrown: { fn: 'module.exports', needle: 'new PreUserRegistrationError(' },
  },
  {
    point: 'pre-user-registration',
    name: 'invalid body',
    body: { user: { email: 'a@example.com' }, context: {} },
    authorization: bearer,
    expected: invalid('Body.context.connection received by extensibility point is not an object'),
  },
  { point: 'pre-user-registration', name: 'wrong secret', body: request('pre-user-registration'), authorization: 'Bearer nope', expected: unauthorized },

  // post-user-registration
  {
    point: 'post-user-registration',
    name: 'answers a summary',
    body: request('post-user-registration'),
    authorization: bearer,
    expected: success({
      event: 'user.registered',
      user_id: '5f7c8ec7c33c6c004bbafe82',
      connection: 'Username-Password-Authentication',
      sequence: 'onboarding-verify-email',
    }),
  },
  {
    point: 'post-user-registration',
    name: 'invalid body',
    body: { context: { connection: {} } },
    authorization: bearer,
    expected: invalid('Body.user received by extensibility point is not an object'),
  },
  { point: 'post-user-registration', name: 'wrong secret', body: request('post-user-registration'), authorization: 'Bearer nope', expected: unauthorized },

  // post-change-password
  {
    point: 'post-change-password',
    name: 'cb() answers {}',
    body: request('post-change-password'),
    authorization: bearer,
    secrets: { ...SECRETS, CONNECTION_NAME: 'Username-Password-Authentication' },
    expected: success({}),
  },
  {
    point: 'post-change-password',
    name: 'refuses an unexpected connection',
    body: request('post-change-password'),
    authorization: bearer,
    secrets: { ...SECRETS, CONNECTION_NAME: 'employees' },
    expected: {
      status: 'error',
      data: {
        stack: 'Error: Unexpected connection Username-Password-Authentication for maria.lopez@globex.example',
        message: 'Unexpected connection Username-Password-Authentication for maria.lopez@globex.example',
      },
    },
    thrown: { fn: 'module.exports', needle: 'new Error(`Unexpected' },
  },
  {
    point: 'post-change-password',
    name: 'invalid body',
    body: { user: {}, context: null },
    authorization: bearer,
    expected: invalid('Body.context received by extensibility point is not an object'),
  },
  { point: 'post-change-password', name: 'wrong secret', body: request('post-change-password'), authorization: 'Bearer nope', expected: unauthorized },

  // send-phone-message
  {
    point: 'send-phone-message',
    name: 'formats an SMS in the user\'s language',
    body: request('send-phone-message'),
    authorization: bearer,
    expected: success({ MessageID: '5b7141aa4baffaf9', channel: 'sms', body: 'Tu código de verificación es 123456' }),
  },
  {
    point: 'send-phone-message',
    name: 'reads the code digit by digit on a voice call',
    body: { ...request('send-phone-message'), context: { ...(request('send-phone-message').context as Json), message_type: 'voice', language: 'en-US' } },
    authorization: bearer,
    expected: success({ MessageID: 'b5743bd2e8881e82', channel: 'voice', body: 'Your verification code is 1, 2, 3, 4, 5, 6' }),
  },
  {
    point: 'send-phone-message',
    name: 'refuses a country with SendPhoneMessageError',
    body: { ...request('send-phone-message'), recipient: '+88216123456' },
    authorization: bearer,
    expected: {
      status: 'error',
      data: {
        stack: 'SendPhoneMessageError: Refused to send to +88216123456: country not served',
        message: 'Refused to send to +88216123456: country not served',
        name: 'SendPhoneMessageError',
        friendlyMessage: 'We cannot send codes to this phone number.',
      },
    },
    thrown: { fn: 'module.exports', needle: 'new SendPhoneMessageError(' },
  },
  {
    point: 'send-phone-message',
    name: 'invalid body',
    body: { ...request('send-phone-message'), context: { ...(request('send-phone-message').context as Json), message_type: 'email' } },
    authorization: bearer,
    expected: invalid('Body.context.message_type received by extensibility point is not `sms` or `voice`'),
  },
  { point: 'send-phone-message', name: 'wrong secret', body: request('send-phone-message'), authorization: 'Bearer nope', expected: unauthorized },
];

for (const c of cases) {
  test(`${c.point}: ${c.name}`, async () => {
    const answer = await call(c.point, c.body, {
      ...(c.authorization === undefined ? {} : { authorization: c.authorization }),
      ...(c.secrets ? { secrets: c.secrets } : {}),
    });
    assertEnvelope(answer, c.expected, c.thrown && { fn: c.thrown.fn, point: c.point, at: locate(c.point, c.thrown.needle) });
  });
}

test('every point refuses a call without Authorization once a secret is set', async () => {
  for (const point of Object.keys(compilers) as Point[]) {
    assertEnvelope(await call(point, request(point)), unauthorized);
  }
});

test('rotation: the previous secret is accepted while auth0-extension-secret-previous is set', async () => {
  const secrets = { 'auth0-extension-secret': 'new-secret', 'auth0-extension-secret-previous': SECRET };
  for (const authorization of ['Bearer new-secret', bearer]) {
    const answer = await call('post-change-password', request('post-change-password'), { authorization, secrets });
    assertEnvelope(answer, success({}));
  }
  const stale = await call('post-change-password', request('post-change-password'), { authorization: bearer, secrets: { 'auth0-extension-secret': 'new-secret' } });
  assertEnvelope(stale, unauthorized);
});

test('every point has an example', () => {
  assert.equal([...new Set(cases.map((c) => c.point))].sort(), Object.keys(compilers).sort());
});

test.run();
