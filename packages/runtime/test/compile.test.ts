import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createModuleStore } from '@ext-compilers/modules';
import { type CompileOptions, compile, simulate } from '@ext-compilers/runtime';

const quiet = { info() {}, warn() {}, error() {} };

const FIXTURES = fileURLToPath(new URL('./fixtures/compile/', import.meta.url));
const require = createRequire(import.meta.url);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const NOT_A_FUNCTION = 'Unable to compile submitted JavaScript. Error: Supplied code must return or export a function.';
const BAD_SIGNATURE =
  'Unable to compile submitted JavaScript. Error: The JavaScript function must have one of the following signatures: ([ctx], callback) or (ctx, req, res).';

type Failure = Error & { code?: unknown; details?: unknown; error?: unknown; cause?: Error & { code?: unknown; cause?: unknown } };
type Fn = (...args: unknown[]) => void;

async function rejects(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected a rejection');
}

/** Call a 1- or 2-ary webtask function and resolve with what it calls back. */
function call(fn: unknown, ctx: Record<string, unknown> = {}): Promise<unknown> {
  const f = fn as Fn;
  return new Promise((resolve, reject) => {
    const cb = (error: unknown, data: unknown) => (error ? reject(error) : resolve(data));
    if (f.length === 1) f(cb);
    else f(ctx, cb);
  });
}

/** Call a 3-ary function with a minimal request and response; resolve with the status and the parsed body. */
function callRaw(fn: unknown, ctx: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve) => {
    let status = 0;
    const res = {
      headersSent: false,
      writableEnded: false,
      writeHead(s: number) {
        status = s;
        this.headersSent = true;
      },
      end(body = '') {
        this.writableEnded = true;
        resolve({ status, body: JSON.parse(body) });
      },
    };
    (fn as Fn)({ headers: {}, ...ctx }, { method: 'POST', headers: ctx.headers ?? {} }, res);
  });
}

/** webtask-runtime@2.0.0's own compile, for side-by-side error shapes. */
function referenceCompile(code: string): Promise<Failure> {
  const reference = require('webtask-runtime/lib/compiler.js') as { compile: (code: string, options: object, cb: (error: Failure) => void) => void };
  return new Promise((resolve) => reference.compile(code, { logger: silent }, resolve));
}

let unique = 0;
/** A comment that makes the code new to the cache, so each test starts cold. */
const fresh = (code: string): string => `${code}\n// ${process.pid}-${Date.now()}-${unique++}`;

// --- the Node compiler path ----------------------------------------------------------------

test('module.exports = fn resolves to that function', async () => {
  const fn = await compile(fresh('module.exports = function (cb) { cb(null, "hi"); };'));
  assert.is(await call(fn), 'hi');
});

test('a top-level return is the webtask function', async () => {
  const fn = await compile(fresh('return function (ctx, cb) { cb(null, ctx.x); };'));
  assert.is(await call(fn, { x: 3 }), 3);
});

test('a UTF-8 BOM is stripped', async () => {
  const fn = await compile(fresh('\uFEFFmodule.exports = (cb) => cb(null, "bom");'));
  assert.is(await call(fn), 'bom');
});

test('the callback forms: compile(code, cb) and compile(code, options, cb)', async () => {
  const viaTwo = await new Promise((resolve, reject) =>
    compile(fresh('module.exports = (cb) => cb(null, 2);'), (error, fn) => (error ? reject(error) : resolve(fn))),
  );
  assert.is(await call(viaTwo), 2);
  const viaThree = await new Promise((resolve, reject) =>
    compile(fresh('module.exports = (ctx, cb) => cb(null, ctx.v);'), { cache: false }, (error, fn) => (error ? reject(error) : resolve(fn))),
  );
  assert.is(await call(viaThree, { v: 3 }), 3);
  const failed = await new Promise<Failure>((resolve) => compile(fresh('module.exports = 1;'), undefined, (error) => resolve(error as Failure)));
  assert.is(failed.message, NOT_A_FUNCTION);
});

test('module.webtask is { meta, params, secrets } at load time, or the webtaskApi given', async () => {
  const code = fresh('const api = module.webtask;\nmodule.exports = (cb) => cb(null, api);');
  const options = { meta: { m: '1' }, params: { p: 2 }, secrets: { s: '3' } };
  assert.equal(await call(await compile(code, options)), { meta: { m: '1' }, params: { p: 2 }, secrets: { s: '3' } });
  const webtaskApi = { storage: { kind: 'storage' } };
  assert.is(await call(await compile(code, { webtaskApi })), webtaskApi);
});

