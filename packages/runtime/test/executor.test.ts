// createExecutor(): one executor serving many webtasks, the same answers from every sandbox,
// bytes kept as bytes, storage per webtask, and the jobs waiting in a guest that fails.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExecutor, createJobWebtask, createStorage, type Executor, type JobRequest, type Sandbox } from '@ext-compilers/runtime';

const logger = { info() {}, warn() {}, error() {} };
const get = (url = '/'): JobRequest => ({ method: 'GET', url, headers: { host: 'localhost' }, body: undefined });
const json = (body: Buffer): any => JSON.parse(body.toString());

const COUNTER = `
let runs = 0;
module.exports = function (ctx, cb) {
  runs += 1;
  if (ctx.query.loop) for (;;) {}
  cb(null, { runs, name: ctx.meta.name, secret: ctx.secrets.s });
};
`;

for (const sandbox of ['in-process', 'worker', 'process', 'jail'] as Sandbox[]) {
  const test = suite(`createExecutor ${sandbox}`);
  let executor: Executor;
  test.before(() => void (executor = createExecutor({ sandbox, size: 1, timeout: 2000, logger })));
  test.after(() => executor.close());

  test('runs several webtasks, each compiled once and remembered by id', async () => {
    const a = createJobWebtask(`a-${sandbox}`, COUNTER, { meta: { name: 'a' }, secrets: { s: 'sa' } });
    const b = createJobWebtask(`b-${sandbox}`, COUNTER, { meta: { name: 'b' }, secrets: { s: 'sb' } });
    const answers = [];
    for (const webtask of [a, b, a, a, b]) answers.push(json((await executor.run({ webtask, request: get() })).body));
    assert.equal(answers, [
      { runs: 1, name: 'a', secret: 'sa' },
      { runs: 1, name: 'b', secret: 'sb' },
      { runs: 2, name: 'a', secret: 'sa' },
      { runs: 3, name: 'a', secret: 'sa' },
      { runs: 2, name: 'b', secret: 'sb' },
    ]);
  });

  test('a new webtask object with the same id and new code compiles again', async () => {
    const first = createJobWebtask(`v-${sandbox}`, 'module.exports = (cb) => cb(null, 1);');
    const second = createJobWebtask(`v-${sandbox}`, 'module.exports = (cb) => cb(null, 2);');
    assert.is((await executor.run({ webtask: first, request: get() })).body.toString(), '1');
    assert.is((await executor.run({ webtask: second, request: get() })).body.toString(), '2');
  });

  test('a binary response body arrives byte for byte', async () => {
    const webtask = createJobWebtask(`bin-${sandbox}`, `module.exports = (ctx, req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream' }); res.write(Buffer.from([0xff, 0x00])); res.end(Buffer.from([0xfe, 0x80])); };`);
    const result = await executor.run({ webtask, request: get() });
    assert.equal([...result.body], [0xff, 0x00, 0xfe, 0x80]);
    assert.is(result.headers['content-type'], 'application/octet-stream');
  });

  test('the request body and the storage given with the job', async () => {
    const storage = createStorage({ initialData: { n: 41 } });
    const webtask = createJobWebtask(`store-${sandbox}`, `module.exports = (ctx, cb) => ctx.storage.get((e, d) => ctx.storage.set({ n: d.n + ctx.body.add }, (e2) => cb(e2, { n: d.n + ctx.body.add })));`);
    const request: JobRequest = { method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"add":1}') };
    assert.equal(json((await executor.run({ webtask, request, storage })).body), { n: 42 });
    const read = await new Promise((resolve) => storage.get((_error: unknown, data: unknown) => resolve(data)));
    assert.equal(read, { n: 42 });
  });

  test('code that does not compile gets the compile error, and the executor goes on', async () => {
    const broken = createJobWebtask(`broken-${sandbox}`, 'module.exports = (');
    const result = await executor.run({ webtask: broken, request: get() });
    assert.is(result.statusCode, 400);
    assert.match(json(result.body).message, /Unexpected|Invalid|SyntaxError/);
    const ok = createJobWebtask(`ok-${sandbox}`, 'module.exports = (cb) => cb(null, { ok: true });');
    assert.equal(json((await executor.run({ webtask: ok, request: get() })).body), { ok: true });
  });

  test('serve: answers on the HTTP request itself, with the url and storage of the job', async () => {
    const storage = createStorage({ initialData: { hits: 0 } });
    const webtask = createJobWebtask(`serve-${sandbox}`, `module.exports = (ctx, cb) => ctx.storage.get((e, d) => ctx.storage.set({ hits: d.hits + 1 }, () => cb(null, { url: ctx.query, hits: d.hits + 1, body: ctx.body })));`, { maxBodySize: 64 });
    const server = createHttpServer((req, res) => void executor.serve({ webtask, storage, url: '/inner?x=1' }, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/outer`;
    try {
      const answer = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      assert.equal([answer.status, await answer.json()], [200, { url: { x: '1' }, hits: 1, body: { a: 1 } }]);
      const tooLarge = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(100) }) });
      assert.is(tooLarge.status, 413);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  if (sandbox !== 'in-process') {
    test('jobs waiting behind a runaway one in the same guest run once, in a new guest', async () => {
      const webtask = createJobWebtask(`wait-${sandbox}`, COUNTER, { meta: { name: 'w' }, timeout: 500 });
      const loop = executor.run({ webtask, request: get('/?loop=1') });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const waiting = await Promise.all([1, 2, 3].map(() => executor.run({ webtask, request: get() })));
      const looped = await loop;
      assert.is(looped.statusCode, 504);
      // A fresh guest: the counter restarts, and each waiting job ran exactly once.
      assert.equal(waiting.map((result) => json(result.body).runs), [1, 2, 3]);
    });

    test('a webtask cannot reach storage while another webtask runs', async () => {
      const mine = createStorage({ initialData: { owner: 'late' } });
      const theirs = createStorage({ initialData: { owner: 'theirs' } });
      const late = createJobWebtask(`late-${sandbox}`, `
        module.exports = (ctx, cb) => { setTimeout(() => module.webtask.storage.set({ owner: 'overwritten' }, { force: true }, () => {}), 100); cb(null, 'left a timer'); };`);
      const slow = createJobWebtask(`slow-${sandbox}`, `module.exports = (ctx, cb) => setTimeout(() => cb(null, 'done'), 300);`);
      await executor.run({ webtask: late, request: get(), storage: mine });
      await executor.run({ webtask: slow, request: get(), storage: theirs });
      const read = (storage: typeof mine) => new Promise((resolve) => storage.get((_error: unknown, data: unknown) => resolve(data)));
      assert.equal(await read(theirs), { owner: 'theirs' });
      assert.equal(await read(mine), { owner: 'late' });
    });
  }

  test.run();
}

const caches = suite('createExecutor: one cache of compiled webtasks per executor');

caches('two executors never share a compiled webtask (each its own module state), keyed by the version id', async () => {
  const one = createExecutor({ logger });
  const two = createExecutor({ logger });
  try {
    const webtask = createJobWebtask('shared-id', COUNTER, { meta: { name: 'x' } });
    const runs = async (executor: Executor) => json((await executor.run({ webtask, request: get() })).body).runs;
    assert.equal([await runs(one), await runs(one), await runs(two), await runs(one), await runs(two)], [1, 2, 1, 3, 2]);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

caches('the same version given anew keeps its compiled function; new code under the id compiles again', async () => {
  const executor = createExecutor({ logger });
  try {
    const runs = async (webtask: ReturnType<typeof createJobWebtask>) => json((await executor.run({ webtask, request: get() })).body);
    const first = await runs(createJobWebtask('version-1', COUNTER, { meta: { name: 'first' } }));
    const again = await runs(createJobWebtask('version-1', COUNTER, { meta: { name: 'again' } }));
    const changed = await runs(createJobWebtask('version-1', `${COUNTER}\n// changed`, { meta: { name: 'changed' } }));
    assert.equal([first, again, changed], [
      { runs: 1, name: 'first' },
      { runs: 2, name: 'again' },
      { runs: 1, name: 'changed' },
    ]);
  } finally {
    await executor.close();
  }
});

caches.run();

const options = suite('createExecutor options');
options('bad options are refused with clear errors', () => {
  assert.throws(() => createExecutor({ sandbox: 'vm' as never }), /sandbox must be 'in-process', 'worker', 'process' or 'jail'/);
  assert.throws(() => createExecutor({ sandbox: 'worker', size: 0 }), /pool size must be a positive integer/);
  assert.throws(() => createExecutor({ sandbox: 'worker', prefetch: -1 }), /prefetch must be a non-negative integer/);
  assert.throws(() => createJobWebtask('', 'x'), /id must be a non-empty string/);
});
options.run();
