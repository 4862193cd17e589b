import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { code, NOW, payloadText, rejects, testService } from './helpers/service.ts';

test('a server-issued token carries the chosen claims plus jti, iat, ca and dd', async () => {
  const service = testService();
  const claims = {
    ten: 'c1',
    jtn: 'hook',
    nbf: NOW - 10,
    exp: NOW + 60,
    dd: 1,
    pctx: { region: 'eu' },
    url: 'webtask://localhost/api/data/code/c1%2Fhook',
    pb: 1 as const,
    mb: 0 as const,
    dr: 1 as const,
    ls: 1, lm: 2, lh: 3, ld: 4, lw: 5, lo: 6, lts: 7, ltm: 8, lth: 9, ltd: 10, ltw: 11, lto: 12,
  };
  const token = await service.issue(claims);
  const { claims: read } = await service.inspect(token);
  const { jti, iat, ca, ...chosen } = read;
  assert.equal(chosen, claims);
  assert.match(jti, /^[0-9a-f]{32}$/);
  assert.is(iat, NOW);
  assert.equal(ca, []);
  assert.equal(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()), { alg: 'HS256' });
});

test('dd defaults to 0; a list ten is trimmed and de-duplicated; jtis differ', async () => {
  const service = testService();
  const a = (await service.inspect(await service.issue({ ten: ' a, b,a ' }))).claims;
  const b = (await service.inspect(await service.issue({ ten: 'a' }))).claims;
  assert.is(a.dd, 0);
  assert.is(a.ten, 'a,b');
  assert.is.not(a.jti, b.jti);
});

test('ectx is encrypted into a compact JWE (dir, A256GCM): the secret is not in the token text', async () => {
  const service = testService();
  const secret = 'sk_live_do-not-leak-4242';
  const token = await service.issue({ ten: 'c', ectx: { API_KEY: secret } });
  const text = payloadText(token);
  assert.not.ok(text.includes(secret));
  assert.not.ok(text.includes(Buffer.from(secret).toString('base64')));
  assert.not.ok(text.includes('API_KEY'));
  const { ectx } = JSON.parse(text) as { ectx: string };
  assert.is(ectx.split('.').length, 5);
  assert.equal(JSON.parse(Buffer.from(ectx.split('.')[0] ?? '', 'base64url').toString()), { alg: 'dir', enc: 'A256GCM' });
  assert.not.ok(Buffer.from(ectx.split('.')[3] ?? '', 'base64url').toString('latin1').includes(secret));
});

const invalid: [string, unknown, string][] = [
  ['not an object', null, ''],
  ['an array', [], ''],
  ['no ten', {}, 'ten'],
  ['a ten that is not a string', { ten: 5 }, 'ten'],
  ['an empty ten', { ten: '' }, 'ten'],
  ['a list with an empty name', { ten: 'a,,b' }, 'ten'],
  ['a name with a slash', { ten: 'a/b' }, 'ten'],
  ['a name of 65 characters', { ten: 'a'.repeat(65) }, 'ten'],
  ['a jti', { ten: 'c', jti: 'f'.repeat(32) }, 'jti'],
  ['an iat', { ten: 'c', iat: NOW }, 'iat'],
  ['a ca', { ten: 'c', ca: [] }, 'ca'],
  ['an unknown claim', { ten: 'c', host: 'example.com' }, 'host'],
  ['a jtn with a list ten', { ten: 'a,b', jtn: 'x' }, 'jtn'],
  ['a jtn with a regex ten', { ten: '/a/', jtn: 'x' }, 'jtn'],
  ['a jtn that is not a name', { ten: 'a', jtn: 'x y' }, 'jtn'],
  ['a fractional exp', { ten: 'c', exp: NOW + 0.5 }, 'exp'],
  ['a string nbf', { ten: 'c', nbf: String(NOW) }, 'nbf'],
  ['a negative dd', { ten: 'c', dd: -1 }, 'dd'],
  ['pb 3', { ten: 'c', pb: 3 }, 'pb'],
  ['mb 2', { ten: 'c', mb: 2 }, 'mb'],
  ['dr true', { ten: 'c', dr: true }, 'dr'],
  ['an empty url', { ten: 'c', url: '' }, 'url'],
  ['a pctx that is not an object', { ten: 'c', pctx: 'a=b' }, 'pctx'],
  ['a pctx value that is not a string', { ten: 'c', pctx: { a: 1 } }, 'pctx'],
  ['an encrypted ectx pasted from another token', { ten: 'c', ectx: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..a.b.c' }, 'ectx'],
  ['an unsupported webtask_pb', { ten: 'c', pctx: { webtask_pb: '3' } }, 'pctx'],
  ['an unsupported webtask_mb', { ten: 'c', ectx: { webtask_mb: 'yes' } }, 'ectx'],
];

test('invalid claims are ERR_TOKEN_CLAIMS naming the claim', async () => {
  const service = testService();
  for (const [what, claims, claim] of invalid) {
    const error = await rejects(service.issue(claims as never));
    assert.is(error.code, 'ERR_TOKEN_CLAIMS', what);
    assert.equal(error.details, { claim }, what);
  }
});

test('exp must be later than nbf (sandboxjs message)', async () => {
  const service = testService();
  for (const [nbf, exp] of [[NOW, NOW], [NOW + 10, NOW]]) {
    const error = await rejects(service.issue({ ten: 'c', nbf, exp }));
    assert.is(error.code, 'ERR_TOKEN_CLAIMS');
    assert.is(error.message, 'The `nbf` parameter cannot be set to a later time than `exp`.');
  }
});

test('every limit must be a positive integer (sandboxjs message)', async () => {
  const service = testService();
  for (const limit of ['ls', 'lm', 'lh', 'ld', 'lw', 'lo', 'lts', 'ltm', 'lth', 'ltd', 'ltw', 'lto']) {
    for (const value of [0, -1, 1.5, '10', null]) {
      const error = await rejects(service.issue({ ten: 'c', [limit]: value } as never));
      assert.is(error.code, 'ERR_TOKEN_CLAIMS', `${limit}=${value}`);
      assert.is(error.message, `Unsupported limit value for \`${limit}\` limit. All limits must be positive integers.`);
    }
  }
});

test('an issuer token must itself be valid', async () => {
  const service = testService();
  assert.is(await code(service.issue({ ten: 'c' }, { issuer: 'not a token' })), 'ERR_TOKEN_MALFORMED');
  const expiring = await service.issue({ ten: 'c', dd: 1, exp: NOW + 1 });
  service.setNow(NOW + 1);
  assert.is(await code(service.issue({ ten: 'c' }, { issuer: expiring })), 'ERR_TOKEN_EXPIRED');
});

test.run();
