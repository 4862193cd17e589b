// The fault cases shared by executor-worker.test.ts and executor-process.test.ts: one webtask
// with a route per fault, on a pool of two, so a normal request sent while a fault runs lands on
// the other guest and must succeed.
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Sandbox } from '@ext-compilers/runtime';

const TIMEOUT = 1000;
const MEMORY = 64;
const logger = { info() {}, warn() {}, error() {} };

const ROUTES = String.raw`
const outside = module.webtask.storage;
module.exports = function (ctx, cb) {
  const route = ctx.query.route;
  if (route === 'ok') return cb(null, { ok: true, pid: process.pid });
  if (route === 'loop') for (;;) {}
  if (route === 'memory') {
    // Up to 2 GB in 8 MB arrays: far past the heap limit, reached in a few iterations.
    const held = [];
    for (let i = 0; i < 256; i++) held.push(new Array(1e6).fill(i + 0.5));
    return cb(null, { held: held.length });
  }
  if (route === 'exit') return process.exit(3);
  if (route === 'reject') { Promise.reject(new Error('nobody catches this')); return; }
  if (route === 'throw-later') { setTimeout(() => { throw new TypeError('thrown in a timer'); }, 10); return; }
  if (route === 'never') return;
  if (route === 'slow') return setTimeout(() => cb(null, { slow: true }), 400);
  if (route === 'twice') { cb(null, { first: true }); cb(null, { second: true }); return; }
  if (route === 'count') {
    return ctx.storage.get((error, data) => {
      if (error) return cb(error);
      const n = ((data && data.n) || 0) + 1;
      ctx.storage.set({ n }, (setError) => cb(setError, { n }));
    });
  }
  if (route === 'conflict') {
    return ctx.storage.get((error) => {
      if (error) return cb(error);
      outside.set({ n: 100 }, { force: true }, (forced) => {
        if (forced) return cb(forced);
        ctx.storage.set({ n: -1 }, (conflict) => cb(null, { code: conflict && conflict.code, conflict: conflict && conflict.conflict, message: conflict && conflict.message }));
      });
    });
  }
  cb(new Error('no route'));
};
`;

const HOOK = String.raw`
module.exports = function (client, scope, audience, context, cb) {
  if (client.id === 'loop') for (;;) {}
  cb(null, { accessToken: { scope: scope.concat('extra') } });
};
`;

interface Reply {
  status: number;
  body: any;
  ms: number;
}

function send(port: number, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, ms: Date.now() - started });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `action`'s result, and what this process wrote to stderr meanwhile: expected output, kept out of the test run's. */
async function stderrOf<T>(action: () => Promise<T>): Promise<[T, string]> {
  const write = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((written += Buffer.from(chunk).toString()), true)) as typeof process.stderr.write;
  try {
    return [await action(), written];
  } finally {
    process.stderr.write = write;
  }
}

/** The fault, and a normal request sent 100 ms into it; then another normal request once it is over. */
async function faultWithNeighbour(port: number, route: string): Promise<Reply> {
  const [fault, during] = await Promise.all([send(port, `/?route=${route}`), delay(100).then(() => send(port, '/?route=ok'))]);
  assert.is(during.status, 200, `a request sent during '${route}' is answered`);
  assert.is(during.body.ok, true);
  assert.ok(fault.ms < TIMEOUT + 1500, `'${route}' is answered within its time limit (${fault.ms} ms)`);
  const after = await send(port, '/?route=ok');
  assert.is(after.status, 200, `the server still answers after '${route}'`);
  return fault;
}

