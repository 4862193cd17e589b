import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModuleStore } from '@ext-compilers/modules';

type Coded = Error & { code?: string; details?: Record<string, unknown> };

async function rejects(promise: Promise<unknown>): Promise<Coded> {
  try {
    await promise;
  } catch (error) {
    return error as Coded;
  }
  throw new Error('expected a rejection');
}

function throws(run: () => unknown): Coded {
  try {
    run();
  } catch (error) {
    return error as Coded;
  }
  throw new Error('expected a throw');
}

const roots: string[] = [];
test.after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A store written by hand the way verquire laid it out: `<root>/<name>/<version>/node_modules/<name>`. */
function verquireDirectory(packages: Record<string, string[]>, index: unknown = packages): string {
  const root = mkdtempSync(join(tmpdir(), 'ext-compilers-store-'));
  roots.push(root);
  for (const [name, versions] of Object.entries(packages)) {
    for (const version of versions) {
      const directory = join(root, name, version, 'node_modules', name);
      mkdirSync(directory, { recursive: true });
      writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, version }));
      writeFileSync(join(directory, 'index.js'), `module.exports = ${JSON.stringify(`${name}@${version}`)};`);
    }
  }
  writeFileSync(join(root, 'packages.json'), JSON.stringify(index));
  return root;
}

/** Load `directory` the way a rewritten require does: from a real Module's compiled code. */
function load(directory: string): unknown {
  const filename = join(tmpdir(), 'ext-compilers-hook.js');
  const hook = new Module(filename) as Module & { _compile(code: string, filename: string): void };
  hook.filename = filename;
  hook._compile(`module.exports = require(${JSON.stringify(directory)});`, filename);
  return hook.exports;
}

test('an existing _verquire directory is read: exact versions, scoped names, the layout', () => {
  const root = verquireDirectory({ ms: ['2.0.0', '2.1.3'], '@kikinteractive/kik': ['1.0.3'] });
  const store = createModuleStore({ root });
  assert.is(store.root, root);
  assert.equal(store.resolve('ms@2.0.0'), { name: 'ms', version: '2.0.0', directory: join(root, 'ms', '2.0.0', 'node_modules', 'ms') });
  assert.equal(store.resolve('@kikinteractive/kik@1.0.3'), {
    name: '@kikinteractive/kik',
    version: '1.0.3',
    directory: join(root, '@kikinteractive', 'kik', '1.0.3', 'node_modules', '@kikinteractive', 'kik'),
  });
  assert.is(store.resolve('ms@1.0.0'), undefined);
  assert.is(store.resolve('left-pad@1.0.0'), undefined);
  assert.is(load(store.resolve('ms@2.0.0')?.directory as string), 'ms@2.0.0');
  assert.is(load(store.resolve('ms@2.1.3')?.directory as string), 'ms@2.1.3');
  assert.equal(store.versions('ms'), ['2.0.0', '2.1.3']);
  assert.equal(store.versions('nothing'), []);
});

test('ranges pick the highest installed version that satisfies them; versions are in semver order', () => {
  const root = verquireDirectory({ lodash: ['4.10.0', '3.10.1', '4.8.2', '4.17.21-rc.1'] });
  const store = createModuleStore({ root });
  assert.equal(store.versions('lodash'), ['3.10.1', '4.8.2', '4.10.0', '4.17.21-rc.1']);
  const picked = ['^4', '~4.8', '3.x', '*', '>=4.9 <5', '^5', '4.17.21-rc.1', '=4.8.2'].map((range) => store.resolve(`lodash@${range}`)?.version);
  assert.equal(picked, ['4.10.0', '4.8.2', '3.10.1', '4.10.0', '4.10.0', undefined, '4.17.21-rc.1', '4.8.2']);
});

test('tags: the version recorded at install time; latest (or no version) without a record is the highest', () => {
  const root = verquireDirectory({ ms: ['1.0.0', '2.0.0'], debug: ['4.0.0', '4.1.0'] });
  writeFileSync(join(root, '.tags.json'), JSON.stringify({ ms: { latest: '1.0.0', beta: '2.0.0', gone: '3.0.0' } }));
  const store = createModuleStore({ root });
  assert.equal(
    ['ms@latest', 'ms', 'ms@beta', 'ms@gone', 'ms@next', 'debug@latest', 'debug', 'debug@beta'].map((spec) => store.resolve(spec)?.version),
    ['1.0.0', '1.0.0', '2.0.0', undefined, undefined, '4.1.0', '4.1.0', undefined],
  );
});

