import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompactSign } from 'jose';
import { base64url, code, NOW, rejects, testService } from './helpers/service.ts';

test('verify returns the claims, the containers, params, secrets and the run settings', async () => {
  const service = testService();
  const token = await service.issue({ ten: 'a,b', pctx: { p: '1' }, ectx: { s: '2' }, url: 'https://code.example/a.js', pb: 2, mb: 1 });
  const verified = await service.verify(token, { container: 'b' });
  assert.equal(verified.claims, (await service.inspect(token)).claims);
  assert.equal(
    { ...verified, claims: undefined },
    { claims: undefined, containers: { kind: 'names', names: ['a', 'b'] }, params: { p: '1' }, secrets: { s: '2' }, url: 'https://code.example/a.js', pb: 2, mb: 1 },
  );
});

test('without pctx, ectx or settings: empty params and secrets, undefined settings', async () => {
  const service = testService();
  const { params, secrets, url, pb, mb } = await service.verify(await service.issue({ ten: 'c' }));
  assert.equal({ params, secrets, url, pb, mb }, { params: {}, secrets: {}, url: undefined, pb: undefined, mb: undefined });
});

test('precedence: ectx over pctx over the plain claims, for url, pb and mb', async () => {
  const service = testService();
  const plain = { url: 'https://plain.example', pb: 0 as const, mb: 0 as const };
  const pctx = { webtask_url: 'https://pctx.example', webtask_pb: '1', webtask_mb: '1' };
  const ectx = { webtask_url: 'https://ectx.example', webtask_pb: '2', webtask_mb: '0' };
  const settings = async (claims: object) => {
    const { url, pb, mb } = await service.verify(await service.issue({ ten: 'c', ...claims }));
    return { url, pb, mb };
  };
  assert.equal(await settings(plain), { url: 'https://plain.example', pb: 0, mb: 0 });
  assert.equal(await settings({ ...plain, pctx }), { url: 'https://pctx.example', pb: 1, mb: 1 });
  assert.equal(await settings({ ...plain, pctx, ectx }), { url: 'https://ectx.example', pb: 2, mb: 0 });
  assert.equal(await settings({ ...plain, pctx: { webtask_pb: '2' }, ectx: { webtask_url: 'https://ectx.example' } }), { url: 'https://ectx.example', pb: 2, mb: 0 });
});

test('a container the ten does not admit is ERR_TOKEN_CONTAINER', async () => {
  const service = testService();
  const list = await service.issue({ ten: 'a,b' });
  const pattern = await service.issue({ ten: '/wt-[0-9]+/' });
  for (const container of ['c', 'a,b', 'A', ' a', '']) assert.is(await code(service.verify(list, { container })), 'ERR_TOKEN_CONTAINER', container);
  assert.is((await service.verify(pattern, { container: 'wt-42' })).containers.kind, 'pattern');
  for (const container of ['wt-', 'xwt-1', 'wt-1x', 'wt-1\n', `wt-${'1'.repeat(62)}`]) {
    assert.is(await code(service.verify(pattern, { container })), 'ERR_TOKEN_CONTAINER', container);
  }
  assert.is((await service.verify(pattern, { container: `wt-${'1'.repeat(61)}` })).claims.ten, '/wt-[0-9]+/');
});

test('exp and nbf against the injected clock', async () => {
  const service = testService();
  const token = await service.issue({ ten: 'c', nbf: NOW + 10, exp: NOW + 20 });
  assert.is(await code(service.verify(token)), 'ERR_TOKEN_NOT_YET_VALID');
  service.setNow(NOW + 10);
  assert.is((await service.verify(token)).claims.exp, NOW + 20);
  service.setNow(NOW + 19);
  assert.ok(await service.verify(token));
  service.setNow(NOW + 20);
  const error = await rejects(service.verify(token));
  assert.is(error.code, 'ERR_TOKEN_EXPIRED');
  assert.equal(error.details, { exp: NOW + 20 });
});

