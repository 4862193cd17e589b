// Issue 14's attacks, as a tenant holding only a token for its own container would try them on a
// real server over a data directory with the jail sandbox (127.0.0.1, port 0): the data
// directory, the server's environment, /proc, signals, the module store, another tenant's
// secrets and guest, a busy loop against a neighbour, a huge answer, and the network.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenedServer, openServer } from '@ext-compilers/server';

const test = suite('server with the jail: a tenant against the host and its neighbours');
const quiet = { error() {} };

let data: string;
let opened: OpenedServer;
let base: string;
let mallory: string;
let alice: string;

async function call(method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** Create `name` in the token's container with `code`, run it, and give its answer. */
async function attack(name: string, code: string, token = mallory, container = 'mallory'): Promise<{ status: number; body: any }> {
  const created = await call('PUT', `/api/webtask/${container}/${name}`, token, { code });
  assert.is(created.status, 200, JSON.stringify(created.body));
  return call('GET', `/api/run/${container}/${name}`, token);
}

/** A webtask answering what `probe` (an async function body) returns, or the error's code. */
const probing = (probe: string): string => `
module.exports = async (ctx, cb) => {
  try { cb(null, { value: await (async () => { ${probe} })() }); }
  catch (error) { cb(null, { error: error.code || (error.cause && error.cause.code) || error.message }); }
};`;

test.before(async () => {
  data = mkdtempSync(join(tmpdir(), 'ext-compilers-isolation-'));
  opened = await openServer({ data, sandbox: 'jail', workers: 4, timeout: 3000, logger: quiet });
  await new Promise<void>((resolve) => opened.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(opened.server.address() as AddressInfo).port}`;
  const issue = async (ten: string) => (await call('POST', '/api/tokens/issue', opened.adminToken, { ten })).body as string;
  mallory = await issue('mallory');
  alice = await issue('alice');
  assert.type(mallory, 'string');
});
test.after(async () => {
  await opened.close();
  rmSync(data, { recursive: true, force: true });
});

test('the data directory does not exist for a guest: admin token, token keys, store key', async () => {
  for (const file of ['admin-token', 'token.keys', join('store', 'secret.key')]) {
    const answer = await attack('files', probing(`return require('fs').readFileSync(${JSON.stringify(join(data, file))}, 'utf8');`));
    assert.is(answer.body.error, 'ENOENT', `${file}: ${JSON.stringify(answer.body)}`);
  }
});

test("the server's environment, /proc, memory and signals are out of reach; the server lives on", async () => {
  const answer = await attack('host', probing(`
    const fs = require('fs');
    const tried = (work) => { try { return work(); } catch (error) { return error.code; } };
    return {
      environ: tried(() => fs.readFileSync('/proc/${process.pid}/environ', 'utf8')),
      mem: tried(() => fs.openSync('/proc/${process.pid}/mem', 'r')),
      kill: tried(() => process.kill(${process.pid}, 'SIGKILL')),
      inspector: tried(() => process.kill(${process.pid}, 'SIGUSR1')),
      env: Object.keys(process.env),
    };`));
  assert.equal(answer.body.value.environ, 'ENOENT');
  assert.equal(answer.body.value.mem, 'ENOENT');
  assert.equal(answer.body.value.kill, 'ESRCH');
  assert.equal(answer.body.value.inspector, 'ESRCH');
  assert.ok(!answer.body.value.env.some((name: string) => /TOKEN|KEY|SECRET|DATABASE/i.test(name)), answer.body.value.env.join(' '));
  assert.is((await call('GET', '/api/webtask/mallory', mallory)).status, 200);
});

test('the module store is read-only to a guest', async () => {
  const store = join(data, 'modules');
  const answer = await attack('modules', probing(`require('fs').writeFileSync(${JSON.stringify(join(store, 'planted.js'))}, 'owned'); return 'wrote';`));
  assert.ok(['EROFS', 'EACCES'].includes(answer.body.error), JSON.stringify(answer.body));
});

test("code one tenant leaves behind never runs in another tenant's guest", async () => {
  const planted = await attack('plant', `module.exports = (cb) => { const parse = JSON.parse; JSON.parse = (t) => { globalThis.stolen = t; return parse(t); }; globalThis.planted = 1; cb(null, 'planted'); };`);
  assert.is(planted.body, 'planted');
  const created = await call('PUT', '/api/webtask/alice/reader', alice, { code: `module.exports = (ctx, cb) => { JSON.parse('{"a":1}'); cb(null, { planted: globalThis.planted, stolen: globalThis.stolen, mine: ctx.secrets.mine }); };`, secrets: { mine: 'alice-secret' } });
  assert.is(created.status, 200, JSON.stringify(created.body));
  const read = await call('GET', '/api/run/alice/reader', alice);
  assert.equal(read.body, { mine: 'alice-secret' });
});

test("a busy loop in one tenant's webtask does not hold another tenant's request", async () => {
  const loop = attack('loop', 'module.exports = (cb) => { for (;;) {} };');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await call('PUT', '/api/webtask/alice/quick', alice, { code: 'module.exports = (cb) => cb(null, "quick");' });
  const started = performance.now();
  const quick = await call('GET', '/api/run/alice/quick', alice);
  const took = performance.now() - started;
  assert.is(quick.body, 'quick');
  assert.ok(took < 1000, `alice waited ${Math.round(took)} ms`);
  assert.is((await loop).status, 504);
});

test('an answer past the response cap is a 502, and the server does not hold it', async () => {
  const answer = await attack('huge', `module.exports = (ctx, req, res) => res.end(Buffer.alloc(16 * 1024 * 1024, 120));`);
  assert.is(answer.status, 502, JSON.stringify(answer.body).slice(0, 200));
});

test("the guest's network is the egress gate: the server's own port and loopback are refused", async () => {
  const port = new URL(base).port;
  const answer = await attack('egress', probing(`return await (await fetch('http://127.0.0.1:${port}/api/webtask/alice')).text();`));
  assert.is(answer.body.error, 'ECONNREFUSED', JSON.stringify(answer.body));
});

test("a url webtask's code is fetched under the gate's rules: loopback refused unless --allow-egress admits it", async () => {
  let connections = 0;
  const codeServer = createHttpServer((_req, res) => res.end('module.exports = (cb) => cb(null, "fetched");'));
  codeServer.on('connection', () => void connections++);
  await new Promise<void>((resolve) => codeServer.listen(0, '127.0.0.1', resolve));
  const port = (codeServer.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/code.js`;
  const allowedData = mkdtempSync(join(tmpdir(), 'ext-compilers-isolation-allowed-'));
  const allowed = await openServer({ data: allowedData, sandbox: 'jail', workers: 2, logger: quiet, modules: false, allowEgress: [`127.0.0.1:${port}`] });
  try {
    assert.is((await call('PUT', '/api/webtask/mallory/remote', mallory, { url })).status, 200);
    const refused = await call('GET', '/api/run/mallory/remote', mallory);
    assert.ok(refused.status >= 400, JSON.stringify(refused));
    assert.match(JSON.stringify(refused.body), /refused/);
    assert.is(connections, 0);
    await new Promise<void>((resolve) => allowed.server.listen(0, '127.0.0.1', resolve));
    const other = `http://127.0.0.1:${(allowed.server.address() as AddressInfo).port}`;
    const put = await fetch(`${other}/api/webtask/c/remote`, { method: 'PUT', headers: { authorization: `Bearer ${allowed.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
    assert.is(put.status, 200);
    assert.equal(await (await fetch(`${other}/api/run/c/remote`)).json(), 'fetched');
    assert.is(connections, 1);
  } finally {
    await allowed.close();
    rmSync(allowedData, { recursive: true, force: true });
    codeServer.closeAllConnections();
    await new Promise((resolve) => codeServer.close(resolve));
  }
});

test.run();
