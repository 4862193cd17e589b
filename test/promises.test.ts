// Promise-based hooks (issue #6, item 1): in every compiler, an async hook (or one returning a
// promise) answers exactly as its callback twin does — value and rejection alike — under our
// runtime's simulate() and under webtask-runtime@2.0.0's. Completing twice keeps the first.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as compilers from 'ext-compilers';
import { nodejsCompiler, simulate } from '@ext-compilers/runtime';
import { loadSimulate } from '@ext-compilers/conformance';

// The suite's own loader: required as require('webtask-runtime'), the reference makes Node warn of
// its circular require on every request.
const referenceSimulate = loadSimulate();

type Point = keyof typeof compilers;
const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const SECRET = 'promise-s3cret';
const SECRETS = { 'auth0-extension-secret': SECRET };

/** Per point: its parameters before the callback, and an expression of them the hook answers. */
const POINTS: Record<Point, { params: string; result: string; error: string }> = {
  generic: { params: 'ctx', result: '{ seen: ctx.body.lead.company }', error: "new Error('refused')" },
  'client-credentials-exchange': { params: 'client, scope, audience, context', result: '{ scope: scope.concat(["x"]), aud: audience }', error: "new InvalidScopeError('no')" },
  'password-exchange': { params: 'user, client, scope, audience, context', result: '{ accessToken: { scope }, who: user.email }', error: "new InvalidRequestError('no')" },
  'pre-user-registration': { params: 'user, context', result: '{ user: { user_metadata: { seen: user.email } } }', error: "new PreUserRegistrationError('denied', 'Please use your work email.')" },
  'post-user-registration': { params: 'user, context', result: '{ seen: user.email }', error: "new Error('log me')" },
  'post-change-password': { params: 'user, context', result: '{ seen: user.email }', error: "new Error('log me')" },
  'send-phone-message': { params: 'recipient, text, context', result: '{ to: recipient, text }', error: "new SendPhoneMessageError('no provider', 'Use SMS.')" },
};

const body = (point: Point): unknown => JSON.parse(readFileSync(`${examples}${point}/request.json`, 'utf8'));

function compile(point: Point, script: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    compilers[point]({ script, nodejsCompiler, secrets: SECRETS }, (error, fn) => (error ? reject(error) : resolve(fn))),
  );
}

const options = (point: Point) => ({ method: 'POST', headers: { authorization: `Bearer ${SECRET}` }, payload: body(point), secrets: SECRETS, logger: { info() {}, warn() {}, error() {} } });

async function both(point: Point, script: string): Promise<{ ours: string; reference: string }> {
  const fn = await compile(point, script);
  const ours = (await simulate(fn as never, options(point))).payload;
  const theirs = await new Promise<string>((resolve) => referenceSimulate(fn, options(point), (res) => resolve(res.payload)));
  return { ours, reference: theirs };
}

/** The payload without the stack (a stack names the line, which differs between the twins). */
const comparable = (payload: string): unknown => {
  const value = JSON.parse(payload) as { data?: { stack?: unknown } };
  if (value.data && typeof value.data === 'object') delete value.data.stack;
  return value;
};

for (const point of Object.keys(POINTS) as Point[]) {
  const { params, result, error } = POINTS[point];
  const callback = (answer: string) => `module.exports = function (${params}, cb) { ${answer} };`;

  test(`${point}: an async hook's value answers as cb(null, value), under both runtimes`, async () => {
    const twin = await both(point, callback(`cb(null, ${result});`));
    const asyncHook = await both(point, `module.exports = async function (${params}) { return ${result}; };`);
    // generic: a plain 1-ary function is the reference's `(cb)` shape, so a promise-returning one takes (ctx, cb).
    const promiseParams = point === 'generic' ? 'ctx, cb' : params;
    const promiseHook = await both(point, `module.exports = (${promiseParams}) => Promise.resolve(${result});`);
    assert.ok(JSON.parse(twin.ours).status === 'success', twin.ours);
    for (const answers of [asyncHook, promiseHook]) {
      assert.equal(comparable(answers.ours), comparable(twin.ours));
      assert.equal(comparable(answers.reference), comparable(twin.ours));
    }
  });

  test(`${point}: a rejection answers as cb(error), error class and friendly message included`, async () => {
    const twin = await both(point, callback(`cb(${error});`));
    const rejected = await both(point, `module.exports = async function (${params}) { throw ${error}; };`);
    assert.is(JSON.parse(twin.ours).status, 'error');
    assert.equal(comparable(rejected.ours), comparable(twin.ours));
    assert.equal(comparable(rejected.reference), comparable(twin.ours));
  });

  test(`${point}: an async hook that declares cb may answer through it later`, async () => {
    const later = await both(point, `module.exports = async function (${params}, cb) { setTimeout(() => cb(null, ${result}), 5); };`);
    const twin = await both(point, callback(`cb(null, ${result});`));
    assert.equal([comparable(later.ours), comparable(later.reference)], [comparable(twin.ours), comparable(twin.ours)]);
  });
}

test("the reference answers without a warning (required plainly, it warns of its circular require on every request)", async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    await both('generic', 'module.exports = function (ctx, cb) { cb(null, 1); };');
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.equal(warnings, []);
});

test('completing twice (cb, then a promise value): the first answers, the second is logged', async () => {
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warned.push(message);
  try {
    const fn = await compile('client-credentials-exchange', 'module.exports = async function (client, scope, audience, context, cb) { cb(null, { first: true }); return { second: true }; };');
    const answer = JSON.parse((await simulate(fn as never, options('client-credentials-exchange'))).payload);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(answer.data, { first: true });
    assert.equal(warned, ['The hook completed more than once; the first completion answered and this one is ignored: result {"second":true}']);
  } finally {
    console.warn = warn;
  }
});

test('an async generic 3-ary function: its rejection is the error envelope', async () => {
  const fn = await compile('generic', "module.exports = async function (ctx, req, res) { throw new Error('async 3-ary'); };");
  const answer = JSON.parse((await simulate(fn as never, options('generic'))).payload);
  assert.equal([answer.status, answer.data.message], ['error', 'async 3-ary']);
});

test('a hook that neither calls back nor settles: the runtime time limit answers it', async () => {
  const fn = await compile('client-credentials-exchange', 'module.exports = function (client, scope, audience, context, cb) { return new Promise(() => {}); };');
  const res = await simulate(fn as never, { ...options('client-credentials-exchange'), timeout: 50, meta: { 'wt-compiler': 'ext-compilers/client-credentials-exchange' } });
  // A point's webtask: the time limit's answer is the point's error envelope (HTTP 200), as a caller of a hook reads it.
  assert.equal([res.statusCode, JSON.parse(res.payload)], [200, { status: 'error', data: { message: 'The webtask did not respond within 50 ms.', error: 'Script exceeded the execution time limit.', code: 504 } }]);
});

test.run();
