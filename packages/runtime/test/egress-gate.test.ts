import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { parseEgressAllow } from '@ext-compilers/runtime';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gateOn, type Loopback, loopbackServer } from './egress-support.ts';

// The gate's protocol spoken by hand over its Unix socket. Every target is 127.0.0.1.

/** Write `bytes` to the gate, then collect everything it answers until it ends. */
function exchange(socketPath: string, bytes: string | Buffer, options: { endAfter?: string } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.endAfter && Buffer.concat(chunks).includes(options.endAfter)) socket.end();
    });
    // A dropped connection may be gone before the write: what it answered (nothing) is the result.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.write(bytes);
  });
}

const statusAndRest = (answer: Buffer) => ({ status: answer[0], rest: answer.subarray(1).toString() });

let http: Loopback;

test.before(async () => {
  http = await loopbackServer();
});

test.after(() => http.close());

test('an allowed target: status 0x00, then the remote bytes; early bytes after the line reach the remote; bytes are counted', async () => {
  const gate = await gateOn(parseEgressAllow([`127.0.0.1:${http.port}`]));
  try {
    const before = http.connections;
    const request = 'GET /raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const answer = await exchange(gate.socketPath, `127.0.0.1 ${http.port}\n${request}`);
    const { status, rest } = statusAndRest(answer);
    assert.is(status, 0x00);
    assert.match(rest, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(rest.endsWith('hello /raw'));
    assert.is(http.connections, before + 1);
    await gate.listener.close();
    assert.equal(gate.bytes, { sent: request.length, received: answer.length - 1 });
    assert.equal(gate.refused, []);
  } finally {
    await gate.close();
  }
});

test('a refused target: status 0x01, the reason, an end; the loopback server sees no connection', async () => {
  const gate = await gateOn(parseEgressAllow([]));
  try {
    const before = http.connections;
    const answers = await Promise.all([
      exchange(gate.socketPath, `127.0.0.1 ${http.port}\nGET / HTTP/1.0\r\n\r\n`),
      exchange(gate.socketPath, `localhost ${http.port}\n`),
      exchange(gate.socketPath, `::ffff:127.0.0.1 ${http.port}\n`),
      exchange(gate.socketPath, `[::1] ${http.port}\n`),
    ]);
    const loopback = `a loopback address (127.0.0.0/8), not on the allow-list\n`;
    const [byIp, byName, mapped, v6] = answers.map(statusAndRest);
    assert.equal([byIp, mapped, v6], [
      { status: 0x01, rest: `egress to 127.0.0.1 port ${http.port} refused: ${loopback}` },
      { status: 0x01, rest: `egress to ::ffff:127.0.0.1 port ${http.port} refused: ${loopback}` },
      { status: 0x01, rest: `egress to ::1 port ${http.port} refused: a loopback address (::1/128), not on the allow-list\n` },
    ]);
    // localhost's first address may be ::1 or 127.0.0.1, as this machine's resolver orders them.
    assert.is(byName?.status, 0x01);
    assert.match(byName?.rest ?? '', new RegExp(`^egress to localhost \\((127\\.0\\.0\\.1|::1)\\) port ${http.port} refused: a loopback address`));
    assert.is(http.connections, before);
    assert.equal(gate.refused.sort(), answers.map((answer) => answer.subarray(1).toString().trimEnd()).sort());
  } finally {
    await gate.close();
  }
});

test('allow by host:port: localhost admits its loopback address on that port only', async () => {
  const gate = await gateOn(parseEgressAllow([`localhost:${http.port}`]));
  try {
    const ok = await exchange(gate.socketPath, `LOCALHOST ${http.port}\nGET /named HTTP/1.0\r\n\r\n`);
    assert.is(ok[0], 0x00);
    assert.ok(ok.toString().endsWith('hello /named'));
    const other = await exchange(gate.socketPath, `127.0.0.1 ${http.port}\n`);
    assert.equal(statusAndRest(other).status, 0x01);
  } finally {
    await gate.close();
  }
});

test('a bad or over-long first line drops the connection without an answer, before any connect', async () => {
  const gate = await gateOn(parseEgressAllow(['127.0.0.0/8']));
  try {
    const before = http.connections;
    const answers = await Promise.all([
      exchange(gate.socketPath, `${'a'.repeat(300)} ${http.port}\n`),
      exchange(gate.socketPath, 'a'.repeat(400)),
      exchange(gate.socketPath, `127.0.0.1 ${http.port} extra\n`),
      exchange(gate.socketPath, `127.0.0.1 0\n`),
      exchange(gate.socketPath, `127.0.0.1 70000\n`),
      exchange(gate.socketPath, `127.0.0.1\t${http.port}\n`),
    ]);
    assert.equal(answers.map((answer) => answer.length), [0, 0, 0, 0, 0, 0]);
    assert.is(http.connections, before);
  } finally {
    await gate.close();
  }
});

test('a failed connect to an allowed address: status 0x01 with the reason', async () => {
  const closed = await loopbackServer();
  const port = closed.port;
  await closed.close();
  const gate = await gateOn(parseEgressAllow([`127.0.0.1:${port}`]));
  try {
    const { status, rest } = statusAndRest(await exchange(gate.socketPath, `127.0.0.1 ${port}\n`));
    assert.is(status, 0x01);
    assert.is(rest, `egress to 127.0.0.1 port ${port} failed: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  } finally {
    await gate.close();
  }
});

test('the socket file is open to every uid; closing the listener removes it', async () => {
  const gate = await gateOn(parseEgressAllow([]));
  try {
    assert.is(statSync(gate.socketPath).mode & 0o777, 0o666);
    await gate.listener.close();
    assert.throws(() => statSync(gate.socketPath), /ENOENT/);
  } finally {
    await gate.close();
  }
});

test('over maxConnections, a connection is dropped and reported', async () => {
  const gate = await gateOn(parseEgressAllow([]), { maxConnections: 1 });
  try {
    const held = connect(gate.socketPath);
    await new Promise((resolve) => held.once('connect', resolve));
    const dropped = await exchange(gate.socketPath, `127.0.0.1 ${http.port}\n`);
    held.destroy();
    assert.is(dropped.length, 0);
    assert.equal(gate.refused, ['egress refused: over 1 connections at once']);
  } finally {
    await gate.close();
  }
});

test.run();
