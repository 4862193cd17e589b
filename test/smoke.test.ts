// Smoke test of the BUILT packages, as a user gets them. The test runner resolves our packages to
// their TypeScript source (the `@ext-compilers/source` condition); everything checked here runs in
// a child `node` without that condition, from the repository root, so `require`/`import` resolve
// through node_modules to dist/ exactly as they do for someone who installed the packages. The
// source, loaded in this process, is the reference the built output must match. Needs `npm run
// build` first (`npm test` does it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_CONDITION = '@ext-compilers/source';
const POINTS = [
  'generic',
  'client-credentials-exchange',
  'password-exchange',
  'pre-user-registration',
  'post-user-registration',
  'post-change-password',
  'send-phone-message',
];

interface Target {
  [SOURCE_CONDITION]: string;
  import: { types: string; default: string };
  require: { types: string; default: string };
}
interface Entry {
  pkg: string;
  subpath: string;
  specifier: string;
  /** The export name in the package root that a subpath stands for: `ext-compilers/generic` → `generic`. */
  rootKey: string | null;
  target: Target;
}

/** Every package entry with a source condition, from the exports maps (what the build builds). */
const entries: Entry[] = readdirSync(join(ROOT, 'packages'))
  .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
  .flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8'));
    return Object.entries(manifest.exports as Record<string, unknown>)
      .filter((pair): pair is [string, Target] => typeof pair[1] === 'object' && pair[1] !== null && SOURCE_CONDITION in pair[1])
      .map(([subpath, target]) => ({
        pkg: manifest.name as string,
        subpath,
        specifier: manifest.name + subpath.slice(1),
        rootKey: subpath === '.' ? null : subpath.slice(2),
        target,
      }));
  });

const missing = readdirSync(join(ROOT, 'packages'))
  .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
  .flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8'));
    return Object.values(manifest.exports as Record<string, Target | string>)
      .filter((target): target is Target => typeof target === 'object')
      .flatMap((target) => [target.import.default, target.require.default, target.import.types, target.require.types])
      .map((file) => join('packages', dir, file))
      .filter((file) => !existsSync(join(ROOT, file)));
  });

function requireBuild(): void {
  if (missing.length > 0) {
    throw new Error(
      `The built packages are missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}). ` +
        'Run `npm run build` first; `npm test` does.',
    );
  }
}

/** Run CommonJS `source` in a plain `node` at the repository root; its stdout is JSON. */
function runBuilt(source: string, input: unknown): any {
  const env = { ...process.env };
  // Whatever the parent runs with (the source condition, tsx's loader) must not reach the child.
  delete env.NODE_OPTIONS;
  const child = spawnSync(process.execPath, ['--input-type=commonjs', '-e', source, JSON.stringify(input)], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`child node exited with ${child.status ?? child.signal}:\n${child.stderr}`);
  return JSON.parse(child.stdout);
}

// Loads every entry both ways and describes what it got: resolved files, export names, and for
// functions their arity and whether they are the very function the package root exports.
const DESCRIBE = String.raw`
const entries = JSON.parse(process.argv[1]);
const describe = (value) => ({
  type: typeof value,
  keys: value && typeof value === 'object' ? Object.keys(value).sort() : null,
  length: typeof value === 'function' ? value.length : null,
});
(async () => {
  const out = {};
  for (const { pkg, specifier, rootKey } of entries) {
    const cjs = require(specifier);
    const esm = await import(specifier);
    out[specifier] = {
      resolved: require.resolve(specifier),
      cjs: describe(cjs),
      esm: { keys: Object.keys(esm).sort(), default: 'default' in esm ? describe(esm.default) : null },
      cjsIsRootExport: rootKey === null ? null : cjs === require(pkg)[rootKey],
      esmIsRootExport: rootKey === null ? null : esm.default === (await import(pkg))[rootKey],
    };
  }
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

let described: Record<string, any> | undefined;
function builtShapes(): Record<string, any> {
  requireBuild();
  described ??= runBuilt(DESCRIBE, entries.map(({ pkg, specifier, rootKey }) => ({ pkg, specifier, rootKey })));
  return described!;
}

/** The source module's runtime exports (this process resolves packages to their source). */
async function sourceKeys(specifier: string): Promise<string[]> {
  return Object.keys(await import(specifier)).sort();
}

test('the build exists (run `npm run build` first)', () => {
  requireBuild();
});

test('every entry resolves to dist/ outside the test runner, through node_modules', () => {
  const shapes = builtShapes();
  for (const { specifier, target } of entries) {
    const resolved = shapes[specifier].resolved as string;
    assert.ok(resolved.endsWith(target.require.default.slice(1)), `${specifier} → ${resolved}`);
    assert.ok(resolved.includes('/dist/'), `${specifier} → ${resolved}`);
  }
});

test('every entry exports in both CJS and ESM what its source exports', async () => {
  const shapes = builtShapes();
  for (const { specifier } of entries) {
    const keys = await sourceKeys(specifier);
    const { cjs, esm } = shapes[specifier];
    assert.equal(esm.keys, keys, `import * from '${specifier}'`);
    if (keys.length === 1 && keys[0] === 'default') {
      // A default-only entry is `module.exports = value` for require().
      const source = (await import(specifier)).default;
      assert.is(cjs.type, typeof source, `require('${specifier}')`);
      assert.equal(esm.default, cjs, `import x from '${specifier}'`);
    } else {
      assert.is(cjs.type, 'object', `require('${specifier}')`);
      assert.equal(cjs.keys, keys, `require('${specifier}')`);
    }
  }
});

test("ext-compilers: the root has exactly the seven points, each a compiler function", () => {
  const { cjs, esm } = builtShapes()['ext-compilers'];
  assert.equal(cjs.keys, [...POINTS].sort());
  assert.equal(esm.keys, [...POINTS].sort());
  const points = runBuilt(
    `const m = require('ext-compilers'); process.stdout.write(JSON.stringify(Object.keys(m).map((k) => [k, typeof m[k], m[k].length])));`,
    null,
  );
  for (const [key, type, length] of points) assert.equal([key, type, length], [key, 'function', 2]);
});

test('ext-compilers/<point>: require() and import default are the root export itself, a (options, cb) compiler', () => {
  const shapes = builtShapes();
  for (const point of POINTS) {
    const shape = shapes[`ext-compilers/${point}`];
    assert.ok(shape, `ext-compilers/${point} is in the exports map`);
    assert.equal(shape.cjs, { type: 'function', keys: null, length: 2 }, `require('ext-compilers/${point}')`);
    assert.equal(shape.esm.keys, ['default'], `import * from 'ext-compilers/${point}'`);
    assert.equal(shape.esm.default, { type: 'function', keys: null, length: 2 }, `import x from 'ext-compilers/${point}'`);
    assert.is(shape.cjsIsRootExport, true, `require('ext-compilers/${point}') === require('ext-compilers')['${point}']`);
    assert.is(shape.esmIsRootExport, true, `ext-compilers/${point} default is the root's '${point}'`);
  }
});

