import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generic } from 'ext-compilers';
import { nodejsCompiler } from '@ext-compilers/conformance';
import type { ExtensibilityHandler } from '@ext-compilers/core';

const compile = (script: string) =>
  new Promise<ExtensibilityHandler>((resolve, reject) => generic({ script, nodejsCompiler }, (e, fn) => (e ? reject(e) : resolve(fn!))));

function call(fn: ExtensibilityHandler, ctx: Record<string, unknown> = {}, method = 'POST') {
  return new Promise<{ status: number; body: string; headers: Record<string, string> }>((resolve) => {
    let status = 0;
    let headers: Record<string, string> = {};
    const res = {
      headersSent: false,
      writableEnded: false,
      writeHead(s: number, h: Record<string, string>) { status = s; headers = h; this.headersSent = true; },
      end(body = '') { this.writableEnded = true; resolve({ status, body, headers }); },
    };
    fn({ headers: {}, body: { x: 1 }, ...ctx }, { method, headers: {} } as never, res);
  });
}

test('a 2-ary function gets (ctx, cb) and the envelope', async () => {
  const fn = await compile('module.exports = (ctx, cb) => cb(null, { got: ctx.body.x });');
  assert.is(fn.length, 3);
  assert.equal(JSON.parse((await call(fn)).body), { statusCode: 200, headers: {}, status: 'success', data: { got: 1 } });
});

test('a 1-ary function is called as (cb)', async () => {
  const fn = await compile('module.exports = (cb) => cb(null, { one: typeof cb });');
  assert.equal(JSON.parse((await call(fn)).body).data, { one: 'function' });
});

test('a 3-ary function gets req and res untouched, behind the Bearer check', async () => {
  const fn = await compile("module.exports = (ctx, req, res) => { res.writeHead(201, { 'x-raw': '1' }); res.end('raw ' + req.method); };");
  const open = await call(fn);
  assert.equal([open.status, open.body, open.headers], [201, 'raw POST', { 'x-raw': '1' }]);
  const denied = await call(fn, { secrets: { 'auth0-extension-secret': 's' }, headers: { authorization: 'Bearer t' } });
  assert.is(denied.status, 200);
  assert.is(JSON.parse(denied.body).data.message, 'Unauthorized extensibility point');
  const allowed = await call(fn, { secrets: { 'auth0-extension-secret': 's' }, headers: { authorization: 'bearer s' } });
  assert.is(allowed.body, 'raw POST');
});

test('a 3-ary function that throws before writing answers the error envelope', async () => {
  const fn = await compile("module.exports = (ctx, req, res) => { throw new Error('raw throw'); };");
  const out = await call(fn);
  assert.is(out.status, 200);
  assert.is(JSON.parse(out.body).data.message, 'raw throw');
});

test('a 3-ary function that throws after writing gets its response ended', async () => {
  const fn = await compile("module.exports = (ctx, req, res) => { res.writeHead(202); throw new Error('late'); };");
  const out = await call(fn);
  assert.equal([out.status, out.body], [202, '']);
});

test('a 2-ary function that throws answers the error envelope', async () => {
  const fn = await compile("module.exports = (ctx, cb) => { throw new RangeError('two'); };");
  assert.is(JSON.parse((await call(fn)).body).data.message, 'two');
});

test('a compile error fails the compilation itself', async () => {
  try {
    await compile('module.exports = (ctx, cb) => {');
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, SyntaxError);
  }
});

test('a non-function export answers ERR_COMPILE_NOT_A_FUNCTION per request', async () => {
  const fn = await compile('module.exports = { not: "a function" };');
  const data = JSON.parse((await call(fn)).body).data;
  assert.is(data.code, 'ERR_COMPILE_NOT_A_FUNCTION');
  assert.is(data.error_description, 'Supplied code must return or export a function.');
});

test('no error classes are injected into generic scripts (as the reference)', async () => {
  const fn = await compile('module.exports = (ctx, cb) => cb(null, { t: typeof ExtensibilityUserError });');
  assert.equal(JSON.parse((await call(fn)).body).data, { t: 'undefined' });
});

test.run();
