import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createModuleStore, type InstallProgress, type ModuleStoreOptions } from '@ext-compilers/modules';
import { packFixtures } from './helpers/pack.ts';
import { closedRegistryUrl, npmEnv, startRegistry, type TestRegistry } from './helpers/registry.ts';

type Coded = Error & { code?: string; details?: Record<string, unknown> };
type Loaded = { name: string; version: string; file: string; base?: Loaded };

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
const work = realpathSync(mkdtempSync(join(tmpdir(), 'ext-compilers-install-')));
let registry: TestRegistry;
let count = 0;

test.before(async () => {
  registry = await startRegistry(await packFixtures(work), { 'fx-base': { legacy: '1.0.0' } });
});

test.after(async () => {
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh store with its own npm cache, installing from the local registry. */
function freshStore(options: Partial<ModuleStoreOptions> = {}): ReturnType<typeof createModuleStore> {
  const directory = join(work, `case-${++count}`);
  return createModuleStore({ root: join(directory, 'store'), registry: registry.url, env: npmEnv(directory), ...options });
}

/** Load `directory` the way a rewritten require does: from a real Module's compiled code. */
function load(directory: string): Loaded {
  const filename = join(work, 'hook.js');
  const hook = new Module(filename) as Module & { _compile(code: string, filename: string): void };
  hook.filename = filename;
  hook._compile(`module.exports = require(${JSON.stringify(directory)});`, filename);
  return hook.exports as Loaded;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const tarballs = (id: string): number => registry.tarballRequests.filter((r) => r === id).length;

test('exact, range and tag: each installed into its own version directory, side by side; the tag recorded', async () => {
  const events: InstallProgress[] = [];
  const store = freshStore({ onProgress: (event) => events.push(event) });
  const results = await store.ensure(['fx-base@1.0.0', 'fx-base@^2']);
  assert.equal(results, [
    { spec: 'fx-base@1.0.0', name: 'fx-base', version: '1.0.0', state: 'available' },
    { spec: 'fx-base@^2', name: 'fx-base', version: '2.0.0', state: 'available' },
  ]);
  assert.equal(events.filter((e) => e.spec === 'fx-base@^2'), [
    { spec: 'fx-base@^2', state: 'queued' },
    { spec: 'fx-base@^2', state: 'installing' },
    { spec: 'fx-base@^2', state: 'available', version: '2.0.0' },
  ]);
  const [tagged] = await store.ensure(['fx-base@legacy']);
  assert.is(tagged?.version, '1.0.0');
  assert.equal(readJson(join(store.root, 'packages.json')), { 'fx-base': ['1.0.0', '2.0.0'] });
  assert.equal(readJson(join(store.root, '.tags.json')), { 'fx-base': { legacy: '1.0.0' } });
  assert.equal(store.versions('fx-base'), ['1.0.0', '2.0.0']);
  assert.equal(['fx-base@legacy', 'fx-base@latest', 'fx-base@^1', 'fx-base@2.0.0'].map((s) => store.resolve(s)?.version), ['1.0.0', '2.0.0', '1.0.0', '2.0.0']);
  for (const version of ['1.0.0', '2.0.0']) {
    const directory = join(store.root, 'fx-base', version, 'node_modules', 'fx-base');
    assert.is(store.resolve(`fx-base@${version}`)?.directory, directory);
    assert.equal(load(directory), { name: 'fx-base', version, file: join(directory, 'index.js') });
  }
  assert.equal(readdirSync(join(store.root, '.tmp')), [], 'no work left in .tmp');
});

test("scoped; a dependency and a peer load from the version's own closure", async () => {
  const store = freshStore();
  const results = await store.ensure(['@fx/with-dep@1.0.0', 'fx-peer@1.0.0', 'fx-base@2.0.0']);
  assert.equal(results.map((r) => `${r.name}@${r.version} ${r.state}`), ['@fx/with-dep@1.0.0 available', 'fx-peer@1.0.0 available', 'fx-base@2.0.0 available']);
  const scoped = join(store.root, '@fx', 'with-dep', '1.0.0');
  assert.is(store.resolve('@fx/with-dep@1')?.directory, join(scoped, 'node_modules', '@fx', 'with-dep'));
  const withDep = load(join(scoped, 'node_modules', '@fx', 'with-dep'));
  assert.equal(withDep.base, { name: 'fx-base', version: '1.0.0', file: join(scoped, 'node_modules', 'fx-base', 'index.js') });
  const peerDirectory = join(store.root, 'fx-peer', '1.0.0');
  const peer = load(join(peerDirectory, 'node_modules', 'fx-peer'));
  assert.equal(peer.base, { name: 'fx-base', version: '2.0.0', file: join(peerDirectory, 'node_modules', 'fx-base', 'index.js') });
  // The dependency and the peer are parts of those closures, not versions of the store; three
  // installs that finished at about the same time all made it into the index.
  assert.equal(store.versions('fx-base'), ['2.0.0']);
  const index = readJson(join(store.root, 'packages.json')) as Record<string, string[]>;
  assert.equal(Object.keys(index).sort(), ['@fx/with-dep', 'fx-base', 'fx-peer']);
});

test('no such package or version → ERR_MODULES_NOT_FOUND naming the spec, with npm’s error lines', async () => {
  const events: InstallProgress[] = [];
  const store = freshStore();
  const results = await store.ensure(['fx-missing@1.0.0', 'fx-base@9.9.9'], { onProgress: (event) => events.push(event) });
  for (const [result, spec, npmCode] of [[results[0], 'fx-missing@1.0.0', 'code E404'], [results[1], 'fx-base@9.9.9', 'code ETARGET']] as const) {
    const error = result?.error as Coded;
    assert.is(result?.state, 'failed');
    assert.is(error.code, 'ERR_MODULES_NOT_FOUND');
    assert.is(error.message, `Cannot install ${spec}: the registry has no such package or version`);
    assert.is(error.details?.spec, spec);
    assert.ok((error.details?.npm as string[]).includes(npmCode), npmCode);
    assert.equal(events.filter((e) => e.spec === spec).map((e) => e.state), ['queued', 'installing', 'failed']);
  }
  assert.is(store.resolve('fx-base@9.9.9'), undefined);
  assert.not.ok(existsSync(join(store.root, 'packages.json')));
});

test('the registry is down → ERR_MODULES_NETWORK naming the spec', async () => {
  const store = freshStore({ registry: await closedRegistryUrl() });
  const [result] = await store.ensure(['fx-base@1.0.0']);
  const error = result?.error as Coded;
  assert.is(error.code, 'ERR_MODULES_NETWORK');
  assert.is(error.message, 'Cannot install fx-base@1.0.0: the registry cannot be reached');
  assert.ok((error.details?.npm as string[]).includes('code ECONNREFUSED'));
  assert.not.ok((error.details?.npm as string[]).some((line) => /^\s+at /.test(line)), 'no stack frames');
});

test('an install that outlasts installTimeout is killed: ERR_MODULES_INSTALL, nothing left behind', async () => {
  const store = freshStore({ installTimeout: 1_500 });
  registry.onTarball = () => new Promise((resolve) => setTimeout(resolve, 5_000).unref());
  try {
    const [result] = await store.ensure(['fx-peer@1.0.0']);
    const error = result?.error as Coded;
    assert.is(error.code, 'ERR_MODULES_INSTALL');
    assert.is(error.message, 'Cannot install fx-peer@1.0.0: npm did not finish within 1500 ms');
    assert.is(error.details?.timeout, 1_500);
  } finally {
    registry.onTarball = undefined;
  }
  assert.is(store.resolve('fx-peer@1.0.0'), undefined);
  assert.equal(readdirSync(join(store.root, '.tmp')), []);
  assert.equal(readdirSync(join(store.root, '.locks')), []);
});

test('20 parallel ensure() calls for one spec run npm once', async () => {
  const installing: InstallProgress[] = [];
  const perCall: string[][] = [];
  const store = freshStore({ onProgress: (event) => event.state === 'installing' && installing.push(event) });
  const before = tarballs('fx-base@1.0.0');
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => {
      perCall[i] = [];
      return store.ensure(['fx-base@^1.0.0'], { onProgress: (event) => perCall[i]?.push(event.state) });
    }),
  );
  assert.equal(results.flat(), Array(20).fill({ spec: 'fx-base@^1.0.0', name: 'fx-base', version: '1.0.0', state: 'available' }));
  assert.is(installing.length, 1);
  assert.is(tarballs('fx-base@1.0.0') - before, 1);
  assert.ok(perCall.every((states) => states.at(-1) === 'available'), 'every caller hears the outcome');
});

test('after a crash: an unlisted version directory is replaced; a listed version without its directory is installed', async () => {
  const store = freshStore();
  const orphan = join(store.root, 'fx-base', '1.0.0', 'node_modules', 'fx-base');
  mkdirSync(orphan, { recursive: true });
  writeFileSync(join(orphan, 'package.json'), JSON.stringify({ name: 'fx-base', version: '1.0.0' }));
  writeFileSync(join(orphan, 'index.js'), 'module.exports = "half-installed";');
  writeFileSync(join(store.root, 'packages.json'), JSON.stringify({ 'fx-base': ['2.0.0'] }));
  assert.equal([store.resolve('fx-base@1.0.0'), store.resolve('fx-base@2.0.0')], [undefined, undefined]);
  assert.is((await store.ensure(['fx-base@2.0.0']))[0]?.state, 'available');
  assert.is(load(store.resolve('fx-base@2.0.0')?.directory as string).version, '2.0.0');
  assert.is((await store.ensure(['fx-base@1.0.0']))[0]?.state, 'available');
  assert.is(load(orphan).version, '1.0.0');
  assert.equal(readJson(join(store.root, 'packages.json')), { 'fx-base': ['1.0.0', '2.0.0'] });
});

/** A child process that runs one `ensure()` and prints its results and progress states. */
const CHILD = `
import { createModuleStore } from ${JSON.stringify(ENTRY)};
const options = JSON.parse(process.argv[2]);
const states = [];
const store = createModuleStore({ ...options, onProgress: (event) => states.push(event.state) });
const results = await store.ensure([options.spec]);
process.stdout.write(JSON.stringify({ results: results.map((r) => ({ state: r.state, version: r.version, code: r.error?.code })), states }));
`;

function startChild(options: Record<string, unknown>): { pid: number; done: Promise<{ code: number | null; signal: string | null; output: string }> } {
  const script = join(work, 'child.mjs');
  if (!existsSync(script)) writeFileSync(script, CHILD);
  const child = spawn(process.execPath, ['--conditions=@ext-compilers/source', '--import', 'tsx', script, JSON.stringify(options)], {
    cwd: REPO,
    // Its own process group, so that a crash can take npm down with it.
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  const done = new Promise<{ code: number | null; signal: string | null; output: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, output })),
  );
  return { pid: child.pid as number, done };
}

