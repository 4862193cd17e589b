// A webtask's `url` is fetched under the egress rules: loopback servers only, each one counting
// the connections it sees, so a refusal is shown to happen before any connect.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEgressAllow } from '@ext-compilers/runtime';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HttpError } from '../src/http/http-error.ts';
import { fetchCode } from '../src/run/fetch-code.ts';

interface Loopback {
  port: number;
  connections: number;
  server: Server;
}

const servers: Loopback[] = [];

async function loopback(handler: (path: string) => { status: number; headers?: Record<string, string>; body?: string }): Promise<Loopback> {
  const server = createServer((req, res) => {
    const answer = handler(req.url ?? '/');
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  const entry = { port: 0, connections: 0, server };
  server.on('connection', () => void entry.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  entry.port = (server.address() as AddressInfo).port;
  servers.push(entry);
  return entry;
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { status: (error as HttpError).status, message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

let code: Loopback;
let elsewhere: Loopback;

test.before(async () => {
  code = await loopback((path) => {
    if (path === '/hook.js') return { status: 200, body: 'module.exports = (cb) => cb(null, 1);' };
    if (path === '/moved') return { status: 302, headers: { location: `http://127.0.0.1:${elsewhere.port}/hook.js` } };
    return { status: 404 };
  });
  elsewhere = await loopback(() => ({ status: 200, body: 'elsewhere' }));
});

test.after(async () => {
  for (const { server } of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('by default a loopback url is refused before any connection, by IP or by name', async () => {
  const before = code.connections;
  assert.equal(await failure(fetchCode(`http://127.0.0.1:${code.port}/hook.js`)), {
    status: 502,
    message: `The webtask's code could not be fetched from http://127.0.0.1:${code.port}/hook.js: egress to 127.0.0.1 port ${code.port} refused: a loopback address (127.0.0.0/8), not on the allow-list`,
  });
  const byName = await failure(fetchCode(`http://localhost:${code.port}/hook.js`));
  assert.is(byName.status, 502);
  assert.match(byName.message, `: egress to localhost (`);
  assert.match(byName.message, `) port ${code.port} refused: a loopback address`);
  // The URL parser writes the mapped address in hex: refused all the same.
  assert.equal(await failure(fetchCode(`http://[::ffff:127.0.0.1]:${code.port}/hook.js`, parseEgressAllow([]))), {
    status: 502,
    message: `The webtask's code could not be fetched from http://[::ffff:127.0.0.1]:${code.port}/hook.js: egress to ::ffff:7f00:1 port ${code.port} refused: a loopback address (127.0.0.0/8), not on the allow-list`,
  });
  assert.is(code.connections, before);
});

test('an allow entry admits the server: the code, or its HTTP failure', async () => {
  const allow = parseEgressAllow([`127.0.0.1:${code.port}`]);
  assert.is(await fetchCode(`http://127.0.0.1:${code.port}/hook.js`, allow), 'module.exports = (cb) => cb(null, 1);');
  assert.is(await fetchCode(`http://localhost:${code.port}/hook.js`, allow), 'module.exports = (cb) => cb(null, 1);');
  assert.equal(await failure(fetchCode(`http://127.0.0.1:${code.port}/missing.js`, allow)), {
    status: 502,
    message: `The webtask's code could not be fetched from http://127.0.0.1:${code.port}/missing.js: HTTP 404`,
  });
});

test('a redirect is checked again: to a server not on the allow-list, refused before connecting', async () => {
  const before = elsewhere.connections;
  assert.equal(await failure(fetchCode(`http://127.0.0.1:${code.port}/moved`, parseEgressAllow([`127.0.0.1:${code.port}`]))), {
    status: 502,
    message: `The webtask's code could not be fetched from http://127.0.0.1:${code.port}/moved: egress to 127.0.0.1 port ${elsewhere.port} refused: a loopback address (127.0.0.0/8), not on the allow-list`,
  });
  assert.is(elsewhere.connections, before);
  assert.is(await fetchCode(`http://127.0.0.1:${code.port}/moved`, parseEgressAllow(['127.0.0.0/8'])), 'elsewhere');
});

test('a url that is not http(s) is a 400', async () => {
  assert.equal(await failure(fetchCode('file:///etc/passwd')), { status: 400, message: "The webtask's url must be http(s): file:///etc/passwd" });
});

test.run();