test('dirname, filename and extraModulePaths place the module', async () => {
  const code = fresh("module.exports = (cb) => cb(null, [__filename, require('./helper'), require('fixture-present')]);");
  assert.equal(await call(await compile(code, { dirname: FIXTURES, filename: 'hook.js' })), [`${FIXTURES}hook.js`, 'helper', 'present']);
  const viaExtra = fresh("module.exports = (cb) => cb(null, require('fixture-present'));");
  assert.is(await call(await compile(viaExtra, { dirname: '/', extraModulePaths: [`${FIXTURES}node_modules`] })), 'present');
});

test('not a function: the reference error, serialised exactly as webtask-runtime does', async () => {
  const code = fresh('module.exports = { not: "a function" };');
  const error = await rejects(compile(code));
  assert.equal([error.message, error.code, error.details], [NOT_A_FUNCTION, 400, NOT_A_FUNCTION]);
  assert.is(JSON.stringify(error), JSON.stringify(await referenceCompile(code)));
  assert.equal(Object.keys(error), ['code', 'details']);
  assert.is(error.cause?.code, 'ERR_COMPILE_NOT_A_FUNCTION');
});

for (const [arity, code] of [
  [0, 'module.exports = function () {};'],
  [4, 'module.exports = function (a, b, c, d) {};'],
] as const) {
  test(`arity ${arity}: the reference's signature error`, async () => {
    const error = await rejects(compile(fresh(code)));
    assert.equal([error.message, error.code, error.details], [BAD_SIGNATURE, 400, BAD_SIGNATURE]);
    assert.is(JSON.stringify(error), JSON.stringify(await referenceCompile(fresh(code))));
    assert.is(error.cause?.code, 'ERR_COMPILE_SIGNATURE');
  });
}

test('a syntax error: `Unable to compile submitted JavaScript: <e>`, code 400, the reference fields', async () => {
  const code = fresh('module.exports = function (cb) {');
  const error = await rejects(compile(code));
  assert.equal(
    { code: error.code, error: error.error, details: error.details, name: error.name, message: error.message },
    {
      code: 400,
      error: 'Unable to compile submitted JavaScript: SyntaxError: Unexpected end of input',
      details: 'SyntaxError: Unexpected end of input',
      name: 'SyntaxError',
      message: 'Unexpected end of input',
    },
  );
  assert.is(JSON.stringify(error), JSON.stringify(await referenceCompile(code)));
  assert.is(error.cause?.code, 'ERR_COMPILE_FAILED');
  assert.instance(error.cause?.cause, SyntaxError);
});

test('a throw while loading is a compile failure naming it', async () => {
  const error = await rejects(compile(fresh("throw new TypeError('no config');")));
  assert.equal([error.code, error.error, error.name, error.message], [400, 'Unable to compile submitted JavaScript: TypeError: no config', 'TypeError', 'no config']);
});

test('misuse is a TypeError', () => {
  assert.throws(() => compile(42 as unknown as string), TypeError);
});

// --- the cache -----------------------------------------------------------------------------

const counting = (id: string): string =>
  `globalThis.__compileLoads = globalThis.__compileLoads || {}; globalThis.__compileLoads[${JSON.stringify(id)}] = (globalThis.__compileLoads[${JSON.stringify(id)}] || 0) + 1;\nmodule.exports = (cb) => cb(null, 1);`;
const loads = (id: string): number => (globalThis as { __compileLoads?: Record<string, number> }).__compileLoads?.[id] ?? 0;

test('the same inputs compile once: the same function, the code loaded once', async () => {
  const code = fresh(counting('same'));
  const options = { meta: { a: '1', b: '2' }, secrets: { S: 'x' } };
  const first = await compile(code, options);
  const second = await compile(code, { secrets: { S: 'x' }, meta: { b: '2', a: '1' } });
  assert.is(second, first);
  assert.is(loads('same'), 1);
});

test('concurrent compiles of the same inputs share one load', async () => {
  const code = fresh(counting('concurrent'));
  const [a, b] = await Promise.all([compile(code), compile(code)]);
  assert.is(a, b);
  assert.is(loads('concurrent'), 1);
});

