// Per-container quotas through the HTTP API, on real servers (127.0.0.1, port 0): the webtask
// count (403) and the storage total (413), written over the management API and by a webtask's own
// ctx.storage; and the caps on log streams (429 with Retry-After).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, createWebtaskServer, DEFAULT_LIMITS, type WebtaskServerOptions } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';

interface Running {
  base: string;
  server: Server;
  tenant(container: string): Promise<string>;
  close(): Promise<void>;
}

async function serve(options: Partial<WebtaskServerOptions> = {}): Promise<Running> {
  const tokens = createTokenService(generateKeys());
  const server = createWebtaskServer({ store: createMemoryStore(), tokens, adminToken: ADMIN, sandbox: 'in-process', logger: { error() {} }, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    tenant: (container) => tokens.issue({ ten: container }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function call(base: string, method: string, path: string, body?: unknown, token = ADMIN): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}

test('the defaults', () => {
  assert.equal(DEFAULT_LIMITS, {
    maxWebtasks: 100,
    maxContainerStorage: 10 * 1024 * 1024,
    maxConnections: 1024,
    headersTimeout: 10_000,
    requestTimeout: 30_000,
    maxLogStreams: 100,
    maxContainerLogStreams: 10,
  });
});

test('webtasks: past the count a create is refused (403, naming the limit); replaces and other containers go on', async () => {
  const { base, tenant, close } = await serve({ maxWebtasks: 2 });
  try {
    const token = await tenant('acme');
    const code = { code: 'module.exports = (cb) => cb(null, 1);' };
    assert.is((await call(base, 'PUT', '/api/webtask/acme/a', code, token)).status, 200);
    assert.is((await call(base, 'PUT', '/api/webtask/acme/b', code, token)).status, 200);
    const refused = await call(base, 'PUT', '/api/webtask/acme/c', code, token);
    assert.equal([refused.status, refused.body], [403, { code: 403, error: 'Forbidden.', message: 'Container acme has reached its limit of 2 webtasks: delete one to create another.' }]);
    assert.is((await call(base, 'PUT', '/api/webtask/acme/c', code)).status, 403, 'the admin too: the count is the container’s');
    assert.is((await call(base, 'PUT', '/api/webtask/acme/a', code, token)).status, 200, 'a replace');
    assert.is((await call(base, 'PUT', '/api/webtask/other/a', code)).status, 200);
    assert.is((await call(base, 'DELETE', '/api/webtask/acme/b', undefined, token)).status, 204);
    assert.is((await call(base, 'PUT', '/api/webtask/acme/c', code, token)).status, 200);
  } finally {
    await close();
  }
});

test('webtasks: concurrent creates never pass the count together', async () => {
  const { base, close } = await serve({ maxWebtasks: 3 });
  try {
    const code = { code: 'module.exports = (cb) => cb(null, 1);' };
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => call(base, 'PUT', `/api/webtask/acme/w${i}`, code).then((reply) => reply.status)));
    assert.equal(statuses.filter((status) => status === 200).length, 3);
    assert.equal(statuses.filter((status) => status === 403).length, 9);
    assert.is((await call(base, 'GET', '/api/webtask/acme')).body.length, 3);
  } finally {
    await close();
  }
});

test('storage: the container total over the management API (413, naming the limit)', async () => {
  const { base, close } = await serve({ maxContainerStorage: 1000 });
  try {
    for (const name of ['a', 'b']) await call(base, 'PUT', `/api/webtask/acme/${name}`, { code: 'module.exports = (cb) => cb();' });
    assert.is((await call(base, 'PUT', '/api/webtask/acme/a/data', { data: 'x'.repeat(598) })).status, 200);
    const refused = await call(base, 'PUT', '/api/webtask/acme/b/data', { data: 'x'.repeat(401) });
    assert.equal([refused.status, refused.body.message], [413, 'Container acme has reached its storage limit of 1000 bytes (this write would bring it to 1003)']);
    assert.is((await call(base, 'PUT', '/api/webtask/acme/b/data', { data: 'x'.repeat(398) })).status, 200);
  } finally {
    await close();
  }
});

test("storage: a webtask's own ctx.storage.set past the total fails with the limit's message, and stores nothing", async () => {
  const { base, close } = await serve({ maxContainerStorage: 1000 });
  try {
    const code = `module.exports = (ctx, cb) => ctx.query.n === undefined
      ? ctx.storage.get((error, data) => cb(error, { length: data.text.length }))
      : ctx.storage.set({ text: 'x'.repeat(Number(ctx.query.n)) }, { force: 1 }, (error) => cb(null, { error: error ? error.message : null }));`;
    await call(base, 'PUT', '/api/webtask/acme/w', { code });
    assert.equal((await call(base, 'POST', '/api/run/acme/w?n=900')).body, { error: null });
    assert.equal((await call(base, 'POST', '/api/run/acme/w?n=1000')).body, { error: 'Container acme has reached its storage limit of 1000 bytes (this write would bring it to 1011)' });
    assert.equal((await call(base, 'POST', '/api/run/acme/w')).body, { length: 900 }, 'the next request reads what the store kept');
    assert.is((await call(base, 'GET', '/api/webtask/acme/w/data')).body.data.text.length, 900);
  } finally {
    await close();
  }
});

test('log streams: per container and in all; past either, 429 with Retry-After; a closed stream frees its place', async () => {
  const { base, close } = await serve({ maxLogStreams: 3, maxContainerLogStreams: 2 });
  const streams: AbortController[] = [];
  const open = async (container: string) => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/logs/tenant/${container}`, { headers: { authorization: `Bearer ${ADMIN}` }, signal: controller.signal });
    if (response.status === 200) streams.push(controller);
    const message = response.status === 200 ? undefined : ((await response.json()) as { message: string }).message;
    return { status: response.status, retryAfter: response.headers.get('retry-after'), message };
  };
  try {
    assert.is((await open('a')).status, 200);
    assert.is((await open('a')).status, 200);
    const perContainer = await open('a');
    assert.equal(perContainer, { status: 429, retryAfter: '30', message: 'Container a has reached its limit of 2 log streams: close one, or try again later.' });
    assert.is((await open('b')).status, 200);
    assert.equal(await open('c'), { status: 429, retryAfter: '30', message: 'The server has reached its limit of 3 log streams: try again later.' });
    streams.shift()!.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.is((await open('c')).status, 200);
  } finally {
    for (const stream of streams) stream.abort();
    await close();
  }
});

test('bad limits are a TypeError naming the option', () => {
  const tokens = createTokenService(generateKeys());
  const make = (options: Partial<WebtaskServerOptions>) => () => createWebtaskServer({ store: createMemoryStore(), tokens, adminToken: ADMIN, sandbox: 'in-process', ...options });
  assert.throws(make({ maxWebtasks: 0 }), /`maxWebtasks` must be a positive integer, not 0/);
  assert.throws(make({ maxConnections: 1.5 }), /`maxConnections` must be a positive integer/);
  assert.throws(make({ headersTimeout: 2000, requestTimeout: 1000 }), /`headersTimeout` must not exceed `requestTimeout`/);
  assert.throws(make({ modulePolicy: { allow: ['ok', 'not a name'] } }), /modulePolicy.allow\[1\] "not a name" is not a package name or pattern/);
});

test.run();
