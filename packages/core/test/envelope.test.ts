import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runInNewContext } from 'node:vm';
import { errorPayload, sendError, sendSuccess, successPayload, toError } from '@ext-compilers/core';

function capture() {
  const out = { status: 0, headers: {} as Record<string, string>, body: '' };
  return { out, res: { writeHead: (s: number, h: Record<string, string>) => { out.status = s; out.headers = h; }, end: (b: string) => { out.body = b; } } };
}

test('success payload keeps the reference statusCode and headers keys', () => {
  assert.is(successPayload({ a: 1 }), '{"statusCode":200,"headers":{},"status":"success","data":{"a":1}}');
  assert.equal(JSON.parse(successPayload([1, 'x'])), { statusCode: 200, headers: {}, status: 'success', data: [1, 'x'] });
});

test('success payload omits data that JSON cannot carry, as JSON.stringify of the object would', () => {
  for (const data of [undefined, () => 1, Symbol('s')]) {
    assert.is(successPayload(data), '{"statusCode":200,"headers":{},"status":"success"}');
  }
  assert.is(successPayload(null), '{"statusCode":200,"headers":{},"status":"success","data":null}');
});

test('error payload copies every own property of the error', () => {
  const error = Object.assign(new Error('boom'), { code: 'E1', friendlyMessage: 'Nope' });
  const data = JSON.parse(errorPayload(error)).data;
  assert.equal(Object.keys(data), ['stack', 'message', 'code', 'friendlyMessage']);
  assert.is(data.message, 'boom');
  assert.is(data.code, 'E1');
  assert.not.ok('name' in data, 'a plain Error has no own name');
});

test('non-Error values become an Error with the reference message rules', () => {
  assert.is(toError('text').message, 'text');
  assert.is(toError({ message: 'from object' }).message, 'from object');
  assert.is(toError({}).message, '[object Object]');
  assert.is(toError({ message: 42 }).message, '42');
  assert.is(toError({ message: '' }).message, '[object Object]');
  assert.is(toError('').message, 'Unknown error');
  assert.is(toError('text').stack, 'Error: text');
});

test('errors from another realm are kept as errors', () => {
  const foreign = runInNewContext('class E extends Error { constructor(m) { super(m); this.name = "E"; this.extra = 1 } }; new E("far")');
  const data = JSON.parse(errorPayload(foreign)).data;
  assert.is(data.name, 'E');
  assert.is(data.extra, 1);
  assert.is(data.message, 'far');
});

test('an error that cannot be serialised becomes a serialisation error envelope', () => {
  const error = new Error('cyclic') as Error & { self?: unknown };
  error.self = error;
  const data = JSON.parse(errorPayload(error)).data;
  assert.match(data.message, /^Error serializing error: /);
});

test('sendSuccess answers 200 JSON, and an unserialisable result becomes the reference error', () => {
  const ok = capture();
  sendSuccess(ok.res, { x: 1 });
  assert.equal(ok.out, { status: 200, headers: { 'Content-Type': 'application/json' }, body: successPayload({ x: 1 }) });
  const bad = capture();
  sendSuccess(bad.res, { n: 1n });
  assert.is(bad.out.status, 200);
  assert.equal(JSON.parse(bad.out.body), {
    status: 'error',
    data: {
      stack: 'Error: Error when JSON serializing the result of the extension point',
      message: 'Error when JSON serializing the result of the extension point',
    },
  });
});

test('sendError answers 200 JSON with the error envelope', () => {
  const { out, res } = capture();
  sendError(res, 'nope');
  assert.is(out.status, 200);
  assert.equal(JSON.parse(out.body), { status: 'error', data: { stack: 'Error: nope', message: 'nope' } });
});

test.run();