export function executorCases(test: Test, sandbox: Exclude<Sandbox, 'in-process'>): void {
  const name = sandbox === 'worker' ? 'worker' : 'process';
  let server: Server;
  let port: number;

  test.before(async () => {
    server = createServer(ROUTES, { sandbox, workers: 2, timeout: TIMEOUT, memoryLimit: MEMORY, logger, initialStorageData: { n: 0 } });
    port = await listen(server);
  });
  test.after(() => stop(server));

  test('a normal request is answered by the pipeline in the guest', async () => {
    const reply = await send(port, '/?route=ok');
    assert.equal([reply.status, reply.body.ok], [200, true]);
    if (sandbox === 'process') assert.is.not(reply.body.pid, process.pid);
  });

  test('an infinite loop: 504 after the time limit, the guest is replaced, others are served meanwhile', async () => {
    const fault = await faultWithNeighbour(port, 'loop');
    assert.equal([fault.status, fault.body], [
      504,
      { code: 504, error: 'Script exceeded the execution time limit.', message: `Script exceeded the allowed execution time of ${TIMEOUT} ms.` },
    ]);
    assert.ok(fault.ms >= TIMEOUT, `not before the limit (${fault.ms} ms)`);
  });

  test('a 2 GB allocation: 500, the heap limit stops the guest', async () => {
    const [fault, stderr] = await stderrOf(() => faultWithNeighbour(port, 'memory'));
    assert.equal([fault.status, fault.body], [
      500,
      { code: 500, error: 'Script exhausted its memory limit.', message: `The ${name} running the script exceeded its heap limit of ${MEMORY} MB and was stopped.` },
    ]);
    // A process guest dies of V8's fatal heap error, which it prints on its stderr: the host keeps
    // its tail (to tell this from a crash) and never passes it on; a worker's heap limit ends the
    // thread without a word. Either way the host's stderr has nothing of it.
    assert.is(stderr, '');
  });

  test('process.exit(): 500, the guest is replaced', async () => {
    const fault = await faultWithNeighbour(port, 'exit');
    assert.equal([fault.status, fault.body], [
      500,
      { code: 500, error: 'Script ended its sandbox.', message: `The ${name} running the script exited (code 3) before the script answered.` },
    ]);
  });

  test('an unhandled rejection: 500 with its message, the host lives on', async () => {
    const fault = await faultWithNeighbour(port, 'reject');
    assert.equal([fault.status, fault.body], [
      500,
      { code: 500, error: 'Script generated an unhandled asynchronous exception.', message: 'Error: nobody catches this' },
    ]);
  });

  test('a throw in a timer: 500 with its message, the host lives on', async () => {
    const fault = await faultWithNeighbour(port, 'throw-later');
    assert.equal([fault.status, fault.body.error, fault.body.message], [500, 'Script generated an unhandled asynchronous exception.', 'TypeError: thrown in a timer']);
  });

  test('slow runs at once do not queue behind each other in one guest: every guest takes one', async () => {
    // Two guests (workers: 2), four runs of 400 ms started together: two rounds, ~800 ms, never four (1600 ms).
    const began = performance.now();
    const replies = await Promise.all([1, 2, 3, 4].map(() => send(port, '/?route=slow')));
    const took = performance.now() - began;
    assert.equal(replies.map((reply) => reply.status), [200, 200, 200, 200]);
    assert.ok(took < 1400, `four 400 ms runs on two guests took ${took.toFixed(0)} ms`);
  });

  test('never calling back: the pipeline\'s 504 at the time limit', async () => {
    const fault = await faultWithNeighbour(port, 'never');
    assert.equal([fault.status, fault.body], [
      504,
      { code: 504, error: 'Script exceeded the execution time limit.', message: `The webtask did not respond within ${TIMEOUT} ms.` },
    ]);
  });

  test('calling back twice: the first answer counts', async () => {
    const reply = await faultWithNeighbour(port, 'twice');
    assert.equal([reply.status, reply.body], [200, { first: true }]);
  });

  test('storage is the host\'s one document, proxied: get/set round-trips and a 409 conflict', async () => {
    const first = await send(port, '/?route=count');
    const second = await send(port, '/?route=count');
    assert.equal([first.body, second.body], [{ n: 1 }, { n: 2 }]);
    const conflict = await send(port, '/?route=conflict');
    assert.equal(conflict.body, { code: 409, conflict: { n: 100 }, message: 'Item was modified since it was read.' });
    assert.equal((await send(port, '/?route=count')).body, { n: 101 });
  });

  test('an extensibility point that loops gets the point\'s error envelope', async () => {
    const hook = createServer(HOOK, {
      sandbox,
      workers: 1,
      timeout: TIMEOUT,
      logger,
      meta: { 'wt-compiler': 'ext-compilers/client-credentials-exchange' },
      secrets: { 'auth0-extension-secret': 's3cret' },
    });
    const hookPort = await listen(hook);
    try {
      const call = (id: string) =>
        send(hookPort, '/', JSON.stringify({ client: { id }, scope: ['read'], audience: 'a', context: {} }), {
          'content-type': 'application/json',
          authorization: 'Bearer s3cret',
        });
      const looped = await call('loop');
      assert.equal([looped.status, looped.body], [
        200,
        { status: 'error', data: { message: `Script exceeded the allowed execution time of ${TIMEOUT} ms.`, error: 'Script exceeded the execution time limit.', code: 504 } },
      ]);
      const fine = await call('fine');
      assert.equal([fine.status, fine.body.status, fine.body.data], [200, 'success', { accessToken: { scope: ['read', 'extra'] } }]);
    } finally {
      await stop(hook);
    }
  });

  test('a function cannot cross to a guest: TypeError', () => {
    assert.throws(() => createServer((cb: () => void) => cb(), { sandbox }), (error: Error) => error instanceof TypeError && /must be code/.test(error.message));
  });
}
