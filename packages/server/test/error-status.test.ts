import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExtCompilersError } from '@ext-compilers/core';
import { errorStatus, httpErrorOf } from '../src/http/error-status.ts';
import { HttpError } from '../src/http/http-error.ts';

// The server's one mapping of errors to statuses.
const CASES: [error: unknown, status: number][] = [
  [new HttpError(418, 'teapot'), 418],
  [new ExtCompilersError('ERR_BODY_READ', 'the stream failed'), 400],
  [new ExtCompilersError('ERR_STORAGE_USAGE', 'bad name'), 400],
  [new ExtCompilersError('ERR_BODY_TOO_LARGE', 'too large'), 413],
  [new ExtCompilersError('ERR_STORAGE_TOO_LARGE', 'too large'), 413],
  [new ExtCompilersError('ERR_STORAGE_CONFLICT', 'modified'), 409],
  [new ExtCompilersError('ERR_TOKEN_EXPIRED', 'expired'), 401],
  [new ExtCompilersError('ERR_TOKEN_CONTAINER', 'not this container'), 403],
  [new ExtCompilersError('ERR_TOKEN_CLAIMS', 'bad claims'), 400],
  [Object.assign(new Error('a code of nobody'), { code: 'ERR_SOMETHING_ELSE' }), 500],
  [Object.assign(new Error('inherited'), { code: 'toString' }), 500],
  [new TypeError('a bug'), 500],
  ['not even an error', 500],
  [null, 500],
];

test('errorStatus: an HttpError its own, a code by the table, anything else 500', () => {
  for (const [error, status] of CASES) assert.is(errorStatus(error), status, String((error as Error | null)?.message ?? error));
});

test("httpErrorOf: a coded error's message; never a 500's", () => {
  const coded = httpErrorOf(new ExtCompilersError('ERR_STORAGE_CONFLICT', 'Item was modified since it was read.'));
  assert.equal([coded.status, coded.message], [409, 'Item was modified since it was read.']);
  const bug = httpErrorOf(new Error('/srv/secret/path is broken'));
  assert.equal([bug.status, bug.message], [500, 'Internal server error.']);
  const own = new HttpError(404, 'No such webtask: a');
  assert.is(httpErrorOf(own), own);
});

test.run();