test('two processes ensuring one spec at once: installed once, both see it', async () => {
  const root = join(work, `case-${++count}`, 'store');
  const before = tarballs('fx-base@2.0.0');
  // Holding the tarball a little keeps the first install running while the second process asks.
  registry.onTarball = () => new Promise((resolve) => setTimeout(resolve, 300));
  try {
    const children = ['a', 'b'].map((name) =>
      startChild({ root, registry: registry.url, env: npmEnv(join(work, `case-${count}`, name)), spec: 'fx-base@2.0.0' }),
    );
    const outputs = await Promise.all(children.map(async (child) => JSON.parse((await child.done).output) as { results: unknown[]; states: string[] }));
    for (const output of outputs) assert.equal(output.results, [{ state: 'available', version: '2.0.0' }]);
    assert.is(outputs.flatMap((o) => o.states).filter((s) => s === 'installing').length, 1, 'one npm run between the two');
    assert.is(tarballs('fx-base@2.0.0') - before, 1);
    assert.equal(readJson(join(root, 'packages.json')), { 'fx-base': ['2.0.0'] });
  } finally {
    registry.onTarball = undefined;
  }
});

test('a crash mid-install leaves the version absent; the lock is taken over and a later ensure installs it', async () => {
  const directory = join(work, `case-${++count}`);
  const root = join(directory, 'store');
  let child: ReturnType<typeof startChild> | undefined;
  registry.onTarball = (id) => {
    // The process dies (npm with it) while npm downloads: the closure is half-written in .tmp.
    if (id === 'fx-base@1.0.0' && child !== undefined) process.kill(-child.pid, 'SIGKILL');
    return new Promise((resolve) => setTimeout(resolve, 200));
  };
  try {
    child = startChild({ root, registry: registry.url, env: npmEnv(join(directory, 'child')), spec: 'fx-base@1.0.0' });
    assert.is((await child.done).signal, 'SIGKILL');
  } finally {
    registry.onTarball = undefined;
  }
  const store = createModuleStore({ root, registry: registry.url, env: npmEnv(directory), lockTimeout: 20_000 });
  assert.is(store.resolve('fx-base@1.0.0'), undefined);
  assert.is((readJson(join(root, '.locks', 'fx-base.install.lock', 'owner.json')) as { pid: number }).pid, child.pid, 'the dead owner still holds the lock');
  assert.is(readdirSync(join(root, '.tmp')).length, 1, "the dead install's work is in .tmp");
  const started = Date.now();
  const [result] = await store.ensure(['fx-base@1.0.0']);
  assert.equal(result, { spec: 'fx-base@1.0.0', name: 'fx-base', version: '1.0.0', state: 'available' });
  assert.ok(Date.now() - started < 10_000, 'a dead owner’s lock is taken over at once, not after lockTimeout');
  assert.equal(readdirSync(join(root, '.tmp')), [], 'swept');
  assert.equal(readdirSync(join(root, '.locks')), [], 'released');
  assert.is(load(store.resolve('fx-base@1.0.0')?.directory as string).version, '1.0.0');
});

test.run();
