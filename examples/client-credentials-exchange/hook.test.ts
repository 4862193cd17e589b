// Unit tests of this folder's hook and its Actions rewrite, written as a hook author would: no
// server, the point's compiler, a sample body. packages/compilers/test/examples-authoring.test.ts
// imports this file, so the repository's test run runs it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, runHook } from 'ext-compilers/testing';

const test = suite('examples/client-credentials-exchange');
const hooks = [
  ['client-credentials-exchange', new URL('./hook.js', import.meta.url)],
  ['actions/client-credentials-exchange', new URL('./actions.js', import.meta.url)],
] as const;

for (const [point, file] of hooks) {
  test(`${point}: the client's tier and the audience become claims`, async () => {
    const answer = await runHook(point, file, fixtures.clientCredentialsExchange({ client: { metadata: { tier: 'silver' } } }));
    assert.equal(answer, {
      statusCode: 200,
      headers: {},
      status: 'success',
      data: {
        scope: ['read:invoices', 'write:invoices'],
        'https://api.example.com/tier': 'silver',
        'https://api.example.com/audience_checked': 'https://api.example.com',
      },
    });
  });

  test(`${point}: delete:users needs can_delete_users`, async () => {
    const refused = await runHook(point, file, fixtures.clientCredentialsExchange({ scope: ['delete:users'] }));
    assert.is(refused.status, 'error');
    assert.is(refused.data && (refused.data as { name?: string }).name, 'InvalidScopeError');
    const allowed = await runHook(point, file, fixtures.clientCredentialsExchange({ scope: ['delete:users'], client: { metadata: { can_delete_users: 'true' } } }));
    assert.is(allowed.status, 'success');
  });
}

test.run();
