// Several server nodes over one PostgreSQL database behave as one server (issue #17): real
// servers on 127.0.0.1, port 0, in this process, each opened by openServer over its own data
// directory and the database; what one node answers is in force on every other within a second
// (measured). Real `ext-compilers start` processes, one killed with -9: the CLI's cluster.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type OpenedServer, openServer } from '@ext-compilers/server';
import { callJson } from './http-support.ts';
import { newDatabase, stopPostgres } from './postgres-support.ts';
import { MASTER_KEY, newDirectory, removeDirectories } from './store-support.ts';
const READER = 'module.exports = (ctx, cb) => ctx.storage.get((error, data) => cb(error, { data, version: "v1" }));';

interface Node {
  base: string;
  opened: OpenedServer;
  data: string;
  close(): Promise<void>;
}

async function startNode(url: string): Promise<Node> {
  const data = newDirectory();
  const opened = await openServer({ data, database: url, masterKey: MASTER_KEY, sandbox: 'in-process', modules: false, logger: { error() {} } });
  await new Promise<void>((resolve) => opened.server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(opened.server.address() as AddressInfo).port}`, opened, data, close: () => opened.close() };
}

function call(node: Node, method: string, path: string, body?: unknown, token = node.opened.adminToken): Promise<{ status: number; body: any }> {
  return callJson(node.base, token, method, path, body);
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

const test = suite<{ nodes: Node[]; url: string }>('a cluster of nodes', { nodes: [], url: '' });
test.before.each(async (context) => {
  context.url = await newDatabase();
  context.nodes = await Promise.all([startNode(context.url), startNode(context.url), startNode(context.url)]);
});
test.after.each(async (context) => {
  await Promise.all(context.nodes.map((node) => node.close()));
});
test.after(async () => {
  await stopPostgres();
  await removeDirectories();
});

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

test('one admin token, written by every node to its own data directory (0600), which holds nothing else of the cluster', async ({ nodes }) => {
  const tokens = nodes.map((node) => readFileSync(join(node.data, 'admin-token'), 'utf8'));
  assert.equal(new Set(tokens).size, 1);
  assert.is(tokens[0], `${nodes[0]!.opened.adminToken}\n`);
  assert.equal(nodes.map((node) => statSync(join(node.data, 'admin-token')).mode & 0o777), [0o600, 0o600, 0o600]);
  assert.equal(nodes.filter((node) => node.opened.created).length, 1, 'one node made the keys');
  for (const node of nodes) assert.equal(readdirSync(node.data), ['admin-token']);
});

test('a token issued on one node works on every node; revoked on another, it is refused everywhere within a second', async ({ nodes }) => {
  const [a, b, c] = nodes as [Node, Node, Node];
  const issued = await call(a, 'POST', '/api/tokens/issue', { ten: 'acme' });
  const token = String(issued.body).trim();
  assert.is(issued.status, 200);
  for (const node of nodes) assert.is((await call(node, 'GET', '/api/webtask/acme', undefined, token)).status, 200);
  assert.is((await call(b, 'POST', '/api/tokens/revoke', { token })).status, 200);
  const times = await Promise.all([a, c].map((node) => within(1000, async () => (await call(node, 'GET', '/api/webtask/acme', undefined, token)).status === 401)));
  assert.ok(times.every((time) => time < 1000), String(times));
});

test('three clients incrementing one storage document through different nodes with etags end exactly at the count', async ({ nodes }) => {
  assert.is((await call(nodes[0]!, 'PUT', '/api/webtask/acme/counter', { code: READER })).status, 200);
  const client = async (node: Node, times: number): Promise<number> => {
    let conflicts = 0;
    for (let done = 0; done < times; ) {
      const { data, etag } = (await call(node, 'GET', '/api/webtask/acme/counter/data')).body;
      const written = await call(node, 'PUT', '/api/webtask/acme/counter/data', { data: { n: (data?.n ?? 0) + 1 }, etag });
      if (written.status === 200) done++;
      else if (written.status === 409) conflicts++;
      else assert.unreachable(JSON.stringify(written));
    }
    return conflicts;
  };
  const conflicts = await Promise.all(nodes.map((node) => client(node, 25)));
  for (const node of nodes) assert.equal((await call(node, 'GET', '/api/webtask/acme/counter/data')).body.data, { n: 75 });
  assert.ok(conflicts.some((count) => count > 0), 'the clients did race');
  assert.equal((await call(nodes[1]!, 'POST', '/api/run/acme/counter')).body.data, { n: 75 });
});

test('a fresh node joins by starting with the same database and key, and serves', async ({ nodes, url }) => {
  assert.is((await call(nodes[0]!, 'PUT', '/api/webtask/acme/reader', { code: READER })).status, 200);
  assert.is((await call(nodes[1]!, 'PUT', '/api/webtask/acme/reader/data', { data: { before: 'join' } })).status, 200);
  const fresh = await startNode(url);
  nodes.push(fresh);
  assert.is(fresh.opened.created, false);
  assert.is(fresh.opened.adminToken, nodes[0]!.opened.adminToken);
  assert.equal((await call(fresh, 'POST', '/api/run/acme/reader')).body, { data: { before: 'join' }, version: 'v1' });
  assert.equal((await call(fresh, 'GET', '/api/webtask/acme')).body.map((webtask: { name: string }) => webtask.name), ['reader']);
});

test.run();
