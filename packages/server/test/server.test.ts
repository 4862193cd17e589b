// The seed flow end to end, on a real server over a data directory (127.0.0.1, port 0): create a
// client-credentials-exchange hook with a secret, discover it by meta, invoke it with the Bearer
// from its meta; tokens that must not pass; secrets at rest; a restart.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenedServer, openServer } from '@ext-compilers/server';

const test = suite('server: the seed flow');
const quiet = { error() {} };

const HOOK = `
module.exports = function (client, scope, audience, context, cb) {
  console.log('exchanging for', client.id);
  cb(null, { scope: scope.concat(['extra']), 'https://example.com/key': context.webtask.secrets.API_KEY });
};
`;
const BEARER = 'b7c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1';
const API_KEY = 'api-key-3e5a7c9b1d2f4a6c8e0b';
const META = {
  'auth0-extension': 'runtime',
  'auth0-extension-name': 'credentials-exchange',
  'auth0-extension-secret': BEARER,
  'wt-compiler': 'auth0-ext-compilers/client-credentials-exchange',
};

let data: string;
let opened: OpenedServer;
let base: string;

async function start(): Promise<void> {
  opened = await openServer({ data, sandbox: 'worker', workers: 1, timeout: 5000, logger: quiet, modules: false });
  await new Promise<void>((resolve) => opened.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(opened.server.address() as AddressInfo).port}`;
}

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(method: string, path: string, options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(path.startsWith('http') ? path : base + path, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}

const invoke = (url: string, bearer: string) =>
  call('POST', url, { json: { client: { id: 'client-1', name: 'billing' }, scope: ['read'], audience: 'https://api.example.com', context: {} }, headers: { authorization: `Bearer ${bearer}` } });

test.before(async () => {
  data = mkdtempSync(join(tmpdir(), 'ext-compilers-server-'));
  await start();
});
test.after(async () => {
  await opened.close();
  rmSync(data, { recursive: true, force: true });
});

test("GET /api/status: version, node, sandbox, and the container's counts, to whoever manages it", async () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  await call('PUT', '/api/webtask/counted/one', { token: opened.adminToken, json: { code: 'module.exports = (cb) => cb();' } });
  const status = await call('GET', '/api/status?container=counted', { token: opened.adminToken });
  assert.is(status.status, 200, JSON.stringify(status.body));
  assert.equal({ ...status.body, uptime_s: 0 }, { version: manifest.version, node: process.version, sandbox: 'worker', uptime_s: 0, container: { name: 'counted', webtasks: 1, storage_bytes: 0, streamed: false } });
  const other = (await call('POST', '/api/tokens/issue', { token: opened.adminToken, json: { ten: 'other' } })).body as string;
  assert.is((await call('GET', '/api/status?container=counted', { token: other })).status, 403);
  assert.is((await call('GET', '/api/status?container=other', { token: other })).body.container.webtasks, 0);
  assert.is((await call('GET', '/api/status', { token: opened.adminToken })).status, 400);
  assert.is((await call('GET', '/api/status?container=counted')).status, 401);
});

test('code that does not compile is refused at create (400, the runtime\'s words), nothing stored; other compilers\' code is theirs to judge', async () => {
  const admin = { token: opened.adminToken };
  const bad = await call('PUT', '/api/webtask/syntax/bad', { ...admin, json: { code: 'module.exports = (cb) => { cb( };' } });
  assert.equal([bad.status, bad.body.message], [400, "Unable to compile submitted JavaScript: SyntaxError: Unexpected token '}'"]);
  assert.is((await call('GET', '/api/webtask/syntax/bad', admin)).status, 404);
  const hook = await call('PUT', '/api/webtask/syntax/hook', { ...admin, json: { code: 'module.exports = function (', meta: { 'wt-compiler': 'auth0-ext-compilers/client-credentials-exchange' } } });
  assert.is(hook.status, 400);
  // Returning the function at the top level, as webtask-runtime allows, is JavaScript it loads.
  assert.is((await call('PUT', '/api/webtask/syntax/returns', { ...admin, json: { code: 'return function (cb) { cb(null, 1); };' } })).status, 200);
  const other = await call('PUT', '/api/webtask/syntax/other', { ...admin, json: { code: '<template>not javascript</template>', meta: { 'wt-compiler': 'https://compilers.example/vue.js' } } });
  assert.is(other.status, 200, JSON.stringify(other.body));
});

test('/edit/{container} (where wt edit goes): a page saying the editor is not available yet, not a 404', async () => {
  for (const path of ['/edit/acme', '/edit/acme/', '/edit/v2/acme']) {
    const page = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
    assert.equal([page.status, page.headers.get('content-type'), page.headers.get('content-security-policy')], [200, 'text/html; charset=utf-8', "default-src 'none'; frame-ancestors 'none'"]);
    assert.match(await page.text(), 'The webtask editor is not available on this server yet');
  }
});

test('first start: an admin token in <data>/admin-token, mode 0600', () => {
  assert.ok(opened.created);
  assert.is(readFileSync(join(data, 'admin-token'), 'utf8').trim(), opened.adminToken);
  assert.is(statSync(join(data, 'admin-token')).mode & 0o777, 0o600);
});

test('create the hook, discover it by meta, invoke it with the Bearer from its meta', async () => {
  const created = await call('PUT', '/api/webtask/tenant-a/cce-hook', { token: opened.adminToken, json: { code: HOOK, secrets: { 'auth0-extension-secret': BEARER, API_KEY }, meta: META } });
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.equal(created.body, { container: 'tenant-a', name: 'cce-hook', meta: META, webtask_url: `${base}/api/run/tenant-a/cce-hook` });
  assert.is(created.headers.get('location'), created.body.webtask_url);
  await call('PUT', '/api/webtask/tenant-a/other', { token: opened.adminToken, json: { code: 'module.exports = (cb) => cb(null, 1);', meta: { 'auth0-extension-name': 'pre-user-registration' } } });

  const found = await call('GET', '/api/webtask/tenant-a?meta=auth0-extension-name:credentials-exchange&meta=auth0-extension:runtime', { token: opened.adminToken });
  assert.is(found.status, 200);
  assert.equal(found.body.map((item: { name: string }) => item.name), ['cce-hook']);
  const [hook] = found.body as { webtask_url: string; meta: Record<string, string> }[];

  const ok = await invoke(hook!.webtask_url, hook!.meta['auth0-extension-secret']!);
  assert.is(ok.status, 200);
  assert.equal(ok.body, { statusCode: 200, headers: {}, status: 'success', data: { scope: ['read', 'extra'], 'https://example.com/key': API_KEY } });
  assert.match(String(ok.headers.get('server-timing')), /^compile;dur=[\d.]+;desc="compile", modules;dur=[\d.]+;desc="module load", user;dur=[\d.]+;desc="user code"$/);
});

test('a wrong Bearer gets the error envelope', async () => {
  const wrong = await invoke(`${base}/api/run/tenant-a/cce-hook`, 'not-the-secret');
  assert.is(wrong.status, 200);
  assert.is(wrong.body.status, 'error');
  assert.is(wrong.body.data.message, 'Unauthorized extensibility point');
});

test('tokens: a container token manages its container only; expired and alg none are 401', async () => {
  const issued = await call('POST', '/api/tokens/issue', { token: opened.adminToken, json: { ten: 'tenant-a', dd: 1 } });
  assert.is(issued.status, 200, JSON.stringify(issued.body));
  const token = issued.body as string;
  assert.is((await call('GET', '/api/webtask/tenant-a', { token })).status, 200);
  const other = await call('GET', '/api/webtask/tenant-b', { token });
  assert.is(other.status, 403, JSON.stringify(other.body));

  const expired = (await call('POST', '/api/tokens/issue', { token: opened.adminToken, json: { ten: 'tenant-a', exp: Math.floor(Date.now() / 1000) - 60 } })).body as string;
  assert.is((await call('GET', '/api/webtask/tenant-a', { token: expired })).status, 401);

  const [, payload] = token.split('.');
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
  assert.is((await call('GET', '/api/webtask/tenant-a', { token: none })).status, 401);
  assert.is((await call('GET', '/api/webtask/tenant-a')).status, 401, 'no token');
  assert.is((await call('GET', '/api/webtask/tenant-a', { token: 'x'.repeat(40) })).status, 401, 'garbage');
});

test('revoking a token revokes the tokens it issued', async () => {
  const parent = (await call('POST', '/api/tokens/issue', { token: opened.adminToken, json: { ten: 'tenant-a', dd: 2 } })).body as string;
  const child = (await call('POST', '/api/tokens/issue', { token: parent, json: { ten: 'tenant-a', dd: 0 } })).body as string;
  assert.is((await call('GET', '/api/webtask/tenant-a', { token: child })).status, 200);
  const revoked = await call('POST', '/api/tokens/revoke', { token: opened.adminToken, json: { token: parent } });
  assert.is(revoked.status, 200, JSON.stringify(revoked.body));
  assert.is((await call('GET', '/api/webtask/tenant-a', { token: child })).status, 401);
});

test('storage: GET/PUT /data with etags, seen by the webtask', async () => {
  await call('PUT', '/api/webtask/tenant-a/counter', {
    token: opened.adminToken,
    json: { code: 'module.exports = (ctx, cb) => ctx.storage.get((e, d) => { const n = ((d && d.n) || 0) + 1; ctx.storage.set({ n }, (e2) => cb(e2, { n })); });' },
  });
  const put = await call('PUT', '/api/webtask/tenant-a/counter/data', { token: opened.adminToken, json: { data: { n: 41 } } });
  assert.is(put.status, 200);
  assert.equal((await call('POST', '/api/run/tenant-a/counter')).body, { n: 42 });
  const read = await call('GET', '/api/webtask/tenant-a/counter/data', { token: opened.adminToken });
  assert.is(read.body.data.n, 42);
  const stale = await call('PUT', '/api/webtask/tenant-a/counter/data', { token: opened.adminToken, json: { data: { n: 0 }, etag: put.body.etag } });
  assert.is(stale.status, 409);
});

test('errors: unknown webtask 404, code over 100 KB 413, both code and url 400', async () => {
  assert.is((await call('POST', '/api/run/tenant-a/missing')).status, 404);
  assert.is((await call('PUT', '/api/webtask/tenant-a/big', { token: opened.adminToken, json: { code: `// ${'x'.repeat(101 * 1024)}` } })).status, 413);
  assert.is((await call('PUT', '/api/webtask/tenant-a/both', { token: opened.adminToken, json: { code: 'x', url: 'https://example.com/x.js' } })).status, 400);
  assert.is((await call('DELETE', '/api/webtask/tenant-a/missing', { token: opened.adminToken })).status, 404);
});

