// The run route's shortcut must read a URL exactly as the general router does (`new URL()`, then
// the path's segments percent-decoded) or leave it to the router.
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryStore, createWebtaskServer } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { simpleRunPath } from '../src/routes/run-routes.ts';

/** What the router makes of a URL for `/api/run/:container/:name/*`. */
function routed(url: string): { container: string; name: string; rest: string; search: string } | undefined {
  const parsed = new URL(url, 'http://localhost');
  const segments = parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] !== 'api' || segments[1] !== 'run' || segments.length < 4) return undefined;
  return { container: segments[2]!, name: segments[3]!, rest: segments.slice(4).join('/'), search: parsed.search };
}

const TAKEN = [
  '/api/run/tenant-a/cce-hook',
  '/api/run/tenant-a/cce-hook/',
  '/api/run/tenant-a/cce-hook/a/b',
  '/api/run/tenant-a/cce-hook/a//b/',
  '/api/run/tenant-a/cce-hook?x=1&y=2',
  '/api/run/tenant-a/cce-hook?',
  '/api/run/tenant-a/cce-hook/x?a=1?b=/c',
  '/api/run/t.n~!$+=:@/n_1-2/r(1)*,;?q=a+b',
  '/api/run/a.b/c..d/e',
];
const LEFT = [
  '/api/run/tenant-a/../x/hook', // URL resolves the dot segments
  '/api/run/./n/x',
  '/api/run/c/n/./x',
  '/api/run/c/n/a/../b',
  '/api/run/c/n%41', // escapes are the router's
  '/api/run/c/n?q=%20',
  "/api/run/c/n?q='x'", // URL re-encodes a quote in a query
  '/api/run/c/n?q="x"',
  '/api/run/c/n#f',
  '/api/run/c\\n/x',
  '/api/run/c/ñ',
  '/api/run/c', // the ad-hoc route
  '/api/run/c/',
  '/api/webtask/c/n',
  'http://other/api/run/c/n',
  `/api/run/c/n/${'a/'.repeat(1100)}`, // over 2048 characters
];

test('the shortcut reads what the router reads', () => {
  for (const url of TAKEN) assert.equal(simpleRunPath(url), routed(url), url);
});

test('URLs that URL parsing would change are left to the router', () => {
  for (const url of LEFT) assert.is(simpleRunPath(url), undefined, url);
});

test('a long run of slashes is read in linear time (no backtracking)', () => {
  const started = performance.now();
  for (let i = 0; i < 100; i++) simpleRunPath(`/api/run/c/n${'/'.repeat(2000)}x`);
  assert.ok(performance.now() - started < 500);
});

test('end to end: the webtask sees the same URL through the shortcut and the router', async () => {
  const store = createMemoryStore();
  await store.put('c', 'echo', { code: 'module.exports = (ctx, req, res) => { res.writeHead(200); res.end(req.url); };' });
  const server = createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken: 'ecadm_test-admin-token-0123456789abcdef', sandbox: 'in-process', logger: { error() {} } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const seen = async (path: string) => (await fetch(base + path, { method: 'POST' })).text();
    assert.is(await seen('/api/run/c/echo/a/b?x=1'), '/a/b?x=1'); // the shortcut
    assert.is(await seen('/api/run/c/echo/a/./b?x=1'), '/a/b?x=1'); // the router
    assert.is(await seen('/api/run/c/ech%6F/a/b?x=1'), '/a/b?x=1'); // the router, decoded
    assert.is((await fetch(`${base}/api/run/c/missing`)).status, 404);
    assert.is((await fetch(`${base}/api/run/c/bad%20name`)).status, 400);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
