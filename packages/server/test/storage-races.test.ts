// A webtask's storage against what happens while one of its runs is in flight (issue #15): a
// management write between the run's get and set, and a delete (and a new webtask of the same
// name) in the same window; the management API's conflict answer; a write the server's disk
// refuses. Real servers on 127.0.0.1, port 0, in this process and with process guests (whose
// storage calls the host answers); a run says when it has read by a console line on the
// container's log stream, then holds its set for HOLD ms. In-process, over each store (memory,
// embedded, PostgreSQL): the races are the store's to settle.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore, createMemoryStore, createWebtaskServer, type WebtaskStore } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { callJson } from './http-support.ts';
import { implementations, removeDirectories } from './store-support.ts';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
const HOLD = 1500;
const HOLDER = `
module.exports = (ctx, cb) => ctx.storage.get((error, data) => {
  if (error) return cb(error);
  console.log('read ' + JSON.stringify(data));
  setTimeout(() => ctx.storage.set({ by: 'the run' }, (e) => cb(null, e ? { code: e.code, message: e.message, conflict: e.conflict } : { written: true })), ${HOLD});
});
`;
const COUNTER = `
module.exports = (ctx, cb) => ctx.storage.get((error, data) => {
  if (error) return cb(error);
  const n = ((data && data.n) || 0) + 1;
  ctx.storage.set({ n }, (e) => cb(e, { n }));
});
`;

interface Running {
  base: string;
  close(): Promise<void>;
}

async function serve(sandbox: 'in-process' | 'process', store: WebtaskStore = createMemoryStore()): Promise<Running> {
  const server: Server = createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken: ADMIN, sandbox, workers: 2, logger: { error() {} } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return callJson(base, ADMIN, method, path, body);
}

/**
 * Run `name` (the HOLDER) and, once its console line says it has read its storage, do `between`;
 * resolves with the run's answer.
 */