test('the same code with different secrets (or meta, or location) gets different functions', async () => {
  const code = fresh(counting('secrets'));
  const one = await compile(code, { secrets: { S: 'one' } });
  const two = await compile(code, { secrets: { S: 'two' } });
  const meta = await compile(code, { secrets: { S: 'one' }, meta: { m: '1' } });
  const place = await compile(code, { secrets: { S: 'one' }, dirname: FIXTURES });
  assert.is(new Set([one, two, meta, place]).size, 4);
  assert.is(loads('secrets'), 4);
});

test('an explicit webtaskApi is part of the key by identity', async () => {
  const code = fresh(counting('api'));
  const api = { storage: {} };
  assert.is(await compile(code, { webtaskApi: api }), await compile(code, { webtaskApi: api }));
  assert.is.not(await compile(code, { webtaskApi: api }), await compile(code, { webtaskApi: { storage: {} } }));
  assert.is(loads('api'), 2);
});

test('cache: false compiles every time', async () => {
  const code = fresh(counting('off'));
  assert.is.not(await compile(code, { cache: false }), await compile(code, { cache: false }));
  assert.is(loads('off'), 2);
});

test('the cache is bounded and forgets the least recently used first', async () => {
  const cache = { max: 2 };
  const [a, b, c] = ['lru-a', 'lru-b', 'lru-c'].map((id) => fresh(counting(id))) as [string, string, string];
  await compile(a, { cache });
  await compile(b, { cache });
  await compile(a, { cache }); // a is now the most recently used
  await compile(c, { cache }); // evicts b
  await compile(a, { cache });
  await compile(b, { cache });
  assert.equal([loads('lru-a'), loads('lru-b'), loads('lru-c')], [1, 2, 1]);
});

test('failures are not cached', async () => {
  const code = fresh("globalThis.__failLoads = (globalThis.__failLoads || 0) + 1; throw new Error('flaky');");
  await rejects(compile(code));
  await rejects(compile(code));
  assert.is((globalThis as { __failLoads?: number }).__failLoads, 2);
});

// --- wt-compiler ---------------------------------------------------------------------------

const withCompiler = (compiler: string, extra: CompileOptions = {}): CompileOptions => ({
  dirname: FIXTURES,
  ...extra,
  meta: { 'wt-compiler': compiler, ...extra.meta },
});

test('wt-compiler=auth0-ext-compilers/client-credentials-exchange is served by ours: envelope and Bearer check', async () => {
  const script = fresh("module.exports = function (client, scope, audience, context, cb) { cb(null, { accessToken: { scope: ['read'], aud: audience, id: client.id } }); };");
  const secrets = { 'auth0-extension-secret': 'sekret' };
  const fn = await compile(script, withCompiler('auth0-ext-compilers/client-credentials-exchange', { secrets }));
  assert.is(fn.length, 3);
  const body = { client: { id: 'c1' }, scope: [], audience: 'https://api' };
  const ok = await callRaw(fn, { body, secrets, headers: { authorization: 'Bearer sekret' } });
  assert.equal(ok, {
    status: 200,
    body: { statusCode: 200, headers: {}, status: 'success', data: { accessToken: { scope: ['read'], aud: 'https://api', id: 'c1' } } },
  });
  const denied = await callRaw(fn, { body, secrets, headers: { authorization: 'Bearer wrong' } });
  assert.equal([denied.status, (denied.body as { status: string; data: { message: string } }).data.message], [200, 'Unauthorized extensibility point']);
});

test('wt-compiler=ext-compilers/generic is ours too', async () => {
  const fn = await compile(fresh('module.exports = (ctx, cb) => cb(null, { x: ctx.body.x });'), withCompiler('ext-compilers/generic'));
  const out = await callRaw(fn, { body: { x: 7 } });
  assert.equal(out.body, { statusCode: 200, headers: {}, status: 'success', data: { x: 7 } });
});

test('wt-compiler=ext-compilers/actions/<point>: an Actions hook answers the legacy envelope', async () => {
  const script = fresh("exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim('https://example.com/c', event.client.client_id); };");
  const fn = await compile(script, { meta: { 'wt-compiler': 'ext-compilers/actions/client-credentials-exchange' } });
  const res = await simulate(fn as never, { method: 'POST', payload: { client: { id: 'abc' }, scope: ['read'], audience: 'https://api' }, logger: quiet });
  assert.equal(JSON.parse(res.payload).data, { scope: ['read'], 'https://example.com/c': 'abc' });
  const error = await rejects(compile(fresh('x'), { meta: { 'wt-compiler': 'auth0-ext-compilers/actions/client-credentials-exchange' } }));
  assert.is(error.code, 'ERR_COMPILER_NOT_FOUND');
});

