// Unit tests of this folder's hook, written as a hook author would (password-exchange has no
// Actions trigger). Run through packages/compilers/test/examples-authoring.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, runHook } from 'ext-compilers/testing';

const test = suite('examples/password-exchange');
const hook = new URL('./hook.js', import.meta.url);

test('roles go to the access token, the display name to the ID token', async () => {
  const answer = await runHook('password-exchange', hook, fixtures.passwordExchange({ user: { app_metadata: { roles: ['admin'] } } }));
  assert.equal(answer.status === 'success' && answer.data, {
    accessToken: { scope: ['openid', 'read:orders'], 'https://api.example.com/roles': ['admin'] },
    idToken: { 'https://api.example.com/display_name': 'Maria Lopez', 'https://api.example.com/client': 'Storefront' },
  });
});

test('a suspended user is refused', async () => {
  const answer = await runHook('password-exchange', hook, fixtures.passwordExchange({ user: { app_metadata: { suspended: true } } }));
  assert.is(answer.status === 'error' && answer.data.message, 'User auth0|5f7c8ec7c33c6c004bbafe82 is suspended');
});

test.run();
