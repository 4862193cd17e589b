import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { parseEgressAllow } from '@ext-compilers/runtime';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { installEgressClient } from '../src/executor/egress/index.ts';
import { gateOn, type Loopback, loopbackServer, runChild } from './egress-support.ts';

// A child process with the egress client installed reaches a loopback server only through the
// gate. Every target is 127.0.0.1 (or localhost); nothing leaves this machine.

let http: Loopback;
let https: Loopback | undefined;
let certDir: string | undefined;

// A self-signed certificate for localhost, when openssl is there to make one.
function selfSigned(): { key: Buffer; cert: Buffer; file: string } | undefined {
  certDir = mkdtempSync(join(tmpdir(), 'ext-compilers-egress-cert-'));
  const [key, cert] = [join(certDir, 'key.pem'), join(certDir, 'cert.pem')];
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
  const made = spawnSync('openssl', [...args, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return made.status === 0 ? { key: readFileSync(key), cert: readFileSync(cert), file: cert } : undefined;
}

const jailed = spawnSync('bwrap', ['--unshare-net', '--dev-bind', '/', '/', 'true']).status === 0;
const credentials = selfSigned();

test.before(async () => {
  http = await loopbackServer();
  if (credentials) https = await loopbackServer((handler) => createHttpsServer({ key: credentials.key, cert: credentials.cert }, handler));
});

test.after(async () => {
  await http.close();
  await https?.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

const PLAIN_CALLS = (port: number) => `
  const url = 'http://127.0.0.1:${port}';
  await attempt('fetch', async () => (await fetch(url + '/fetch')).text());
  await attempt('http', () => new Promise((resolve, reject) => http.get(url + '/http', (res) => body(res).then(resolve, reject)).on('error', reject)));
  await attempt('net', () => new Promise((resolve, reject) => {
    // Written before the connection is up: it must follow the gate's line, not precede it.
    const socket = net.connect(${port}, '127.0.0.1').on('error', reject);
    socket.end('GET /net HTTP/1.0\\r\\n\\r\\n');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk)).on('end', () => resolve(answer.split('\\r\\n\\r\\n')[1]));
  }));
`;

test('importing the client patches nothing', () => {
  const connect = net.Socket.prototype.connect;
  const tlsConnect = tls.connect;
  assert.type(installEgressClient, 'function');
  assert.is(net.Socket.prototype.connect, connect);
  assert.is(tls.connect, tlsConnect);
});

test('fetch, http.get and net.connect reach an allowed loopback server through the gate', async () => {
  const gate = await gateOn(parseEgressAllow([`127.0.0.1:${http.port}`]));
  try {
    const before = http.connections;
    const results = await runChild(gate.socketPath, PLAIN_CALLS(http.port));
    assert.equal(results, { fetch: 'hello /fetch', http: 'hello /http', net: 'hello /net' });
    assert.is(http.connections, before + 3);
    await gate.listener.close();
    assert.ok(gate.bytes.sent > 0 && gate.bytes.received > 0, JSON.stringify(gate.bytes));
  } finally {
    await gate.close();
  }
});

test('refused: the loopback server sees no connection; each call fails with ECONNREFUSED and the reason', async () => {
  const gate = await gateOn(parseEgressAllow([]));
  try {
    const before = http.connections;
    const results = await runChild(gate.socketPath, PLAIN_CALLS(http.port));
    const refused = { code: 'ECONNREFUSED', message: `egress to 127.0.0.1 port ${http.port} refused: a loopback address (127.0.0.0/8), not on the allow-list` };
    assert.equal(results, { fetch: refused, http: refused, net: refused });
    assert.is(http.connections, before);
    assert.is(gate.refused.length, 3);
  } finally {
    await gate.close();
  }
});

test('TLS: fetch, https.get and tls.connect to https://localhost, certificate checked against the name', async () => {
  if (!credentials || !https) return console.log('  (skipped: no openssl to make a certificate)');
  // localhost may resolve to ::1 too: only 127.0.0.1 on this port is allowed, and is what the gate picks.
  const gate = await gateOn(parseEgressAllow([`127.0.0.1:${https.port}`]));
  try {
    const url = `https://localhost:${https.port}`;
    const results = await runChild(
      gate.socketPath,
      `
      await attempt('fetch', async () => (await fetch('${url}/fetch')).text());
      await attempt('https', () => new Promise((resolve, reject) => https.get('${url}/https', (res) => body(res).then(resolve, reject)).on('error', reject)));
      await attempt('tls', () => new Promise((resolve, reject) => {
        const socket = tls.connect(${https.port}, 'localhost', () => socket.end('GET /tls HTTP/1.0\\r\\n\\r\\n')).on('error', reject);
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk)).on('end', () => resolve({ authorized: socket.authorized, body: answer.split('\\r\\n\\r\\n')[1] }));
      }));
      await attempt('wrongName', () => new Promise((resolve, reject) => tls.connect({ port: ${https.port}, host: '127.0.0.1' }, resolve).on('error', reject)));
      `,
      { env: { NODE_EXTRA_CA_CERTS: credentials.file } },
    );
    assert.equal(results, {
      fetch: 'hello /fetch',
      https: 'hello /https',
      tls: { authorized: true, body: 'hello /tls' },
      wrongName: { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: `Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ` },
    });
  } finally {
    await gate.close();
  }
});

test('TLS refused: https.get and tls.connect fail with ECONNREFUSED and the reason; the server sees no connection', async () => {
  if (!https) return console.log('  (skipped: no openssl to make a certificate)');
  const gate = await gateOn(parseEgressAllow([]));
  try {
    const before = https.connections;
    const results = await runChild(
      gate.socketPath,
      `
      await attempt('https', () => new Promise((resolve, reject) => https.get('https://localhost:${https.port}/', resolve).on('error', reject)));
      await attempt('tls', () => new Promise((resolve, reject) => tls.connect({ port: ${https.port}, host: '127.0.0.1', servername: 'localhost' }, resolve).on('error', reject)));
      `,
    );
    const { https: byName, tls: byIp } = results as Record<string, { code: string; message: string }>;
    assert.is(byName?.code, 'ECONNREFUSED');
    // localhost's first address may be ::1 or 127.0.0.1, as this machine's resolver orders them.
    assert.match(byName?.message ?? '', new RegExp(`^egress to localhost \\((127\\.0\\.0\\.1|::1)\\) port ${https.port} refused: a loopback address`));
    assert.equal(byIp, { code: 'ECONNREFUSED', message: `egress to 127.0.0.1 port ${https.port} refused: a loopback address (127.0.0.0/8), not on the allow-list` });
    assert.is(https.connections, before);
  } finally {
    await gate.close();
  }
});

test('installing twice: the same socket is a no-op, another one a TypeError', async () => {
  const results = await runChild(
    '/tmp/a.sock',
    `
    const { installEgressClient: again } = await import(${JSON.stringify(new URL('../src/executor/egress/client.ts', import.meta.url).href)});
    const patched = net.Socket.prototype.connect;
    again('/tmp/a.sock');
    results.same = net.Socket.prototype.connect === patched;
    await attempt('other', () => again('/tmp/b.sock'));
    `,
  );
  assert.equal(results, { same: true, other: { message: 'The egress client is already installed, for /tmp/a.sock' } });
});

test('in a jail with no network (bubblewrap --unshare-net), the gate is the only way out', async () => {
  if (!jailed) return console.log('  (skipped: bubblewrap cannot make a network namespace here)');
  const gate = await gateOn(parseEgressAllow([`127.0.0.1:${http.port}`]));
  try {
    const before = http.connections;
    // Without the client, 127.0.0.1 is the jail's own loopback, where nothing listens.
    const direct = await runChild(gate.socketPath, PLAIN_CALLS(http.port), { jail: true, install: false });
    assert.equal(Object.values(direct).map((result) => (result as { code?: string }).code), ['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
    assert.is(http.connections, before);
    const gated = await runChild(gate.socketPath, PLAIN_CALLS(http.port), { jail: true });
    assert.equal(gated, { fetch: 'hello /fetch', http: 'hello /http', net: 'hello /net' });
  } finally {
    await gate.close();
  }
});

test.run();
