import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the public surface of @ext-compilers/core', async () => {
  assert.equal(Object.keys(await import('@ext-compilers/core')).sort(), [
    'BUFFERED_BODY',
    'DEFAULT_MAX_BODY_SIZE',
    'ExtCompilersError',
    'ExtensibilityUserError',
    'InvalidRequestError',
    'InvalidScopeError',
    'PREVIOUS_SECRET_NAME',
    'PreUserRegistrationError',
    'SECRET_NAME',
    'SendPhoneMessageError',
    'ServerError',
    'authorize',
    'compileScript',
    'createFileOnce',
    'defineExtensibilityPoint',
    'errorClassesSource',
    'errorPayload',
    'extensibilityPointMarkdown',
    'isError',
    'processAlive',
    'readBody',
    'readStream',
    'replaceFile',
    'sendError',
    'sendSuccess',
    'settleHook',
    'successPayload',
    'sweepTemporaryFiles',
    'syncDirectory',
    'toError',
    'userStack',
    'withBody',
  ]);
});

test.run();
