// Unit tests of this folder's hook and its Actions rewrite, written as a hook author would.
// Run through packages/compilers/test/examples-authoring.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, runHook } from 'ext-compilers/testing';

const test = suite('examples/pre-user-registration');

for (const point of ['pre-user-registration', 'actions/pre-user-registration'] as const) {
  const file = new URL(point.startsWith('actions/') ? './actions.js' : './hook.js', import.meta.url);

  test(`${point}: records language, connection and plan`, async () => {
    const answer = await runHook(point, file, fixtures.preUserRegistration({ context: { requestLanguage: 'fr-CA' } }));
    assert.equal(answer.status === 'success' && answer.data, {
      user: {
        user_metadata: { signup_language: 'fr-CA' },
        app_metadata: { signup_connection: 'Username-Password-Authentication', plan: 'trial' },
      },
    });
  });

  test(`${point}: a disposable domain is refused with a message for the user`, async () => {
    const answer = await runHook(point, file, fixtures.preUserRegistration({ user: { email: 'someone@yopmail.com' } }));
    assert.ok(answer.status === 'error');
    assert.is(answer.data.name, 'PreUserRegistrationError');
    assert.is(answer.data.friendlyMessage, 'Please sign up with a permanent e-mail address.');
  });
}

test.run();
