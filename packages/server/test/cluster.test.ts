// Several server nodes over one PostgreSQL database behave as one server (issue #17): real
// servers on 127.0.0.1, port 0, in this process, each with its own store over the database; what
// one node answers is in force on every other within a second (measured).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AddressInfo } from 'node:net';
import { createPostgresStore, createWebtaskServer } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { newDatabase, stopPostgres } from './postgres-support.ts';
import { MASTER_KEY } from './store-support.ts';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
const KEYS = generateKeys();
const READER = 'module.exports = (ctx, cb) => ctx.storage.get((error, data) => cb(error, { data, version: "v1" }));';

interface Node {
  base: string;
  close(): Promise<void>;
}

async function startNode(url: string): Promise<Node> {
  const store = await createPostgresStore({ url, masterKey: MASTER_KEY });
  const server = createWebtaskServer({ store, tokens: createTokenService(KEYS), adminToken: ADMIN, sandbox: 'in-process', logger: { error() {} } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}

async function call(node: Node, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(node.base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** How long until `check()` holds, polled every 5 ms; fails past `limit` ms. */
async function within(limit: number, check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > limit) assert.unreachable(`not within ${limit} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}

const test = suite<{ nodes: Node[] }>('a cluster of nodes', { nodes: [] });
test.before.each(async (context) => {
  const url = await newDatabase();
  context.nodes = await Promise.all([startNode(url), startNode(url), startNode(url)]);
});
test.after.each(async (context) => {
  await Promise.all(context.nodes.map((node) => node.close()));
});
test.after(() => stopPostgres());

test('what one node writes, a run on another reads within a second: code, storage, a delete', async ({ nodes }) => {
  const [a, b, c] = nodes as [Node, Node, Node];
  assert.is((await call(a, 'PUT', '/api/webtask/acme/reader', { code: READER })).status, 200);
  assert.equal((await call(b, 'POST', '/api/run/acme/reader')).body, { data: null, version: 'v1' }, 'created on a, run on b');
  // b now holds the webtask's job and its storage copy: each must go when another node changes them.
  assert.is((await call(c, 'PUT', '/api/webtask/acme/reader/data', { data: { by: 'c' } })).status, 200);
  const times = [await within(1000, async () => (await call(b, 'POST', '/api/run/acme/reader')).body.data?.by === 'c')];
  assert.is((await call(a, 'PUT', '/api/webtask/acme/reader', { code: READER.replace('"v1"', '"v2"') })).status, 200);
  times.push(await within(1000, async () => (await call(b, 'POST', '/api/run/acme/reader')).body.version === 'v2'));
  assert.equal((await call(b, 'POST', '/api/run/acme/reader')).body, { data: { by: 'c' }, version: 'v2' }, 'an update keeps the storage');
  assert.is((await call(c, 'DELETE', '/api/webtask/acme/reader')).status, 204);
  times.push(await within(1000, async () => (await call(b, 'POST', '/api/run/acme/reader')).status === 404));
  assert.ok(times.every((time) => time < 1000), String(times));
});

test.run();