test('a version in the index whose directory is missing counts as absent', () => {
  const root = verquireDirectory({ ms: ['2.0.0'] }, { ms: ['1.0.0', '2.0.0'] });
  const store = createModuleStore({ root });
  assert.is(store.resolve('ms@1.0.0'), undefined);
  assert.is(store.resolve('ms@^1'), undefined);
  assert.equal(store.versions('ms'), ['2.0.0']);
});

// A store looks at its index again at most every 20 ms (resolution runs on every require of
// every compile); its own installs re-read at once.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 25));

test('the index is re-read when the file changes (written in place or renamed over)', async () => {
  const root = verquireDirectory({ ms: ['1.0.0', '2.0.0'] }, {});
  const store = createModuleStore({ root });
  assert.is(store.resolve('ms@1.0.0'), undefined);
  writeFileSync(join(root, 'packages.json'), JSON.stringify({ ms: ['1.0.0'] }));
  await settle();
  assert.is(store.resolve('ms@1.0.0')?.version, '1.0.0');
  writeFileSync(join(root, 'next.json'), JSON.stringify({ ms: ['1.0.0', '2.0.0'] }));
  renameSync(join(root, 'next.json'), join(root, 'packages.json'));
  await settle();
  assert.equal(store.versions('ms'), ['1.0.0', '2.0.0']);
  assert.is(store.resolve('ms@^2')?.version, '2.0.0');
  writeFileSync(join(root, '.tags.json'), JSON.stringify({ ms: { latest: '1.0.0' } }));
  await settle();
  assert.is(store.resolve('ms@latest')?.version, '1.0.0', 'the tags too');
  rmSync(join(root, 'packages.json'));
  await settle();
  assert.equal(store.versions('ms'), []);
  assert.is(store.resolve('ms@1.0.0'), undefined);
});

test('a store that does not exist yet is empty', async () => {
  const store = createModuleStore({ root: join(tmpdir(), 'ext-compilers-no-such-store', 'x') });
  assert.is(store.resolve('ms@2.0.0'), undefined);
  assert.equal(store.versions('ms'), []);
});

test('a hostile or broken index names nothing outside the store', async () => {
  const root = verquireDirectory({ ms: ['1.0.0'] }, { ms: ['../../../etc', '1.0.0', 7, '1.0.0'], '../x': ['1.0.0'], 'a/../ms': ['1.0.0'], lodash: 'x' });
  const store = createModuleStore({ root });
  assert.equal(store.versions('ms'), ['1.0.0']);
  assert.equal(store.versions('../x'), []);
  assert.is(store.resolve('ms@1.0.0')?.version, '1.0.0');
  writeFileSync(join(root, 'packages.json'), '{ not json');
  await settle();
  assert.equal(store.versions('ms'), []);
});

test('specs already in the store are available without running npm', async () => {
  const root = verquireDirectory({ ms: ['2.0.0'], '@s/p': ['1.0.0'] });
  const events: unknown[] = [];
  const store = createModuleStore({ root, npm: join(root, 'no-such-npm'), onProgress: (event) => events.push(event) });
  const results = await store.ensure(['ms@2.0.0', 'ms@^2', '@s/p@1.0.0/sub/path', { spec: 'ms@2', name: 'ms', version: '2', subpath: undefined }]);
  assert.equal(results, [
    { spec: 'ms@2.0.0', name: 'ms', version: '2.0.0', state: 'available' },
    { spec: 'ms@^2', name: 'ms', version: '2.0.0', state: 'available' },
    { spec: '@s/p@1.0.0/sub/path', name: '@s/p', version: '1.0.0', state: 'available' },
    { spec: 'ms@2', name: 'ms', version: '2.0.0', state: 'available' },
  ]);
  assert.equal(events, []);
});

test('npm that cannot be run is ERR_MODULES_INSTALL naming the spec; ensure reports it, never rejects', async () => {
  const root = verquireDirectory({});
  const events: { state: string }[] = [];
  const store = createModuleStore({ root, npm: join(root, 'no-such-npm') });
  const [result] = await store.ensure(['ms@2.0.0'], { onProgress: (event) => events.push(event) });
  const error = result?.error as Coded;
  assert.equal({ ...result, error: undefined }, { spec: 'ms@2.0.0', name: 'ms', version: undefined, state: 'failed', error: undefined });
  assert.is(error.code, 'ERR_MODULES_INSTALL');
  assert.match(error.message, 'ms@2.0.0');
  assert.is(error.details?.spec, 'ms@2.0.0');
  assert.equal(events.map((e) => e.state), ['queued', 'installing', 'failed']);
  assert.equal(JSON.parse(readFileSync(join(root, 'packages.json'), 'utf8')), {});
  assert.is(store.resolve('ms@2.0.0'), undefined);
});

