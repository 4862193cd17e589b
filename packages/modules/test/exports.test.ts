import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the public surface of @ext-compilers/modules', async () => {
  assert.equal(Object.keys(await import('@ext-compilers/modules')).sort(), [
    'analyze',
    'createModuleStore',
    'parseSpec',
    'prepare',
    'specKind',
  ]);
});

test.run();
