// `ext-compilers serve FILE`: one webtask from a file on 127.0.0.1, answering, then reloading when
// the file changes, on the same port; wt-compiler metadata honoured.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, setUp, envWith, launch, tempDir, within } from './helpers.ts';
import { packFixtures } from '../../modules/test/helpers/pack.ts';
import { npmEnv, startRegistry } from '../../modules/test/helpers/registry.ts';

const test = suite('cli: serve');

let dir: string;
let env: NodeJS.ProcessEnv;

const setup = setUp(() => {
  assertBuilt();
  dir = tempDir('serve');
  env = envWith(join(dir, 'home'));
});
test.before(setup.before);
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function get(url: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return response.json();
}

/** Poll until the answer changes to `expected` (a reload is debounced and asynchronous). */
async function eventually(url: string, expected: unknown): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    last = await get(url);
    try {
      assert.equal(last, expected);
      return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(last, expected);
}

for (const sandbox of ['in-process', 'worker']) {
  test(`${sandbox}: 'use npm' — the versioned require is installed into the module store and loaded from it`, () => {
    setup.ready();
    return within(120_000, (async () => {
      const file = join(dir, `npm-${sandbox}.js`);
      writeFileSync(file, "'use npm';\nconst base = require('fx-base@2.0.0');\nmodule.exports = (cb) => cb(null, { version: base.version });\n");
      const modules = join(dir, `modules-${sandbox}`);
      // npm installs from a registry served here on 127.0.0.1 (the modules package's fixture packages).
      mkdirSync(join(dir, `packed-${sandbox}`));
      const registry = await startRegistry(await packFixtures(join(dir, `packed-${sandbox}`)));
      const npm = { ...npmEnv(join(dir, `npm-${sandbox}`)), npm_config_registry: registry.url };
      const serve = launch(['serve', file, '--port', '0', '--sandbox', sandbox, '--modules', modules], { env: { ...env, ...npm } });
      try {
        const url = (await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+) /))[1]!;
        const response = await fetch(url, { signal: AbortSignal.timeout(100_000) });
        assert.equal(await response.json(), { version: '2.0.0' });
        assert.ok(existsSync(join(modules, 'fx-base', '2.0.0')), 'installed in the store given');
      } finally {
        assert.is(await serve.stop(), 0);
        await registry.close();
      }
    })());
  });

  test(`${sandbox}: serve a file, change it, get the new answer on the same port`, () => {
    setup.ready();
    return within(30_000, (async () => {
      const file = join(dir, `hello-${sandbox}.js`);
      writeFileSync(file, 'module.exports = (ctx, cb) => cb(null, { v: 1, q: ctx.query.q, s: ctx.secrets.S, p: ctx.params.P });\n');
      const serve = launch(['serve', file, '--port', '0', '--sandbox', sandbox, '--secret', 'S=x', '--param', 'P=y'], { env });
      try {
        const url = (await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+) /))[1]!;
        assert.equal(await get(`${url}/?q=a`), { v: 1, q: 'a', s: 'x', p: 'y' });
        writeFileSync(file, 'module.exports = (ctx, cb) => cb(null, { v: 2, q: ctx.query.q });\n');
        await serve.waitFor(/Reloaded /, 10_000);
        await eventually(`${url}/?q=b`, { v: 2, q: 'b' });
      } finally {
        assert.is(await serve.stop(), 0);
      }
    })());
  });
}

test('code that does not compile: serve says why on stderr, at start and at each reload, and keeps serving', () => {
  setup.ready();
  return within(30_000, (async () => {
    const file = join(dir, 'broken.js');
    writeFileSync(file, 'module.exports = (cb) => { cb( };\n');
    const serve = launch(['serve', file, '--port', '0'], { env });
    try {
      const url = (await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+) /))[1]!;
      assert.match(serve.stderr(), "ext-compilers: Unable to compile submitted JavaScript: SyntaxError: Unexpected token '}'\n");
      const answer = (await get(url)) as { code: number; error: string };
      assert.equal([answer.code, answer.error], [400, "Unable to compile submitted JavaScript: SyntaxError: Unexpected token '}'"]);
      writeFileSync(file, 'module.exports = (cb) => cb(null, { fixed: true });\n');
      await serve.waitFor(/Reloaded /, 10_000);
      await eventually(url, { fixed: true });
      writeFileSync(file, 'module.exports = (cb) => cb(null, ;\n');
      await serve.waitFor(/SyntaxError: Unexpected token ';'/, 10_000);
    } finally {
      assert.is(await serve.stop(), 0);
    }
  })());
});

test('wt-compiler meta: an extensibility point with its Bearer check', () => {
  setup.ready();
  return within(30_000, (async () => {
    const file = join(dir, 'exchange.js');
    writeFileSync(file, 'module.exports = (client, scope, audience, context, cb) => cb(null, { scope: scope.concat(["x"]) });\n');
    const serve = launch(['serve', file, '--port', '0', '--meta', 'wt-compiler=ext-compilers/client-credentials-exchange', '--secret', 'auth0-extension-secret=s3cret'], { env });
    try {
      const url = (await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+) /))[1]!;
      const body = JSON.stringify({ client: { id: 'c', name: 'n' }, scope: ['a'], audience: 'x', context: {} });
      const headers = { 'content-type': 'application/json', authorization: 'Bearer s3cret' };
      const answer = (await get(url, { method: 'POST', headers, body })) as { status: string; data: unknown };
      assert.is(answer.status, 'success');
      assert.equal(answer.data, { scope: ['a', 'x'] });
      const refused = (await get(url, { method: 'POST', headers: { ...headers, authorization: 'Bearer no' }, body })) as { status: string };
      assert.is(refused.status, 'error');
    } finally {
      await serve.stop();
    }
  })());
});

test.run();
