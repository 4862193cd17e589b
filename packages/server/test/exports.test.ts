import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the public surface of @ext-compilers/server', async () => {
  assert.equal(Object.keys(await import('@ext-compilers/server')).sort(), [
    'ADMIN_TOKEN_FILE',
    'DEFAULT_LIMITS',
    'DEFAULT_LIST_LIMIT',
    'MAX_CODE_SIZE',
    'MAX_DATA_SIZE',
    'MAX_LIST_LIMIT',
    'checkModulePolicy',
    'createEmbeddedStore',
    'createMemoryStore',
    'createPostgresStore',
    'createWebtaskServer',
    'openServer',
  ]);
});

test.run();
