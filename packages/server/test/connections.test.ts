// Server-wide limits on real sockets (127.0.0.1, port 0), with short limits set by option so the
// tests run fast: the connection cap, the header time limit (a trickle of header lines is cut) and
// the request time limit (a trickling body is cut, on the management and the run routes, in every
// sandbox, the jail of `ext-compilers start` included), while a webtask slower than the request
// limit still answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, createWebtaskServer, type WebtaskServerOptions } from '@ext-compilers/server';
import type { Sandbox } from '@ext-compilers/runtime';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
const ECHO = "module.exports = (ctx, cb) => setTimeout(() => cb(null, { got: ctx.body }), Number(ctx.query.wait || 0));";

async function serve(options: Partial<WebtaskServerOptions>): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const store = createMemoryStore();
  await store.put('acme', 'echo', { code: ECHO });
  const server = createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken: ADMIN, sandbox: 'in-process', logger: { error() {} }, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Ended {
  /** What the server wrote before the connection ended. */
  answer: string;
  /** How long after the first byte the connection ended, in ms. */
  after: number;
}

/** Send `head` at once, then one byte of `trickle` every `every` ms until the server ends the connection (or 5 s pass). */
function trickle(port: number, head: string, trickle: string, every: number): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => sent < trickle.length && socket.write(trickle[sent++]!), every);
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not end the connection within 5 s; it said ${JSON.stringify(answer)}`));
    }, 5000);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ answer, after: Date.now() - started });
    });
  });
}

const LIMITS = { headersTimeout: 300, requestTimeout: 600 };

test('a trickle of header lines is cut with 408 once the header limit passes', async () => {
  const { port, close } = await serve(LIMITS);
  try {
    const ended = await trickle(port, 'GET / HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n'.repeat(100), 30);
    assert.match(ended.answer, /^HTTP\/1\.1 408 /);
    assert.ok(ended.after >= 300 && ended.after < 1500, `cut after ${ended.after} ms`);
  } finally {
    await close();
  }
});

test('a trickling body is cut with 408 on the management routes, and nothing is stored', async () => {
  const { port, close } = await serve(LIMITS);
  try {
    const body = JSON.stringify({ code: 'module.exports = (cb) => cb();' });
    const head = `PUT /api/webtask/acme/slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const ended = await trickle(port, head, body, 50);
    assert.match(ended.answer, /^HTTP\/1\.1 408 /);
    assert.ok(ended.after >= 600 && ended.after < 2000, `cut after ${ended.after} ms`);
    const listed = await fetch(`http://127.0.0.1:${port}/api/webtask/acme`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(((await listed.json()) as { name: string }[]).map((webtask) => webtask.name), ['echo']);
  } finally {
    await close();
  }
});

for (const sandbox of ['in-process', 'worker', 'process', 'jail'] as Sandbox[]) {
  test(`${sandbox}: a trickling body is cut on the run route; a webtask slower than the limit still answers`, async () => {
    const { port, close } = await serve({ ...LIMITS, sandbox, workers: 2 });
    try {
      const body = JSON.stringify({ text: 'a'.repeat(90) });
      const head = `POST /api/run/acme/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      const ended = await trickle(port, head, body, 50);
      assert.ok(ended.after >= 600 && ended.after < 2000, `cut after ${ended.after} ms`);
      assert.not.match(ended.answer, /^HTTP\/1\.1 200 /);
      const slow = await fetch(`http://127.0.0.1:${port}/api/run/acme/echo?wait=900`, { method: 'POST', body: '{"hello":1}', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
      assert.equal([slow.status, await slow.json()], [200, { got: { hello: 1 } }]);
    } finally {
      await close();
    }
  });
}

test('past the connection cap a new connection is closed at once; a freed place is taken again', async () => {
  const { port, close } = await serve({ maxConnections: 2 });
  const open = (): Promise<Socket> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', () => {});
    });
  const closed = (socket: Socket, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      socket.once('close', () => (clearTimeout(timer), resolve(true)));
    });
  try {
    const held = [await open(), await open()];
    const third = await open();
    assert.ok(await closed(third, 2000), 'the third connection is closed');
    assert.not.ok(await closed(held[0]!, 200), 'the first two stay');
    held[0]!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    assert.is(answer.status, 200);
    for (const socket of held) socket.destroy();
  } finally {
    await close();
  }
});

test.run();