test('an unknown extensibility point is ERR_COMPILER_NOT_FOUND', async () => {
  for (const name of ['ext-compilers/nope', 'auth0-ext-compilers/__proto__']) {
    const error = await rejects(compile(fresh('module.exports = (cb) => cb();'), withCompiler(name)));
    assert.equal([error.code, (error as { details?: unknown }).details], ['ERR_COMPILER_NOT_FOUND', { compiler: name }]);
  }
});

test('wt-compiler=module: its export is the compiler, called with script, nodejsCompiler, secrets and meta', async () => {
  const fn = await compile(fresh('module.exports = (ctx, cb) => cb(null, ctx.q);'), withCompiler('fixture-compiler', { secrets: { S: 's' } }));
  assert.equal(await call(fn, { q: 'query' }), { data: 'query', by: 'fixture-compiler', meta: { 'wt-compiler': 'fixture-compiler' }, secret: 's' });
});

test('wt-compiler=module/export and @scope/module[/export]', async () => {
  const script = fresh('hello');
  assert.is(await call(await compile(script, withCompiler('fixture-compilers/upper'))), script.toUpperCase());
  assert.is(await call(await compile(script, withCompiler('@fx/compiler'))), 'scoped default');
  assert.is(await call(await compile(script, withCompiler('@fx/compiler/named'))), 'scoped named');
});

test('what a custom compiler returns is not arity-checked, only required to be a function', async () => {
  const fn = await compile(fresh('x'), withCompiler('fixture-compilers/fourArgs'));
  assert.is(fn.length, 4);
  const error = await rejects(compile(fresh('x'), withCompiler('fixture-compilers/returnsObject')));
  assert.equal([error.code, error.message, error.cause?.code], [400, NOT_A_FUNCTION, 'ERR_COMPILE_NOT_A_FUNCTION']);
});

test('a compiler that fails or throws is a compile failure in the reference shape', async () => {
  const failed = await rejects(compile(fresh('x'), withCompiler('fixture-compilers/fails')));
  assert.equal([failed.code, failed.error, failed.cause?.code], [400, 'Unable to compile submitted JavaScript: Error: the compiler refuses', 'ERR_COMPILE_FAILED']);
  const threw = await rejects(compile(fresh('x'), withCompiler('fixture-compilers/throws')));
  assert.equal([threw.code, threw.message], [400, 'the compiler throws']);
});

test('a compiler that never calls back fails with ERR_COMPILE_TIMEOUT after compileTimeout', async () => {
  const started = Date.now();
  const error = await rejects(compile(fresh('x'), withCompiler('fixture-compilers/silent', { compileTimeout: 50 })));
  assert.equal([error.code, error.error, error.cause?.code], [400, 'Unable to compile submitted JavaScript: Error: The wt-compiler did not call back within 50 ms', 'ERR_COMPILE_TIMEOUT']);
  assert.ok(Date.now() - started < 2000, 'within its limit');
});

test('a syntax error seen by a module compiler is a compile failure', async () => {
  const error = await rejects(compile(fresh('module.exports = ('), withCompiler('fixture-compiler')));
  assert.equal([error.code, error.name, error.cause?.code], [400, 'SyntaxError', 'ERR_COMPILE_FAILED']);
});

test('module compilers that cannot be used are ERR_COMPILER_NOT_FOUND, each with its reason', async () => {
  const cases: [string, RegExp][] = [
    ['fixture-missing', /cannot be found/],
    ['fixture-compilers/nope', /has no function export 'nope'/],
    ['fixture-compilers/notAFunction', /has no function export 'notAFunction'/],
    ['fixture-compilers', /does not export a function/],
    ['fixture-throws', /failed to load: fixture-throws cannot be loaded/],
    ['not(a)/module', /is neither a module/],
    ['@scope-only', /is neither a module/],
  ];
  for (const [name, message] of cases) {
    const error = await rejects(compile(fresh('x'), withCompiler(name)));
    assert.is(error.code, 'ERR_COMPILER_NOT_FOUND', name);
    assert.match(error.message, message);
  }
});

test("a module compiler not under dirname is resolved from the host's paths", async () => {
  // ext-compilers resolves from this package (the host), not from /: found, but it is an object.
  const error = await rejects(compile(fresh('x'), { dirname: '/', meta: { 'wt-compiler': 'ext-compilers' } }));
  assert.equal([error.code, error.message], ['ERR_COMPILER_NOT_FOUND', "The wt-compiler module 'ext-compilers' does not export a function"]);
});

