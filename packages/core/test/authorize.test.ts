import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { authorize } from '@ext-compilers/core';

const ctx = (authorization: string | undefined, secrets: Record<string, string> = { 'auth0-extension-secret': 's3cret' }) => ({
  headers: authorization === undefined ? {} : { authorization },
  secrets,
});

test('no secret: every call passes', () => {
  assert.is(authorize(ctx(undefined, {})), undefined);
  assert.is(authorize({ headers: {} }), undefined);
});

test('the right Bearer secret passes, scheme case-insensitive and header trimmed', () => {
  for (const header of ['Bearer s3cret', 'bearer s3cret', 'BEARER s3cret', '  Bearer s3cret  ']) {
    assert.is(authorize(ctx(header)), undefined, header);
  }
});

test('anything else is refused with the reference message and statusCode', () => {
  for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Bearer  s3cret', 'Basic s3cret', 'Bearer s3cre', 'Bearer s3cret2', 's3cret']) {
    const error = authorize(ctx(header)) as Error & { statusCode: number };
    assert.ok(error, String(header));
    assert.is(error.message, 'Unauthorized extensibility point');
    assert.is(error.statusCode, 500);
    assert.equal(Object.getOwnPropertyNames(error), ['stack', 'message', 'statusCode']);
  }
});

test('near misses are refused: prefixes, repetitions, extensions, other cases, other scripts', () => {
  const secrets = { 'auth0-extension-secret': 'Zk9#ü-secret' };
  assert.is(authorize(ctx('Bearer Zk9#ü-secret', secrets)), undefined);
  for (const guess of ['Zk9#ü-secre', 'Zk9#ü-secret-', 'Zk9#ü-secretZk9#ü-secret', 'zk9#ü-secret', 'Zk9#u-secret', 'Zk9#ü-secreT', 'x']) {
    assert.ok(authorize(ctx(`Bearer ${guess}`, secrets)), guess);
  }
});

test('the header is read as the reference regex /^bearer (.+)$/i reads the trimmed value', () => {
  const secrets = { 'auth0-extension-secret': 'a\nb' };
  assert.ok(authorize(ctx('Bearer a\nb', secrets)), 'a line break never matches');
  assert.ok(authorize(ctx('Bearer\ts3cret')), 'the separator is one space');
  assert.is(authorize(ctx('bEaReR s3cret\n')), undefined, 'trailing whitespace is trimmed');
});

test('a missing headers object is treated as no Authorization header', () => {
  assert.is(authorize({ secrets: { 'auth0-extension-secret': 'x' } } as never)?.message, 'Unauthorized extensibility point');
});

test('rotation: the previous secret passes while it is set', () => {
  const secrets = { 'auth0-extension-secret': 'new', 'auth0-extension-secret-previous': 'old' };
  assert.is(authorize(ctx('Bearer new', secrets)), undefined);
  assert.is(authorize(ctx('Bearer old', secrets)), undefined);
  assert.ok(authorize(ctx('Bearer older', secrets)));
  assert.ok(authorize(ctx('Bearer old', { 'auth0-extension-secret': 'new' })));
});

test.run();
