import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulate } from '@ext-compilers/runtime';

type Ctx = { body?: unknown; body_raw?: string; data: Record<string, unknown>; query: Record<string, unknown> };
type Cb = (error?: unknown, data?: unknown) => void;
type Req = NodeJS.ReadableStream & { readableEnded: boolean };
type Res = { writeHead(s: number, h?: Record<string, string>): void; end(b?: string): void; headersSent: boolean };

const logger = { info() {}, warn() {}, error() {} };
const json = { 'content-type': 'application/json' };
const post = { method: 'POST', payload: { a: 1 }, logger };

const one = (cb: Cb) => cb(null, { one: true });
const two = (ctx: Ctx, cb: Cb) => cb(null, { body: ctx.body ?? null, raw: ctx.body_raw ?? null });
const three = (ctx: Ctx, req: Req, res: Res) => {
  res.writeHead(200, json);
  res.end(JSON.stringify({ body: ctx.body ?? null, unread: !req.readableEnded }));
};

test('pb x arity: 0 never parses, 1 always, 2 (default) for 1- and 2-ary only', async () => {
  const rows: unknown[] = [];
  for (const parseBody of [0, 1, 2, undefined] as const) {
    const twoAry = JSON.parse((await simulate(two, { ...post, parseBody })).payload);
    const threeAry = JSON.parse((await simulate(three, { ...post, parseBody })).payload);
    rows.push([parseBody, twoAry.body, threeAry]);
  }
  assert.equal(rows, [
    [0, null, { body: null, unread: true }],
    [1, { a: 1 }, { body: { a: 1 }, unread: false }],
    [2, { a: 1 }, { body: null, unread: true }],
    [undefined, { a: 1 }, { body: null, unread: true }],
  ]);
  assert.equal(await simulate(one, { ...post, parseBody: 0 }), { statusCode: 200, headers: json, payload: '{"one":true}' });
  assert.equal((await simulate(two, { ...post, parseBody: true })).payload, '{"body":{"a":1},"raw":"{\\"a\\":1}"}');
});

test('?webtask_pb=1 parses for a 3-ary function and for pb 0; webtask_* keys stay out of ctx.query', async () => {
  const seen = (ctx: Ctx, cb: Cb) => cb(null, { body: ctx.body ?? null, query: ctx.query });
  assert.equal(JSON.parse((await simulate(three, { ...post, url: '/?webtask_pb=1' })).payload), { body: { a: 1 }, unread: false });
  assert.equal(JSON.parse((await simulate(seen, { ...post, parseBody: 0, url: '/?webtask_pb=1&x=y' })).payload), { body: { a: 1 }, query: { x: 'y' } });
});

test('mb: the body wins in ctx.data; ?webtask_mb=1 turns it on per request', async () => {
  const data = (ctx: Ctx, cb: Cb) => cb(null, ctx.data);
  const options = { method: 'POST', payload: { a: 'body', s: 'body' }, query: { a: 'query', q: '1' }, secrets: { s: 'secret' }, params: { p: 'param' }, logger };
  assert.equal(JSON.parse((await simulate(data, { ...options, mergeBody: true })).payload), { a: 'body', q: '1', p: 'param', s: 'body' });
  assert.equal(JSON.parse((await simulate(data, options)).payload), { a: 'query', q: '1', p: 'param', s: 'secret' });
  assert.equal(JSON.parse((await simulate(data, { ...options, url: '/?webtask_mb=1' })).payload), { a: 'body', q: '1', p: 'param', s: 'body' });
});

test('a body over maxBodySize is answered 413 without running the webtask', async () => {
  let ran = false;
  const fn = (_ctx: Ctx, cb: Cb) => {
    ran = true;
    cb(null, {});
  };
  const res = await simulate(fn, { method: 'POST', payload: 'x'.repeat(101), headers: { 'content-type': 'text/plain' }, maxBodySize: 100, logger });
  assert.equal(res, {
    statusCode: 413,
    headers: json,
    payload: JSON.stringify({ code: 413, error: 'Request body too large.', message: 'Request body exceeds the limit of 100 bytes.' }),
  });
  assert.not(ran);
  assert.is((await simulate(fn, { method: 'POST', payload: 'x'.repeat(100), maxBodySize: 100, logger })).statusCode, 200);
});

test('cb(null, data): 200 JSON, {} for falsy results', async () => {
  const results: unknown[] = [];
  for (const value of [{ ok: 1 }, [1, 2], 'text', 0, false, null, undefined]) {
    results.push((await simulate((cb: Cb) => cb(null, value), { logger })).payload);
  }
  assert.equal(results, ['{"ok":1}', '[1,2]', '"text"', '{}', '{}', '{}', '{}']);
});