test("logs: the container's console lines stream as JSON records", async () => {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/logs/tenant/tenant-a`, { headers: { authorization: `Bearer ${opened.adminToken}` }, signal: controller.signal });
  assert.is(response.headers.get('content-type'), 'text/event-stream');
  const reader = response.body!.getReader();
  await invoke(`${base}/api/run/tenant-a/cce-hook`, BEARER);
  let text = '';
  const deadline = Date.now() + 5000;
  while (!(text.includes('exchanging for') && text.includes('"timing"')) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  const timed = JSON.parse(text.split('\n').find((line) => line.startsWith('data: ') && line.includes('"timing"'))!.slice(6));
  assert.equal([timed.name, typeof timed.timing.user, typeof timed.timing.compile], ['cce-hook', 'number', 'number']);
  const record = JSON.parse(text.split('\n').find((line) => line.startsWith('data: ') && line.includes('exchanging'))!.slice(6));
  assert.equal([record.level, record.container, record.name, record.msg], ['info', 'tenant-a', 'cce-hook', 'exchanging for client-1']);
  assert.type(record.time, 'string');
});

test('no secret in plain text in any file under the data directory', () => {
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
  })(data);
  assert.ok(files.length > 3);
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const secret of [BEARER, API_KEY]) assert.is(bytes.indexOf(secret), -1, `${secret} in ${file}`);
  }
});

test('close() ends an open log stream as a stream ends, so a client tells a stop from a crash', async () => {
  const response = await fetch(`${base}/api/logs/tenant/tenant-a`, { headers: { authorization: `Bearer ${opened.adminToken}` }, signal: AbortSignal.timeout(10_000) });
  const closed = opened.close();
  // text() resolves on the stream's end; a cut connection rejects it ("terminated").
  assert.is(await response.text(), ': connected\n\n');
  await closed;
  await start();
});

test('after a restart every webtask is still there and runs', async () => {
  await opened.close();
  await start();
  assert.not.ok(opened.created, 'the same keys and admin token');
  const listed = await call('GET', '/api/webtask/tenant-a', { token: opened.adminToken });
  assert.equal(listed.body.map((item: { name: string }) => item.name).sort(), ['cce-hook', 'counter', 'other']);
  const ok = await invoke(`${base}/api/run/tenant-a/cce-hook`, BEARER);
  assert.equal(ok.body.data['https://example.com/key'], API_KEY);
});

test.run();
