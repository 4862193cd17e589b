import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createContext, createStorage } from '@ext-compilers/runtime';

test('query (without webtask_* keys), secrets, params, meta, lower-cased headers and data', () => {
  const storage = createStorage();
  const ctx = createContext({
    query: { a: '1', webtask_pb: '1', shared: 'query' },
    secrets: { s: 'secret', shared: 'secret' },
    params: { p: 'param' },
    meta: { m: 'meta' },
    headers: { 'Content-Type': 'text/plain', 'X-Custom': 'x' },
    reqId: '1508272265633.92777',
    token: 'tok',
    storage,
  });
  const { create_token, create_token_url, ...fields } = ctx;
  assert.equal(fields, {
    query: { a: '1', shared: 'query' },
    secrets: { s: 'secret', shared: 'secret' },
    params: { p: 'param' },
    meta: { m: 'meta' },
    headers: { 'content-type': 'text/plain', 'x-custom': 'x' },
    data: { a: '1', shared: 'secret', p: 'param', s: 'secret' },
    id: '1508272265633.92777',
    token: 'tok',
    storage,
  });
  assert.type(create_token, 'function');
  assert.type(create_token_url, 'function');
});

test('a JSON body is parsed and kept raw; with mergeBody it wins over query, params and secrets', () => {
  const ctx = createContext({
    query: { a: 'query', q: 'q' },
    secrets: { b: 'secret' },
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: '{"a":"body","b":"body","c":3}',
    mergeBody: true,
  });
  assert.equal([ctx.body, ctx.body_raw, ctx.data], [{ a: 'body', b: 'body', c: 3 }, '{"a":"body","b":"body","c":3}', { a: 'body', q: 'q', b: 'body', c: 3 }]);
  const unmerged = createContext({ query: { a: 'query' }, headers: { 'content-type': 'application/json' }, body: '{"a":"body"}' });
  assert.equal(unmerged.data, { a: 'query' });
});

test('urlencoded bodies are parsed; a body that does not parse leaves ctx.body undefined', () => {
  const form = createContext({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1&y=2&y=3' });
  assert.equal(form.body, { x: '1', y: ['2', '3'] });
  const broken = createContext({ headers: { 'content-type': 'application/json' }, body: '{nope' });
  assert.equal([broken.body, broken.body_raw], [undefined, '{nope']);
  const text = createContext({ headers: { 'content-type': 'text/plain' }, body: '{"a":1}' });
  assert.equal([text.body, text.body_raw], [undefined, '{"a":1}']);
});

test('a __proto__ key in the body becomes data, not a prototype', () => {
  const ctx = createContext({ headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"polluted":true}}', mergeBody: true });
  assert.is(Object.getPrototypeOf(ctx.data), Object.prototype);
  assert.is((ctx.data as { polluted?: boolean }).polluted, undefined);
  assert.equal(Object.keys(ctx.data), ['__proto__']);
});

test('defaults: empty objects, a platform-shaped id and a fresh storage that reads null', async () => {
  const ctx = createContext();
  assert.equal([ctx.query, ctx.secrets, ctx.params, ctx.meta, ctx.headers, ctx.data, ctx.token], [{}, {}, {}, {}, {}, {}, undefined]);
  assert.match(ctx.id, /^\d{13}\.\d{5}$/);
  const data = await new Promise((resolve) => ctx.storage.get((_e, d) => resolve(d)));
  assert.is(data, null);
});

test('create_token and create_token_url throw ERR_NOT_SUPPORTED', () => {
  const ctx = createContext();
  for (const name of ['create_token', 'create_token_url'] as const) {
    try {
      ctx[name]({});
      assert.unreachable();
    } catch (error) {
      assert.equal([(error as { code: string }).code, (error as Error).message], ['ERR_NOT_SUPPORTED', `The '${name}' method is not supported in this environment`]);
    }
  }
});

test.run();
