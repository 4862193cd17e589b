// `returns`: what a hook's success value may contain, checked before it is answered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodejsCompiler } from '@ext-compilers/conformance';
import { defineExtensibilityPoint, type ExtensibilityHandler, type ExtensibilityPointDefinition, type WebtaskCompiler, type WebtaskContext } from '@ext-compilers/core';

const base: ExtensibilityPointDefinition = {
  name: 'on-new-lead',
  validate: [{ path: 'lead', is: 'object' }],
  args: (body) => [body.lead],
  returns: [
    { path: 'score', is: 'number' },
    { path: 'owner', is: 'object', optional: true },
    { path: 'owner.name', is: 'string' },
    { path: 'constructor', is: 'string', optional: true },
  ],
};

function run(compiler: WebtaskCompiler, script: string, body: unknown = { lead: {} }): Promise<Record<string, any>> {
  return new Promise((resolve, reject) =>
    compiler({ script, nodejsCompiler }, (error, fn) => {
      if (error) return reject(error);
      const res = { writeHead: () => undefined, end: (text: string) => resolve(JSON.parse(text)) };
      (fn as ExtensibilityHandler)({ headers: {}, body } as WebtaskContext, { method: 'POST', headers: {} } as never, res);
    }),
  );
}

const message = (payload: Record<string, any>): string => (payload.status === 'error' ? payload.data.message : `success ${JSON.stringify(payload.data)}`);

test('a success value is answered when it passes, whether by callback or promise', async () => {
  const point = defineExtensibilityPoint(base);
  assert.equal(await run(point, 'module.exports = (lead, cb) => cb(null, { score: 3 });'), { statusCode: 200, headers: {}, status: 'success', data: { score: 3 } });
  assert.is(message(await run(point, 'module.exports = async () => ({ score: 3, owner: { name: "ada" } });')), 'success {"score":3,"owner":{"name":"ada"}}');
});

test('a value that breaks a check answers that check’s error envelope, whole', async () => {
  const point = defineExtensibilityPoint(base);
  const payload = await run(point, 'module.exports = async () => ({ score: "10" });');
  const text = 'Result.score received from extensibility point is not a number';
  assert.equal(payload, { status: 'error', data: { stack: `Error: ${text}`, message: text } });
  const cases: [string, string][] = [
    ['undefined', 'Result received from extensibility point is not an object'],
    ['null', 'Result received from extensibility point is not an object'],
    ['[]', 'Result received from extensibility point is not an object'],
    ['{ score: Infinity }', 'Result.score received from extensibility point is not a number'],
    ['{ score: 1, owner: null }', 'Result.owner received from extensibility point is not an object'],
    ['{ score: 1 }', 'success {"score":1}'],
    ['{ score: 1, owner: { name: 2 } }', 'Result.owner.name received from extensibility point is not a string'],
    ['{ score: 1, constructor: 2 }', 'Result.constructor received from extensibility point is not a string'],
  ];
  for (const [value, expected] of cases) {
    assert.is(message(await run(point, `module.exports = (lead, cb) => cb(null, ${value});`)), expected, value);
  }
});

test('a path is looked up in own properties only', async () => {
  const point = defineExtensibilityPoint({ ...base, returns: [{ path: 'constructor', is: 'string' }] });
  assert.is(message(await run(point, 'module.exports = async () => ({});')), 'Result.constructor received from extensibility point is not a string');
});

test('an error completion is answered as it is; checks run after complete and before result', async () => {
  const point = defineExtensibilityPoint({
    ...base,
    complete: (outcome) => (outcome.error ? outcome : { value: { score: (outcome.value as { points: number }).points } }),
    result: (data) => ({ mapped: data }),
  });
  assert.is(message(await run(point, 'module.exports = async () => { throw new Error("nope"); };')), 'nope');
  assert.is(message(await run(point, 'module.exports = async () => ({ points: 5 });')), 'success {"mapped":{"score":5}}');
  assert.is(message(await run(point, 'module.exports = async () => ({ points: "5" });')), 'Result.score received from extensibility point is not a number');
});

test('oneOf, integer, boolean, array', async () => {
  const point = defineExtensibilityPoint({
    ...base,
    returns: [
      { path: 'tier', oneOf: ['hot', 1, true] },
      { path: 'rank', is: 'integer' },
      { path: 'flag', is: 'boolean' },
      { path: 'tags', is: 'array' },
    ],
  });
  const cases: [string, string][] = [
    ['{ tier: "cold" }', 'Result.tier received from extensibility point is not `hot` or `1` or `true`'],
    ['{ tier: 1, rank: 1.5 }', 'Result.rank received from extensibility point is not an integer'],
    ['{ tier: true, rank: 2, flag: 0 }', 'Result.flag received from extensibility point is not a boolean'],
    ['{ tier: "hot", rank: 2, flag: false, tags: {} }', 'Result.tags received from extensibility point is not an array'],
    ['{ tier: "hot", rank: 2, flag: false, tags: [] }', 'success {"tier":"hot","rank":2,"flag":false,"tags":[]}'],
  ];
  for (const [value, expected] of cases) assert.is(message(await run(point, `module.exports = async () => (${value});`)), expected, value);
});

test('an unknown kind is a TypeError at definition time', () => {
  assert.throws(() => defineExtensibilityPoint({ ...base, returns: [{ path: 'x', is: 'date' as never }] }), (error: Error) => error instanceof TypeError && /Invalid result check for "x"/.test(error.message));
});

test.run();