// A hook compiled and called through the built CJS compiler and the built nodejsCompiler, the way
// a runtime with `wt-compiler=ext-compilers/client-credentials-exchange` does it.
const RUN_HOOK = String.raw`
const { PassThrough } = require('node:stream');
const compiler = require('ext-compilers/client-credentials-exchange');
const { nodejsCompiler } = require('@ext-compilers/conformance');
const secrets = { 'auth0-extension-secret': 's3cret' };
const script = 'module.exports = function (client, scope, audience, context, cb) {' +
  '  cb(null, { accessToken: { scope: scope.concat("extra"), client: client.id, audience, webtask: typeof context.webtask } });' +
  '};';
const call = (fn, authorization) => new Promise((resolve) => {
  const req = new PassThrough();
  req.method = 'POST';
  req.headers = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
  let status, headers;
  const res = { writeHead: (s, h) => { status = s; headers = h; }, end: (body) => resolve({ status, headers, body: JSON.parse(body) }) };
  fn({ headers: req.headers, secrets }, req, res);
  req.end(JSON.stringify({ client: { id: 'client-1' }, scope: ['read:things'], audience: 'https://api.example', context: {} }));
});
compiler({ script, nodejsCompiler, secrets }, async (error, fn) => {
  if (error) throw error;
  const ok = await call(fn, 'Bearer s3cret');
  const denied = await call(fn, 'Bearer wrong');
  process.stdout.write(JSON.stringify({ arity: fn.length, ok, denied }));
});
`;

test('a hook runs through the built client-credentials-exchange compiler and nodejsCompiler', () => {
  requireBuild();
  const { arity, ok, denied } = runBuilt(RUN_HOOK, null);
  assert.is(arity, 3);
  assert.equal(ok, {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: {
      statusCode: 200,
      headers: {},
      status: 'success',
      data: { accessToken: { scope: ['read:things', 'extra'], client: 'client-1', audience: 'https://api.example', webtask: 'object' } },
    },
  });
  assert.is(denied.status, 200);
  assert.is(denied.body.status, 'error');
  assert.is(denied.body.data.message, 'Unauthorized extensibility point');
});

// The declarations, checked by TypeScript 7 as a user's project would check them: a CommonJS file
// must be able to call a default-only entry directly (its .d.cts says `export =`), an ES module
// must see its default export, and every bundled declaration file must type-check on its own.
test('the declarations type-check from CommonJS and ESM user code', async () => {
  requireBuild();
  const dir = join(ROOT, '.build', 'smoke-types');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cts: string[] = [];
  const mts: string[] = [];
  for (const [i, { specifier }] of entries.entries()) {
    cts.push(`import m${i} = require('${specifier}');`, `void m${i};`);
    mts.push(`import * as m${i} from '${specifier}';`, `void m${i};`);
    const keys = await sourceKeys(specifier);
    if (keys.length === 1 && keys[0] === 'default') {
      // With `export default` in the .d.cts, `require()` would be typed as `{ default: … }`.
      cts.push(`const k${i}: typeof m${i} extends { default: unknown } ? 'export default' : 'export =' = 'export =';`, `void k${i};`);
      mts.push(`const k${i}: typeof m${i}.default = m${i}.default;`, `void k${i};`);
    }
  }
  for (const point of POINTS) {
    cts.push(`{ const c: (options: never, cb: never) => void = require('ext-compilers/${point}'); void c; }`);
  }
  writeFileSync(join(dir, 'user.cts'), `${cts.join('\n')}\n`);
  writeFileSync(join(dir, 'user.mts'), `${mts.join('\n')}\n`);
  const compilerOptions = { strict: true, module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], noEmit: true, skipLibCheck: false };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['user.cts', 'user.mts'] }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
  assert.is(tsc.status, 0, `tsc:\n${tsc.stdout}${tsc.stderr}`);
});

test.run();
