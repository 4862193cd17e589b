// Unit tests of this folder's hook and its Actions rewrite, written as a hook author would; the
// hooks read the secret CONNECTION_NAME. Run through packages/compilers/test/examples-authoring.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, runHook } from 'ext-compilers/testing';

const test = suite('examples/post-change-password');
const body = fixtures.postChangePassword();

test('both hooks answer {} for the expected connection, and an error for another one', async () => {
  for (const [point, name] of [['post-change-password', 'hook.js'], ['actions/post-change-password', 'actions.js']] as const) {
    const file = new URL(`./${name}`, import.meta.url);
    const ok = await runHook(point, file, body, { secrets: { CONNECTION_NAME: 'Username-Password-Authentication' } });
    assert.equal(ok, { statusCode: 200, headers: {}, status: 'success', data: {} }, point);
    const other = await runHook(point, file, body, { secrets: { CONNECTION_NAME: 'employees' } });
    assert.is(other.status === 'error' && other.data.message, 'Unexpected connection Username-Password-Authentication for maria.lopez@globex.example', point);
  }
});

test.run();