async function whileHolding(base: string, container: string, name: string, between: () => Promise<void>): Promise<any> {
  const stream = new AbortController();
  const response = await fetch(`${base}/api/logs/tenant/${container}`, { headers: { authorization: `Bearer ${ADMIN}` }, signal: stream.signal });
  const reader = response.body!.getReader();
  const run = call(base, 'POST', `/api/run/${container}/${name}`);
  let text = '';
  const deadline = Date.now() + 10_000;
  try {
    while (!text.includes('"read ') && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
  } finally {
    stream.abort();
  }
  assert.ok(text.includes('"read '), `the run never said it had read: ${text}`);
  await between();
  const answer = await run;
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

const cases = [...Object.entries(implementations).map(([label, open]) => ({ sandbox: 'in-process' as const, label, open })), { sandbox: 'process' as const, label: 'memory', open: implementations.memory! }];
for (const { sandbox, label, open } of cases) {
  const test = suite(`storage races (${sandbox}, ${label} store)`);
  let running: Running;
  test.before(async () => {
    running = await serve(sandbox, await open());
  });
  test.after(async () => {
    await running.close();
    await removeDirectories();
  });

  test('a write acknowledged between a run\'s get and set wins: the set is 409 with the current value', async () => {
    const { base } = running;
    assert.is((await call(base, 'PUT', '/api/webtask/races/stale', { code: HOLDER })).status, 200);
    assert.is((await call(base, 'PUT', '/api/webtask/races/stale/data', { data: { v: 1 } })).status, 200);
    const answer = await whileHolding(base, 'races', 'stale', async () => {
      const { etag } = (await call(base, 'GET', '/api/webtask/races/stale/data')).body;
      const written = await call(base, 'PUT', '/api/webtask/races/stale/data', { data: { v: 'api' }, etag });
      assert.is(written.status, 200, JSON.stringify(written.body));
    });
    assert.equal(answer, { code: 409, message: 'Item was modified since it was read.', conflict: { v: 'api' } });
    assert.equal((await call(base, 'GET', '/api/webtask/races/stale/data')).body.data, { v: 'api' });
  });

  test('after a conflict the next run reads and writes the current document', async () => {
    const { base } = running;
    assert.is((await call(base, 'PUT', '/api/webtask/races/counter', { code: COUNTER })).status, 200);
    assert.equal((await call(base, 'POST', '/api/run/races/counter')).body, { n: 1 });
    // Another writer, and the host's copy of the document is now behind the store's.
    assert.is((await call(base, 'PUT', '/api/webtask/races/counter/data', { data: { n: 10 } })).status, 200);
    assert.equal((await call(base, 'POST', '/api/run/races/counter')).body, { n: 11 });
    assert.equal((await call(base, 'GET', '/api/webtask/races/counter/data')).body.data, { n: 11 });
  });

  test('a run in flight when its webtask is deleted writes nothing into a new webtask of the same name', async () => {
    const { base } = running;
    assert.is((await call(base, 'PUT', '/api/webtask/races/zombie', { code: HOLDER })).status, 200);
    assert.is((await call(base, 'PUT', '/api/webtask/races/zombie/data', { data: { v: 1 } })).status, 200);
    const answer = await whileHolding(base, 'races', 'zombie', async () => {
      assert.is((await call(base, 'DELETE', '/api/webtask/races/zombie')).status, 204);
      assert.is((await call(base, 'PUT', '/api/webtask/races/zombie', { code: COUNTER })).status, 200);
    });
    assert.equal(answer, { message: 'The webtask was deleted while this request ran: nothing was written.' });
    assert.equal((await call(base, 'GET', '/api/webtask/races/zombie/data')).body, { data: null, etag: null });
  });

  test('a run in flight when its webtask is deleted is refused its write', async () => {
    const { base } = running;
    assert.is((await call(base, 'PUT', '/api/webtask/races/gone', { code: HOLDER })).status, 200);
    const answer = await whileHolding(base, 'races', 'gone', async () => {
      assert.is((await call(base, 'DELETE', '/api/webtask/races/gone')).status, 204);
    });
    assert.equal(answer, { message: 'The webtask was deleted while this request ran: nothing was written.' });
    assert.is((await call(base, 'GET', '/api/webtask/races/gone/data')).status, 404);
  });

  test.run();
}

const api = suite('storage conflicts over the management API');

api('a stale etag is 409 with the current data and etag', async () => {
  const running = await serve('in-process');
  try {
    const { base } = running;
    assert.is((await call(base, 'PUT', '/api/webtask/races/doc', { code: COUNTER })).status, 200);
    const first = (await call(base, 'PUT', '/api/webtask/races/doc/data', { data: { v: 1 } })).body;
    const second = (await call(base, 'PUT', '/api/webtask/races/doc/data', { data: { v: 2 } })).body;
    const stale = await call(base, 'PUT', '/api/webtask/races/doc/data', { data: { v: 3 }, etag: first.etag });
    assert.equal(stale, {
      status: 409,
      body: { code: 409, error: 'Conflict.', message: 'Item was modified since it was read.', data: { v: 2 }, etag: second.etag },
    });
    const emptied = await call(base, 'PUT', '/api/webtask/races/doc/data', { data: null });
    assert.equal(emptied.body, { data: null, etag: null });
    const expectedEmpty = await call(base, 'PUT', '/api/webtask/races/doc/data', { data: { v: 4 }, etag: second.etag });
    assert.equal(expectedEmpty.body, { code: 409, error: 'Conflict.', message: 'Item was modified since it was read.', data: null, etag: null });
  } finally {
    await running.close();
  }
});

api.run();

const failures = suite('storage writes that fail on the server');

failures("a disk's error reaches the operator's log, never the webtask: no server path in what it reads", async () => {
  const root = mkdtempSync(join(tmpdir(), 'storage-failure-'));
  const errors: string[] = [];
  const store = await createEmbeddedStore({ directory: join(root, 'store') });
  const server = createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken: ADMIN, sandbox: 'process', workers: 2, logger: { error: (...args: unknown[]) => void errors.push(args.join(' ')) } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const code = "module.exports = (ctx, cb) => ctx.storage.get(() => ctx.query.write ? ctx.storage.set({ a: 1 }, (e) => cb(null, { message: e && e.message })) : cb(null, {}));";
    assert.is((await call(base, 'PUT', '/api/webtask/races/disk', { code })).status, 200);
    assert.is((await call(base, 'POST', '/api/run/races/disk')).status, 200, 'its storage is loaded');
    // The documents' directory becomes a file: every write of a document fails, naming its path.
    rmSync(join(root, 'store', 'data'), { recursive: true });
    writeFileSync(join(root, 'store', 'data'), '');
    const answer = await call(base, 'POST', '/api/run/races/disk?write=1');
    assert.equal(answer, { status: 200, body: { message: 'The storage document could not be saved.' } });
    assert.is(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0]!.startsWith('ext-compilers server: a storage write failed: ') && errors[0]!.includes(root), errors[0]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  }
});

failures.run();
