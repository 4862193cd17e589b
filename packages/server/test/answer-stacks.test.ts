// Issue 15, item 5: no answer carries a frame of the server's install. Every way an error's stack
// reaches an answer — a synchronous throw, cb(error), a rejected promise, an error the runtime made
// (storage), a point compiler's envelope (a throw, the point's own error class, generic's cb),
// code that does not compile or throws while loading — in every sandbox, on a real server
// (127.0.0.1, port 0). The user's frames stay: a user's error still names its line in webtask.js.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, createWebtaskServer } from '@ext-compilers/server';
import type { Sandbox } from '@ext-compilers/runtime';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
const POINT = { 'wt-compiler': 'auth0-ext-compilers/pre-user-registration' };
const GENERIC = { 'wt-compiler': 'auth0-ext-compilers/generic' };
const BODY = JSON.stringify({ user: { id: 'u1' }, context: { connection: { id: 'c1' } } });

// What only the server's install shows: our packages' code, node_modules, Node's own modules.
const HOST = /[\\/]packages[\\/][^\\/"]+[\\/](?:src|dist|bin)[\\/]|node_modules|node:/;
const USER_FRAME = /^ {4}at .*webtask\.js:\d+:\d+\)?$/;

interface Case {
  name: string;
  code: string;
  meta?: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'sync-throw', code: "module.exports = (ctx, cb) => { JSON.parse('{bad'); };" },
  { name: 'callback-error', code: "module.exports = (ctx, cb) => cb(new Error('refused'));" },
  { name: 'rejected', code: "module.exports = async (ctx) => { throw new TypeError('rejected'); };" },
  { name: 'runtime-error', code: "module.exports = (ctx, cb) => ctx.storage.set({ a: 1 }, { etag: 'stale' }, cb);" },
  { name: 'point-throw', meta: POINT, code: "module.exports = (user, context, cb) => { JSON.parse('{bad'); };" },
  { name: 'point-class', meta: POINT, code: "module.exports = (user, context, cb) => cb(new PreUserRegistrationError('refused', 'No.'));" },
  { name: 'generic-callback', meta: GENERIC, code: "module.exports = (ctx, cb) => cb(new Error('refused'));" },
  { name: 'syntax', code: 'module.exports = (cb) => { cb( };' },
  { name: 'load-throw', code: "throw new Error('at load');" },
  { name: 'point-load-throw', meta: POINT, code: "throw new Error('at load');" },
];

// Per case: the status, and what the answer's stack shows (its first frame the user's; no frame;
// no stack at all). A user's own error keeps its frame in webtask.js; a storage error is made once
// the set has been checked against the store, after the user's call returned, in every sandbox.
const EXPECTED: unknown[] = [
  ['sync-throw', 500, 'user frame first'],
  ['callback-error', 400, 'user frame first'],
  ['rejected', 400, 'user frame first'],
  ['runtime-error', 409, 'no frames'],
  ['point-throw', 200, 'user frame first'],
  ['point-class', 200, 'user frame first'],
  ['generic-callback', 200, 'user frame first'],
  ['syntax', 400, 'no stack'],
  ['load-throw', 400, 'no stack'],
  ['point-load-throw', 200, 'no frames'],
];

function stackShape(body: any): string {
  const stack: unknown = body?.stack ?? body?.data?.stack;
  if (typeof stack !== 'string') return 'no stack';
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  if (frames.length === 0) return 'no frames';
  // JSON.parse's own frame (<anonymous>) comes before the user's line.
  const first = frames.find((line) => !line.includes('(<anonymous>)'));
  return first && USER_FRAME.test(first) ? 'user frame first' : `first frame ${first}`;
}

for (const sandbox of ['in-process', 'worker', 'process', 'jail'] as Sandbox[]) {
  const test = suite(`${sandbox}: answers without the server's frames`);
  let base = '';
  let close = async (): Promise<void> => {};

  test.before(async () => {
    const store = createMemoryStore();
    for (const { name, code, meta } of CASES) await store.put('acme', name, { code, meta });
    const server = createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken: ADMIN, sandbox, workers: 2, timeout: 5000, logger: { error() {} } });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  test.after(() => close());

  test('every error path: the status, the user frame kept, no host path anywhere in the answer', async () => {
    const seen: unknown[] = [];
    const leaks: string[] = [];
    for (const { name } of CASES) {
      const response = await fetch(`${base}/api/run/acme/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY, signal: AbortSignal.timeout(15_000) });
      const text = await response.text();
      if (HOST.test(text)) leaks.push(`${name}: ${text}`);
      seen.push([name, response.status, stackShape(JSON.parse(text))]);
    }
    assert.equal(seen, EXPECTED);
    assert.equal(leaks, []);
  });

  test.run();
}
