import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import * as compilers from 'ext-compilers';
import { nodejsCompiler } from '@ext-compilers/conformance';
import { simulate } from '@ext-compilers/runtime';

type Cb = (error?: unknown, data?: unknown) => void;
type AnyFn = (...args: never[]) => unknown;

const logger = { info() {}, warn() {}, error() {} };
const json = { 'content-type': 'application/json' };

const cceScript = `module.exports = function (client, scope, audience, context, cb) {
  cb(null, { accessToken: { scope: scope.concat('extra'), aud: audience, client: client.id } });
};`;

function compileWith(name: keyof typeof compilers, script: string, secrets: Record<string, string>): Promise<AnyFn> {
  return new Promise((resolve, reject) =>
    (compilers[name] as (o: object, cb: (e: Error | null, fn?: AnyFn) => void) => void)({ script, nodejsCompiler, secrets }, (error, fn) =>
      error ? reject(error) : resolve(fn!),
    ),
  );
}

test('the request a 3-ary function sees: a readable with method, url, query and lower-cased headers', async () => {
  const seen = await simulate(
    (ctx: { headers: object }, req: Readable & { method: string; url: string; query: object; headers: object }, res: { end(b: string): void }) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () =>
        res.end(JSON.stringify({ method: req.method, url: req.url, query: req.query, headers: req.headers, ctxHeaders: ctx.headers, body: Buffer.concat(chunks).toString(), readable: req instanceof Readable })),
      );
    },
    { method: 'put', url: '/path?a=1', query: { b: '2' }, headers: { 'X-Trace': 't' }, payload: { p: true }, logger },
  );
  const headers = { host: 'localhost', 'x-trace': 't', 'content-type': 'application/json', 'content-length': '10' };
  assert.equal(JSON.parse(seen.payload), {
    method: 'PUT',
    url: '/path?a=1&b=2',
    query: { a: '1', b: '2' },
    headers,
    ctxHeaders: headers,
    body: '{"p":true}',
    readable: true,
  });
});

test('the response: setHeader, getHeader, removeHeader, statusCode, write and end; headersSent and writableEnded', async () => {
  const states: unknown[] = [];
  const res = await simulate(
    (_ctx: unknown, _req: unknown, res: {
      setHeader(n: string, v: string): void;
      getHeader(n: string): unknown;
      removeHeader(n: string): void;
      statusCode: number;
      headersSent: boolean;
      writableEnded: boolean;
      write(c: string): void;
      end(c?: string): void;
    }) => {
      res.setHeader('X-One', '1');
      res.setHeader('X-Two', '2');
      res.removeHeader('x-two');
      res.statusCode = 201;
      states.push([res.getHeader('x-one'), res.headersSent, res.writableEnded]);
      res.write('hello ');
      states.push(res.headersSent);
      try {
        res.setHeader('x-late', '1');
      } catch (error) {
        states.push((error as { code: string }).code);
      }
      res.end('world');
      states.push(res.writableEnded);
    },
    { logger },
  );
  assert.equal(res, { statusCode: 201, headers: { 'x-one': '1' }, payload: 'hello world' });
  assert.equal(states, [['1', false, false], true, 'ERR_HTTP_HEADERS_SENT', true]);
});

test('writeHead with a reason and headers; string and Buffer payloads are sent as they are', async () => {
  const echo = (ctx: { body_raw?: string; headers: Record<string, unknown> }, cb: Cb) => cb(null, { raw: ctx.body_raw, type: ctx.headers['content-type'] ?? null });
  assert.equal(JSON.parse((await simulate(echo, { method: 'POST', payload: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, logger })).payload), {
    raw: 'a=1',
    type: 'application/x-www-form-urlencoded',
  });
  assert.equal(JSON.parse((await simulate(echo, { method: 'POST', payload: Buffer.from('bytes'), logger })).payload), { raw: 'bytes', type: null });
  const head = await simulate(
    (_c: unknown, _r: unknown, res: { writeHead(s: number, m: string, h: object): void; end(): void }) => {
      res.writeHead(418, 'Teapot', { 'X-Tea': 'yes' });
      res.end();
    },
    { logger },
  );
  assert.equal(head, { statusCode: 418, headers: { 'x-tea': 'yes' }, payload: '' });
});

test('the callback form calls back with the response, as webtask-runtime', async () => {
  const res = await new Promise((resolve) => {
    const returned = simulate((cb: Cb) => cb(null, { cb: true }), { logger }, resolve);
    assert.is(returned, undefined);
  });
  assert.equal(res, { statusCode: 200, headers: json, payload: '{"cb":true}' });
  const bare = await new Promise((resolve) => simulate((cb: Cb) => cb(null, { bare: true }), resolve));
  assert.equal(bare, { statusCode: 200, headers: json, payload: '{"bare":true}' });
});

test('secrets, meta and params reach the context', async () => {
  const res = await simulate((ctx: { secrets: object; meta: object; params: object }, cb: Cb) => cb(null, [ctx.secrets, ctx.meta, ctx.params]), {
    secrets: { s: '1' },
    meta: { m: '2' },
    params: { p: '3' },
    logger,
  });
  assert.equal(JSON.parse(res.payload), [{ s: '1' }, { m: '2' }, { p: '3' }]);
});

test('a client-credentials-exchange hook compiled with ext-compilers, behind its Bearer secret', async () => {
  const secrets = { 'auth0-extension-secret': 'sh' };
  const fn = await compileWith('client-credentials-exchange', cceScript, secrets);
  const payload = { client: { id: 'c1' }, scope: ['read'], audience: 'https://api', context: {} };
  const allowed = await simulate(fn, { method: 'POST', headers: { authorization: 'Bearer sh' }, payload, secrets, logger });
  assert.equal([allowed.statusCode, JSON.parse(allowed.payload)], [
    200,
    { statusCode: 200, headers: {}, status: 'success', data: { accessToken: { scope: ['read', 'extra'], aud: 'https://api', client: 'c1' } } },
  ]);
  const denied = await simulate(fn, { method: 'POST', headers: { authorization: 'Bearer nope' }, payload, secrets, logger });
  assert.equal([denied.statusCode, JSON.parse(denied.payload).data.message], [200, 'Unauthorized extensibility point']);
});

test('code is compiled with compile(): wt-compiler meta, module.webtask at load time', async () => {
  const meta = { 'wt-compiler': 'ext-compilers/client-credentials-exchange' };
  const secrets = { 'auth0-extension-secret': 'sh' };
  const payload = { client: { id: 'c2' }, scope: [], audience: 'aud' };
  const res = await simulate(cceScript, { method: 'POST', headers: { authorization: 'Bearer sh' }, payload, meta, secrets, logger });
  assert.equal(JSON.parse(res.payload).data, { accessToken: { scope: ['extra'], aud: 'aud', client: 'c2' } });
  const loadTime = "const seen = module.webtask.secrets.k; module.exports = (ctx, cb) => cb(null, { seen, now: ctx.secrets.k });";
  assert.equal(JSON.parse((await simulate(loadTime, { secrets: { k: 'v' }, logger })).payload), { seen: 'v', now: 'v' });
});

test('code that does not compile answers 400 with compile()\'s error', async () => {
  const res = await simulate('module.exports = 42;', { logger });
  // The reference's body: JSON of the error's enumerable properties.
  assert.equal([res.statusCode, JSON.parse(res.payload)], [400, { code: 400, details: 'Unable to compile submitted JavaScript. Error: Supplied code must return or export a function.' }]);
});

test('neither code nor a function is a TypeError', () => {
  assert.throws(() => simulate(42 as never), (error: Error) => error instanceof TypeError);
});

test.run();