// --- URL compilers -------------------------------------------------------------------------

async function serve(handler: RequestListener, body: (base: string) => Promise<void>): Promise<void> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const URL_COMPILER =
  "module.exports = (options, cb) => options.nodejsCompiler(options.script, (e, fn) => e ? cb(e) : cb(null, (cb2) => fn((err, d) => cb2(err, 'url:' + d))));";

test('an http URL compiler is fetched, compiled and used', () =>
  serve(
    (req, res) => {
      if (req.url === '/compiler.js') res.end(URL_COMPILER);
      else if (req.url === '/broken.js') res.end('module.exports = (');
      else if (req.url === '/object.js') res.end('module.exports = {};');
      else res.writeHead(404).end('not here');
    },
    async (base) => {
      const fn = await compile(fresh("module.exports = (cb) => cb(null, 'hook');"), { meta: { 'wt-compiler': `${base}/compiler.js` } });
      assert.is(await call(fn), 'url:hook');
      const missing = await rejects(compile(fresh('x'), { meta: { 'wt-compiler': `${base}/missing.js` } }));
      assert.equal([missing.code, missing.details], ['ERR_COMPILER_FETCH', { url: `${base}/missing.js`, status: 404 }]);
      const broken = await rejects(compile(fresh('x'), { meta: { 'wt-compiler': `${base}/broken.js` } }));
      assert.equal([broken.code, broken.message], ['ERR_COMPILER_FETCH', `The wt-compiler at ${base}/broken.js does not compile: Unexpected end of input`]);
      const object = await rejects(compile(fresh('x'), { meta: { 'wt-compiler': `${base}/object.js` } }));
      assert.equal([object.code, object.message], ['ERR_COMPILER_FETCH', `The wt-compiler at ${base}/object.js does not export a function`]);
    },
  ));

test('a URL compiler that does not answer in time is ERR_COMPILER_FETCH', () =>
  serve(
    (_req, res) => {
      res.writeHead(200);
      res.write('// started, never finished\n');
    },
    async (base) => {
      const started = Date.now();
      const error = await rejects(compile(fresh('x'), { meta: { 'wt-compiler': `${base}/slow.js` }, compilerFetch: { timeout: 150 } }));
      assert.equal([error.code, error.details], ['ERR_COMPILER_FETCH', { url: `${base}/slow.js`, timeout: 150 }]);
      assert.ok(Date.now() - started < 2000);
    },
  ));

test('a URL compiler over the size limit is ERR_COMPILER_FETCH, with or without content-length', () =>
  serve(
    (req, res) => {
      const big = `module.exports = () => {}; // ${'x'.repeat(2048)}`;
      if (req.url === '/declared.js') res.end(big);
      else {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
        res.end();
      }
    },
    async (base) => {
      for (const path of ['/declared.js', '/chunked.js']) {
        const error = await rejects(compile(fresh('x'), { meta: { 'wt-compiler': `${base}${path}` }, compilerFetch: { maxSize: 1024 } }));
        assert.equal([error.code, error.details], ['ERR_COMPILER_FETCH', { url: `${base}${path}`, limit: 1024 }]);
      }
    },
  ));

test('an unreachable URL compiler is ERR_COMPILER_FETCH', async () => {
  let port = 0;
  await serve(() => undefined, async (base) => {
    port = Number(new URL(base).port);
  });
  const error = await rejects(compile(fresh('x'), { meta: { 'wt-compiler': `http://127.0.0.1:${port}/gone.js` } }));
  assert.is(error.code, 'ERR_COMPILER_FETCH');
});

// --- 'use npm' -----------------------------------------------------------------------------

/** A store directory in verquire's layout, written by hand: packages.json and each version's package. */
function handMadeStore(packages: Record<string, string[]>): string {
  const root = mkdtempSync(join(tmpdir(), 'runtime-compile-store-'));
  for (const [name, versions] of Object.entries(packages)) {
    for (const version of versions) {
      const directory = join(root, name, version, 'node_modules', name);
      mkdirSync(directory, { recursive: true });
      writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
      writeFileSync(join(directory, 'index.js'), `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`);
    }
  }
  writeFileSync(join(root, 'packages.json'), JSON.stringify(packages));
  return root;
}

