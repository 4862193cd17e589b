import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as compilers from 'ext-compilers';
import * as actions from 'ext-compilers/actions';
import * as testing from 'ext-compilers/testing';

const KEYS = [
  'client-credentials-exchange',
  'generic',
  'password-exchange',
  'post-change-password',
  'post-user-registration',
  'pre-user-registration',
  'send-phone-message',
];

test('the root is keyed by the wt-compiler export names, as auth0-ext-compilers', () => {
  assert.equal(Object.keys(compilers).sort(), KEYS);
  for (const key of KEYS) assert.type((compilers as Record<string, unknown>)[key], 'function', key);
});

test('each subpath default-exports the same compiler', async () => {
  for (const key of KEYS) {
    const sub = await import(`ext-compilers/${key}`);
    assert.equal(Object.keys(sub), ['default'], key);
    assert.is(sub.default, (compilers as Record<string, unknown>)[key], key);
  }
});

test('the three user-registration compilers are distinct functions with the same contract', () => {
  const family = [compilers['pre-user-registration'], compilers['post-user-registration'], compilers['post-change-password']];
  assert.is(new Set(family).size, 3);
});

const ACTIONS = ['client-credentials-exchange', 'post-change-password', 'post-user-registration', 'pre-user-registration', 'send-phone-message'];

test('ext-compilers/actions is keyed by point name; each ext-compilers/actions/<point> default-exports the same compiler', async () => {
  assert.equal(Object.keys(actions).sort(), ACTIONS);
  for (const key of ACTIONS) {
    const sub = await import(`ext-compilers/actions/${key}`);
    assert.equal(Object.keys(sub), ['default'], key);
    assert.type(sub.default, 'function', key);
    assert.is(sub.default, (actions as Record<string, unknown>)[key], key);
    assert.is.not(sub.default, (compilers as Record<string, unknown>)[key], key);
  }
});

test('ext-compilers/testing', () => {
  assert.equal(Object.keys(testing).sort(), ['compileHook', 'fixtures', 'runHook']);
  assert.equal(Object.keys(testing.fixtures), [
    'clientCredentialsExchange',
    'passwordExchange',
    'preUserRegistration',
    'postUserRegistration',
    'postChangePassword',
    'sendPhoneMessage',
  ]);
});

test.run();
