import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { createNodejsCompiler, nodejsCompiler } from '@ext-compilers/runtime';
import type { NodejsCompiler } from '@ext-compilers/core';

const FIXTURES = fileURLToPath(new URL('./fixtures/compile/', import.meta.url));

function run(compiler: NodejsCompiler, script: string): { error: unknown; exported: unknown; sync: boolean } {
  let outcome: { error: unknown; exported: unknown; sync: boolean } | undefined;
  compiler(script, (error, exported) => {
    outcome = { error, exported, sync: true };
  });
  if (!outcome) throw new Error('the nodejsCompiler did not call back synchronously');
  return outcome;
}

test('module.exports is the result, with a null error, synchronously', () => {
  const { error, exported, sync } = run(nodejsCompiler, 'module.exports = function (cb) { cb(null, 1); };');
  assert.is(error, null);
  assert.type(exported, 'function');
  assert.ok(sync);
});

test('a top-level return wins over module.exports', () => {
  const { exported } = run(nodejsCompiler, "module.exports = 'exports';\nreturn function (ctx, cb) { cb(null, 'returned'); };");
  assert.type(exported, 'function');
  assert.is((exported as { length: number }).length, 2);
});

test('a falsy return leaves module.exports', () => {
  assert.is(run(nodejsCompiler, "module.exports = 'exports'; return undefined;").exported, 'exports');
});

test('a UTF-8 BOM is stripped', () => {
  assert.is(run(nodejsCompiler, "\uFEFFmodule.exports = 'bom';").exported, 'bom');
});

test('a hashbang line is accepted', () => {
  assert.is(run(nodejsCompiler, "#!/usr/bin/env node\nmodule.exports = 'bang';").exported, 'bang');
});

test('a syntax error is called back as it is', () => {
  const { error, exported } = run(nodejsCompiler, 'module.exports = (');
  assert.instance(error, SyntaxError);
  assert.is((error as Error).message, 'Unexpected end of input');
  assert.is(exported, undefined);
});

test('a throw at load time is called back as it is', () => {
  const thrown = run(nodejsCompiler, "throw new RangeError('at load');").error as Error;
  assert.equal([thrown.name, thrown.message], ['RangeError', 'at load']);
});

test('a thrown non-error still calls back with an error', () => {
  assert.is((run(nodejsCompiler, 'throw null;').error as Error).message, 'The module threw null');
  assert.is(run(nodejsCompiler, "throw 'text';").error, 'text');
});

test('an exception in the callback is not reported as a compile error', () => {
  let calls = 0;
  assert.throws(
    () =>
      nodejsCompiler('module.exports = 1;', () => {
        calls++;
        throw new Error('callback failed');
      }),
    /callback failed/,
  );
  assert.is(calls, 1);
});

test('defaults: webtask.js in the working directory, no module.webtask', () => {
  const { exported } = run(nodejsCompiler, 'module.exports = [__filename, __dirname, module.webtask, module.id];');
  const cwd = process.cwd();
  assert.equal(exported, [`${cwd}/webtask.js`, cwd, undefined, `${cwd}/webtask.js`]);
});

test('dirname and filename place the module: relative requires and the node_modules hierarchy resolve from there', () => {
  const compiler = createNodejsCompiler({ dirname: FIXTURES, filename: 'hook.js' });
  const { exported } = run(compiler, "module.exports = [__filename, require('./helper'), require('fixture-present'), module.paths[0]];");
  assert.equal(exported, [`${FIXTURES}hook.js`, 'helper', 'present', `${FIXTURES}node_modules`]);
});

test('extraModulePaths are searched after the node_modules hierarchy', () => {
  const compiler = createNodejsCompiler({ dirname: '/', extraModulePaths: [`${FIXTURES}node_modules`] });
  const { exported } = run(compiler, "module.exports = [require('fixture-present'), module.paths.at(-1)];");
  assert.equal(exported, ['present', `${FIXTURES}node_modules`]);
});

test('module.webtask is the webtaskApi while the module loads', () => {
  const webtaskApi = { secrets: { KEY: 'v' }, meta: {}, params: {}, storage: {} };
  const compiler = createNodejsCompiler({ webtaskApi });
  const { exported } = run(compiler, 'const api = module.webtask;\nmodule.exports = [api, api.secrets.KEY];');
  assert.is((exported as unknown[])[0], webtaskApi);
  assert.is((exported as unknown[])[1], 'v');
});

test('each compile is a fresh module: exports do not leak between scripts', () => {
  const compiler = createNodejsCompiler();
  run(compiler, 'exports.a = 1;');
  assert.equal(run(compiler, 'module.exports = Object.keys(exports);').exported, []);
});

test.run();