test("'use npm' with a module store: versioned requires load from the store, side by side", async () => {
  const root = handMadeStore({ 'fixture-a': ['1.0.0', '2.0.0'], '@fx/b': ['1.0.0'] });
  try {
    const modules = createModuleStore({ root, npm: 'false' });
    const code = fresh("'use npm';\nmodule.exports = (cb) => cb(null, [require('fixture-a@1.0.0'), require('fixture-a@^2'), require('@fx/b@1.0.0')]);");
    assert.equal(await call(await compile(code, { modules })), ['fixture-a@1.0.0', 'fixture-a@2.0.0', '@fx/b@1.0.0']);
    const viaCompiler = fresh("'use npm'\nmodule.exports = (ctx, cb) => cb(null, require('fixture-a@2.0.0'));");
    const fn = await compile(viaCompiler, withCompiler('fixture-compiler', { modules, secrets: { S: 's' } }));
    assert.equal(((await call(fn, {})) as { data: unknown }).data, 'fixture-a@2.0.0');
    const missing = await rejects(compile(fresh("'use npm'\nrequire('fixture-a@9.0.0');"), { modules }));
    assert.equal([missing.code, missing.details], ['ERR_MODULES_MISSING', { specs: ['fixture-a@9.0.0'] }]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("'use npm' without a store: installModules is called once with every missing spec, nested ones included", async () => {
  const calls: string[][] = [];
  const installModules = (specs: string[], cb: (error?: Error) => void) => {
    calls.push(specs);
    cb();
  };
  const code = fresh(
    "'use npm'\nconst fs = require('fs');\nconst here = require('fixture-present');\nconst deps = (function () { return [require('bogus@1.0.0'), require('@scope/x@2/sub')]; })();\nmodule.exports = function (cb) { cb(null, [require('./helper'), require('not-installed'), require('bogus@1.0.0')]); };",
  );
  const error = await rejects(compile(code, { dirname: FIXTURES, installModules, logger: silent }));
  assert.equal(calls, [['bogus@1.0.0', '@scope/x@2/sub', 'not-installed']]);
  assert.equal([error.code, error.name], [400, 'Error']);
  assert.match(String(error.error), /^Unable to compile submitted JavaScript: Error: Cannot find module 'bogus'/);
});

test("'use npm' without a store: what installModules installs is found, versioned requires by their bare name", async () => {
  const extra = mkdtempSync(join(tmpdir(), 'runtime-compile-install-'));
  try {
    const installModules = (specs: string[], cb: (error?: Error) => void) => {
      for (const spec of specs) {
        const name = spec.startsWith('@') ? spec.split('@').slice(0, 2).join('@') : (spec.split('@')[0] as string);
        mkdirSync(join(extra, name), { recursive: true });
        writeFileSync(join(extra, name, 'index.js'), `module.exports = ${JSON.stringify(`installed ${spec}`)};`);
      }
      cb();
    };
    const code = fresh("'use npm'\nmodule.exports = (cb) => cb(null, [require('late@1.2.3'), require('@sc/late@2')]);");
    const fn = await compile(code, { dirname: '/', extraModulePaths: [extra], installModules, logger: silent });
    assert.equal(await call(fn), ['installed late@1.2.3', 'installed @sc/late@2']);
  } finally {
    rmSync(extra, { recursive: true, force: true });
  }
});

test("'use npm' without an installer: the missing modules are logged and the compile error names them", async () => {
  const lines: string[] = [];
  const logger = { info: (line: string) => lines.push(`info ${line}`), warn: (line: string) => lines.push(`warn ${line}`), error: () => undefined };
  const error = await rejects(compile(fresh("'use npm'\nmodule.exports = require('absent-module');"), { dirname: '/', logger }));
  assert.match(String(error.error), /Cannot find module 'absent-module'/);
  assert.equal(lines, [
    'info Your code requires the following modules that are not currently available: [absent-module].',
    'info Installing: [absent-module] please wait...',
    `warn An error was encountered while trying to install missing modules: The code being compiled uses the "use npm" directive and the required modules 'absent-module' are not available but no 'installModules' function was provided.`,
    'warn Attempting to run the webtask anyway...',
  ]);
});

test("without 'use npm' nothing is installed", async () => {
  let called = false;
  const installModules = (_specs: string[], cb: () => void) => {
    called = true;
    cb();
  };
  await rejects(compile(fresh("module.exports = require('absent-module');"), { dirname: '/', installModules, logger: silent }));
  assert.is(called, false);
});

test.run();
