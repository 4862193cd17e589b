import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '@ext-compilers/runtime';

type Cb = (error?: unknown, data?: unknown) => void;
type Reply = { status: number; type: string | undefined; timing?: string | string[] | undefined; body: string };

const logger = { info() {}, warn() {}, error() {} };

async function withServer(server: Server, use: (port: number) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await use((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function send(port: number, path = '/', body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const reply: Reply = { status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() };
        // Kept out of deep comparisons: it is checked on its own.
        Object.defineProperty(reply, 'timing', { value: res.headers['server-timing'], enumerable: false });
        resolve(reply);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const TIMING = /^compile;dur=(\d+\.\d{3});desc="compile", modules;dur=(\d+\.\d{3});desc="module load", user;dur=(\d+\.\d{3});desc="user code"$/;

test('Server-Timing: the compile on the first request, user code on every one; off with serverTiming: false', async () => {
  const code = "module.exports = function (client, scope, audience, context, cb) { cb(null, { scope }); };";
  const options = { meta: { 'wt-compiler': 'ext-compilers/client-credentials-exchange' }, logger };
  const body = JSON.stringify({ client: {}, scope: ['a'], audience: 'x' });
  const json = { 'content-type': 'application/json' };
  await withServer(createServer(code, options), async (port) => {
    const first = await send(port, '/', body, json);
    const second = await send(port, '/', body, json);
    const [, compile1] = TIMING.exec(String(first.timing)) ?? [];
    const [, compile2, modules2, user2] = TIMING.exec(String(second.timing)) ?? [];
    assert.ok(compile1 !== undefined && Number(compile1) > 0, String(first.timing));
    assert.equal([compile2, modules2], ['0.000', '0.000']);
    assert.ok(Number(user2) >= 0);
  });
  await withServer(createServer(code, { ...options, serverTiming: false }), async (port) => {
    assert.is((await send(port, '/', body, json)).timing, undefined);
  });
  for (const sandbox of ['worker'] as const) {
    await withServer(createServer(code, { ...options, sandbox, workers: 1 }), async (port) => {
      assert.match(String((await send(port, '/', body, json)).timing), TIMING);
    });
  }
});

test('Server-Timing goes out with every shape of writeHead, and a webtask\'s own Server-Timing wins', async () => {
  type Res = { writeHead(...args: unknown[]): void; setHeader(n: string, v: string): void; end(b?: string): void };
  const shapes: Record<string, (res: Res) => void> = {
    '/object': (res) => res.writeHead(201, { 'content-type': 'text/plain' }),
    '/message': (res) => res.writeHead(202, 'Fine', { 'content-type': 'text/plain' }),
    '/status-only': (res) => (res.setHeader('content-type', 'text/plain'), res.writeHead(203)),
    '/raw-array': (res) => res.writeHead(204, ['content-type', 'text/plain']),
    '/own': (res) => res.writeHead(200, { 'content-type': 'text/plain', 'server-timing': 'mine;dur=1' }),
  };
  const fn = (_ctx: unknown, req: { url: string }, res: Res) => {
    shapes[req.url.split('?')[0]!]!(res);
    res.end();
  };
  await withServer(createServer(fn as never, { logger }), async (port) => {
    for (const [path, status] of [['/object', 201], ['/message', 202], ['/status-only', 203], ['/raw-array', 204]] as const) {
      const reply = await send(port, path, '', {});
      assert.equal([reply.status, reply.type], [status, 'text/plain'], path);
      assert.match(String((reply as { timing?: string }).timing), TIMING, path);
    }
    assert.is((await send(port, '/own', '', {}) as { timing?: string }).timing, 'mine;dur=1');
  });
});

test('serves a function over HTTP: body parsed, query, JSON answer', async () => {
  const server = createServer((ctx: { body: unknown; query: unknown }, cb: Cb) => cb(null, { body: ctx.body, query: ctx.query }), { logger });
  await withServer(server, async (port) => {
    assert.equal(await send(port, '/?x=1', '{"a":1}', { 'content-type': 'application/json' }), {
      status: 200,
      type: 'application/json',
      body: '{"body":{"a":1},"query":{"x":"1"}}',
    });
  });
});

test('a synchronous throw answers 500 and the server keeps serving', async () => {
  let calls = 0;
  const server = createServer(
    (cb: Cb) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      cb(null, { calls });
    },
    { logger },
  );
  await withServer(server, async (port) => {
    const first = await send(port);
    assert.equal([first.status, JSON.parse(first.body).error], [500, 'Script generated an unhandled synchronous exception.']);
    assert.equal(await send(port), { status: 200, type: 'application/json', body: '{"calls":2}' });
  });
});

test('a body over maxBodySize gets 413 and the connection is answered', async () => {
  const server = createServer((cb: Cb) => cb(null, { ran: true }), { maxBodySize: 1024, logger });
  await withServer(server, async (port) => {
    const reply = await send(port, '/', 'x'.repeat(64 * 1024), { 'content-type': 'text/plain' });
    assert.equal(reply, {
      status: 413,
      type: 'application/json',
      body: JSON.stringify({ code: 413, error: 'Request body too large.', message: 'Request body exceeds the limit of 1024 bytes.' }),
    });
    assert.is((await send(port)).status, 200);
  });
});

test('a 3-ary function that never ends gets a 504 after the timeout, others are still served', async () => {
  const server = createServer(
    (_ctx: unknown, req: { url: string }, res: { end(b: string): void }) => {
      if (req.url !== '/hang') res.end('fine');
    },
    { timeout: 50, logger },
  );
  await withServer(server, async (port) => {
    const [hung, fine] = await Promise.all([send(port, '/hang'), send(port, '/')]);
    assert.equal(hung, {
      status: 504,
      type: 'application/json',
      body: JSON.stringify({ code: 504, error: 'Script exceeded the execution time limit.', message: 'The webtask did not respond within 50 ms.' }),
    });
    assert.equal(fine, { status: 200, type: undefined, body: 'fine' });
  });
});

test('code is compiled once; a compile error is every request\'s answer', async () => {
  await withServer(createServer("module.exports = (cb) => cb(null, { from: 'code' });", { logger }), async (port) => {
    assert.equal([await send(port), await send(port)].map((r) => r.body), ['{"from":"code"}', '{"from":"code"}']);
  });
  await withServer(createServer('module.exports = 1;', { logger }), async (port) => {
    const replies = await Promise.all([send(port), send(port)]);
    assert.equal(replies.map((r) => [r.status, JSON.parse(r.body).code]), [[400, 400], [400, 400]]);
  });
  // A failure is final: later requests get the same answer without another compile (the load runs once).
  const counter = `__createServerLoads${process.pid}`;
  const g = globalThis as Record<string, unknown>;
  await withServer(createServer(`globalThis.${counter} = (globalThis.${counter} || 0) + 1; throw new Error('load failed');`, { logger, cache: false }), async (port) => {
    const replies = [await send(port), await send(port), await send(port)];
    assert.equal(replies.map((r) => [r.status, JSON.parse(r.body).details]), Array(3).fill([400, 'Error: load failed']));
    assert.is(g[counter], 1);
  });
  delete g[counter];
});

test('an isolating sandbox needs code, not a function; an unknown sandbox or a bad webtask is a TypeError', () => {
  for (const sandbox of ['worker', 'process'] as const) {
    assert.throws(() => createServer((cb: Cb) => cb(), { sandbox }), (error: Error) => error instanceof TypeError);
  }
  assert.throws(() => createServer((cb: Cb) => cb(), { sandbox: 'vm' as never }), (error: Error) => error instanceof TypeError);
  assert.throws(() => createServer({} as never), (error: Error) => error instanceof TypeError);
});

test.run();