test('cb(err): the statusCode when it is 400-599, else 400; the reference body, our frames removed from the stack', async () => {
  const statuses: number[] = [];
  for (const statusCode of [403, 501, 599, 302, 600, '404', 404.5, undefined]) {
    const fail = (cb: Cb) => cb(Object.assign(new Error('no'), { statusCode }));
    statuses.push((await simulate(fail, { logger })).statusCode);
  }
  assert.equal(statuses, [403, 501, 599, 400, 400, 400, 400, 400]);
  const res = await simulate((cb: Cb) => cb(new TypeError('bad input')), { logger });
  const body = JSON.parse(res.payload);
  assert.equal({ ...body, stack: undefined }, { code: 400, error: 'Script returned an error.', details: 'TypeError: bad input', name: 'TypeError', message: 'bad input', stack: undefined });
  assert.match(body.stack, /^TypeError: bad input\n {4}at .*pipeline\.test\.ts/);
  assert.not.match(body.stack, /packages\/runtime\/src/);
  assert.equal(JSON.parse((await simulate((cb: Cb) => cb('plain'), { logger })).payload), { code: 400, error: 'Script returned an error.', details: 'plain' });
});

test('a synchronous throw answers 500 and the next request is served', async () => {
  const errors: unknown[] = [];
  const res = await simulate(
    (_ctx: Ctx, _cb: Cb) => {
      throw new RangeError('sync');
    },
    { logger: { ...logger, error: (...args: unknown[]) => errors.push(args[0]) } },
  );
  const body = JSON.parse(res.payload);
  assert.equal([res.statusCode, body.code, body.error, body.details, body.name, body.message], [
    500,
    500,
    'Script generated an unhandled synchronous exception.',
    'RangeError: sync',
    'RangeError',
    'sync',
  ]);
  assert.equal(errors, ['Webtask threw synchronously:']);
  assert.equal((await simulate(one, { logger })).payload, '{"one":true}');
});

test('a throw after the callback keeps the answer; a 3-ary throw after writeHead ends the response', async () => {
  const late = await simulate(
    (cb: Cb) => {
      cb(null, { first: true });
      throw new Error('late');
    },
    { logger },
  );
  assert.equal(late.payload, '{"first":true}');
  const partial = await simulate(
    (_ctx: Ctx, _req: Req, res: Res) => {
      res.writeHead(202);
      throw new Error('after head');
    },
    { logger },
  );
  assert.equal(partial, { statusCode: 202, headers: {}, payload: '' });
});

test('an unserializable result answers 400 with the reference message', async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const value of [cyclic, { n: 1n }]) {
    const res = await simulate((cb: Cb) => cb(null, value), { logger });
    const body = JSON.parse(res.payload);
    assert.equal([res.statusCode, body.code, body.error, body.name, body.stack], [400, 400, 'Error when JSON serializing the result of the JavaScript code.', 'TypeError', undefined]);
  }
});

test('a second callback is ignored: the first wins', async () => {
  const twice = (cb: Cb) => {
    cb(null, { first: true });
    cb(new Error('second'));
    setTimeout(() => cb(null, { third: true }), 1);
  };
  assert.equal(await simulate(twice, { logger }), { statusCode: 200, headers: json, payload: '{"first":true}' });
  const errorFirst = (cb: Cb) => {
    cb(Object.assign(new Error('first'), { statusCode: 418 }));
    cb(null, { second: true });
  };
  assert.is((await simulate(errorFirst, { logger })).statusCode, 418);
});

test('CORS preflight is answered without running the webtask; the favicon shortcut is opt-in', async () => {
  const preflight = await simulate(one, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    logger,
  });
  assert.equal(preflight, {
    statusCode: 200,
    headers: {
      'access-control-allow-methods': 'POST',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '60000',
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-headers': 'content-type',
    },
    payload: '',
  });
  assert.equal(await simulate(one, { url: '/favicon.ico', shortcutFavicon: true, logger }), { statusCode: 404, headers: {}, payload: '' });
  assert.is((await simulate(one, { url: '/favicon.ico', logger })).statusCode, 200);
});

test('a webtask that never answers gets a 504 after the timeout', async () => {
  const errors: unknown[] = [];
  const res = await simulate((_cb: Cb) => {}, { timeout: 30, logger: { ...logger, error: (m: unknown) => errors.push(m) } });
  assert.equal(res, {
    statusCode: 504,
    headers: json,
    payload: JSON.stringify({ code: 504, error: 'Script exceeded the execution time limit.', message: 'The webtask did not respond within 30 ms.' }),
  });
  assert.equal(errors, ['Webtask timed out after 30 ms']);
});

test('promises: an async webtask answers by its value or rejection; async (ctx) gets the context; an async 3-ary rejection is a 500', async () => {
  const value = await simulate(async (ctx: Ctx) => ({ got: ctx.query.q }), { url: '/?q=1', logger });
  assert.equal([value.statusCode, JSON.parse(value.payload)], [200, { got: '1' }]);
  const rejected = await simulate(async (_ctx: Ctx) => Promise.reject(Object.assign(new Error('nope'), { statusCode: 409 })), { logger });
  assert.equal([rejected.statusCode, JSON.parse(rejected.payload).message], [409, 'nope']);
  const later = await simulate(async (_ctx: Ctx, cb: Cb) => void setTimeout(() => cb(null, { later: true }), 5), { logger });
  assert.equal(JSON.parse(later.payload), { later: true });
  const threeAry = await simulate(async (_ctx: Ctx, _req: Req, _res: Res) => Promise.reject(new Error('async throw')), { logger });
  assert.is(threeAry.statusCode, 500);
});

test.run();
