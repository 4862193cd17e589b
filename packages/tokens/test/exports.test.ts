import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the public surface of @ext-compilers/tokens', async () => {
  assert.equal(Object.keys(await import('@ext-compilers/tokens')).sort(), [
    'createMemoryRevocationStore',
    'createTokenService',
    'generateKeys',
    'tokenErrorStatus',
  ]);
});

test.run();
