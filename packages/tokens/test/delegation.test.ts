import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { code, NOW, rejects, testService } from './helpers/service.ts';

test('ca is the issuance chain, root first; dd must decrease at each level', async () => {
  const service = testService();
  const root = await service.issue({ ten: 'a,b', dd: 2 });
  const child = await service.issue({ ten: 'a', dd: 1 }, { issuer: root });
  const grandchild = await service.issue({ ten: 'a' }, { issuer: child });
  const [r, c, g] = await Promise.all([root, child, grandchild].map(async (t) => (await service.inspect(t)).claims));
  assert.equal(c?.ca, [r?.jti]);
  assert.equal(g?.ca, [r?.jti, c?.jti]);
  assert.is(g?.dd, 0);
});

test('dd 0 cannot issue (the platform message)', async () => {
  const service = testService();
  const token = await service.issue({ ten: 'c' });
  const error = await rejects(service.issue({ ten: 'c' }, { issuer: token }));
  assert.is(error.code, 'ERR_TOKEN_DEPTH');
  assert.is(error.message, 'The authentication webtask token cannot be used to issue new webtask tokens.');
});

test('a child dd must be lower than its issuer dd', async () => {
  const service = testService();
  const issuer = await service.issue({ ten: 'c', dd: 2 });
  assert.is(await code(service.issue({ ten: 'c', dd: 2 }, { issuer })), 'ERR_TOKEN_DEPTH');
  assert.is(await code(service.issue({ ten: 'c', dd: 3 }, { issuer })), 'ERR_TOKEN_DEPTH');
  assert.is((await service.inspect(await service.issue({ ten: 'c', dd: 1 }, { issuer }))).claims.dd, 1);
});

test('a child ten must be admitted by the issuer ten', async () => {
  const service = testService();
  const list = await service.issue({ ten: 'a,b', dd: 1 });
  const pattern = await service.issue({ ten: '/wt-[a-z]+/', dd: 1 });
  const ok: [string, string][] = [[list, 'a'], [list, 'b,a'], [pattern, 'wt-x,wt-y'], [pattern, '/wt-[a-z]+/']];
  for (const [issuer, ten] of ok) assert.is((await service.inspect(await service.issue({ ten }, { issuer }))).claims.ten.length > 0, true, ten);
  const refused: [string, string][] = [[list, 'c'], [list, 'a,c'], [list, '/a/'], [pattern, 'wt-1'], [pattern, '/wt-[a-z]/'], [pattern, '/.*/']];
  for (const [issuer, ten] of refused) assert.is(await code(service.issue({ ten }, { issuer })), 'ERR_TOKEN_CONTAINER', ten);
});

test('a child inherits ten, exp, container limits and fixed code; token limits are not inherited', async () => {
  const service = testService();
  const issuer = await service.issue({ ten: 'c', dd: 1, exp: NOW + 100, ls: 5, lts: 7, url: 'https://code.example/a.js' });
  const { claims } = await service.inspect(await service.issue({}, { issuer }));
  assert.equal([claims.ten, claims.exp, claims.ls, claims.lts, claims.url], ['c', NOW + 100, 5, undefined, 'https://code.example/a.js']);
});

test('a child cannot outlive its issuer or raise its container limits', async () => {
  const service = testService();
  const issuer = await service.issue({ ten: 'c', dd: 1, exp: NOW + 100, lm: 10 });
  assert.is(await code(service.issue({ exp: NOW + 101 }, { issuer })), 'ERR_TOKEN_FORBIDDEN');
  assert.is(await code(service.issue({ lm: 11 }, { issuer })), 'ERR_TOKEN_FORBIDDEN');
  assert.is((await service.inspect(await service.issue({ exp: NOW + 50, lm: 3 }, { issuer }))).claims.exp, NOW + 50);
});

test('a token with fixed code cannot issue tokens for other code, by url or by webtask_url', async () => {
  const service = testService();
  const issuer = await service.issue({ ten: 'c', dd: 1, pctx: { webtask_url: 'https://code.example/a.js' } });
  assert.is(await code(service.issue({ url: 'https://evil.example/b.js' }, { issuer })), 'ERR_TOKEN_FORBIDDEN');
  assert.is(await code(service.issue({ pctx: { webtask_url: 'https://evil.example/b.js' } }, { issuer })), 'ERR_TOKEN_FORBIDDEN');
  assert.is(await code(service.issue({ ectx: { webtask_url: 'https://evil.example/b.js' } }, { issuer })), 'ERR_TOKEN_FORBIDDEN');
  assert.is((await service.verify(await service.issue({}, { issuer }))).url, 'https://code.example/a.js');
});

test('the server (no issuer) can issue any token', async () => {
  const service = testService();
  const token = await service.issue({ ten: '/.*/', dd: 100, url: 'https://code.example/a.js' });
  assert.is((await service.verify(token, { container: 'anything' })).claims.dd, 100);
});

test.run();
