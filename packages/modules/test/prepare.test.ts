import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapping } from 'node:module';
import { join } from 'node:path';
import { nodejsCompiler } from '@ext-compilers/conformance';
import { prepare, type PrepareResult } from '@ext-compilers/modules';
import { createFixtureStore, type FixtureStore } from './helpers/fixture-store.ts';

const FIXTURES = new URL('./fixtures/rewrite/', import.meta.url);
const INSTALLED = ['fixture-a@1.0.0', 'fixture-a@2.0.0', '@fx/b@1.0.0'];
const REGISTRY = { 'fixture-a': ['1.0.0', '2.0.0'], 'fixture-c': ['1.2.0', '1.3.0'] };

async function rejects(promise: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; details?: unknown };
  }
  throw new Error('expected a rejection');
}

function compile(script: string): Promise<unknown> {
  return new Promise((resolve, reject) => nodejsCompiler(script, (error, exported) => (error ? reject(error) : resolve(exported))));
}

/** Runs `body` with a fresh store double, removed afterwards. */
async function withStore<T>(body: (store: FixtureStore) => Promise<T>): Promise<T> {
  const store = createFixtureStore(INSTALLED, REGISTRY);
  try {
    return await body(store);
  } finally {
    store.remove();
  }
}

const read = (folder: string, file: string): string => readFileSync(new URL(`${folder}/${file}`, FIXTURES), 'utf8');

for (const folder of readdirSync(FIXTURES)) {
  test(`rewrite fixture: ${folder}`, () =>
    withStore(async (store) => {
      const input = read(folder, 'input.js');
      const options = existsSync(new URL(`${folder}/options.json`, FIXTURES)) ? JSON.parse(read(folder, 'options.json')) : {};
      const result = prepare(input, { store, ...options });
      if (existsSync(new URL(`${folder}/expected-error.json`, FIXTURES))) {
        const { code, message, details } = await rejects(result);
        assert.equal({ code, message, details }, JSON.parse(read(folder, 'expected-error.json')));
        return;
      }
      const { code } = await result;
      assert.fixture(code.split(store.root).join('<STORE>'), read(folder, 'expected.js'));
      assert.is(code.split('\n').length, input.split('\n').length, 'lines never move');
    }));
}

test('two scripts in one process each load their own version, with subpaths and scopes', () =>
  withStore(async (store) => {
    const one = await prepare("'use npm'\nmodule.exports = require('fixture-a@1.0.0');", { store });
    const two = await prepare(
      "'use npm'\nmodule.exports = [require('fixture-a@2.0.0'), require('fixture-a@2.0.0/package.json').version, require('@fx/b@1.0.0')];",
      { store },
    );
    assert.equal(await compile(one.code), { name: 'fixture-a', version: '1.0.0' });
    assert.equal(await compile(two.code), [{ name: 'fixture-a', version: '2.0.0' }, '2.0.0', { name: '@fx/b', version: '1.0.0' }]);
  }));

test('the whole result: every require listed, the map names the file', () =>
  withStore(async (store) => {
    const code = "'use npm'\nconst a = require('fixture-a@^1/package.json'), fs = require('fs');\nrequire(name);";
    const result = await prepare(code, { store, filename: '/hooks/on-lead.js' });
    const path = join(store.root, 'fixture-a/1.0.0/node_modules/fixture-a/package.json');
    const expected: PrepareResult = {
      code: `'use npm'\nconst a = require(${JSON.stringify(path)}), fs = require('fs');\nrequire(name);`,
      requires: [
        { spec: 'fixture-a@^1/package.json', kind: 'package', name: 'fixture-a', version: '^1', subpath: 'package.json', resolvedVersion: '1.0.0', path, dynamic: false, line: 2, column: 18 },
        { spec: 'fs', kind: 'builtin', name: undefined, version: undefined, subpath: undefined, resolvedVersion: undefined, path: undefined, dynamic: false, line: 2, column: 61 },
        { spec: undefined, kind: 'dynamic', name: undefined, version: undefined, subpath: undefined, resolvedVersion: undefined, path: undefined, dynamic: true, line: 3, column: 8 },
      ],
      map: { ...(result.map as NonNullable<PrepareResult['map']>), version: 3, sources: ['/hooks/on-lead.js'], sourcesContent: [code], names: [] },
    };
    assert.equal(result, expected);
    assert.is(JSON.parse(JSON.stringify(result)).map.mappings, result.map?.mappings);
  }));

test('the source map takes a token on line 3 back to line 3, column for column', () =>
  withStore(async (store) => {
    const code = "'use npm'\nconst a = require('@fx/b@1.0.0'), b = require('fixture-a@2.0.0');\nconst marker = a + b;";
    const { code: out, map } = await prepare(code, { store });
    const sourceMap = new SourceMap(map as never);
    // findEntry is 0-based: (1, …) is the second line.
    const original = (line: number, column: number): unknown[] => {
      const { originalLine, originalColumn, originalSource } = sourceMap.findEntry(line, column) as SourceMapping;
      return [originalLine, originalColumn, originalSource];
    };
    const after = (text: string, line: number): number => (text.split('\n')[line] as string).indexOf(', b =');
    assert.equal(original(1, after(out, 1)), [1, after(code, 1), 'webtask.js']);
    assert.equal(original(2, 6), [2, 6, 'webtask.js']);
  }));

test('without "use npm": the code unchanged and not even parsed, no requires, no map', () =>
  withStore(async (store) => {
    const code = "const a = require('fixture-a@1.0.0'); a(; // not parsed, so no syntax error here";
    assert.equal(await prepare(code, { store, install: true }), { code, requires: [], map: undefined });
    assert.equal(store.ensureCalls, []);
  }));

test('install: one ensure() for all missing versions (subpaths share one), none when all are present', () =>
  withStore(async (store) => {
    const code = "'use npm'\nrequire('fixture-c@1.2.0'); require('fixture-c@1.2.0/package.json'); require('fixture-c@^1'); require('fixture-a@1.0.0');";
    const first = await prepare(code, { store, install: true });
    assert.equal(store.ensureCalls, [['fixture-c@1.2.0', 'fixture-c@^1']]);
    assert.equal(first.requires.map((r) => r.resolvedVersion), ['1.2.0', '1.2.0', '1.3.0', '1.0.0']);
    await prepare(code, { store, install: true });
    assert.is(store.ensureCalls.length, 1);
  }));

test('missing with install off: ERR_MODULES_MISSING, and ensure() is never called', () =>
  withStore(async (store) => {
    const error = await rejects(prepare("'use npm'\nrequire('fixture-c@1.2.0');", { store }));
    assert.equal([error.code, error.details, store.ensureCalls], ['ERR_MODULES_MISSING', { specs: ['fixture-c@1.2.0'] }, []]);
  }));

test('an install that fails keeps the installer error as the cause', () =>
  withStore(async (store) => {
    const error = await rejects(prepare("'use npm'\nrequire('nope@1.0.0'); require('fixture-c@1.2.0');", { store, install: true }));
    assert.equal([error.code, error.details, store.ensureCalls], ['ERR_MODULES_MISSING', { specs: ['nope@1.0.0'] }, [['nope@1.0.0', 'fixture-c@1.2.0']]]);
    assert.is((error.cause as { code?: string }).code, 'ERR_MODULES_NOT_FOUND');
  }));

test('misuse is a TypeError', async () => {
  assert.instance(await rejects(prepare('x', undefined as never)), TypeError);
  assert.instance(await rejects(prepare('x', {} as never)), TypeError);
});

test.run();
