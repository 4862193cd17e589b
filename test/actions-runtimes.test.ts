// The Actions-style compilers (issue #6, item 2) under both runtimes: each example's Actions
// rewrite answers, under webtask-runtime@2.0.0's simulate() and under ours, exactly what its
// legacy hook answers, on the example's request.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as legacy from 'ext-compilers';
import * as actions from 'ext-compilers/actions';
import { nodejsCompiler, simulate } from '@ext-compilers/runtime';
import { loadSimulate } from '@ext-compilers/conformance';

// The suite's own loader: required as require('webtask-runtime'), the reference makes Node warn of
// its circular require on every request.
const referenceSimulate = loadSimulate();

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const SECRETS = { 'auth0-extension-secret': 'actions-s3cret' };
type Compiler = (options: object, cb: (error: Error | null, fn?: unknown) => void) => void;

const compile = (compiler: Compiler, script: string): Promise<unknown> =>
  new Promise((resolve, reject) => compiler({ script, nodejsCompiler, secrets: SECRETS }, (error, fn) => (error ? reject(error) : resolve(fn))));

const options = (body: unknown) => ({ method: 'POST', headers: { authorization: `Bearer ${SECRETS['auth0-extension-secret']}` }, payload: body, secrets: SECRETS, logger: { info() {}, warn() {}, error() {} } });

/** The payload without `stack` (it names the line, which differs between a hook and its rewrite). */
function comparable(payload: string): unknown {
  const value = JSON.parse(payload) as { data?: Record<string, unknown> };
  if (value.data && typeof value.data === 'object') delete value.data.stack;
  return value;
}

for (const point of Object.keys(actions) as (keyof typeof actions)[]) {
  test(`${point}: the Actions rewrite answers as the legacy hook, under webtask-runtime and ours`, async () => {
    const body = JSON.parse(readFileSync(`${examples}${point}/request.json`, 'utf8'));
    const hook = await compile(legacy[point] as Compiler, readFileSync(`${examples}${point}/hook.js`, 'utf8'));
    const rewrite = await compile(actions[point] as Compiler, readFileSync(`${examples}${point}/actions.js`, 'utf8'));
    const expected = comparable((await simulate(hook as never, options(body))).payload);
    assert.equal(comparable((await simulate(rewrite as never, options(body))).payload), expected);
    const theirs = await new Promise<string>((resolve) => referenceSimulate(rewrite, options(body), (res) => resolve(res.payload)));
    assert.equal(comparable(theirs), expected);
  });
}

test.run();
