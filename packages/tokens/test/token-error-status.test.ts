import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tokenErrorStatus } from '@ext-compilers/tokens';

const table: [string, number | undefined][] = [
  ['ERR_TOKEN_MALFORMED', 401],
  ['ERR_TOKEN_SIGNATURE', 401],
  ['ERR_TOKEN_ALGORITHM', 401],
  ['ERR_TOKEN_EXPIRED', 401],
  ['ERR_TOKEN_NOT_YET_VALID', 401],
  ['ERR_TOKEN_REVOKED', 401],
  ['ERR_TOKEN_CONTAINER', 403],
  ['ERR_TOKEN_DEPTH', 403],
  ['ERR_TOKEN_FORBIDDEN', 403],
  ['ERR_TOKEN_CLAIMS', 400],
  ['ERR_BODY_TOO_LARGE', undefined],
  ['toString', undefined],
  ['', undefined],
];

test('each token code has its HTTP status; other codes have none', () => {
  for (const [code, status] of table) assert.is(tokenErrorStatus(code), status, code);
});

test.run();
