// Unit tests of this folder's hook and its Actions rewrite, written as a hook author would.
// Run through packages/compilers/test/examples-authoring.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, runHook } from 'ext-compilers/testing';

const test = suite('examples/post-user-registration');

for (const [point, name] of [['post-user-registration', 'hook.js'], ['actions/post-user-registration', 'actions.js']] as const) {
  test(`${point}: the onboarding sequence follows email verification`, async () => {
    const file = new URL(`./${name}`, import.meta.url);
    const unverified = await runHook(point, file, fixtures.postUserRegistration());
    const verified = await runHook(point, file, fixtures.postUserRegistration({ user: { emailVerified: true } }));
    const sequence = (answer: typeof verified) => answer.status === 'success' && (answer.data as { sequence: string }).sequence;
    assert.equal([sequence(unverified), sequence(verified)], ['onboarding-verify-email', 'onboarding-verified']);
  });
}

test.run();
