import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createContext, runInContext } from 'node:vm';
import { nodejsCompiler } from '@ext-compilers/conformance';
import {
  type Compiled,
  compileScript,
  errorPayload,
  InvalidScopeError,
  type NodejsCompiler,
  PreUserRegistrationError,
} from '@ext-compilers/core';

const errors = [{ name: 'InvalidScopeError' }, { name: 'PreUserRegistrationError', friendlyMessage: true }, { name: 'TeapotError' }];

function compile(script: string, compiler: NodejsCompiler = nodejsCompiler): Promise<Compiled & { seen: string[] }> {
  const seen: string[] = [];
  const recording: NodejsCompiler = (source, cb) => {
    seen.push(source);
    compiler(source, cb);
  };
  return new Promise((resolve) => compileScript({ script, nodejsCompiler: recording }, { errors }, (c) => resolve({ ...c, seen })));
}

/** A nodejsCompiler that runs the script in another realm, as a vm-based sandbox would. */
function realmCompiler(): NodejsCompiler {
  const context = createContext({}, { codeGeneration: { strings: false, wasm: false } });
  return (script, cb) => {
    let exported: unknown;
    try {
      const module = { exports: {} as unknown };
      const wrapper = runInContext(`(function (exports, module) {${script}\n})`, context) as (e: unknown, m: unknown) => unknown;
      exported = wrapper(module.exports, module) || module.exports;
    } catch (error) {
      return cb(error as Error);
    }
    cb(null, exported);
  };
}

// Everything the reference's classes promise, observed from inside the hook.
const probe = `module.exports = function () {
  class Sub extends InvalidScopeError {}
  const scope = new InvalidScopeError('no');
  const pre = new PreUserRegistrationError('m', 'f');
  const sub = new Sub('s');
  return {
    errors: [scope, pre, new PreUserRegistrationError('only'), new TeapotError('t'), sub],
    facts: {
      scopeIsError: scope instanceof Error,
      scopeIsBase: scope instanceof ExtensibilityUserError,
      scopeIsOwn: scope instanceof InvalidScopeError,
      preIsScope: pre instanceof InvalidScopeError,
      subIsScope: sub instanceof InvalidScopeError,
      subName: sub.name,
      ownName: Object.getOwnPropertyNames(scope).includes('name'),
      text: String(scope),
      firstFrame: scope.stack.split('\\n')[1],
    },
  };
};`;

test('a script that mentions no error class is compiled exactly as written', async () => {
  const script = "'use strict';\nmodule.exports = function (ctx, cb) { cb(null, 1); };";
  const { fn, seen } = await compile(script);
  assert.type(fn, 'function');
  assert.equal(seen, [script]);
});

test('only the classes a script mentions are bound, from the realm registry', async () => {
  const { seen } = await compile("module.exports = () => new TeapotError('t');");
  assert.match(seen[0]!, /^;let\{TeapotError\}=__extCompilersErrors_[0-9a-f]{12};;module/);
});

test('names count as whole identifiers only', async () => {
  const script = 'class MyTeapotError extends Error {}; const TeapotErrors = 1; module.exports = () => MyTeapotError;';
  assert.equal((await compile(script)).seen, [script]);
  const both = await compile('module.exports = () => [TeapotError, InvalidScopeError, $TeapotError];');
  assert.match(both.seen[0]!, /^;let\{InvalidScopeError,TeapotError\}=/);
});

test('the classes behave as the reference classes do', async () => {
  const { fn } = await compile(probe);
  const { errors: made, facts } = fn!() as { errors: Error[]; facts: Record<string, unknown> };
  assert.equal(facts, {
    scopeIsError: true,
    scopeIsBase: true,
    scopeIsOwn: true,
    preIsScope: false,
    subIsScope: true,
    subName: 'Sub',
    ownName: true,
    text: 'InvalidScopeError: no',
    firstFrame: facts.firstFrame,
  });
  assert.match(facts.firstFrame as string, /^ +at module\.exports.*webtask\.js:3:/, 'the stack starts at the caller');
  const data = made.map((error) => JSON.parse(errorPayload(error)).data);
  assert.equal(Object.keys(data[0]), ['stack', 'message', 'name']);
  assert.equal(data.map((d) => [d.name, d.message, d.friendlyMessage]), [
    ['InvalidScopeError', 'no', undefined],
    ['PreUserRegistrationError', 'm', 'f'],
    ['PreUserRegistrationError', 'only', 'only'],
    ['TeapotError', 't', undefined],
    ['Sub', 's', undefined],
  ]);
  assert.equal(Object.keys(data[1]), ['stack', 'message', 'name', 'friendlyMessage']);
});

test("in this realm the classes are core's own, shared and frozen", async () => {
  const { fn } = await compile(probe);
  const [scope, pre] = (fn!() as { errors: Error[] }).errors;
  assert.instance(scope, InvalidScopeError);
  assert.instance(pre, PreUserRegistrationError);
  const a = (await compile('module.exports = () => TeapotError;')).fn!();
  const b = (await compile('module.exports = () => TeapotError;')).fn!();
  assert.is(a, b);
  assert.ok(Object.isFrozen(InvalidScopeError) && Object.isFrozen(InvalidScopeError.prototype));
  const tamper = await compile("'use strict'; module.exports = () => { try { InvalidScopeError.prototype.x = 1; return 'changed'; } catch (e) { return e.name; } };");
  assert.is(tamper.fn!(), 'TypeError');
});

test('in another realm the classes are declared inline once, then shared there', async () => {
  const compiler = realmCompiler();
  const first = await compile(probe, compiler);
  assert.is(first.seen.length, 2, 'compiled again with the classes inline');
  assert.match(first.seen[1]!, /class InvalidScopeError extends ExtensibilityUserError/);
  const { errors: made, facts } = first.fn!() as { errors: Error[]; facts: Record<string, unknown> };
  assert.ok(facts.scopeIsError && facts.scopeIsOwn && facts.subIsScope && facts.ownName);
  assert.not.instance(made[0], Error, 'an Error of the other realm');
  assert.equal(JSON.parse(errorPayload(made[1])).data.friendlyMessage, 'f');
  const second = await compile(probe, compiler);
  assert.is(second.seen.length, 1, 'the realm now has the registry');
  const again = (second.fn!() as { errors: Error[] }).errors;
  assert.is(Object.getPrototypeOf(again[0]), Object.getPrototypeOf(made[0]), 'built once per realm');
});

test('the binding goes after the directive prologue and keep line numbers', async () => {
  const { fn } = await compile("'use strict'\n\nmodule.exports = function () { return [this === undefined, new InvalidScopeError('x').stack.split('\\n')[1]]; };");
  const [strict, frame] = fn!() as [boolean, string];
  assert.ok(strict);
  assert.match(frame, /webtask\.js:3:/);
});

test('a load error is reported as the compile failure, not retried', async () => {
  const { failure, seen } = await compile("throw new Error('load failed'); module.exports = () => new InvalidScopeError('x');");
  assert.is(seen.length, 1);
  assert.is((failure as Error & { error_description: string }).error_description, 'load failed');
});

test.run();