/** A lock on `name` as another process leaves it: a directory holding its owner. */
function lockAs(root: string, name: string, owner: { pid: number; time: number }): void {
  mkdirSync(join(root, '.locks', `${name}.install.lock`), { recursive: true });
  writeFileSync(join(root, '.locks', `${name}.install.lock`, 'owner.json'), JSON.stringify({ host: undefined, ...owner }));
}

test('a lock held by a live owner is waited for, at most lockTimeout: ERR_MODULES_LOCKED naming the spec', async () => {
  const root = verquireDirectory({});
  // This process is alive; a lock it seems to hold from another host is judged by age alone.
  lockAs(root, 'ms', { pid: process.pid, time: Date.now() });
  const store = createModuleStore({ root, npm: join(root, 'no-such-npm'), lockTimeout: 150 });
  const started = Date.now();
  const [result] = await store.ensure(['ms@2.0.0']);
  const error = result?.error as Coded;
  assert.is(error.code, 'ERR_MODULES_LOCKED');
  assert.is(error.message, 'Timed out after 150 ms waiting for the lock on ms@2.0.0');
  assert.ok(Date.now() - started >= 150 && Date.now() - started < 2_000);
});

test('a lock older than the install timeout allows is stale even if its owner runs, and is taken over', async () => {
  const root = verquireDirectory({});
  lockAs(root, 'ms', { pid: process.pid, time: Date.now() - 10 * 60_000 });
  const store = createModuleStore({ root, npm: join(root, 'no-such-npm'), installTimeout: 1_000, lockTimeout: 150 });
  const [result] = await store.ensure(['ms@2.0.0']);
  // Past the lock, npm itself was tried (and cannot be run here).
  assert.is((result?.error as Coded).code, 'ERR_MODULES_INSTALL');
  assert.equal(readdirSync(join(root, '.locks')), []);
});

test("an index write's temporary file left by a crash is swept once older than an install may last; a recent one is kept", async () => {
  const root = verquireDirectory({});
  const stale = join(root, 'packages.json.999999.0a1b2c.tmp');
  const recent = join(root, `.tags.json.${process.pid}.0a1b2c.tmp`);
  for (const file of [stale, recent]) writeFileSync(file, '{}');
  const hourAgo = new Date(Date.now() - 60 * 60_000);
  utimesSync(stale, hourAgo, hourAgo);
  const store = createModuleStore({ root, installTimeout: 1_000 });
  await store.ensure([]);
  assert.equal(readdirSync(root).filter((entry) => entry.endsWith('.tmp')), [`.tags.json.${process.pid}.0a1b2c.tmp`]);
});

test('misuse is a TypeError; an invalid spec is ERR_MODULES_SPEC', async () => {
  const store = createModuleStore({ root: verquireDirectory({}) });
  assert.instance(throws(() => createModuleStore({} as never)), TypeError);
  assert.instance(throws(() => createModuleStore({ root: '/x', installTimeout: -1 })), TypeError);
  assert.instance(throws(() => createModuleStore({ root: '/x', registry: 'file:///etc' })), TypeError);
  assert.instance(throws(() => store.resolve(42 as never)), TypeError);
  assert.instance(throws(() => store.versions(undefined as never)), TypeError);
  assert.is(throws(() => store.resolve('./local')).code, 'ERR_MODULES_SPEC');
  assert.is(throws(() => store.resolve('ms@1.0.0/../../x')).code, 'ERR_MODULES_SPEC');
  assert.instance(await rejects(store.ensure('ms@1.0.0' as never)), TypeError);
  assert.instance(await rejects(store.ensure([null as never])), TypeError);
  assert.instance(await rejects(store.ensure([], { onProgress: 'x' as never })), TypeError);
  assert.is((await rejects(store.ensure(['ms@1.0.0', 'fs']))).code, 'ERR_MODULES_SPEC');
  const forged = { spec: 'ms@1.0.0', name: '..', version: '1.0.0', subpath: undefined };
  assert.is((await rejects(store.ensure([forged]))).code, 'ERR_MODULES_SPEC');
  const smuggled = { spec: 'ms@1.0.0', name: 'ms', version: '1.0.0/../../x', subpath: undefined };
  assert.is((await rejects(store.ensure([smuggled]))).code, 'ERR_MODULES_SPEC');
});

test.run();