test('alg none, hand-built, is ERR_TOKEN_ALGORITHM', async () => {
  const service = testService();
  const payload = (await service.inspect(await service.issue({ ten: 'c' }))).claims;
  for (const header of [{ alg: 'none' }, { alg: 'None' }, { alg: 'none', typ: 'JWT' }]) {
    const token = `${base64url(header)}.${base64url(payload)}.`;
    assert.is(await code(service.verify(token)), 'ERR_TOKEN_ALGORITHM', JSON.stringify(header));
  }
});

test('HS512 with the right key, or HS256 with another key, is refused', async () => {
  const service = testService();
  const other = testService();
  const payload = new TextEncoder().encode(JSON.stringify((await service.inspect(await service.issue({ ten: 'c' }))).claims));
  // The service's own key is not reachable, so HS512 is tried with a key of the right size: the
  // algorithm check comes before any signature is computed.
  const hs512 = await new CompactSign(payload).setProtectedHeader({ alg: 'HS512' }).sign(new Uint8Array(64));
  assert.is(await code(service.verify(hs512)), 'ERR_TOKEN_ALGORITHM');
  const foreign = await other.issue({ ten: 'c' });
  assert.is(await code(service.verify(foreign)), 'ERR_TOKEN_SIGNATURE');
  const forged = await new CompactSign(payload).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
  assert.is(await code(service.verify(forged)), 'ERR_TOKEN_SIGNATURE');
});

test('a changed payload breaks the signature', async () => {
  const service = testService();
  const [header, , signature] = (await service.issue({ ten: 'a' })).split('.');
  const widened = { ten: '/.*/', dd: 9, jti: 'f'.repeat(32), iat: NOW, ca: [] };
  assert.is(await code(service.verify(`${header}.${base64url(widened)}.${signature}`)), 'ERR_TOKEN_SIGNATURE');
});

test('anything that is not a compact JWS is ERR_TOKEN_MALFORMED', async () => {
  const service = testService();
  for (const token of ['', 'abc', 'a.b', 'a.b.c.d', '..', `${base64url({ alg: 'HS256' })}.e30`, 'eyJ.eyJ.eyJ']) {
    assert.is(await code(service.verify(token)), 'ERR_TOKEN_MALFORMED', token);
  }
  assert.instance(await rejects(service.verify(42 as never)), TypeError);
  assert.instance(await rejects(service.verify(await service.issue({ ten: 'c' }), { container: 5 as never })), TypeError);
});

test('a well-signed payload that is not a webtask token is ERR_TOKEN_MALFORMED', async () => {
  const key = new Uint8Array(32).fill(7);
  const { createTokenService } = await import('@ext-compilers/tokens');
  const service = createTokenService({ signingKey: key, encryptionKey: new Uint8Array(32).fill(8) });
  const sign = (payload: string) => new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'HS256' }).sign(key);
  const good = { ten: 'c', jti: 'a'.repeat(32), iat: NOW, ca: [], dd: 0 };
  assert.ok(await service.verify(await sign(JSON.stringify(good))));
  for (const payload of ['[]', 'not json', '"x"', JSON.stringify({ ...good, jti: 'x' }), JSON.stringify({ ...good, ca: 'x' }), JSON.stringify({ ...good, ten: '/(a+)+/' }), JSON.stringify({ ...good, ectx: { s: 'plain' } })]) {
    assert.is(await code(service.verify(await sign(payload))), 'ERR_TOKEN_MALFORMED', payload);
  }
});

test('error messages never carry a key, a secret or the token', async () => {
  const service = testService();
  const token = await service.issue({ ten: 'c', ectx: { s: 'hunter2-secret' }, exp: NOW + 1 });
  service.setNow(NOW + 5);
  for (const error of [await rejects(service.verify(token)), await rejects(service.verify(`${token}x`)), await rejects(service.verify(token, { container: 'd' }))]) {
    assert.not.ok(error.message.includes('hunter2') || error.message.includes(token.slice(0, 20)), error.message);
  }
});

test.run();
